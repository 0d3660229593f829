"""Expression language of esmon questionnaires (a small XLSForm subset).

Expressions drive relevance, calculations, constraints and warnings.  They are parsed once on the
server (never with eval/exec) into a small AST; Python evaluates it when answers are saved and the
browser evaluates the very same AST, serialised as JSON, with ``static/js/expressions.js`` while
people type.  Both evaluators follow the rules below and are checked against the shared vectors
in ``tests/data/expression_vectors.json``.

Syntax
------
* literals: numbers ``12``, ``12.5`` (dot decimal); strings in single or double quotes, without
  escapes (``"it's"`` and ``'say "hi"'`` both work);
* ``${name}`` - the answer to another question (``name`` = ``[a-z][a-z0-9_]*``);
  ``.`` - the current question's own value (only meaningful in constraints and warnings);
* operators, lowest precedence first, all binary ones left-associative:
  ``or``; ``and``; ``=`` ``!=``; ``<`` ``<=`` ``>`` ``>=``; ``+`` ``-``; ``*`` ``div`` ``mod``;
  unary ``-``; parentheses.  Keywords are lowercase.  ``/`` is not division (use ``div``);
* function calls ``name(arg, ...)``, see ``FUNCTIONS``; the number of arguments is checked when
  parsing.  ``prev``, ``cell``, ``row-total`` and ``column-total`` take a ``${reference}`` as their
  first argument.

Errors are ``ExpressionError`` with a Polish ``message`` and the 1-based ``column`` where the
problem starts.

Values
------
``None`` is empty (unanswered or hidden); numbers are ``Decimal`` (``Number`` in JS); strings;
booleans; ``list[str]`` for multiple choice; ``dict[row, dict[column, number]]`` for tables.  Dates
are ISO strings ``YYYY-MM-DD`` and so compare correctly as strings.

Answers (and the own value and previous answers) are normalised when read: ``''``, ``[]`` and
``{}`` become empty; ints and floats become ``Decimal(str(x))``; a string in canonical number form
(``-?(0|[1-9][0-9]{0,14})(\\.[0-9]+)?``, e.g. ``"1234.50"``) becomes a number, while other strings
(``"007"``, a 26-digit account number, ``"00-950"``) stay text so leading zeros survive in
``regex()`` and ``string-length()``; list items are kept as strings; ``date`` objects become ISO
strings.

Semantics
---------
1. Arithmetic (``+ - * div mod``, unary ``-``): an empty operand (``None`` or ``''``) counts as 0;
   a string that parses as a number (``[+-]?(digits[.digits]|.digits)``, surrounding blanks
   allowed) counts as that number; booleans count as 1/0; a table counts as its grand total; any
   other string or a list makes the result empty.  ``x div 0`` and ``x mod 0`` are empty.  ``mod``
   keeps the sign of the dividend (like JS ``%``).
2. Comparison: a list is first turned into its space-joined string, a table into its grand total
   and a boolean into 1/0.  If either side is then a number, the other side is converted (empty ->
   0, numeric string -> number); if that side is a non-numeric string (``''`` included) both are
   compared as strings (numbers written as in rule 5).  Otherwise both sides are strings with empty
   -> ``''``, compared by code points.  Numbers are equal when
   ``|a-b| <= 1e-12 * max(1, |a|, |b|)``; ``<`` and ``>`` are strict with that tolerance, so
   ``<=``/``>=`` agree with ``=``.  The result is a boolean.  So ``${x} != ''`` is true for an
   answered 0 and false for an unanswered question, while ``${x} = 0`` is true when unanswered.
3. ``and``/``or``/``not()``/``if()`` use truthiness: empty, ``''``, 0, false and an empty list are
   false, a table is its grand total, anything else is true.  ``and``/``or`` return booleans and
   short-circuit.
4. ``selected(v, 'x')``: a list -> membership; another value -> equality of texts (single choice);
   empty -> false.  ``count-selected(v)``: length of a list; any other non-empty value 1; empty 0.
5. Numbers are written as text (``concat``, string comparison, ``string-length``, ``regex``) as
   integers without a decimal point, otherwise as the shortest plain decimal, rounded to 15
   significant digits (what JS doubles can carry), without exponent and trailing zeros.  Booleans
   are written ``1``/``0``, lists space-joined, tables as their grand total, empty as ``''``.
6. ``sum(...)``: arithmetic sum with empty -> 0 (a table adds its grand total).
   ``coalesce(...)``: first argument that is neither empty nor ``''``.  ``min``/``max``: empty
   arguments ignored, all empty -> empty, a non-numeric argument -> empty.  ``string-length``
   counts code points (empty -> 0).  ``regex(s, p)``: ``re.fullmatch(p, s, re.ASCII)`` (JS:
   ``new RegExp('^(?:' + p + ')$')``), empty tests ``''``, an invalid pattern is false.
   ``number(x)``: a number or empty.  ``int(x)`` truncates toward 0, ``round(x, n)`` rounds half
   away from zero (n defaults to 0); both give empty for empty or non-numeric input.  ``concat``
   writes empty as ``''``.  ``date(y, m, d)``: ISO date, invalid -> empty.  ``year(d)``: the year
   of an ISO date (a ``T...`` time part is allowed), otherwise empty.
7. ``prev(${x})``: the previous round's answer (empty if absent).  ``today()`` and
   ``reporting-year()`` come from the context (empty if not set).  ``cell(${t}, 'row', 'col')``
   gives a cell (empty if missing); ``row-total``/``column-total`` add the numeric cells of a row or
   column (0 when there are none; non-numeric cells are ignored).

Limits: nesting is limited to ``MAX_DEPTH`` levels; JS cannot carry integers above 2**53 exactly
nor ``mod`` of non-integers exactly, so such values may differ between the two evaluators.

Command line: ``python -m forms.expressions --vectors FILE`` prints the vectors with an added
``"ast"`` key (the file ``tests/data/expression_vectors_ast.json`` used by the JS tests);
``python -m forms.expressions 'EXPR'`` prints the JSON AST of one expression.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import math
import re
import sys
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal, DecimalException
from typing import Any

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "BinOp",
    "Call",
    "EvalContext",
    "Expression",
    "ExpressionError",
    "Neg",
    "Node",
    "Num",
    "Ref",
    "SelfRef",
    "Str",
    "check_references",
    "evaluate",
    "from_json",
    "functions_used",
    "parse",
    "previous_references",
    "references",
    "to_json",
    "to_source",
    "to_text",
    "truthy",
    "uses_self",
]

#: name -> (minimum number of arguments, maximum or None for any number)
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "selected": (2, 2),
    "count-selected": (1, 1),
    "if": (3, 3),
    "sum": (1, None),
    "coalesce": (2, None),
    "string-length": (1, 1),
    "regex": (2, 2),
    "not": (1, 1),
    "int": (1, 1),
    "round": (1, 2),
    "number": (1, 1),
    "concat": (1, None),
    "min": (1, None),
    "max": (1, None),
    "today": (0, 0),
    "date": (3, 3),
    "year": (1, 1),
    "reporting-year": (0, 0),
    "prev": (1, 1),
    "cell": (3, 3),
    "row-total": (2, 2),
    "column-total": (2, 2),
}

#: functions whose first argument must be a ${reference}
_REFERENCE_FIRST = frozenset({"prev", "cell", "row-total", "column-total"})

#: deepest allowed AST (and parenthesis nesting); keeps both evaluators far from stack limits
MAX_DEPTH = 100

_KEYWORDS = frozenset({"and", "or", "div", "mod"})
_PRECEDENCE = {
    "or": 1, "and": 2,
    "=": 3, "!=": 3,
    "<": 4, "<=": 4, ">": 4, ">=": 4,
    "+": 5, "-": 5,
    "*": 6, "div": 6, "mod": 6,
}
_NEG_PRECEDENCE = 7
OPERATORS = frozenset(_PRECEDENCE)

_REF_NAME_RE = re.compile(r"[a-z][a-z0-9_]*")
_WORD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*")
_NUMBER_LITERAL_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_CANONICAL_NUMBER_RE = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]+)?")
_LOOSE_NUMBER_RE = re.compile(r"[ \t\r\n]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[ \t\r\n]*")
_ISO_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T.*)?", re.DOTALL)
#: Python-only regex syntax that the browser's RegExp would reject or read differently
_PY_ONLY_REGEX_RE = re.compile(r"\(\?P|\(\?#|\(\?[aiLmsux]|\\[AZ]|\{,")

_CTX = Context(prec=28, rounding=ROUND_HALF_UP, Emax=999_999, Emin=-999_999)
_TOLERANCE = Decimal("1e-12")
_ZERO = Decimal(0)
_ONE = Decimal(1)


class ExpressionError(ValueError):
    """A syntax or structure problem, with the 1-based column where it starts."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"kolumna {column}: {message}")
        self.message = message
        self.column = column

    def __str__(self) -> str:
        return f"kolumna {self.column}: {self.message}"


