"""Aggregates of a round by one level (województwo, podregion, powiat, type of JST, unit kind).

The result is a long table, one row per (column, measure) and one column per group plus
``Ogółem``; ``reports.wide`` turns it into the wide tables reports print (groups down the
page, statistics across). Figures are final here: exact sums become ``Decimal``, shares are
fractions (0–1) the xlsx shows as percentages.

Statistics follow what an answer means (its ``value_kind``, never its type name): counts and
amounts are added up, percentages only averaged (a sum of shares means nothing), years and
dates only ordered (earliest, latest), choices counted per option with the number of units
that answered. A median, minimum or maximum of fewer than ``MIN_ANSWERS`` answers would
publish one unit's own figure, so such a cell shows ``FEW`` and the table says why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from l10n import N_, polish_sort_key
from reports.frame import GMINA_TYPE_ORDER, NO_PODREGION, NO_POWIAT, Column, ReportFrame
from reports.kinds import LEVELS

TOTAL = N_("Ogółem")
#: leading columns of an aggregate table; the group columns follow
META = ("kolumna", "pytanie", "etykieta", "miara", "format")

INVITED, SUBMITTED, ACCEPTED, RATE = (N_("zaproszone"), N_("złożone"), N_("przyjęte"),
                                      N_("odsetek odpowiedzi"))
COUNT, SUM, MEAN, MEDIAN, MIN, MAX = (N_("liczba odpowiedzi"), N_("suma"), N_("średnia"),
                                      N_("mediana"), N_("minimum"), N_("maksimum"))
CHOSEN, SHARE, YES_SHARE = N_("liczba wskazań"), N_("odsetek wskazań"), N_("odsetek „tak”")
EARLIEST, LATEST = N_("najwcześniej"), N_("najpóźniej")
#: value kind of a number column → its statistics, in the order tables show them
NUMBER_MEASURES = {
    "count": (COUNT, SUM, MEAN, MEDIAN),
    "amount": (COUNT, SUM, MEAN, MEDIAN),
    "number": (COUNT, MEAN, MEDIAN, MIN, MAX),
    "share": (COUNT, MEAN, MEDIAN, MIN, MAX),
    "year": (COUNT, EARLIEST, LATEST),
    "date": (COUNT, EARLIEST, LATEST),
}
#: a table cell (or a table's total) is a count of its own: how many answered, the sum
CELL_MEASURES = (COUNT, SUM)
#: statistics that would show a single unit's own answer in a small group
ORDER_MEASURES = frozenset({MEDIAN, MIN, MAX, EARLIEST, LATEST})
MIN_ANSWERS = 3
#: what such a cell shows below ``MIN_ANSWERS`` answers
FEW = "—"
FEW_NOTE = N_("„—” — mediana, minimum, maksimum oraz najwcześniejsza i najpóźniejsza "
              "odpowiedź są podawane, gdy w grupie są co najmniej 3 odpowiedzi.")
MULTI_NOTE = N_("Pytania wielokrotnego wyboru: jednostka mogła wskazać kilka odpowiedzi, więc "
                "odsetki wskazań mogą sumować się do ponad 100%.")
#: response-rate rows sit under this pseudo column
RESPONSE_RATE = "_odpowiedzi"
_NUMBER_FORMATS = {"count": "count", "PLN": "money", "%": "pct", "": "decimal", "year": "year"}


@dataclass
class Aggregate:
    """One level's aggregate table."""

    level: str
    groups: list[str]
    table: pd.DataFrame

    def value(self, column: str, measure: str, group: str = TOTAL) -> Any:
        """One figure, e.g. ``agg.value("zam_ogolem_wartosc", "suma", "1604 kluczborski")``."""
        rows = self.table[(self.table["kolumna"] == column) & (self.table["miara"] == measure)]
        if rows.empty:
            raise KeyError(f"{column} / {measure}")
        value = rows.iloc[0][group]
        return None if _missing(value) else value


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def order_groups(level: str, values: Iterable[Any]) -> list[str]:
    """Groups in the order reports list them: codes ascending, names alphabetically (Polish)."""
    found = {str(v) for v in values if v is not None and not _missing(v)}
    if level == "gmina_type":
        known = [g for g in GMINA_TYPE_ORDER if g in found]
        return known + sorted(found - set(known), key=polish_sort_key)
    last = [g for g in (NO_PODREGION, NO_POWIAT) if g in found]
    return sorted(found - set(last), key=polish_sort_key) + last


