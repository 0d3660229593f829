"""Which charts and maps a report shows: the adapter between the report's tables and the figures.

Until a report definition names them, a regional report gets, for each level with shapes
(powiat, podregion), the response-rate map and chart, the key figures (the first counted and
money questions, the first yes/no share) as charts and maps by powiat, the indicators against
their targets, and year over year where a previous round exists. The same list feeds the
screen, the workbook and the document, so all three show the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from l10n import N_
from reports import charts, geo, maps
from reports.aggregate import RATE, RESPONSE_RATE, SUM, YES_SHARE, Aggregate
from reports.charts import BY_LEVEL, ChartSpec
from reports.classes import fixed
from reports.frame import ReportFrame
from reports.maps import MapSpec
from reports.municipal import gmina_keys
from reports.xlsx import ReportContent

#: how many key figures the default report draws
KEY_FIGURES = 3
_FORMATS = {"count": "count", "PLN": "money", "%": "pct", "": "decimal"}


@dataclass(frozen=True)
class KeyFigure:
    column: str
    measure: str
    label: str
    fmt: str


@dataclass
class Figures:
    """The charts and maps of one report, in reading order; notes on what could not be drawn."""

    charts: list[ChartSpec] = field(default_factory=list)
    maps: list[MapSpec] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def key_figures(frame: ReportFrame, limit: int = KEY_FIGURES) -> list[KeyFigure]:
    """The default key figures: totals of counted and money questions, a yes/no share."""
    found: list[KeyFigure] = []
    for column in frame.of_kind("number"):
        if column.name == column.question_id and column.value_kind in ("count", "amount"):
            found.append(KeyFigure(column.name, SUM, column.label, _FORMATS[column.unit]))
    found = found[:max(1, limit - 1)]
    for column in frame.of_kind("single"):
        if column.share_of is not None:
            found.append(KeyFigure(column.name, YES_SHARE, column.label, "share"))
            break
    return found[:limit]


def title(figure: KeyFigure, level: str) -> str:
    return N_("%(label)s — %(measure)s %(by)s", label=figure.label, measure=figure.measure,
              by=BY_LEVEL.get(level, level))


def regional_figures(content: ReportContent, podregiony: Mapping[str, str] | None = None,
                     maps_dir: Path = geo.MAPS_DIR, gmina_maps_dir: Path | None = None
                     ) -> Figures:
    """Charts and maps of a regional report (``content.levels`` are its aggregates)."""
    figures = Figures()
    codes = maps.wojewodztwa_of(content.frame.data["territory"])
    chosen = key_figures(content.frame)
    for agg in content.levels:
        figures.charts.append(charts.response_rate_chart(agg))
        shown = maps.response_rate_map(agg, codes, podregiony, maps_dir)
        if shown is not None:
            figures.maps.append(shown)
        elif agg.level == "podregion":
            figures.notes.append(maps.NO_PODREGIONS)
        for figure in chosen:
            if not _has(agg, figure):
                continue
            figures.charts.append(charts.figure_chart(agg, figure.column, figure.measure,
                                                      title(figure, agg.level), figure.fmt))
            if agg.level == "powiat":
                drawn = maps.aggregate_map(title(figure, agg.level), agg,
                                           maps.figure_by_group(agg, figure.column,
                                                                figure.measure),
                                           figure.fmt, codes, podregiony, None, maps_dir)
                if drawn is not None:
                    figures.maps.append(drawn)
        if agg.level in content.yoy:
            figures.charts += _yoy(content, agg, chosen)
    if content.levels and all(a.level != "powiat" for a in content.levels):
        # the map by powiat says most even when the tables are by województwo or type
        _maps_only(figures, content.frame, chosen, codes, maps_dir)
    if content.indicators:
        figures.charts.append(charts.target_chart(content.indicators))
    if gmina_maps_dir is not None:
        gmina = gmina_response_map(content.frame, codes, gmina_maps_dir)
        if isinstance(gmina, str):
            figures.notes.append(gmina)
        else:
            figures.maps.append(gmina)
    return figures


def _maps_only(figures: Figures, frame: ReportFrame, chosen: list[KeyFigure],
               codes: list[str], maps_dir: Path) -> None:
    """Maps by powiat for a report whose tables are by another level.

    The figures come straight from the frame (a group-by on the powiat code) rather than
    from a whole powiat aggregate, which the report would not show.
    """
    data = frame.data
    powiat = data["territory"].str[:4].where(data["territory"].str.len() >= 4, "")
    invited = powiat.groupby(powiat).size()
    done = frame.submitted.groupby(powiat).sum()
    powiats = geo.of_wojewodztwa(geo.powiaty(maps_dir), codes)
    outline = geo.of_wojewodztwa(geo.wojewodztwa(maps_dir), codes)
    rates = {c: float(done[c] / invited[c]) for c in invited.index if c}
    figures.maps.append(maps.choropleth(maps.RESPONSE_MAPS["powiat"], "powiat", rates,
                                        "share", powiats, fixed(), outline))
    answered = frame.submitted & (powiat != "")
    for figure in chosen:
        column = frame.column(figure.column)
        values = data.loc[answered, figure.column]
        keys = powiat[answered]
        if figure.measure == SUM:
            sums = values.groupby(keys).sum(min_count=1)
            by_code = {c: None if pd.isna(v) else float(column.to_decimal(v) or 0)
                       for c, v in sums.items()}
        else:
            yes = (values == column.share_of).astype("Float64").where(values.notna())
            by_code = {c: None if pd.isna(v) else float(v)
                       for c, v in yes.groupby(keys).mean().items()}
        figures.maps.append(maps.choropleth(title(figure, "powiat"), "powiat", by_code,
                                            figure.fmt, powiats, None, outline))


def indicator_figures(content: ReportContent) -> Figures:
    """The indicators report (and the municipal one): the chart against the targets."""
    return Figures(charts=[charts.target_chart(content.indicators)] if content.indicators
                   else [])


def _has(agg: Aggregate, figure: KeyFigure) -> bool:
    table = agg.table
    return bool(((table["kolumna"] == figure.column) & (table["miara"] == figure.measure)).any())


def _yoy(content: ReportContent, agg: Aggregate, chosen: list[KeyFigure]) -> list[ChartSpec]:
    table = content.yoy[agg.level]
    found = [charts.yoy_chart(table, RESPONSE_RATE, RATE,
                              N_("Odsetek odpowiedzi rok do roku %(by)s",
                                 by=BY_LEVEL[agg.level]), "share", agg.groups)]
    for figure in chosen[:1]:
        found.append(charts.yoy_chart(table, figure.column, figure.measure,
                                      N_("%(label)s — rok do roku %(by)s", label=figure.label,
                                         by=BY_LEVEL[agg.level]), figure.fmt, agg.groups))
    return [c for c in found if c.categories and not c.empty]


def gmina_response_map(frame: ReportFrame, codes: list[str], maps_dir: Path) -> MapSpec | str:
    """Response rate of the units of each gmina, or the note that the gmina layer is missing."""
    keys = gmina_keys(frame)
    rows = keys != ""
    invited = rows.groupby(keys).sum()
    done = (frame.submitted & rows).groupby(keys).sum()
    values = {k: float(done[k] / invited[k]) for k in invited.index if k and invited[k]}
    return maps.gmina_map(maps.RESPONSE_MAPS["gmina"], values, "share", codes, maps_dir,
                          fixed())