# --------------------------------------------------------------------------------------------
# AST
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Num:
    """A number literal, kept as written (``v`` is its text) so JSON round-trips exactly."""

    v: str


@dataclass(frozen=True, slots=True)
class Str:
    """A string literal."""

    v: str


@dataclass(frozen=True, slots=True)
class Ref:
    """``${n}`` - the answer to question ``n``."""

    n: str


@dataclass(frozen=True, slots=True)
class SelfRef:
    """``.`` - the current question's own value."""


@dataclass(frozen=True, slots=True)
class BinOp:
    """A binary operator ``o`` applied to ``a`` and ``b``."""

    o: str
    a: Node
    b: Node


@dataclass(frozen=True, slots=True)
class Neg:
    """Unary minus."""

    a: Node


@dataclass(frozen=True, slots=True)
class Call:
    """A function call ``f(args...)``."""

    f: str
    args: tuple[Node, ...]


Node = Num | Str | Ref | SelfRef | BinOp | Neg | Call


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
            m = _NUMBER_LITERAL_RE.match(src, i)
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
            if not _REF_NAME_RE.fullmatch(name):
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
        if "-" in word and word not in FUNCTIONS:
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


def _arity_message(name: str) -> str:
    low, high = FUNCTIONS[name]

    def word(k: int) -> str:
        return "argumentu" if k == 1 else "argumentów"

    if high == low:
        if low == 0:
            return f"Funkcja '{name}' nie przyjmuje argumentów"
        return f"Funkcja '{name}' wymaga {low} {word(low)}"
    if high is None:
        return f"Funkcja '{name}' wymaga co najmniej {low} {word(low)}"
    return f"Funkcja '{name}' wymaga od {low} do {high} argumentów"


