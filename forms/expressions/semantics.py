"""The functions of the expression language: one registry of names, arguments, results, code.

Each ``Function`` says how many arguments it takes, what kind each is and what kind it returns,
and holds its implementation. The parser and ``from_json`` check calls against it
(``check_call``: arity, a ``${reference}`` where one is required, a regular expression the
browser can run), the evaluator runs ``run``, and ``FUNCTIONS`` (name → arity) is what the
browser's evaluator (``static/js/expressions.js``) is tested against.

Kinds of arguments and results:

* ``any`` — any value; ``number`` — read as a number (rule 1: empty is 0); ``text`` — written as
  text (rule 5); ``boolean`` — truthiness (rule 3); ``date`` — an ISO date ``YYYY-MM-DD``;
* ``reference`` — an argument written as ``${name}`` (a question, not its value): ``prev`` reads
  the previous round, ``cell``/``row-total``/``column-total`` a table;
* ``pattern`` — a regular expression; a literal is checked when the expression is parsed.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, DecimalException
from typing import Any

from forms.expressions.tree import ExpressionError, Node, Ref, Str
from forms.expressions.values import (
    DECIMAL_CONTEXT,
    ONE,
    ZERO,
    Fail,
    as_number,
    clean,
    normalize,
    number_or_none,
    table_sum,
    to_text,
    truthy,
)

#: registry names of the functions format 2 gives ODK's meaning (never written in a source)
ODK_PREFIX = "odk:"
KINDS = frozenset({"any", "number", "text", "boolean", "date", "reference", "pattern"})

_ISO_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T.*)?", re.DOTALL)
#: Python-only regex syntax that the browser's RegExp would reject or read differently
_PY_ONLY_REGEX_RE = re.compile(r"\(\?P|\(\?#|\(\?[aiLmsux]|\\[AZ]|\{,")


@dataclass(frozen=True)
class EvalContext:
    """Everything an expression can see: answers, own value, previous round, year and date."""

    answers: Mapping[str, Any]
    self_value: Any = None
    previous: Mapping[str, Any] = field(default_factory=dict)
    reporting_year: int | None = None
    today: str | None = None


Args = tuple[Node, ...]
#: evaluates one argument: the evaluator hands itself to each function, which evaluates only
#: the arguments it needs (``if`` and ``coalesce`` skip the rest)
Evaluator = Callable[[Node, EvalContext], Any]
Implementation = Callable[[Args, EvalContext, Evaluator], Any]


@dataclass(frozen=True)
class Function:
    """One function of the language: its signature and its implementation."""

    name: str
    #: kinds of the arguments every call has
    params: tuple[str, ...]
    #: kind of the value it returns
    returns: str
    run: Implementation = field(repr=False)
    #: kinds of trailing arguments a call may leave out
    optional: tuple[str, ...] = ()
    #: kind of any number of further arguments (``sum(a, b, ...)``); ``None``: no more
    rest: str | None = None
    #: the first definition format whose expressions may call it (``true()`` exists from 2)
    since: int = 1

    @property
    def source_name(self) -> str:
        """The name written in an expression (``odk:regex`` is written ``regex``)."""
        return self.name.removeprefix(ODK_PREFIX)

    def __post_init__(self) -> None:
        kinds = {*self.params, *self.optional, self.returns, self.rest or "any"}
        assert kinds <= KINDS, f"{self.name}: unknown kind {kinds - KINDS}"

    @property
    def min_args(self) -> int:
        return len(self.params)

    @property
    def max_args(self) -> int | None:
        """The most arguments a call may have; ``None`` for any number."""
        return None if self.rest else len(self.params) + len(self.optional)

    def kind_of(self, position: int) -> str:
        """The kind of the argument at ``position`` (0-based) of an arity-checked call."""
        fixed = self.params + self.optional
        if position < len(fixed):
            return fixed[position]
        return self.rest or "any"


# --------------------------------------------------------------------------------------------
# Checking calls
# --------------------------------------------------------------------------------------------


def arity_message(function: Function) -> str:
    """Polish text saying how many arguments ``function`` takes."""
    name, low, high = function.source_name, function.min_args, function.max_args

    def word(k: int) -> str:
        return "argumentu" if k == 1 else "argumentów"

    if high == low:
        if low == 0:
            return f"Funkcja '{name}' nie przyjmuje argumentów"
        return f"Funkcja '{name}' wymaga {low} {word(low)}"
    if high is None:
        return f"Funkcja '{name}' wymaga co najmniej {low} {word(low)}"
    return f"Funkcja '{name}' wymaga od {low} do {high} argumentów"


def _python_only_construct(pattern: str) -> str | None:
    """Syntax Python's ``re`` runs and the browser's ``RegExp`` refuses or reads otherwise.

    Besides ``_PY_ONLY_REGEX_RE``: possessive quantifiers (``a*+``, ``a{2}+``), atomic groups
    ``(?>…)``, conditionals ``(?(1)…)`` and a class opening with ``]`` (``[]a]`` is ``]`` or
    ``a`` to Python, an empty class then ``a]`` to JavaScript); escapes and character classes
    are skipped, so ``\\++`` (a plus sign, repeated) and ``[*+]`` pass.
    """
    found = _PY_ONLY_REGEX_RE.search(pattern)
    if found:
        return found.group()
    in_class, i = False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern.startswith(("[]", "[^]"), i):  # a member for Python, empty for JS
                return pattern[i:pattern.index("]", i) + 1]
        elif pattern.startswith(("(?>", "(?("), i):
            return pattern[i:i + 3]
        elif char in "*+?}" and pattern[i + 1:i + 2] == "+" and not (
                char == "?" and pattern[i - 1:i] == "("):
            return pattern[i:i + 2]
        i += 1
    return None


def check_regex_literal(pattern: str, column: int) -> None:
    construct = _python_only_construct(pattern)
    if construct:
        raise ExpressionError(f"Konstrukcja '{construct}' w wyrażeniu regularnym nie jest "
                              "obsługiwana w przeglądarce", column)
    try:
        re.compile(pattern, re.ASCII)
    except re.error as err:
        raise ExpressionError(f"Nieprawidłowe wyrażenie regularne: {err.msg}", column) from None


def check_call(fname: str, args: Sequence[Node], column: int,
               arg_columns: list[int] | None = None) -> None:
    """Arity and argument kinds of a call, shared by the parser and ``from_json``.

    :param column: where the call starts; ``arg_columns``: where each argument starts
    :raise ExpressionError: at the call (arity) or at the argument that is wrong
    """
    function = REGISTRY[fname]
    low, high = function.min_args, function.max_args
    if len(args) < low or (high is not None and len(args) > high):
        raise ExpressionError(arity_message(function), column)
    for k, arg in enumerate(args):
        kind = function.kind_of(k)
        where = arg_columns[k] if arg_columns else column
        if kind == "reference" and not isinstance(arg, Ref):
            raise ExpressionError(f"Pierwszym argumentem funkcji '{function.source_name}' musi "
                                  "być odwołanie do pytania ${nazwa}", where)
        if kind == "pattern" and isinstance(arg, Str):
            check_regex_literal(arg.v, where)


# --------------------------------------------------------------------------------------------
# Implementations (rules 4, 6 and 7)
# --------------------------------------------------------------------------------------------


def _values(args: Args, ctx: EvalContext, ev: Evaluator) -> list[Any]:
    """Every argument's value (functions that may skip some evaluate them one by one)."""
    return [ev(a, ctx) for a in args]


