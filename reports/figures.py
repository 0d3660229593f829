"""The report's charts and maps, drawn from the report model's ``ChartSpec`` and ``MapSpec``.

``reports.compose`` decides which figures a report has (the report definition's ``chart:`` and
``map:`` items, or the default report's) and which wide table each draws; this module turns
each of them into what the renderers read — ``reports.charts.ChartSpec`` (bars over the
table's groups) and ``reports.maps.MapSpec`` (the table's column joined on each row's code) —
so a chart, a map and the table beside them show the same numbers on screen, in the workbook
and in the document. Each figure's PNG is rendered once per export (``Figures.png``) and
reused by every output that prints it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from l10n import N_
from reports import charts, geo, maps, model
from reports.aggregate import RATE, RESPONSE_RATE, Aggregate
from reports.charts import BY_LEVEL
from reports.classes import NO_DATA, fixed, quantiles

RATE_KEY = f"{RESPONSE_RATE}:{RATE}"
Drawn = charts.ChartSpec | maps.MapSpec


@dataclass
class Figures:
    """A report's drawn figures: model block id → chart or map; notes on what is missing.

    ``extra`` are the year-over-year charts (drawn from the comparison tables, which are not
    chapter blocks).
    """

    drawn: dict[str, Drawn] = field(default_factory=dict)
    extra: list[charts.ChartSpec] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _pngs: dict[tuple[int, str], bytes] = field(default_factory=dict, repr=False)
    #: the child drawing figures ahead (``drawn_ahead``), and figure key → its job
    _ahead: Any = field(default=None, repr=False)
    _ahead_jobs: dict[tuple[int, str], int] = field(default_factory=dict, repr=False)

    @property
    def charts(self) -> list[charts.ChartSpec]:
        return [d for d in self.drawn.values() if isinstance(d, charts.ChartSpec)] + self.extra

    @property
    def maps(self) -> list[maps.MapSpec]:
        return [d for d in self.drawn.values() if isinstance(d, maps.MapSpec)]

    def png(self, figure: Drawn, translate: Callable[[str], str], locale: str) -> bytes:
        """The figure as PNG, rendered once and reused (document and workbook alike)."""
        key = (id(figure), locale)
        if key not in self._pngs and key in self._ahead_jobs:
            png = self._ahead.get(self._ahead_jobs.pop(key))
            if png is not None:
                self._pngs[key] = png
        if key not in self._pngs:
            from reports import images  # matplotlib only when a figure is drawn here

            drawn = (images.map_figure(figure, translate, locale)
                     if isinstance(figure, maps.MapSpec)
                     else images.chart_figure(figure, translate, locale))
            self._pngs[key] = images.png(drawn)
        return self._pngs[key]

    @contextmanager
    def drawn_ahead(self, figures: Sequence[Drawn], translate: Callable[[str], str],
                    locale: str) -> Iterator[None]:
        """Within the block, ``figures`` are drawn in a child process meanwhile
        (``reports.figure_fork``): ``png`` waits for them there, or draws one itself."""
        from reports import figure_fork

        once = {id(f): f for f in figures}  # (specs compare by value: not hashable)
        wanted = [f for f in once.values() if (id(f), locale) not in self._pngs
                  and not (isinstance(f, charts.ChartSpec) and f.empty)]
        if not wanted:
            yield
            return
        ahead = figure_fork.take()
        ahead.send([(f, {t: translate(t) for t in texts(f, locale)}) for f in wanted], locale)
        self._ahead = ahead
        self._ahead_jobs = {(id(f), locale): i for i, f in enumerate(wanted)}
        try:
            yield
        finally:
            self._ahead, self._ahead_jobs = None, {}
            ahead.close()


def texts(figure: Drawn, locale: str) -> list[str]:
    """Every text ``reports.images`` translates to draw ``figure`` (a child drawing ahead
    is given these alone; one missing makes the parent draw that figure)."""
    if isinstance(figure, maps.MapSpec):
        return [figure.title, *(label for _, label in figure.legend(locale))]
    return [figure.title, *(s.name for s in figure.series), charts.TARGET, charts.BASELINE,
            NO_DATA]


def _number(value: Any) -> float | None:
    """A cell as a number to draw; marks ("<3", "—", "x") and blanks are not drawn."""
    if value is None or isinstance(value, str | bool):
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    return None


def draw(report: model.Report | None, wojewodztwa: Sequence[str], *,
         podregiony: Mapping[str, str] | None = None, maps_dir: Path = geo.MAPS_DIR,
         gmina_maps_dir: Path | None = None, indicators: Sequence[Any] = (),
         yoy: Mapping[str, pd.DataFrame] | None = None, levels: Sequence[Aggregate] = ()
         ) -> Figures:
    """The figures of ``report`` in reading order (``indicators`` alone: a report without
    chapters, e.g. the municipal one, gets the chart against the targets)."""
    figures = Figures()
    if report is None:
        if indicators:
            figures.drawn["wskazniki"] = charts.target_chart(indicators)
        return figures
    for block in report.blocks():
        if isinstance(block, model.ChartSpec):
            figures.drawn[block.id] = chart_of(block, report)
        elif isinstance(block, model.MapSpec):
            drawn = map_of(block, report, wojewodztwa, podregiony, maps_dir, gmina_maps_dir)
            if isinstance(drawn, str):
                if drawn not in figures.notes:
                    figures.notes.append(drawn)
            else:
                figures.drawn[block.id] = drawn
        elif isinstance(block, model.IndicatorBlock) and block.results:
            figures.drawn[block.id] = charts.target_chart(block.results)
    for agg in levels:
        if yoy and agg.level in yoy:
            figures.extra += year_over_year(yoy[agg.level], agg, report)
    return figures


def chart_title(spec: model.ChartSpec, level: str) -> str:
    if spec.column == RATE_KEY:
        return N_("Odsetek odpowiedzi %(by)s", by=BY_LEVEL.get(level, level))
    return spec.title


def chart_of(spec: model.ChartSpec, report: model.Report) -> charts.ChartSpec:
    """Bars of the table's column by group; the response rate with the total last."""
    table = report.table(spec.table)
    assert isinstance(table, model.WideTable)
    rows = table.series(spec.column)
    if spec.column == RATE_KEY:
        rows.append((table.rows[-1], table.value(spec.column)))
    column = table.columns[table.column_index(spec.column)]
    return charts.ChartSpec("bars", chart_title(spec, table.level),
                            [row.group for row, _ in rows],
                            [charts.Series(column.measure or column.label,
                                           [_number(v) for _, v in rows])], spec.fmt)