def _check_regex_literal(pattern: str, column: int) -> None:
    m = _PY_ONLY_REGEX_RE.search(pattern)
    if m:
        raise ExpressionError(f"Konstrukcja '{m.group()}' w wyrażeniu regularnym nie jest "
                              "obsługiwana w przeglądarce", column)
    try:
        re.compile(pattern, re.ASCII)
    except re.error as err:
        raise ExpressionError(f"Nieprawidłowe wyrażenie regularne: {err.msg}", column) from None


class _Parser:
    def __init__(self, source: str) -> None:
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
            if tok.kind != "op" or _PRECEDENCE[tok.value] < min_prec:
                return left
            self.take()
            right = self.expression(_PRECEDENCE[tok.value] + 1)
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
        if self.peek().kind != "(":
            if fname in FUNCTIONS:
                raise ExpressionError(f"Po nazwie funkcji '{fname}' brakuje nawiasu '('",
                                      self.peek().col)
            raise ExpressionError(f"Nieznana nazwa '{fname}' (odwołanie do pytania zapisuj jako "
                                  f"${{{fname}}})", name.col)
        if fname not in FUNCTIONS:
            hint = ""
            if fname.lower() in FUNCTIONS:
                hint = f" (nazwy funkcji zapisuj małymi literami: '{fname.lower()}')"
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
        _check_call(fname, args, name.col, columns)
        return Call(fname, tuple(args))


def _check_call(fname: str, args: list[Node] | tuple[Node, ...], column: int,
                arg_columns: list[int] | None = None) -> None:
    """Arity and argument-shape rules shared by the parser and ``from_json``."""
    low, high = FUNCTIONS[fname]
    if len(args) < low or (high is not None and len(args) > high):
        raise ExpressionError(_arity_message(fname), column)

    def col(k: int) -> int:
        return arg_columns[k] if arg_columns else column

    if fname in _REFERENCE_FIRST and not isinstance(args[0], Ref):
        raise ExpressionError(f"Pierwszym argumentem funkcji '{fname}' musi być odwołanie "
                              "do pytania ${nazwa}", col(0))
    if fname == "regex" and isinstance(args[1], Str):
        _check_regex_literal(args[1].v, col(1))


def _depth(node: Node) -> int:
    deepest = 0
    stack: list[tuple[Node, int]] = [(node, 1)]
    while stack:
        current, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((child, d + 1) for child in _children(current))
    return deepest


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, BinOp):
        return (node.a, node.b)
    if isinstance(node, Neg):
        return (node.a,)
    if isinstance(node, Call):
        return node.args
    return ()