def _fn_selected(args: Args, ctx: EvalContext, ev: Evaluator) -> bool:
    v, choice = _values(args, ctx, ev)
    wanted = to_text(choice)
    if v is None:
        return False
    if isinstance(v, list | tuple):
        return any(to_text(x) == wanted for x in v)
    return to_text(v) == wanted


def _odk_items(v: Any) -> list[str]:
    """ODK's reading of a multiple-choice value: a list, or a text of space-separated codes."""
    if v is None:
        return []
    if isinstance(v, list | tuple):
        return [to_text(x) for x in v]
    return to_text(v).split()


def _fn_odk_selected(args: Args, ctx: EvalContext, ev: Evaluator) -> bool:
    v, choice = _values(args, ctx, ev)
    return to_text(choice).strip() in _odk_items(v)


def _fn_odk_count_selected(args: Args, ctx: EvalContext, ev: Evaluator) -> Decimal:
    return Decimal(len(_odk_items(ev(args[0], ctx))))


def _fn_true(args: Args, ctx: EvalContext, ev: Evaluator) -> bool:
    return True


def _fn_false(args: Args, ctx: EvalContext, ev: Evaluator) -> bool:
    return False


def _fn_count_selected(args: Args, ctx: EvalContext, ev: Evaluator) -> Decimal:
    v = ev(args[0], ctx)
    if isinstance(v, list | tuple):
        return Decimal(len(v))
    return ZERO if v is None or v == "" else ONE


