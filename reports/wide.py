"""Wide tables from an aggregate: the groups down the page, a topic's statistics across.

ROPS reports print one table per topic (a question, or a few questions read together) with
the areas as rows and a totals row last, so each table fits the width of a page and a chart
or a map can be drawn from any of its columns. The figures are those of
``reports.aggregate`` (already chosen by meaning and, when asked, suppressed); this module
only picks and lays them out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from forms.model import Question
from l10n import N_
from reports.aggregate import (
    CHOSEN,
    COUNT,
    FEW,
    FEW_NOTE,
    INVITED,
    LATEST,
    LEVELS,
    MEAN,
    MULTI_NOTE,
    RATE,
    RESPONSE_RATE,
    SHARE,
    SUBMITTED,
    SUM,
    TOTAL,
    YES_SHARE,
    Aggregate,
    measures_of,
)
from reports.frame import TABLE_TOTAL, Column, ReportFrame
from reports.model import CrossTable, StatColumn, TableRow, WideTable

#: the response-rate column every topic table ends with
RATE_COLUMN = StatColumn(f"{RESPONSE_RATE}:{RATE}", N_("odsetek odpowiedzi"), "share",
                         RESPONSE_RATE, RATE)
#: the statistic a question shows in a table of several questions, by value kind
HEADLINE = {"count": SUM, "amount": SUM, "number": MEAN, "share": MEAN, "year": LATEST,
            "date": LATEST}


def headline_keys(frame: ReportFrame) -> set[tuple[str, str]]:
    """(column, measure) of each answer's headline figure: what a comparison over rounds
    lists (the sum of a count, the mean of a share, the share of "tak" or of each option of
    a single choice; multiple-choice options stay in the chapters' tables)."""
    keys = {(RESPONSE_RATE, RATE), (RESPONSE_RATE, SUBMITTED)}
    for column in frame.columns:
        if column.kind == "number":
            if column.name != column.question_id:
                if TABLE_TOTAL in column.name.split("__"):
                    keys.add((column.name, SUM))
                continue
            keys.add((column.name, HEADLINE.get(column.value_kind, MEAN)))
        elif column.kind == "single" and column.share_of is not None:
            keys.add((column.name, YES_SHARE))
        elif column.kind == "single":
            keys.update((f"{column.name}__{c.value}", SHARE)
                        for c in frame.survey.question(column.question_id).choices)
    return keys


class _Lookup:
    """The long aggregate table as (column, measure) → its row, read once per aggregate."""

    def __init__(self, agg: Aggregate):
        self.table = agg.table
        self.rows = {(r["kolumna"], r["miara"]): r for r in agg.table.to_dict("records")}

    @classmethod
    def of(cls, agg: Aggregate) -> _Lookup:
        """The aggregate's lookup, made once: a report builds a couple of dozen tables from
        one aggregate, and converting its whole table for each was 40 % of building a
        60 000-response report."""
        cached = agg.__dict__.get("_wide_lookup")
        if cached is None or cached.table is not agg.table:
            cached = agg.__dict__["_wide_lookup"] = cls(agg)
        return cached

    def has(self, column: str, measure: str) -> bool:
        return (column, measure) in self.rows

    def fmt(self, column: str, measure: str) -> str:
        return self.rows[(column, measure)]["format"]

    def get(self, column: str, measure: str, group: str) -> Any:
        row = self.rows.get((column, measure))
        if row is None:
            return None
        value = row.get(group)
        return None if value is None or (isinstance(value, float) and value != value) else value


def group_code(level: str, group: str) -> str | None:
    """What a map joins a group on: the TERYT code in front of a powiat's or region's name."""
    if level in ("powiat", "wojewodztwo", "gmina"):
        head = group.split(" ", 1)[0]
        return head if head.isdigit() else None
    if level == "podregion":
        return group
    return None


def topic_table(table_id: str, title: str, agg: Aggregate, frame: ReportFrame,
                question_ids: Sequence[str], *, with_rate: bool = True) -> WideTable:
    """One topic by ``agg.level``: one question's statistics, or each question's headline."""
    lookup = _Lookup.of(agg)
    survey = frame.survey
    questions = [survey.question(q) for q in question_ids]
    columns: list[StatColumn] = []
    notes: list[str] = []
    single = len(questions) == 1
    for question in questions:
        own = [c for c in frame.columns if c.question_id == question.id]
        columns += _question_columns(question, own, lookup, single, frame.text)
        if question.value_kind == "codes" and MULTI_NOTE not in notes:
            notes.append(MULTI_NOTE)
    if with_rate:
        columns.append(RATE_COLUMN)
    rows = [TableRow(g, group_code(agg.level, g),
                     [lookup.get(c.column, c.measure, g) for c in columns])
            for g in agg.groups]
    rows.append(TableRow(TOTAL, None, [lookup.get(c.column, c.measure, TOTAL)
                                        for c in columns], total=True))
    if any(v == FEW for row in rows for v in row.values):
        notes.append(FEW_NOTE)
    return WideTable(table_id, title, agg.level, LEVELS[agg.level], columns, rows,
                     tuple(question_ids), notes)


def response_table(table_id: str, agg: Aggregate) -> WideTable:
    """Invited, submitted and the response rate by group."""
    lookup = _Lookup.of(agg)
    columns = [StatColumn(f"{RESPONSE_RATE}:{m}", m, lookup.fmt(RESPONSE_RATE, m),
                          RESPONSE_RATE, m) for m in (INVITED, SUBMITTED, RATE)]
    rows = [TableRow(g, group_code(agg.level, g),
                     [lookup.get(c.column, c.measure, g) for c in columns])
            for g in agg.groups]
    rows.append(TableRow(TOTAL, None, [lookup.get(c.column, c.measure, TOTAL)
                                        for c in columns], total=True))
    return WideTable(table_id, N_("Odpowiedzi na ankietę"), agg.level, LEVELS[agg.level],
                     columns, rows)


def gmina_response_table(table_id: str, frame: ReportFrame) -> WideTable:
    """Invited, submitted and the response rate of each gmina's units (for its map).

    Gminas are no aggregation level (thousands of rows nationally): this table is what the
    map by gmina colours, and the map's table of areas is its text version.
    """
    from reports.municipal import gmina_keys

    keys = gmina_keys(frame)
    rows_of = keys != ""
    invited = rows_of.groupby(keys).sum()
    done = (frame.submitted & rows_of).groupby(keys).sum()
    columns = [StatColumn(f"{RESPONSE_RATE}:{m}", m, fmt, RESPONSE_RATE, m)
               for m, fmt in ((INVITED, "count"), (SUBMITTED, "count"), (RATE, "share"))]
    rows = [TableRow(str(k), str(k), [int(invited[k]), int(done[k]),
                                      float(done[k] / invited[k])])
            for k in sorted(invited.index) if k and invited[k]]
    n, d = int(invited[invited.index != ""].sum()), int(done[done.index != ""].sum())
    rows.append(TableRow(TOTAL, None, [n, d, d / n if n else None], total=True))
    return WideTable(table_id, N_("Odpowiedzi na ankietę"), "gmina", N_("Gmina"), columns,
                     rows)


def _stat(lookup: _Lookup, column: str, measure: str, label: str, question: str
          ) -> StatColumn | None:
    if not lookup.has(column, measure):
        return None  # e.g. left out by small-cell suppression
    return StatColumn(f"{column}:{measure}", label, lookup.fmt(column, measure), column,
                      measure, question)


def _question_columns(question: Question, own: list[Column], lookup: _Lookup, single: bool,
                      text: Callable[[str], str]) -> list[StatColumn]:
    """A question's columns: all its statistics alone, its headline among others."""
    prefix = "" if single else f"{text(question.label)} — "
    found: list[StatColumn | None] = []
    kind = question.value_kind
    first = own[0] if own else None
    if first is None:
        return []
    if kind == "cells":
        found += _table_columns(question, own, lookup, prefix, single, text)
    elif first.kind == "number" or kind == "date":
        measures = measures_of(first) if single else (HEADLINE.get(first.value_kind, MEAN),)
        found += [_stat(lookup, first.name, m, f"{prefix}{m}", question.id) for m in measures]
    elif first.kind == "single" and first.share_of is not None:
        found += ([_stat(lookup, first.name, COUNT, COUNT, question.id)] if single else [])
        found.append(_stat(lookup, first.name, YES_SHARE, f"{prefix}{YES_SHARE}", question.id))
    elif first.kind in ("single", "multi"):
        found.append(_stat(lookup, first.name, COUNT, f"{prefix}{COUNT}", question.id))
        for choice in question.choices:
            name = f"{question.id}__{choice.value}"
            if single:
                found.append(_stat(lookup, name, CHOSEN, f"{text(choice.label)} — {CHOSEN}",
                                   question.id))
            found.append(_stat(lookup, name, SHARE, f"{prefix}{text(choice.label)} — {SHARE}",
                               question.id))
    return [c for c in found if c is not None]


def _table_columns(question: Question, own: list[Column], lookup: _Lookup, prefix: str,
                   single: bool, text: Callable[[str], str]) -> list[StatColumn | None]:
    """A table question by group: each row's total, then the table's total."""
    names = {c.name for c in own}
    grand = f"{question.id}__{TABLE_TOTAL}__{TABLE_TOTAL}"
    found: list[StatColumn | None] = []
    if single:
        count_of = grand if grand in names else own[0].name
        found.append(_stat(lookup, count_of, COUNT, COUNT, question.id))
        for row in question.rows:
            name = (f"{question.id}__{row.id}__{TABLE_TOTAL}" if len(question.columns) > 1
                    else f"{question.id}__{row.id}__{question.columns[0].id}")
            found.append(_stat(lookup, name, SUM, f"{text(row.label)} — {SUM}", question.id))
    if grand in names:
        found.append(_stat(lookup, grand, SUM, f"{prefix}{N_('Razem')} — {SUM}", question.id))
    return found


def cross_table(table_id: str, agg: Aggregate, frame: ReportFrame, question_id: str,
                group: str = TOTAL) -> CrossTable:
    """A table question's cells summed over ``group``, with its row and column totals."""
    lookup = _Lookup.of(agg)
    question = frame.survey.question(question_id)
    row_ids = [r.id for r in question.rows] + ([TABLE_TOTAL] if len(question.rows) > 1 else [])
    col_ids = [c.id for c in question.columns] + (
        [TABLE_TOTAL] if len(question.columns) > 1 else [])
    total = N_("Razem")
    row_labels = [frame.text(r.label) for r in question.rows] + [total] * (
        len(row_ids) - len(question.rows))
    col_labels = [frame.text(c.label) for c in question.columns] + [total] * (
        len(col_ids) - len(question.columns))
    cells = [[lookup.get(f"{question_id}__{r}__{c}", SUM, group) for c in col_ids]
             for r in row_ids]
    first = f"{question_id}__{row_ids[-1]}__{col_ids[-1]}"
    fmt = lookup.fmt(first, SUM) if lookup.has(first, SUM) else "count"
    answered = lookup.get(first, COUNT, group) or 0
    return CrossTable(table_id, frame.text(question.label), question_id, row_labels,
                      col_labels, cells,
                      fmt, int(answered) if not isinstance(answered, str) else 0)