@functools.lru_cache(maxsize=4096)
def parse(source: str) -> Expression:
    """Parse expression text; cached because the same rules are parsed for every request."""
    if not isinstance(source, str):
        raise TypeError(f"expression source must be str, not {type(source).__name__}")
    ast = _Parser(source).parse()
    if _depth(ast) > MAX_DEPTH:
        raise ExpressionError(f"Wyrażenie jest zbyt złożone (ponad {MAX_DEPTH} poziomów); "
                              "długie sumy zapisz jako sum(...)", 1)
    return Expression(source, ast)


# --------------------------------------------------------------------------------------------
# Static analysis
# --------------------------------------------------------------------------------------------


def _as_node(expr: Expression | Node) -> Node:
    return expr.ast if isinstance(expr, Expression) else expr


def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(_children(current)))


def references(expr: Expression | Node) -> set[str]:
    """Question names used as ``${...}`` (inside ``prev()`` too), e.g. to find unknown names."""
    return {n.n for n in _walk(_as_node(expr)) if isinstance(n, Ref)}


def previous_references(expr: Expression | Node) -> set[str]:
    """Names read from the previous round via ``prev(${name})``; they need no current answer."""
    found = set()
    for n in _walk(_as_node(expr)):
        if isinstance(n, Call) and n.f == "prev":
            found |= references(n.args[0])
    return found


def uses_self(expr: Expression | Node) -> bool:
    """Whether ``.`` occurs - only constraints and warnings have an own value."""
    return any(isinstance(n, SelfRef) for n in _walk(_as_node(expr)))


def functions_used(expr: Expression | Node) -> set[str]:
    """Names of the functions called, e.g. to reject ``today()`` where results must be stable."""
    return {n.f for n in _walk(_as_node(expr)) if isinstance(n, Call)}


def check_references(expr: Expression, known: Collection[str]) -> None:
    """Raise ``ExpressionError`` at the column of the first ``${name}`` not in ``known``."""
    for tok in _tokenize(expr.source):
        if tok.kind == "ref" and tok.value not in known:
            raise ExpressionError(f"Nieznane pytanie '{tok.value}'", tok.col)


# --------------------------------------------------------------------------------------------
# JSON AST and source text
# --------------------------------------------------------------------------------------------


def to_json(expr_or_node: Expression | Node) -> dict[str, Any]:
    """Compact JSON-able AST; the browser evaluates exactly this."""
    node = _as_node(expr_or_node)
    if isinstance(node, Num):
        return {"t": "num", "v": node.v}
    if isinstance(node, Str):
        return {"t": "str", "v": node.v}
    if isinstance(node, Ref):
        return {"t": "ref", "n": node.n}
    if isinstance(node, SelfRef):
        return {"t": "self"}
    if isinstance(node, BinOp):
        return {"t": "op", "o": node.o, "a": to_json(node.a), "b": to_json(node.b)}
    if isinstance(node, Neg):
        return {"t": "neg", "a": to_json(node.a)}
    if isinstance(node, Call):
        return {"t": "fn", "f": node.f, "args": [to_json(a) for a in node.args]}
    raise TypeError(f"not an expression node: {node!r}")


def _bad_json(what: str) -> ExpressionError:
    # AST errors have no position in any text: column 0
    return ExpressionError(f"Nieprawidłowe drzewo wyrażenia: {what}", 0)


def _node_from_json(data: Any, depth: int) -> Node:
    if depth > MAX_DEPTH:
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
        if not _NUMBER_LITERAL_RE.fullmatch(v):
            raise _bad_json(f"niepoprawna liczba {v!r}")
        return Num(v)
    if kind == "str":
        return Str(text("v"))
    if kind == "ref":
        n = text("n")
        if not _REF_NAME_RE.fullmatch(n):
            raise _bad_json(f"niepoprawna nazwa {n!r}")
        return Ref(n)
    if kind == "self":
        return SelfRef()
    if kind == "op":
        o = text("o")
        if o not in OPERATORS:
            raise _bad_json(f"nieznany operator {o!r}")
        return BinOp(o, _node_from_json(data.get("a"), depth + 1),
                     _node_from_json(data.get("b"), depth + 1))
    if kind == "neg":
        return Neg(_node_from_json(data.get("a"), depth + 1))
    if kind == "fn":
        f = text("f")
        if f not in FUNCTIONS:
            raise ExpressionError(f"Nieznana funkcja '{f}'", 0)
        raw_args = data.get("args")
        if not isinstance(raw_args, list):
            raise _bad_json("węzeł 'fn' wymaga listy 'args'")
        args = tuple(_node_from_json(a, depth + 1) for a in raw_args)
        _check_call(f, args, 0)
        return Call(f, args)
    raise _bad_json(f"nieznany rodzaj węzła {kind!r}")


