"""The monitoring report in memory: chapters of wide tables, key figures, charts and maps.

``reports.compose`` builds one ``Report`` from a round's frame and a report definition; every
output draws this same object — the workbook (``reports.xlsx``), the page (the exports view)
and the DOCX/PDF document — so a figure is computed once and reads the same everywhere.
Nothing here is formatted: values are ``int``/``Decimal``/``float``/``date`` or a mark
(``"<3"``, ``"x"``, ``"—"``), each with a ``fmt`` saying how to print it:

* ``count`` whole numbers, ``decimal`` two places, ``money`` złote, ``year`` a year (no
  thousands separator), ``day`` a date;
* ``share`` a fraction 0–1 printed as a percentage, ``pct`` a percent answer (0–100).

Texts (titles, column labels, notes) are Polish msgids or the definition's own Polish
texts; outputs pass them through their ``translate`` like every other label.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

#: how a value is printed (see the module docstring)
FORMATS = frozenset({"count", "decimal", "money", "year", "day", "share", "pct"})


@dataclass(frozen=True)
class StatColumn:
    """One column of a wide table: a statistic of a question (or the response rate)."""

    #: unique within the table: ``<frame column>:<measure>`` (``zam_ogolem_wartosc:suma``)
    key: str
    #: header, ``" — "``-joined parts translated one by one (``Tak — odsetek wskazań``)
    label: str
    fmt: str
    #: the frame column and the measure of ``reports.aggregate`` it shows
    column: str = ""
    measure: str = ""
    question_id: str = ""


@dataclass
class TableRow:
    """One group (a powiat, a podregion …) or the totals row."""

    group: str
    #: what a map joins on: powiat ``WWPP``, gmina ``WWPPGG``, podregion name, else ``None``
    code: str | None
    values: list[Any]
    total: bool = False


@dataclass
class WideTable:
    """Groups down the page, statistics across, a totals row last (``rows[-1].total``)."""

    id: str
    title: str
    #: grouping level (``reports.aggregate.LEVELS``) and how a heading names it
    level: str
    level_label: str
    columns: list[StatColumn]
    rows: list[TableRow]
    question_ids: tuple[str, ...] = ()
    #: footnotes (msgids), e.g. why a median is "—", that shares may exceed 100 %
    notes: list[str] = field(default_factory=list)

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def value(self, key: str, group: str | None = None) -> Any:
        """One figure; ``group`` None: the totals row."""
        index = self.column_index(key)
        row = self.rows[-1] if group is None else next(r for r in self.rows if r.group == group)
        return row.values[index]

    def series(self, key: str) -> list[tuple[TableRow, Any]]:
        """A column's values by group (totals row left out) — what a chart or a map draws."""
        index = self.column_index(key)
        return [(row, row.values[index]) for row in self.rows if not row.total]


@dataclass
class CrossTable:
    """A table question over all units of the report: its cells with row and column totals.

    ``cells[i][j]`` is the sum of row ``i``, column ``j``; the last column and the last row
    are the totals (when the table has more than one column / row).
    """

    id: str
    title: str
    question_id: str
    row_labels: list[str]
    column_labels: list[str]
    cells: list[list[Any]]
    fmt: str
    answered: int
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class KeyFigure:
    """One number a chapter leads with ("Ankietę wypełniło 58 z 71 gmin")."""

    id: str
    label: str
    value: Any
    fmt: str
    #: the denominator where the figure is "n of m" (``value`` of ``of``), else ``None``
    of: int | None = None


@dataclass(frozen=True)
class ChartSpec:
    """A chart drawn from a table: bars of ``column`` by group (horizontal, sorted as listed).

    ``kind``: ``bars`` (a statistic by group), ``response_rate`` (the same, of the response
    rate), ``indicators`` (achieved value against target with baseline, from the indicators
    block) or ``year_over_year`` (two bars per group: the previous round's and this one's).
    """

    id: str
    kind: str
    title: str
    #: the table the chart draws (its text alternative); for ``indicators``: "indicators"
    table: str
    column: str = ""
    fmt: str = "count"


@dataclass(frozen=True)
class MapSpec:
    """A choropleth of a table column by powiat, podregion or gmina (joined on ``code``).

    ``classes``: ``quantiles`` (``n_classes`` of them) or ``fixed`` (``breaks``, ascending).
    """

    id: str
    title: str
    table: str
    column: str
    level: str
    fmt: str
    classes: str = "quantiles"
    n_classes: int = 4
    breaks: tuple[Decimal, ...] = ()


@dataclass
class IndicatorBlock:
    """The plan's indicators (baseline / value / target / status) for the report's territory."""

    id: str
    title: str
    #: ``reports.indicators.IndicatorResult`` list
    results: list[Any]
    level: str = ""
    territory: str = ""


@dataclass
class YearOverYearBlock:
    """A table's figures beside the previous round's (``reports.yoy`` long table)."""

    id: str
    title: str
    level: str
    table: Any  # pandas DataFrame of ``reports.yoy.COLUMNS``


Block = WideTable | CrossTable | KeyFigure | ChartSpec | MapSpec | IndicatorBlock | \
    YearOverYearBlock


@dataclass
class Chapter:
    id: str
    title: str
    intro: str = ""
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Method:
    """Who was asked and how many answered — the method section and the title page."""

    invited: int
    submitted: int
    accepted: int
    #: unit kind → (invited, submitted)
    by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def rate(self) -> float | None:
        return self.submitted / self.invited if self.invited else None


@dataclass
class Report:
    """A whole report: what each output renders, chapter by chapter."""

    kind: str
    title: str
    method: Method
    chapters: list[Chapter]
    #: notes for the whole report (msgids), after the chapters' own
    notes: list[str] = field(default_factory=list)
    #: tables a figure draws that no chapter prints (the response rate by gmina: its map's
    #: table of areas is their text version)
    hidden: dict[str, WideTable] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """No submitted answer: outputs say so instead of printing empty tables."""
        return self.method.submitted == 0

    def blocks(self, kind: type | None = None) -> Iterator[Any]:
        for chapter in self.chapters:
            for block in chapter.blocks:
                if kind is None or isinstance(block, kind):
                    yield block

    def table(self, table_id: str) -> WideTable | CrossTable:
        """A chart's or a map's table."""
        if table_id in self.hidden:
            return self.hidden[table_id]
        return next(b for b in self.blocks() if isinstance(b, WideTable | CrossTable)
                    and b.id == table_id)