def _fn_if(args: Args, ctx: EvalContext, ev: Evaluator) -> Any:
    return ev(args[1] if truthy(ev(args[0], ctx)) else args[2], ctx)


def _fn_sum(args: Args, ctx: EvalContext, ev: Evaluator) -> Decimal | None:
    total = ZERO
    for v in _values(args, ctx, ev):
        n = as_number(v)
        if isinstance(n, Fail):
            return None
        total = DECIMAL_CONTEXT.add(total, n)
    return clean(total)


def _fn_coalesce(args: Args, ctx: EvalContext, ev: Evaluator) -> Any:
    for a in args:
        v = ev(a, ctx)
        if v is not None and v != "":
            return v
    return None


def _extreme(args: Args, ctx: EvalContext, ev: Evaluator, pick: Callable[..., Decimal]
             ) -> Decimal | None:
    numbers = []
    for v in _values(args, ctx, ev):
        if v is None or v == "":
            continue
        n = as_number(v)
        if isinstance(n, Fail):
            return None
        numbers.append(n)
    return pick(numbers) if numbers else None


def _fn_string_length(args: Args, ctx: EvalContext, ev: Evaluator) -> Decimal:
    return Decimal(len(to_text(ev(args[0], ctx))))


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern, re.ASCII)
    except re.error:
        return None


def _fn_regex(args: Args, ctx: EvalContext, ev: Evaluator) -> bool:
    s, p = (to_text(v) for v in _values(args, ctx, ev))
    compiled = _compiled(p)
    return compiled is not None and compiled.fullmatch(s) is not None


def _fn_odk_regex(args: Args, ctx: EvalContext, ev: Evaluator) -> bool:
    s, p = (to_text(v) for v in _values(args, ctx, ev))
    compiled = _compiled(p)
    return compiled is not None and compiled.search(s) is not None


def _fn_not(args: Args, ctx: EvalContext, ev: Evaluator) -> bool:
    return not truthy(ev(args[0], ctx))


def _fn_int(args: Args, ctx: EvalContext, ev: Evaluator) -> Decimal | None:
    n = number_or_none(ev(args[0], ctx))
    return None if n is None else clean(n.to_integral_value(rounding=ROUND_DOWN))


def _fn_round(args: Args, ctx: EvalContext, ev: Evaluator) -> Decimal | None:
    values = _values(args, ctx, ev)
    x = number_or_none(values[0])
    if x is None:
        return None
    places = number_or_none(values[1]) if len(values) > 1 else None
    digits = 0 if places is None else int(places.to_integral_value(rounding=ROUND_DOWN))
    digits = max(-30, min(30, digits))
    try:
        return clean(x.quantize(ONE.scaleb(-digits), rounding=ROUND_HALF_UP,
                                context=DECIMAL_CONTEXT))
    except DecimalException:  # more digits than the precision: nothing to round
        return x


def _fn_number(args: Args, ctx: EvalContext, ev: Evaluator) -> Decimal | None:
    return number_or_none(ev(args[0], ctx))


def _fn_concat(args: Args, ctx: EvalContext, ev: Evaluator) -> str:
    return "".join(to_text(v) for v in _values(args, ctx, ev))


def _fn_today(args: Args, ctx: EvalContext, ev: Evaluator) -> str | None:
    today: Any = ctx.today
    if isinstance(today, datetime.date):
        return normalize(today)
    return today if isinstance(today, str) and today else None


def _valid_date(y: int, m: int, d: int) -> str | None:
    try:
        return datetime.date(y, m, d).isoformat()
    except (ValueError, OverflowError):
        return None


def _fn_date(args: Args, ctx: EvalContext, ev: Evaluator) -> str | None:
    parts = []
    for v in _values(args, ctx, ev):
        n = number_or_none(v)
        if n is None or n != n.to_integral_value():
            return None
        parts.append(int(n))
    return _valid_date(*parts)


def _fn_year(args: Args, ctx: EvalContext, ev: Evaluator) -> Decimal | None:
    v = ev(args[0], ctx)
    if not isinstance(v, str):
        return None
    m = _ISO_DATE_RE.fullmatch(v)
    if m is None or _valid_date(*(int(g) for g in m.groups())) is None:
        return None
    return Decimal(int(m.group(1)))


