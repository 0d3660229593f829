"""The expression tree: node types, the walkers that read it, its JSON form and its text.

The parser (``syntax``) builds these frozen nodes; the evaluator walks them; the browser gets
them as JSON (``to_json``) and evaluates exactly that. Field names are the JSON keys, kept
short because every page carries the trees of its rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

#: deepest allowed tree (and parenthesis nesting); keeps both evaluators far from stack limits
MAX_DEPTH = 100

#: binary operators and their precedence, lowest first; all are left-associative
PRECEDENCE = {
    "or": 1, "and": 2,
    "=": 3, "!=": 3,
    "<": 4, "<=": 4, ">": 4, ">=": 4,
    "+": 5, "-": 5,
    "*": 6, "div": 6, "mod": 6,
}
NEG_PRECEDENCE = 7
OPERATORS = frozenset(PRECEDENCE)

#: a question name in ``${name}``
REF_NAME_RE = re.compile(r"[a-z][a-z0-9_]*")
#: a number literal as written (dot decimal, no sign, no exponent)
NUMBER_LITERAL_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")


class ExpressionError(ValueError):
    """A syntax or structure problem, with the 1-based column where it starts."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"kolumna {column}: {message}")
        self.message = message
        self.column = column

    def __str__(self) -> str:
        return f"kolumna {self.column}: {self.message}"


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


class Parsed(Protocol):
    """A parsed expression (``Expression``): the walkers take one or a bare node."""

    @property
    def ast(self) -> Node: ...


# --------------------------------------------------------------------------------------------
# Walking the tree
# --------------------------------------------------------------------------------------------


def depth(node: Node) -> int:
    """Levels of the tree (a literal alone is 1)."""
    deepest = 0
    stack: list[tuple[Node, int]] = [(node, 1)]
    while stack:
        current, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((child, d + 1) for child in children(current))
    return deepest


def children(node: Node) -> tuple[Node, ...]:
    """The operands or arguments of a node, left to right."""
    if isinstance(node, BinOp):
        return (node.a, node.b)
    if isinstance(node, Neg):
        return (node.a,)
    if isinstance(node, Call):
        return node.args
    return ()


def as_node(expr: Parsed | Node) -> Node:
    """The tree of an expression, or the node itself."""
    return expr if isinstance(expr, Node) else expr.ast


def walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def references(expr: Parsed | Node) -> set[str]:
    """Question names used as ``${...}`` (inside ``prev()`` too), e.g. to find unknown names."""
    return {n.n for n in walk(as_node(expr)) if isinstance(n, Ref)}


def previous_references(expr: Parsed | Node) -> set[str]:
    """Names read from the previous round via ``prev(${name})``; they need no current answer."""
    found = set()
    for n in walk(as_node(expr)):
        if isinstance(n, Call) and n.f == "prev":
            found |= references(n.args[0])
    return found


def uses_self(expr: Parsed | Node) -> bool:
    """Whether ``.`` occurs - only constraints and warnings have an own value."""
    return any(isinstance(n, SelfRef) for n in walk(as_node(expr)))


def functions_used(expr: Parsed | Node) -> set[str]:
    """Names of the functions called, e.g. to reject ``today()`` where results must be stable."""
    return {n.f for n in walk(as_node(expr)) if isinstance(n, Call)}


# --------------------------------------------------------------------------------------------
# JSON and source text
# --------------------------------------------------------------------------------------------


def to_json(expr_or_node: Parsed | Node) -> dict[str, Any]:
    """Compact JSON-able AST; the browser evaluates exactly this."""
    node = as_node(expr_or_node)
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
        prec = PRECEDENCE[node.o]
        text = f"{_source(node.a, prec)} {node.o} {_source(node.b, prec + 1)}"
        return f"({text})" if prec < context else text
    if isinstance(node, Neg):
        inner = _source(node.a, NEG_PRECEDENCE)
        return f"- {inner}" if inner.startswith("-") else f"-{inner}"
    if isinstance(node, Call):
        name = node.f.removeprefix("odk:")  # format 2's ODK functions are written plainly
        return f"{name}({', '.join(_source(a, 0) for a in node.args)})"
    raise TypeError(f"not an expression node: {node!r}")


def to_source(expr_or_node: Parsed | Node) -> str:
    """Canonical text of an AST (minimal parentheses); parses back to an equal AST in the
    format it was parsed in."""
    return _source(as_node(expr_or_node), 0)