def aggregate(frame: ReportFrame, level: str) -> Aggregate:
    """Counts, sums, means, medians, extremes, option shares and response rates by ``level``."""
    if level not in LEVELS:
        raise ValueError(f"Nieznany poziom agregacji: {level}")
    data = frame.data
    groups = order_groups(level, data[level].unique())
    submitted = data[frame.submitted]
    rows = _response_rows(data, submitted, level)
    key = submitted[level]
    numbers = frame.of_kind("number")
    if numbers:
        rows += _number_rows(submitted, key, numbers)
    for column in frame.columns:
        if column.kind == "single":
            rows += _single_rows(submitted, key, column, frame)
        elif column.kind == "multi":
            rows.append(_answered_row(submitted, key, column))
        elif column.kind == "option":
            rows += _option_rows(submitted, key, column)
        elif column.kind == "text" and column.value_kind == "date":
            rows += _date_rows(submitted, key, column)
    table = pd.DataFrame(
        [meta + tuple(values.get(g, _absent(meta[3])) for g in [*groups, TOTAL])
         for meta, values in rows],
        columns=[*META, *groups, TOTAL], dtype=object)
    return Aggregate(level, groups, table)


def _absent(measure: str) -> Any:
    """What a group with no submitted response shows: 0 for counts, nothing for the rest."""
    return 0 if measure in (COUNT, CHOSEN, SUBMITTED, ACCEPTED) else None


_Row = tuple[tuple[str, str, str, str, str], dict[str, Any]]


def _values(per_group: pd.Series, total: Any, convert=lambda v: v) -> dict[str, Any]:
    values = {str(g): (None if pd.isna(v) else convert(v)) for g, v in per_group.items()}
    values[TOTAL] = None if total is None or pd.isna(total) else convert(total)
    return values


def _response_rows(data: pd.DataFrame, submitted: pd.DataFrame, level: str) -> list[_Row]:
    invited = data.groupby(level).size()
    done = submitted.groupby(level).size().reindex(invited.index, fill_value=0)
    accepted = (data["status"] == "accepted").groupby(data[level]).sum()
    rate = done / invited

    def meta(measure: str, fmt: str) -> tuple[str, str, str, str, str]:
        return (RESPONSE_RATE, "", N_("Odpowiedzi na ankietę"), measure, fmt)

    n_invited, n_done = len(data), len(submitted)
    return [
        (meta(INVITED, "count"), _values(invited, n_invited, int)),
        (meta(SUBMITTED, "count"), _values(done, n_done, int)),
        (meta(ACCEPTED, "count"), _values(accepted, int((data["status"] == "accepted").sum()),
                                          int)),
        (meta(RATE, "share"), _values(rate, n_done / n_invited if n_invited else None, float)),
    ]


def _number_rows(submitted: pd.DataFrame, key: pd.Series, columns: list[Column]
                 ) -> list[_Row]:
    names = [c.name for c in columns]
    values = submitted[names]
    grouped = values.groupby(key)
    stats = {
        "count": (grouped.count(), values.count()),
        "sum": (grouped.sum(min_count=1), values.sum(min_count=1)),
        "min": (grouped.min(), values.min()),
        "max": (grouped.max(), values.max()),
        "median": (grouped.median(), values.median()),
    }
    return [row for column in columns for row in _column_rows(column, stats)]


#: measure → the per-group statistic it is read from
_STAT_OF = {MEDIAN: "median", MIN: "min", MAX: "max", EARLIEST: "min", LATEST: "max"}


def _column_rows(column: Column, stats: dict[str, tuple[pd.DataFrame, pd.Series]]
                 ) -> list[_Row]:
    """The rows of one number column, its statistics chosen by ``measures_of``."""
    name = column.name
    fmt = _NUMBER_FORMATS[column.unit]
    mean_fmt = "decimal" if fmt in ("count", "year") else fmt

    def pick(stat: str) -> tuple[pd.Series, Any]:
        per_group, total = stats[stat]
        return per_group[name], total[name]

    counts, total_count = pick("count")
    sums, total_sum = pick("sum")
    rows: list[_Row] = []
    for measure in measures_of(column):
        if measure == COUNT:
            row_fmt, values = "count", _values(counts, total_count, int)
        elif measure == SUM:
            row_fmt, values = fmt, _values(sums, total_sum, column.to_decimal)
        elif measure == MEAN:
            row_fmt, values = mean_fmt, _means(sums, counts, total_sum, total_count, column)
        else:
            row_fmt = mean_fmt if measure == MEDIAN else fmt
            values = _few(_values(*pick(_STAT_OF[measure]), column.to_decimal), counts,
                          total_count)
        rows.append(((name, column.question_id, column.label, measure, row_fmt), values))
    return rows


def measures_of(column: Column) -> tuple[str, ...]:
    """The statistics a number column gets, from what its answer means."""
    if column.name != column.question_id:
        return CELL_MEASURES
    return NUMBER_MEASURES.get(column.value_kind, NUMBER_MEASURES["number"])


