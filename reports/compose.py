"""A report definition and a round's frame → the ``reports.model.Report`` outputs draw.

Aggregates are computed once per grouping level the definition uses (and suppressed once
when small cells are hidden); every table, chart, map and key figure of the report is read
from them, so a number reads the same in each place it appears.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from l10n import N_
from reports.aggregate import COUNT, RATE, RESPONSE_RATE, SUBMITTED, TOTAL, Aggregate, aggregate
from reports.definition import STATISTICS, ChapterDef, Item, ReportDefinition
from reports.frame import TABLE_TOTAL, ReportFrame
from reports.indicators import IndicatorResult
from reports.model import (
    Block,
    Chapter,
    ChartSpec,
    IndicatorBlock,
    KeyFigure,
    MapSpec,
    Method,
    Report,
    WideTable,
)
from reports.suppression import NOTE as SUPPRESSION_NOTE
from reports.suppression import suppress
from reports.wide import cross_table, gmina_response_table, response_table, topic_table

#: levels a map can be drawn for (the others have no shapes)
MAPPABLE = frozenset({"powiat", "podregion", "gmina", "wojewodztwo"})


class _Aggregates:
    """One aggregate per level, suppressed when asked."""

    def __init__(self, frame: ReportFrame, small_cells: bool,
                 known: Mapping[str, Aggregate] | None = None):
        self.frame, self.small_cells = frame, small_cells
        self.cache: dict[str, Aggregate] = dict(known or {})

    def __call__(self, level: str) -> Aggregate:
        if level not in self.cache:
            agg = aggregate(self.frame, level)
            self.cache[level] = suppress(agg, self.frame.columns) if self.small_cells else agg
        return self.cache[level]


def method_of(frame: ReportFrame) -> Method:
    data = frame.data
    submitted = frame.submitted
    by_kind = {str(kind): (int(len(rows)), int(submitted[rows.index].sum()))
               for kind, rows in data.groupby("unit_kind")}
    return Method(len(data), int(submitted.sum()), int((data["status"] == "accepted").sum()),
                  by_kind)


def compose(kind: str, title: str, frame: ReportFrame, definition: ReportDefinition,
            levels: str | Sequence[str], *, indicators: Sequence[IndicatorResult] = (),
            small_cells: bool = False, aggregates: Mapping[str, Aggregate] | None = None
            ) -> Report:
    """The report of ``frame`` as ``definition`` describes it, grouped by ``levels``.

    An item without a level of their own gets a table per level, a chart by the first
    level and a map by every level that has shapes; an indicators chapter is left out
    when there are no indicators for this report.

    :param aggregates: level → its aggregate the caller has already made (suppressed when
        ``small_cells``), not made again
    """
    levels = (levels,) if isinstance(levels, str) else tuple(levels)
    by_level = _Aggregates(frame, small_cells, aggregates)
    chapters = []
    hidden: dict[str, WideTable] = {}
    for chapter_def in definition.chapters:
        chapter = _chapter(chapter_def, frame, by_level, levels, indicators, hidden)
        if chapter.blocks:
            chapters.append(chapter)
    notes = [SUPPRESSION_NOTE] if small_cells else []
    return Report(kind, title, method_of(frame), chapters, notes, hidden)


def _chapter(chapter_def: ChapterDef, frame: ReportFrame, aggregates: _Aggregates,
             levels: tuple[str, ...], indicators: Sequence[IndicatorResult],
             hidden: dict[str, WideTable]) -> Chapter:
    chapter = Chapter(chapter_def.id, frame.text(chapter_def.title),
                      frame.text(chapter_def.intro))
    tables: dict[str, dict[str, WideTable]] = {}
    for item in chapter_def.items:
        if item.level:
            item_levels: tuple[str, ...] = (item.level,)
        elif item.kind == "chart" or item.kind == "key_figure" or item.kind == "indicators":
            item_levels = levels[:1]
        else:
            item_levels = levels
        for n, level in enumerate(item_levels):
            own = item if n == 0 else replace(item, id=f"{item.id}_{level}")
            if item.kind == "map" and level == "gmina":
                chapter.blocks += _gmina_map(own, frame, hidden)
                continue
            chapter.blocks += _blocks(own, frame, aggregates, level, indicators,
                                      tables.setdefault(level, {}))
    return chapter


def _blocks(item: Item, frame: ReportFrame, aggregates: _Aggregates, level: str,
            indicators: Sequence[IndicatorResult], tables: dict[str, WideTable]
            ) -> list[Block]:
    if item.kind == "indicators":
        chosen = [r for r in indicators if not item.indicators or
                  r.indicator.id in item.indicators]
        return [IndicatorBlock(item.id, item.title or N_("Wskaźniki"), chosen)] if chosen else []
    agg = aggregates(level)
    if item.kind == "responses":
        table = response_table(item.id, agg)
        tables[table.id] = table
        return [table]
    if item.kind == "table":
        return _table_blocks(item, frame, agg, tables)
    if item.kind == "key_figure":
        return [_key_figure(item, frame, agg)]
    if item.kind == "map" and (level not in MAPPABLE or (
            level == "wojewodztwo" and _wojewodztwa(frame) < 2)):
        return []  # no shapes, or a map of one area
    known = set(tables)
    table, column = _source(item, frame, agg, tables)
    if column is None:
        return []
    # a chart or map drawn from no earlier table brings its table along (its text version)
    shown: list[Block] = [] if table.id in known else [table]
    fmt = table.columns[table.column_index(column)].fmt
    title = item.title or _drawn_title(table, column)
    if item.kind == "chart":
        chart_kind = "response_rate" if column == f"{RESPONSE_RATE}:{RATE}" else "bars"
        return [*shown, ChartSpec(item.id, chart_kind, title, table.id, column, fmt)]
    return [*shown, MapSpec(item.id, title, table.id, column, level, fmt, item.classes,
                            breaks=item.breaks)]


def _gmina_map(item: Item, frame: ReportFrame, hidden: dict[str, WideTable]) -> list[Block]:
    """The response rate by gmina (the one statistic mapped by gmina; gminas are no table
    level): the map and, out of the chapters, the table it colours."""
    if item.questions and item.statistic != "odsetek_odpowiedzi":
        return []
    table = gmina_response_table(f"{item.id}_tabela", frame)
    hidden[table.id] = table
    key = f"{RESPONSE_RATE}:{RATE}"
    return [MapSpec(item.id, item.title or N_("Odsetek odpowiedzi wg gmin"), table.id, key,
                    "gmina", "share", item.classes, breaks=item.breaks)]


def _wojewodztwa(frame: ReportFrame) -> int:
    territory = frame.data["territory"].dropna().astype(str)
    return int(territory[territory.str.len() >= 2].str[:2].nunique())


def _table_blocks(item: Item, frame: ReportFrame, agg: Aggregate,
                  tables: dict[str, WideTable]) -> list[Block]:
    questions = item.questions
    first = frame.survey.question(questions[0])
    title = item.title or (frame.text(first.label) if len(questions) == 1 else item.id)
    table = topic_table(item.id, title, agg, frame, questions)
    tables[table.id] = table
    blocks: list[Block] = [table]
    if len(questions) == 1 and first.value_kind == "cells":
        blocks.append(cross_table(f"{item.id}_komorki", agg, frame, first.id))
    return blocks


def _measure_column(item: Item, frame: ReportFrame) -> str:
    """The aggregate column a chart, map or key figure reads (a choice's option, a table's
    total …)."""
    if item.statistic == "odsetek_odpowiedzi" or not item.questions:
        return RESPONSE_RATE
    question = frame.survey.question(item.questions[0])
    if item.option is not None:
        return f"{question.id}__{item.option}"
    if question.value_kind == "cells":
        return f"{question.id}__{TABLE_TOTAL}__{TABLE_TOTAL}"
    return question.id


def _source(item: Item, frame: ReportFrame, agg: Aggregate, tables: dict[str, WideTable]
            ) -> tuple[WideTable, str | None]:
    """The table a chart or map draws (an earlier table of the chapter, or its own)."""
    measure = STATISTICS.get(item.statistic or "odsetek_odpowiedzi", RATE)
    column = _measure_column(item, frame)
    key = f"{column}:{measure}"
    for table in tables.values():
        if any(c.key == key for c in table.columns):
            return table, key
    if column == RESPONSE_RATE:
        table = response_table(f"{item.id}_tabela", agg)
    else:
        table = topic_table(f"{item.id}_tabela", item.title or item.id, agg, frame,
                            item.questions)
    tables[table.id] = table
    found = any(c.key == key for c in table.columns)
    return table, key if found else None


def _drawn_title(table: WideTable, column: str) -> str:
    label = table.columns[table.column_index(column)].label
    return f"{table.title} — {label}"


def _key_figure(item: Item, frame: ReportFrame, agg: Aggregate) -> KeyFigure:
    """A figure over all units: the statistic of a question, or "n of m answered"."""
    rows = agg.table
    if not item.questions or item.statistic == "odsetek_odpowiedzi":
        submitted = _total(rows, RESPONSE_RATE, SUBMITTED)
        return KeyFigure(item.id, item.title or N_("Złożone ankiety"), submitted, "count",
                         of=len(frame.data))
    measure = STATISTICS.get(item.statistic or "suma", COUNT)
    column = _measure_column(item, frame)
    match = rows[(rows["kolumna"] == column) & (rows["miara"] == measure)]
    value = None if match.empty else match.iloc[0][TOTAL]
    fmt = "count" if match.empty else match.iloc[0]["format"]
    label = item.title or frame.text(frame.survey.question(item.questions[0]).label)
    return KeyFigure(item.id, label, value, fmt)


def _total(rows: Any, column: str, measure: str) -> Any:
    match = rows[(rows["kolumna"] == column) & (rows["miara"] == measure)]
    return None if match.empty else match.iloc[0][TOTAL]
