"""What expressions compute with: answers as values, numbers, text, truth and comparison.

Rules 1-5 of the language (``forms.expressions``): how an answer is normalised when read, how
each kind of value takes part in arithmetic and comparison, when it counts as true and how it
is written as text. The browser's evaluator (``static/js/expressions.js``) follows the same rules.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Context, Decimal, DecimalException
from typing import Any

#: decimal arithmetic of expressions: exact far beyond what answers hold
DECIMAL_CONTEXT = Context(prec=28, rounding=ROUND_HALF_UP, Emax=999_999, Emin=-999_999)
ZERO = Decimal(0)
ONE = Decimal(1)
_TOLERANCE = Decimal("1e-12")
_CANONICAL_NUMBER_RE = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]+)?")
_LOOSE_NUMBER_RE = re.compile(r"[ \t\r\n]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[ \t\r\n]*")


class Fail:
    """Marker: a value that cannot take part in arithmetic."""

    def __repr__(self) -> str:
        return "<not a number>"


FAIL = Fail()


def clean(d: Decimal) -> Decimal:
    return ZERO if d.is_zero() else d


def normalize(value: Any) -> Any:
    """An answer as expressions see it (see "Values" in ``forms.expressions``)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return clean(value) if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return clean(Decimal(str(value))) if math.isfinite(value) else None
    if isinstance(value, str):
        if value == "":
            return None
        if _CANONICAL_NUMBER_RE.fullmatch(value):
            return clean(Decimal(value))
        return value
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        table = {str(r): {str(c): normalize(x) for c, x in row.items()}
                 for r, row in value.items() if isinstance(row, Mapping)}
        return table or None
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        out = [x if isinstance(x, str) else to_text(normalize(x))
               for x in items if x is not None and x != ""]
        return out or None
    return str(value)


def _loose_number(s: str) -> Decimal | None:
    if _LOOSE_NUMBER_RE.fullmatch(s):
        return clean(Decimal(s.strip(" \t\r\n")))
    return None


def _cell_number(x: Any) -> Decimal | None:
    if isinstance(x, bool):
        return ONE if x else ZERO
    if isinstance(x, Decimal):
        return x
    if isinstance(x, str):
        return _loose_number(x)
    return None


def table_sum(table: Any, row: str | None = None, col: str | None = None) -> Decimal:
    total = ZERO
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
                total = DECIMAL_CONTEXT.add(total, n)
    return clean(total)


def as_number(v: Any) -> Decimal | Fail:
    """Operand of arithmetic: empty -> 0, numeric text -> number, other text/list -> fail."""
    if v is None:
        return ZERO
    if isinstance(v, bool):
        return ONE if v else ZERO
    if isinstance(v, Decimal):
        return v
    if isinstance(v, str):
        if v == "":
            return ZERO
        n = _loose_number(v)
        return FAIL if n is None else n
    if isinstance(v, Mapping):
        return table_sum(v)
    return FAIL


def number_or_none(v: Any) -> Decimal | None:
    """Argument of number()/int()/round(): empty or non-numeric -> None."""
    if v is None or v == "":
        return None
    n = as_number(v)
    return None if isinstance(n, Fail) else n


def _format_number(d: Decimal) -> str:
    if d.is_zero():
        return "0"
    if d == d.to_integral_value():
        return str(int(d))
    q = d.quantize(ONE.scaleb(d.adjusted() - 14), rounding=ROUND_HALF_UP, context=DECIMAL_CONTEXT)
    return format(q.normalize(DECIMAL_CONTEXT), "f")


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
        return _format_number(table_sum(value))
    if isinstance(value, int | float):
        return to_text(normalize(value))
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
        return table_sum(normalize(value)) != 0
    return True


def _numbers_equal(a: Decimal, b: Decimal) -> bool:
    scale = max(ONE, abs(a), abs(b))
    return abs(DECIMAL_CONTEXT.subtract(a, b)) <= DECIMAL_CONTEXT.multiply(_TOLERANCE, scale)


def compare(op: str, a: Any, b: Any) -> bool:
    def prepare(v: Any) -> Any:
        if isinstance(v, list | tuple):
            return " ".join(to_text(x) for x in v)
        if isinstance(v, Mapping):
            return table_sum(v)
        if isinstance(v, bool):
            return ONE if v else ZERO
        return v

    a, b = prepare(a), prepare(b)
    order: int | None = None
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        na = ZERO if a is None else a if isinstance(a, Decimal) else _loose_number(a)
        nb = ZERO if b is None else b if isinstance(b, Decimal) else _loose_number(b)
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


def arithmetic(op: str, a: Any, b: Any) -> Decimal | None:
    x, y = as_number(a), as_number(b)
    if isinstance(x, Fail) or isinstance(y, Fail):
        return None
    try:
        if op == "+":
            return clean(DECIMAL_CONTEXT.add(x, y))
        if op == "-":
            return clean(DECIMAL_CONTEXT.subtract(x, y))
        if op == "*":
            return clean(DECIMAL_CONTEXT.multiply(x, y))
        if y.is_zero():
            return None
        if op == "div":
            return clean(DECIMAL_CONTEXT.divide(x, y))
        return clean(DECIMAL_CONTEXT.remainder(x, y))  # mod: sign of the dividend
    except DecimalException:
        return None