def from_json(data: Mapping[str, Any]) -> Expression:
    """Rebuild an expression from ``to_json`` output (validated; source text regenerated)."""
    node = _node_from_json(data, 1)
    return Expression(to_source(node), node)


def _quote(s: str) -> str:
    if "'" not in s:
        return f"'{s}'"
    if '"' not in s:
        return f'"{s}"'
    # no escapes in the language: glue the pieces together
    pieces = []
    for k, part in enumerate(s.split("'")):
        if k:
            pieces.append('"\'"')
        if part:
            pieces.append(f"'{part}'")
    return f"concat({', '.join(pieces)})"


def _source(node: Node, context: int) -> str:
    if isinstance(node, Num):
        return node.v
    if isinstance(node, Str):
        return _quote(node.v)
    if isinstance(node, Ref):
        return f"${{{node.n}}}"
    if isinstance(node, SelfRef):
        return "."
    if isinstance(node, BinOp):
        prec = _PRECEDENCE[node.o]
        text = f"{_source(node.a, prec)} {node.o} {_source(node.b, prec + 1)}"
        return f"({text})" if prec < context else text
    if isinstance(node, Neg):
        inner = _source(node.a, _NEG_PRECEDENCE)
        return f"- {inner}" if inner.startswith("-") else f"-{inner}"
    if isinstance(node, Call):
        return f"{node.f}({', '.join(_source(a, 0) for a in node.args)})"
    raise TypeError(f"not an expression node: {node!r}")


def to_source(expr_or_node: Expression | Node) -> str:
    """Canonical text of an AST (minimal parentheses); parses back to an equal AST."""
    return _source(_as_node(expr_or_node), 0)


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvalContext:
    """Everything an expression can see: answers, own value, previous round, year and date."""

    answers: Mapping[str, Any]
    self_value: Any = None
    previous: Mapping[str, Any] = field(default_factory=dict)
    reporting_year: int | None = None
    today: str | None = None


class _Fail:
    """Marker: a value that cannot take part in arithmetic."""

    def __repr__(self) -> str:
        return "<not a number>"


_FAIL = _Fail()


def _clean(d: Decimal) -> Decimal:
    return _ZERO if d.is_zero() else d


def _normalize(value: Any) -> Any:
    """An answer as expressions see it (see the module docstring)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return _clean(value) if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return _clean(Decimal(str(value))) if math.isfinite(value) else None
    if isinstance(value, str):
        if value == "":
            return None
        if _CANONICAL_NUMBER_RE.fullmatch(value):
            return _clean(Decimal(value))
        return value
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        table = {str(r): {str(c): _normalize(x) for c, x in row.items()}
                 for r, row in value.items() if isinstance(row, Mapping)}
        return table or None
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        out = [x if isinstance(x, str) else to_text(_normalize(x))
               for x in items if x is not None and x != ""]
        return out or None
    return str(value)


def _loose_number(s: str) -> Decimal | None:
    if _LOOSE_NUMBER_RE.fullmatch(s):
        return _clean(Decimal(s.strip(" \t\r\n")))
    return None


def _cell_number(x: Any) -> Decimal | None:
    if isinstance(x, bool):
        return _ONE if x else _ZERO
    if isinstance(x, Decimal):
        return x
    if isinstance(x, str):
        return _loose_number(x)
    return None


def _table_sum(table: Any, row: str | None = None, col: str | None = None) -> Decimal:
    total = _ZERO
    if not isinstance(table, Mapping):
        return total
    for r, cells in table.items():
        if (row is not None and r != row) or not isinstance(cells, Mapping):
            continue
        for c, x in cells.items():
            if col is not None and c != col:
                continue
            n = _cell_number(x)
            if n is not None:
                total = _CTX.add(total, n)
    return _clean(total)


def _num(v: Any) -> Decimal | _Fail:
    """Operand of arithmetic: empty -> 0, numeric text -> number, other text/list -> fail."""
    if v is None:
        return _ZERO
    if isinstance(v, bool):
        return _ONE if v else _ZERO
    if isinstance(v, Decimal):
        return v
    if isinstance(v, str):
        if v == "":
            return _ZERO
        n = _loose_number(v)
        return _FAIL if n is None else n
    if isinstance(v, Mapping):
        return _table_sum(v)
    return _FAIL


def _num_or_none(v: Any) -> Decimal | None:
    """Argument of number()/int()/round(): empty or non-numeric -> None."""
    if v is None or v == "":
        return None
    n = _num(v)
    return None if isinstance(n, _Fail) else n


def _format_number(d: Decimal) -> str:
    if d.is_zero():
        return "0"
    if d == d.to_integral_value():
        return str(int(d))
    q = d.quantize(_ONE.scaleb(d.adjusted() - 14), rounding=ROUND_HALF_UP, context=_CTX)
    return format(q.normalize(_CTX), "f")


def to_text(value: Any) -> str:
    """A value written as text (rule 5): what concat() and string comparisons see."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return _format_number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return " ".join(to_text(x) for x in value)
    if isinstance(value, Mapping):
        return _format_number(_table_sum(value))
    if isinstance(value, int | float):
        return to_text(_normalize(value))
    return str(value)