def map_title(spec: model.MapSpec) -> str:
    if spec.column == RATE_KEY:
        return maps.RESPONSE_MAPS.get(spec.level, spec.title)
    return spec.title


def map_of(spec: model.MapSpec, report: model.Report, wojewodztwa: Sequence[str],
           podregiony: Mapping[str, str] | None, maps_dir: Path,
           gmina_maps_dir: Path | None) -> maps.MapSpec | str:
    """The table's column on the map of its level, or the note why that map is missing."""
    table = report.table(spec.table)
    assert isinstance(table, model.WideTable)
    values = {row.code: _number(v) for row, v in table.series(spec.column)
              if row.code and not row.code.startswith("(")}
    if spec.classes == "fixed" and spec.breaks:
        classes = fixed(_edges(spec, values.values()))
    elif spec.column == RATE_KEY:
        classes = fixed()
    else:
        classes = quantiles(values.values(), spec.n_classes)
    title = map_title(spec)
    if spec.level == "gmina":
        if gmina_maps_dir is None:
            return maps.GMINA_LAYER_MISSING
        return maps.gmina_map(title, values, spec.fmt, wojewodztwa, gmina_maps_dir, classes)
    outline = geo.of_wojewodztwa(geo.wojewodztwa(maps_dir), wojewodztwa)
    if spec.level == "wojewodztwo":
        return maps.choropleth(title, spec.level, values, spec.fmt, outline, classes)
    powiats = geo.of_wojewodztwa(geo.powiaty(maps_dir), wojewodztwa)
    if spec.level == "podregion":
        if not podregiony:
            return maps.NO_PODREGIONS
        powiats = geo.dissolve(powiats, podregiony)
        if not powiats:  # e.g. another województwo's division: an outline with nothing in it
            return maps.NO_PODREGIONS_HERE
    return maps.choropleth(title, spec.level, values, spec.fmt, powiats, classes, outline)


def _edges(spec: model.MapSpec, values: Any) -> list[float]:
    """A report file's breaks are the inner edges (``[0.25, 0.5, 0.75]``): the classes run
    from the scale's start (0, or the lowest value) to its end (100%, or the highest)."""
    inner = [float(b) for b in spec.breaks]
    known = [v for v in values if v is not None]
    scale = {"share": (0.0, 1.0), "pct": (0.0, 100.0)}.get(spec.fmt)
    low, high = scale or (min([*known, inner[0]]), max([*known, inner[-1]]))
    return [e for e in (low,) if e < inner[0]] + inner + [e for e in (high,) if e > inner[-1]]


def year_over_year(table: pd.DataFrame, agg: Aggregate, report: model.Report
                   ) -> list[charts.ChartSpec]:
    """The response rate and the first key figure of the report, previous round beside this
    one, by the groups of a level."""
    found = [charts.yoy_chart(table, RESPONSE_RATE, RATE,
                              N_("Odsetek odpowiedzi rok do roku %(by)s",
                                 by=BY_LEVEL[agg.level]), "share", agg.groups)]
    for block in report.blocks(model.ChartSpec):
        if block.column == RATE_KEY:
            continue
        column = report.table(block.table)
        if not isinstance(column, model.WideTable):
            continue
        stat = column.columns[column.column_index(block.column)]
        found.append(charts.yoy_chart(table, stat.column, stat.measure,
                                      N_("%(label)s — rok do roku %(by)s", label=block.title,
                                         by=BY_LEVEL[agg.level]), block.fmt, agg.groups))
        break
    return [c for c in found if c.categories and not c.empty]
