"""The Python evaluator: the value of an expression tree for a respondent's answers.

It walks the tree; operators follow the value rules (``values``), calls run the function's
implementation from the registry (``semantics``). The browser evaluates the same tree, as JSON,
with ``static/js/expressions.js``; both are held to ``tests/data/expression_vectors.json``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from forms.expressions.semantics import REGISTRY, EvalContext
from forms.expressions.tree import BinOp, Call, Neg, Node, Num, Parsed, Ref, SelfRef, Str, as_node
from forms.expressions.values import (
    Fail,
    arithmetic,
    as_number,
    clean,
    compare,
    normalize,
    truthy,
)


def _eval(node: Node, ctx: EvalContext) -> Any:
    if isinstance(node, Num):
        return Decimal(node.v)
    if isinstance(node, Str):
        return node.v
    if isinstance(node, Ref):
        return normalize(ctx.answers.get(node.n))
    if isinstance(node, SelfRef):
        return normalize(ctx.self_value)
    if isinstance(node, BinOp):
        if node.o == "and":
            return truthy(_eval(node.a, ctx)) and truthy(_eval(node.b, ctx))
        if node.o == "or":
            return truthy(_eval(node.a, ctx)) or truthy(_eval(node.b, ctx))
        a, b = _eval(node.a, ctx), _eval(node.b, ctx)
        if node.o in ("=", "!=", "<", "<=", ">", ">="):
            return compare(node.o, a, b)
        return arithmetic(node.o, a, b)
    if isinstance(node, Neg):
        n = as_number(_eval(node.a, ctx))
        return None if isinstance(n, Fail) else clean(-n)
    if isinstance(node, Call):
        return REGISTRY[node.f].run(node.args, ctx, _eval)
    raise TypeError(f"not an expression node: {node!r}")


def evaluate(expr: Parsed | Node, ctx: EvalContext | None = None) -> Any:
    """Value of an expression for the given answers; data problems give empty, never raise."""
    return _eval(as_node(expr), ctx if ctx is not None else EvalContext(answers={}))