def _fn_reporting_year(args: Args, ctx: EvalContext, ev: Evaluator) -> Decimal | None:
    return normalize(ctx.reporting_year)


def _fn_prev(args: Args, ctx: EvalContext, ev: Evaluator) -> Any:
    ref = args[0]
    assert isinstance(ref, Ref)
    return normalize((ctx.previous or {}).get(ref.n))


def _fn_cell(args: Args, ctx: EvalContext, ev: Evaluator) -> Any:
    table, row, col = _values(args, ctx, ev)
    if not isinstance(table, Mapping):
        return None
    cells = table.get(to_text(row))
    return cells.get(to_text(col)) if isinstance(cells, Mapping) else None


def _fn_row_total(args: Args, ctx: EvalContext, ev: Evaluator) -> Decimal:
    table, row = _values(args, ctx, ev)
    return table_sum(table, row=to_text(row))


def _fn_column_total(args: Args, ctx: EvalContext, ev: Evaluator) -> Decimal:
    table, col = _values(args, ctx, ev)
    return table_sum(table, col=to_text(col))


def _fn_min(args: Args, ctx: EvalContext, ev: Evaluator) -> Decimal | None:
    return _extreme(args, ctx, ev, min)


def _fn_max(args: Args, ctx: EvalContext, ev: Evaluator) -> Decimal | None:
    return _extreme(args, ctx, ev, max)


# --------------------------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------------------------

REGISTRY: Mapping[str, Function] = {f.name: f for f in (
    Function("selected", ("any", "text"), "boolean", _fn_selected),
    Function("count-selected", ("any",), "number", _fn_count_selected),
    Function("if", ("boolean", "any", "any"), "any", _fn_if),
    Function("sum", ("number",), "number", _fn_sum, rest="number"),
    Function("coalesce", ("any", "any"), "any", _fn_coalesce, rest="any"),
    Function("string-length", ("text",), "number", _fn_string_length),
    Function("regex", ("text", "pattern"), "boolean", _fn_regex),
    Function("not", ("boolean",), "boolean", _fn_not),
    Function("int", ("number",), "number", _fn_int),
    Function("round", ("number",), "number", _fn_round, optional=("number",)),
    Function("number", ("any",), "number", _fn_number),
    Function("concat", ("text",), "text", _fn_concat, rest="text"),
    Function("min", ("number",), "number", _fn_min, rest="number"),
    Function("max", ("number",), "number", _fn_max, rest="number"),
    Function("today", (), "date", _fn_today),
    Function("date", ("number", "number", "number"), "date", _fn_date),
    Function("year", ("date",), "number", _fn_year),
    Function("reporting-year", (), "number", _fn_reporting_year),
    Function("prev", ("reference",), "any", _fn_prev),
    Function("cell", ("reference", "text", "text"), "any", _fn_cell),
    Function("row-total", ("reference", "text"), "number", _fn_row_total),
    Function("column-total", ("reference", "text"), "number", _fn_column_total),
    # format 2: what ODK/Enketo mean by these names
    Function("odk:selected", ("any", "text"), "boolean", _fn_odk_selected, since=2),
    Function("odk:count-selected", ("any",), "number", _fn_odk_count_selected, since=2),
    Function("odk:regex", ("text", "pattern"), "boolean", _fn_odk_regex, since=2),
    Function("true", (), "boolean", _fn_true, since=2),
    Function("false", (), "boolean", _fn_false, since=2),
)}

#: the definition formats: 1 (esmon's first meaning) and 2 (ODK's, the default for new files)
FORMATS = (1, 2)
#: source name → registry name where a format means something else than format 1
_DIALECTS: Mapping[int, Mapping[str, str]] = {
    2: {"selected": "odk:selected", "count-selected": "odk:count-selected",
        "regex": "odk:regex"},
}


def resolve(name: str, fmt: int = 1) -> str | None:
    """The registry name of the function ``name`` written in a format-``fmt`` expression;
    ``None`` when that format has no such function."""
    if name.startswith(ODK_PREFIX):
        return None
    key = _DIALECTS.get(fmt, {}).get(name, name)
    function = REGISTRY.get(key)
    return key if function is not None and function.since <= fmt else None

#: name → (minimum number of arguments, maximum or None for any number), from ``REGISTRY``
FUNCTIONS: Mapping[str, tuple[int, int | None]] = {
    name: (f.min_args, f.max_args) for name, f in REGISTRY.items()}