def _few(values: dict[str, Any], counts: pd.Series, total_count: Any) -> dict[str, Any]:
    """Order statistics of groups with fewer than ``MIN_ANSWERS`` answers become ``FEW``."""
    answered = {str(g): int(n) for g, n in counts.items()}
    answered[TOTAL] = int(total_count or 0)
    return {g: (FEW if v is not None and answered.get(g, 0) < MIN_ANSWERS else v)
            for g, v in values.items()}


def _answered_row(submitted: pd.DataFrame, key: pd.Series, column: Column) -> _Row:
    """How many units answered a question (the denominator of its option shares)."""
    answered = submitted[column.name].notna()
    return ((column.name, column.question_id, column.label, COUNT, "count"),
            _values(answered.groupby(key).sum(), int(answered.sum()), int))


def _date_rows(submitted: pd.DataFrame, key: pd.Series, column: Column) -> list[_Row]:
    """Dates are ordered, never averaged: the number of answers, the earliest and the latest."""
    dates = pd.to_datetime(submitted[column.name], errors="coerce", format="%Y-%m-%d")
    grouped = dates.groupby(key)
    counts, total_count = grouped.count(), int(dates.count())

    def day(value: Any) -> date | None:
        return None if pd.isna(value) else value.date()

    meta = (column.name, column.question_id, column.label)
    return [
        ((*meta, COUNT, "count"), _values(counts, total_count, int)),
        ((*meta, EARLIEST, "day"), _few(_values(grouped.min(), dates.min(), day), counts,
                                        total_count)),
        ((*meta, LATEST, "day"), _few(_values(grouped.max(), dates.max(), day), counts,
                                      total_count)),
    ]


def mean(total: Any, count: Any, column: Column) -> Decimal | None:
    """Exact sum ÷ count, rounded to the grosz (two places, or the column's own if more)."""
    if total is None or pd.isna(total) or not count:
        return None
    quantum = Decimal(1).scaleb(-max(2, column.places))
    return (Decimal(int(total)) / Decimal(int(count))).scaleb(-column.places).quantize(
        quantum, ROUND_HALF_UP)


def _means(sums: pd.Series, counts: pd.Series, total_sum: Any, total_count: Any,
           column: Column) -> dict[str, Any]:
    values = {str(g): mean(sums[g], counts[g], column) for g in sums.index}
    values[TOTAL] = mean(total_sum, total_count, column)
    return values


def _single_rows(submitted: pd.DataFrame, key: pd.Series, column: Column,
                 frame: ReportFrame) -> list[_Row]:
    answers = submitted[column.name]
    answered = answers.notna()
    n_group = answered.groupby(key).sum()
    n_total = int(answered.sum())
    counts = pd.crosstab(key[answered], answers[answered]) if n_total else pd.DataFrame()
    question = frame.survey.question(column.question_id)
    rows: list[_Row] = [((column.name, column.question_id, column.label, COUNT, "count"),
                         _values(n_group, n_total, int))]
    for choice in question.choices:
        per_group = (counts[choice.value] if choice.value in counts.columns
                     else pd.Series(0, index=counts.index, dtype="int64"))
        per_group = per_group.reindex(n_group.index, fill_value=0)
        total = int(per_group.sum())
        share = per_group / n_group.where(n_group > 0)
        total_share = total / n_total if n_total else None
        label = f"{column.label} — {choice.label}"
        name = f"{column.name}__{choice.value}"
        if column.share_of is not None:
            if choice.value != column.share_of:
                continue
            rows.append(((column.name, column.question_id, column.label, YES_SHARE, "share"),
                         _values(share, total_share, float)))
            continue
        rows += [
            ((name, column.question_id, label, CHOSEN, "count"), _values(per_group, total, int)),
            ((name, column.question_id, label, SHARE, "share"),
             _values(share, total_share, float)),
        ]
    return rows


def _option_rows(submitted: pd.DataFrame, key: pd.Series, column: Column) -> list[_Row]:
    ticks = submitted[column.name]
    grouped = ticks.groupby(key)
    chosen, answered = grouped.sum(min_count=1), grouped.count()
    share = chosen.astype("Float64") / answered.where(answered > 0).astype("Float64")
    n_total = int(ticks.count())
    total = int(ticks.sum()) if n_total else None
    meta = (column.name, column.question_id, column.label)
    return [
        ((*meta, CHOSEN, "count"), _values(chosen, total, int)),
        ((*meta, SHARE, "share"),
         _values(share, total / n_total if total is not None and n_total else None, float)),
    ]
