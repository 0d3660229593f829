"""Reading expressions: the tokenizer and the hand-written parser, and trees from JSON.

The parser is precedence climbing over a token list. It is written by hand for its messages:
every problem is an ``ExpressionError`` in Polish with the 1-based column where it starts, and
the usual slips of people who know other languages get a hint (``==``, ``&&``, ``/``,
``And``, a function name without parentheses, a question name without ``${}``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from forms.expressions.evaluate import evaluate
from forms.expressions.semantics import FORMATS, REGISTRY, EvalContext, check_call, resolve
from forms.expressions.tree import (
    MAX_DEPTH,
    NUMBER_LITERAL_RE,
    OPERATORS,
    PRECEDENCE,
    REF_NAME_RE,
    BinOp,
    Call,
    ExpressionError,
    Neg,
    Node,
    Num,
    Ref,
    SelfRef,
    Str,
    depth,
    to_source,
)

_KEYWORDS = frozenset({"and", "or", "div", "mod"})
_WORD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*")


@dataclass(frozen=True)
class Expression:
    """A parsed, immutable expression; equality and hashing look at the AST only."""

    source: str = field(compare=False)
    ast: Node

    def evaluate(self, ctx: EvalContext | None = None) -> Any:
        """Shortcut for ``evaluate(self, ctx)``."""
        return evaluate(self, ctx)

    def __str__(self) -> str:
        return self.source


# --------------------------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # num str ref self op ( ) , name eof
    value: str
    col: int
    text: str

    def shown(self) -> str:
        return "koniec wyrażenia" if self.kind == "eof" else f"'{self.text}'"


_OPERATOR_HINTS = {
    "==": "Użyj '=' zamiast '=='",
    "<>": "Użyj '!=' zamiast '<>'",
    "&&": "Użyj 'and' zamiast '&&'",
    "||": "Użyj 'or' zamiast '||'",
    "/": "Użyj 'div' zamiast '/' do dzielenia",
    "%": "Użyj 'mod' zamiast '%'",
    "&": "Użyj 'and' zamiast '&'",
    "|": "Użyj 'or' zamiast '|'",
}


def _tokenize(src: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        col = i + 1
        if c.isspace():
            i += 1
            continue
        if "0" <= c <= "9":
            m = NUMBER_LITERAL_RE.match(src, i)
            assert m is not None
            end = m.end()
            if end < n and src[end] == ".":
                raise ExpressionError(f"Niepoprawna liczba '{src[i:end + 1]}'", col)
            tokens.append(_Token("num", m.group(), col, m.group()))
            i = end
            continue
        if c in "'\"":
            close = src.find(c, i + 1)
            if close < 0:
                raise ExpressionError("Brak cudzysłowu zamykającego", col)
            tokens.append(_Token("str", src[i + 1:close], col, src[i:close + 1]))
            i = close + 1
            continue
        if c == "$":
            if src[i + 1:i + 2] != "{":
                raise ExpressionError("Po '$' oczekiwano '{' (odwołanie zapisuj jako ${nazwa})",
                                      col)
            close = src.find("}", i + 2)
            if close < 0:
                raise ExpressionError("Brak '}' zamykającego odwołanie", col)
            name = src[i + 2:close]
            if not REF_NAME_RE.fullmatch(name):
                raise ExpressionError(
                    f"Nieprawidłowa nazwa pytania '{name}' (dozwolone: małe litery, cyfry i '_', "
                    "na początku litera)", col)
            tokens.append(_Token("ref", name, col, src[i:close + 1]))
            i = close + 1
            continue
        if c == ".":
            if src[i + 1:i + 2].isdigit():
                raise ExpressionError("Liczba musi zaczynać się od cyfry, np. 0.5", col)
            tokens.append(_Token("self", ".", col, "."))
            i += 1
            continue
        if c in "(),":
            tokens.append(_Token(c, c, col, c))
            i += 1
            continue
        two = src[i:i + 2]
        if two in _OPERATOR_HINTS:
            raise ExpressionError(_OPERATOR_HINTS[two], col)
        if two in ("!=", "<=", ">="):
            tokens.append(_Token("op", two, col, two))
            i += 2
            continue
        if c in "=<>+-*":
            tokens.append(_Token("op", c, col, c))
            i += 1
            continue
        if c in _OPERATOR_HINTS:
            raise ExpressionError(_OPERATOR_HINTS[c], col)
        if c == "!":
            raise ExpressionError("Nieoczekiwany znak '!' (zaprzeczenie to not(...), "
                                  "różne to '!=')", col)
        m = _WORD_RE.match(src, i)
        if m is None:
            raise ExpressionError(f"Nieoczekiwany znak '{c}'", col)
        word = m.group()
        if "-" in word and word not in REGISTRY:
            head = word.split("-", 1)[0]
            if head in _KEYWORDS:  # "2 mod-1" is "2 mod -1"
                word = head
        if word in _KEYWORDS:
            tokens.append(_Token("op", word, col, word))
        elif word.lower() in _KEYWORDS:
            raise ExpressionError(
                f"Słowa kluczowe zapisuj małymi literami: '{word.lower()}' zamiast '{word}'", col)
        else:
            tokens.append(_Token("name", word, col, word))
        i += len(word)
    tokens.append(_Token("eof", "", n + 1, ""))
    return tokens


# --------------------------------------------------------------------------------------------
# Parser (precedence climbing)
# --------------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, source: str, fmt: int) -> None:
        self.fmt = fmt
        self.tokens = _tokenize(source)
        self.pos = 0
        self.nesting = 0

    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def take(self) -> _Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> Node:
        node = self.expression(1)
        tok = self.peek()
        if tok.kind == ")":
            raise ExpressionError("Nadmiarowy nawias zamykający", tok.col)
        if tok.kind != "eof":
            raise ExpressionError(f"Brak operatora przed {tok.shown()}", tok.col)
        return node

    def expression(self, min_prec: int) -> Node:
        left = self.unary()
        while True:
            tok = self.peek()
            if tok.kind != "op" or PRECEDENCE[tok.value] < min_prec:
                return left
            self.take()
            right = self.expression(PRECEDENCE[tok.value] + 1)
            left = BinOp(tok.value, left, right)

    def unary(self) -> Node:
        tok = self.peek()
        if tok.kind == "op" and tok.value == "-":
            self.take()
            self.enter(tok)
            node = Neg(self.unary())
            self.nesting -= 1
            return node
        return self.primary()

    def enter(self, tok: _Token) -> None:
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise ExpressionError("Wyrażenie jest zbyt głęboko zagnieżdżone", tok.col)

    def primary(self) -> Node:
        tok = self.take()
        if tok.kind == "num":
            return Num(tok.value)
        if tok.kind == "str":
            return Str(tok.value)
        if tok.kind == "ref":
            return Ref(tok.value)
        if tok.kind == "self":
            return SelfRef()
        if tok.kind == "(":
            self.enter(tok)
            node = self.expression(1)
            self.close(tok)
            self.nesting -= 1
            return node
        if tok.kind == "name":
            return self.call(tok)
        raise ExpressionError("Oczekiwano wyrażenia", tok.col)

    def close(self, opening: _Token) -> None:
        tok = self.peek()
        if tok.kind == ")":
            self.take()
            return
        if tok.kind == "eof":
            raise ExpressionError("Brak nawiasu zamykającego", opening.col)
        raise ExpressionError(f"Oczekiwano ')' lub operatora przed {tok.shown()}", tok.col)

    def call(self, name: _Token) -> Node:
        fname = name.value
        key = resolve(fname, self.fmt)
        if self.peek().kind != "(":
            if key is not None:
                raise ExpressionError(f"Po nazwie funkcji '{fname}' brakuje nawiasu '('",
                                      self.peek().col)
            raise ExpressionError(f"Nieznana nazwa '{fname}' (odwołanie do pytania zapisuj jako "
                                  f"${{{fname}}})", name.col)
        if key is None:
            hint = ""
            if resolve(fname.lower(), self.fmt) is not None:
                hint = f" (nazwy funkcji zapisuj małymi literami: '{fname.lower()}')"
            elif any(resolve(fname, later) for later in FORMATS if later > self.fmt):
                hint = " (dostępna w definicjach 'format: 2')"
            raise ExpressionError(f"Nieznana funkcja '{fname}'{hint}", name.col)
        opening = self.take()
        self.enter(opening)
        args: list[Node] = []
        columns: list[int] = []
        if self.peek().kind == ")":
            self.take()
        else:
            while True:
                columns.append(self.peek().col)
                args.append(self.expression(1))
                tok = self.peek()
                if tok.kind == ",":
                    self.take()
                    continue
                if tok.kind == ")":
                    self.take()
                    break
                if tok.kind == "eof":
                    raise ExpressionError("Brak nawiasu zamykającego", opening.col)
                raise ExpressionError(f"Oczekiwano ',' lub ')' przed {tok.shown()}", tok.col)
        self.nesting -= 1
        check_call(key, args, name.col, columns)
        return Call(key, tuple(args))


@functools.lru_cache(maxsize=4096)
def parse(source: str, fmt: int = 1) -> Expression:
    """Parse expression text; cached because the same rules are parsed for every request.

    :param fmt: the definition's ``format``: in 2, ``regex``, ``selected`` and
        ``count-selected`` mean what they mean in ODK and ``true()``/``false()`` exist
    """
    if not isinstance(source, str):
        raise TypeError(f"expression source must be str, not {type(source).__name__}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown expression format {fmt!r}")
    ast = _Parser(source, fmt).parse()
    if depth(ast) > MAX_DEPTH:
        raise ExpressionError(f"Wyrażenie jest zbyt złożone (ponad {MAX_DEPTH} poziomów); "
                              "długie sumy zapisz jako sum(...)", 1)
    return Expression(source, ast)


def check_references(expr: Expression, known: Collection[str]) -> None:
    """Raise ``ExpressionError`` at the column of the first ``${name}`` not in ``known``."""
    for tok in _tokenize(expr.source):
        if tok.kind == "ref" and tok.value not in known:
            raise ExpressionError(f"Nieznane pytanie '{tok.value}'", tok.col)


# --------------------------------------------------------------------------------------------
# Trees from JSON
# --------------------------------------------------------------------------------------------


def _bad_json(what: str) -> ExpressionError:
    # AST errors have no position in any text: column 0
    return ExpressionError(f"Nieprawidłowe drzewo wyrażenia: {what}", 0)


def _node_from_json(data: Any, level: int) -> Node:
    if level > MAX_DEPTH:
        raise _bad_json("zbyt głębokie zagnieżdżenie")
    if not isinstance(data, Mapping):
        raise _bad_json(f"oczekiwano obiektu, jest {type(data).__name__}")
    kind = data.get("t")

    def text(key: str) -> str:
        value = data.get(key)
        if not isinstance(value, str):
            raise _bad_json(f"węzeł '{kind}' wymaga tekstu w polu '{key}'")
        return value

    if kind == "num":
        v = text("v")
        if not NUMBER_LITERAL_RE.fullmatch(v):
            raise _bad_json(f"niepoprawna liczba {v!r}")
        return Num(v)
    if kind == "str":
        return Str(text("v"))
    if kind == "ref":
        n = text("n")
        if not REF_NAME_RE.fullmatch(n):
            raise _bad_json(f"niepoprawna nazwa {n!r}")
        return Ref(n)
    if kind == "self":
        return SelfRef()
    if kind == "op":
        o = text("o")
        if o not in OPERATORS:
            raise _bad_json(f"nieznany operator {o!r}")
        return BinOp(o, _node_from_json(data.get("a"), level + 1),
                     _node_from_json(data.get("b"), level + 1))
    if kind == "neg":
        return Neg(_node_from_json(data.get("a"), level + 1))
    if kind == "fn":
        f = text("f")
        if f not in REGISTRY:
            raise ExpressionError(f"Nieznana funkcja '{f}'", 0)
        raw_args = data.get("args")
        if not isinstance(raw_args, list):
            raise _bad_json("węzeł 'fn' wymaga listy 'args'")
        args = tuple(_node_from_json(a, level + 1) for a in raw_args)
        check_call(f, args, 0)
        return Call(f, args)
    raise _bad_json(f"nieznany rodzaj węzła {kind!r}")


def from_json(data: Mapping[str, Any]) -> Expression:
    """Rebuild an expression from ``to_json`` output (validated; source text regenerated)."""
    node = _node_from_json(data, 1)
    return Expression(to_source(node), node)
