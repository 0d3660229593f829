"""Charts of a report as data: one ``ChartSpec``, drawn the same way in every output.

Three renderers read it: ``reports.chart_xlsx`` (a native, editable Excel chart over the table
it writes), ``reports.images`` (matplotlib: SVG on screen, PNG in the document). Its ``rows()``
are the data table shown beside the SVG as its text alternative (WCAG 1.1.1).

Kinds:

* ``bars`` — horizontal bars, one or more series over the groups (response rate by powiat,
  a key figure by podregion, year over year: previous and current round side by side);
* ``target`` — columns of each indicator's value as a share of its target, with the target
  (100%) and the baseline marked, so indicators in different units share one axis.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from l10n import N_
from reports.aggregate import RATE, RESPONSE_RATE, TOTAL, Aggregate
from reports.classes import format_value
from reports.indicators import IndicatorResult
from reports.maps import figure_by_group

SHARE_OF_TARGET = N_("realizacja celu")
TARGET, BASELINE, VALUE = N_("cel"), N_("wartość bazowa"), N_("osiągnięto")
CURRENT, PREVIOUS = N_("bieżąca runda"), N_("poprzednia runda")
BY_LEVEL = {
    "wojewodztwo": N_("wg województw"),
    "podregion": N_("wg podregionów"),
    "powiat": N_("wg powiatów"),
    "gmina_type": N_("wg rodzaju JST"),
    "unit_kind": N_("wg rodzaju jednostki"),
    "gmina": N_("wg gmin"),
}


@dataclass
class Series:
    name: str
    values: list[float | None]


@dataclass
class ChartSpec:
    """What a chart shows; every text is a Polish msgid (translated where drawn)."""

    kind: str  # "bars" | "target"
    title: str
    categories: list[str]
    series: list[Series]
    fmt: str
    #: ``target`` charts: the baseline of each category as a share of its target
    baselines: list[float | None] = field(default_factory=list)
    #: the figures a reader wants beside the bars (indicator values in their own units)
    details: list[tuple[str, list[str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(v is not None for s in self.series for v in s.values)

    def header(self, translate: Callable[[str], str] = str) -> list[str]:
        return [translate(N_("Kategoria")), *(translate(s.name) for s in self.series),
                *(translate(name) for name, _ in self.details)]

    def rows(self, locale: str = "pl_PL") -> list[list[str]]:
        """The data table: a row per category, a column per series (then the details)."""
        return [[category, *(format_value(s.values[i], self.fmt, locale) for s in self.series),
                 *(values[i] for _, values in self.details)]
                for i, category in enumerate(self.categories)]


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return float(value)


def response_rate_chart(agg: Aggregate) -> ChartSpec:
    """Response rate of each group of a level (powiat, podregion, …), the total last."""
    rates = figure_by_group(agg, RESPONSE_RATE, RATE)
    total = agg.value(RESPONSE_RATE, RATE)
    return ChartSpec("bars", N_("Odsetek odpowiedzi %(by)s", by=BY_LEVEL[agg.level]),
                     [*agg.groups, TOTAL], [Series(RATE, [*rates.values(), _number(total)])],
                     "share")


def figure_chart(agg: Aggregate, column: str, measure: str, title: str, fmt: str
                 ) -> ChartSpec:
    """A key figure (a question's sum, mean, a share) by the groups of a level."""
    values = figure_by_group(agg, column, measure)
    return ChartSpec("bars", title, list(agg.groups), [Series(measure, list(values.values()))],
                     fmt)


def target_chart(results: Sequence[IndicatorResult], locale: str = "pl_PL") -> ChartSpec:
    """Each indicator's value and baseline as a share of its target (target = 100%)."""
    names, values, baselines, achieved, targets = [], [], [], [], []
    for result in results:
        ind = result.indicator
        fmt = {"PLN": "money", "%": "pct", "count": "count"}.get(ind.unit, "decimal")
        names.append(ind.name)
        values.append(_share(result.achieved, ind.target))
        baselines.append(_share(ind.baseline, ind.target))
        achieved.append(format_value(result.achieved, fmt, locale))
        targets.append(format_value(ind.target, fmt, locale))
    return ChartSpec("target", N_("Wskaźniki względem celu (100% = wartość docelowa)"), names,
                     [Series(SHARE_OF_TARGET, values)], "share", baselines,
                     [(VALUE, achieved), (TARGET, targets)])


def _share(value: Decimal | None, target: Decimal | None) -> float | None:
    if value is None or not target:
        return None
    return float(value / target)


def yoy_chart(table: pd.DataFrame, column: str, measure: str, title: str, fmt: str,
              groups: Sequence[str]) -> ChartSpec:
    """Year over year: one figure of the previous and the current round for each group."""
    rows = table[(table["kolumna"] == column) & (table["miara"] == measure)]
    by_group = {r["grupa"]: r for r in rows.to_dict("records")}
    wanted = [g for g in [*groups, TOTAL] if g in by_group]
    return ChartSpec("bars", title, wanted, [
        Series(PREVIOUS, [_number(by_group[g]["poprzednia runda"]) for g in wanted]),
        Series(CURRENT, [_number(by_group[g]["bieżąca runda"]) for g in wanted]),
    ], fmt)