def truthy(value: Any) -> bool:
    """Truthiness used by and/or/not/if and relevance: empty, '', 0, false, [] are false."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal | int | float):
        return value != 0
    if isinstance(value, str | list | tuple):
        return len(value) > 0
    if isinstance(value, Mapping):
        return _table_sum(_normalize(value)) != 0
    return True


def _numbers_equal(a: Decimal, b: Decimal) -> bool:
    scale = max(_ONE, abs(a), abs(b))
    return abs(_CTX.subtract(a, b)) <= _CTX.multiply(_TOLERANCE, scale)


def _compare(op: str, a: Any, b: Any) -> bool:
    def prepare(v: Any) -> Any:
        if isinstance(v, list | tuple):
            return " ".join(to_text(x) for x in v)
        if isinstance(v, Mapping):
            return _table_sum(v)
        if isinstance(v, bool):
            return _ONE if v else _ZERO
        return v

    a, b = prepare(a), prepare(b)
    order: int | None = None
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        na = _ZERO if a is None else a if isinstance(a, Decimal) else _loose_number(a)
        nb = _ZERO if b is None else b if isinstance(b, Decimal) else _loose_number(b)
        if na is not None and nb is not None:
            order = 0 if _numbers_equal(na, nb) else (-1 if na < nb else 1)
    if order is None:
        sa, sb = to_text(a), to_text(b)
        order = 0 if sa == sb else (-1 if sa < sb else 1)
    if op == "=":
        return order == 0
    if op == "!=":
        return order != 0
    if op == "<":
        return order < 0
    if op == "<=":
        return order <= 0
    if op == ">":
        return order > 0
    return order >= 0


def _arith(op: str, a: Any, b: Any) -> Decimal | None:
    x, y = _num(a), _num(b)
    if isinstance(x, _Fail) or isinstance(y, _Fail):
        return None
    try:
        if op == "+":
            return _clean(_CTX.add(x, y))
        if op == "-":
            return _clean(_CTX.subtract(x, y))
        if op == "*":
            return _clean(_CTX.multiply(x, y))
        if y.is_zero():
            return None
        if op == "div":
            return _clean(_CTX.divide(x, y))
        return _clean(_CTX.remainder(x, y))  # mod: sign of the dividend
    except DecimalException:
        return None


# --------------------------------------------------------------------------------------------
# Evaluator
# --------------------------------------------------------------------------------------------


def _eval(node: Node, ctx: EvalContext) -> Any:
    if isinstance(node, Num):
        return Decimal(node.v)
    if isinstance(node, Str):
        return node.v
    if isinstance(node, Ref):
        return _normalize(ctx.answers.get(node.n))
    if isinstance(node, SelfRef):
        return _normalize(ctx.self_value)
    if isinstance(node, BinOp):
        if node.o == "and":
            return truthy(_eval(node.a, ctx)) and truthy(_eval(node.b, ctx))
        if node.o == "or":
            return truthy(_eval(node.a, ctx)) or truthy(_eval(node.b, ctx))
        a, b = _eval(node.a, ctx), _eval(node.b, ctx)
        if node.o in ("=", "!=", "<", "<=", ">", ">="):
            return _compare(node.o, a, b)
        return _arith(node.o, a, b)
    if isinstance(node, Neg):
        n = _num(_eval(node.a, ctx))
        return None if isinstance(n, _Fail) else _clean(-n)
    if isinstance(node, Call):
        return _IMPLEMENTATIONS[node.f](node.args, ctx)
    raise TypeError(f"not an expression node: {node!r}")


def evaluate(expr: Expression | Node, ctx: EvalContext | None = None) -> Any:
    """Value of an expression for the given answers; data problems give empty, never raise."""
    return _eval(_as_node(expr), ctx if ctx is not None else EvalContext(answers={}))


_Impl = Callable[[tuple[Node, ...], EvalContext], Any]


def _values(args: tuple[Node, ...], ctx: EvalContext) -> list[Any]:
    return [_eval(a, ctx) for a in args]


def _fn_selected(args: tuple[Node, ...], ctx: EvalContext) -> bool:
    v, choice = _values(args, ctx)
    wanted = to_text(choice)
    if v is None:
        return False
    if isinstance(v, list | tuple):
        return any(to_text(x) == wanted for x in v)
    return to_text(v) == wanted


def _fn_count_selected(args: tuple[Node, ...], ctx: EvalContext) -> Decimal:
    v = _eval(args[0], ctx)
    if isinstance(v, list | tuple):
        return Decimal(len(v))
    return _ZERO if v is None or v == "" else _ONE


def _fn_if(args: tuple[Node, ...], ctx: EvalContext) -> Any:
    return _eval(args[1] if truthy(_eval(args[0], ctx)) else args[2], ctx)


def _fn_sum(args: tuple[Node, ...], ctx: EvalContext) -> Decimal | None:
    total = _ZERO
    for v in _values(args, ctx):
        n = _num(v)
        if isinstance(n, _Fail):
            return None
        total = _CTX.add(total, n)
    return _clean(total)


def _fn_coalesce(args: tuple[Node, ...], ctx: EvalContext) -> Any:
    for a in args:
        v = _eval(a, ctx)
        if v is not None and v != "":
            return v
    return None


def _extreme(args: tuple[Node, ...], ctx: EvalContext, pick: Callable[..., Decimal]
             ) -> Decimal | None:
    numbers = []
    for v in _values(args, ctx):
        if v is None or v == "":
            continue
        n = _num(v)
        if isinstance(n, _Fail):
            return None
        numbers.append(n)
    return pick(numbers) if numbers else None


def _fn_string_length(args: tuple[Node, ...], ctx: EvalContext) -> Decimal:
    return Decimal(len(to_text(_eval(args[0], ctx))))


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern, re.ASCII)
    except re.error:
        return None


def _fn_regex(args: tuple[Node, ...], ctx: EvalContext) -> bool:
    s, p = (to_text(v) for v in _values(args, ctx))
    compiled = _compiled(p)
    return compiled is not None and compiled.fullmatch(s) is not None


def _fn_not(args: tuple[Node, ...], ctx: EvalContext) -> bool:
    return not truthy(_eval(args[0], ctx))


def _fn_int(args: tuple[Node, ...], ctx: EvalContext) -> Decimal | None:
    n = _num_or_none(_eval(args[0], ctx))
    return None if n is None else _clean(n.to_integral_value(rounding=ROUND_DOWN))


def _fn_round(args: tuple[Node, ...], ctx: EvalContext) -> Decimal | None:
    values = _values(args, ctx)
    x = _num_or_none(values[0])
    if x is None:
        return None
    places = _num_or_none(values[1]) if len(values) > 1 else None
    digits = 0 if places is None else int(places.to_integral_value(rounding=ROUND_DOWN))
    digits = max(-30, min(30, digits))
    try:
        return _clean(x.quantize(_ONE.scaleb(-digits), rounding=ROUND_HALF_UP, context=_CTX))
    except DecimalException:  # more digits than the precision: nothing to round
        return x


def _fn_number(args: tuple[Node, ...], ctx: EvalContext) -> Decimal | None:
    return _num_or_none(_eval(args[0], ctx))


def _fn_concat(args: tuple[Node, ...], ctx: EvalContext) -> str:
    return "".join(to_text(v) for v in _values(args, ctx))


def _fn_today(args: tuple[Node, ...], ctx: EvalContext) -> str | None:
    today: Any = ctx.today
    if isinstance(today, datetime.date):
        return _normalize(today)
    return today if isinstance(today, str) and today else None


def _valid_date(y: int, m: int, d: int) -> str | None:
    try:
        return datetime.date(y, m, d).isoformat()
    except (ValueError, OverflowError):
        return None


def _fn_date(args: tuple[Node, ...], ctx: EvalContext) -> str | None:
    parts = []
    for v in _values(args, ctx):
        n = _num_or_none(v)
        if n is None or n != n.to_integral_value():
            return None
        parts.append(int(n))
    return _valid_date(*parts)


def _fn_year(args: tuple[Node, ...], ctx: EvalContext) -> Decimal | None:
    v = _eval(args[0], ctx)
    if not isinstance(v, str):
        return None
    m = _ISO_DATE_RE.fullmatch(v)
    if m is None or _valid_date(*(int(g) for g in m.groups())) is None:
        return None
    return Decimal(int(m.group(1)))


def _fn_reporting_year(args: tuple[Node, ...], ctx: EvalContext) -> Decimal | None:
    return _normalize(ctx.reporting_year)


def _fn_prev(args: tuple[Node, ...], ctx: EvalContext) -> Any:
    ref = args[0]
    assert isinstance(ref, Ref)
    return _normalize((ctx.previous or {}).get(ref.n))


def _fn_cell(args: tuple[Node, ...], ctx: EvalContext) -> Any:
    table, row, col = _values(args, ctx)
    if not isinstance(table, Mapping):
        return None
    cells = table.get(to_text(row))
    return cells.get(to_text(col)) if isinstance(cells, Mapping) else None


def _fn_row_total(args: tuple[Node, ...], ctx: EvalContext) -> Decimal:
    table, row = _values(args, ctx)
    return _table_sum(table, row=to_text(row))


def _fn_column_total(args: tuple[Node, ...], ctx: EvalContext) -> Decimal:
    table, col = _values(args, ctx)
    return _table_sum(table, col=to_text(col))


_IMPLEMENTATIONS: dict[str, _Impl] = {
    "selected": _fn_selected,
    "count-selected": _fn_count_selected,
    "if": _fn_if,
    "sum": _fn_sum,
    "coalesce": _fn_coalesce,
    "string-length": _fn_string_length,
    "regex": _fn_regex,
    "not": _fn_not,
    "int": _fn_int,
    "round": _fn_round,
    "number": _fn_number,
    "concat": _fn_concat,
    "min": lambda args, ctx: _extreme(args, ctx, min),
    "max": lambda args, ctx: _extreme(args, ctx, max),
    "today": _fn_today,
    "date": _fn_date,
    "year": _fn_year,
    "reporting-year": _fn_reporting_year,
    "prev": _fn_prev,
    "cell": _fn_cell,
    "row-total": _fn_row_total,
    "column-total": _fn_column_total,
}
assert set(_IMPLEMENTATIONS) == set(FUNCTIONS)


# --------------------------------------------------------------------------------------------
# Shared test vectors (command line)
# --------------------------------------------------------------------------------------------


def vectors_with_ast(vectors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each vector with an added ``"ast"`` key, for the JS tests (which have no parser)."""
    return [{**v, "ast": to_json(parse(v["expr"]))} for v in vectors]


def dump_vectors(vectors: list[dict[str, Any]]) -> str:
    """One vector per line, so diffs of the committed files stay readable."""
    lines = [json.dumps(v, ensure_ascii=False) for v in vectors]
    return "[\n" + ",\n".join(f"  {line}" for line in lines) + "\n]\n"


def main(argv: list[str] | None = None) -> int:
    """CLI: print the AST of an expression, or add ASTs to a vectors file."""
    ap = argparse.ArgumentParser(prog="python -m forms.expressions", description=__doc__.split(
        "\n", 1)[0])
    ap.add_argument("expression", nargs="?", help="expression to parse")
    ap.add_argument("--vectors", metavar="FILE", help="vectors JSON file; prints it with ASTs")
    ns = ap.parse_args(argv)
    if ns.vectors:
        with open(ns.vectors, encoding="utf-8") as fh:
            text = dump_vectors(vectors_with_ast(json.load(fh)))
    elif ns.expression is not None:
        try:
            text = json.dumps(to_json(parse(ns.expression)), ensure_ascii=False) + "\n"
        except ExpressionError as err:
            sys.stderr.write(f"{err}\n")
            return 1
    else:
        ap.print_usage(sys.stderr)
        return 2
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
