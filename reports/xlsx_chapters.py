"""The report's chapters in the workbook: a sheet each, its wide tables one under another.

Each table has a caption, one header row (the grouping level, then the statistics), a row
per group and a bold totals row, then its footnotes — the same tables the page and the
document show, printable as they are (``_Book.sheet`` sets landscape, fit to width). Charts
and maps are drawn by the functions registered in ``DRAWERS`` (part B of issue 11); a block
no drawer knows is left out of the workbook, never half drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from xlsxwriter.worksheet import Worksheet

from l10n import N_
from reports.model import Chapter, CrossTable, KeyFigure, Report, WideTable

if TYPE_CHECKING:
    from reports.xlsx import _Book

#: block class → ``draw(book, ws, row, block, report) -> next free row`` (charts, maps)
DRAWERS: dict[type, Callable[[Any, Worksheet, int, Any, Report], int]] = {}
NO_ANSWERS = N_("W tej rundzie nie złożono jeszcze żadnej ankiety — tabele są puste.")
_FIRST_WIDTH, _WIDTH = 30, 16


def write_chapters(book: _Book, report: Report) -> None:
    """A sheet per chapter with something to show in a workbook."""
    for number, chapter in enumerate(report.chapters, start=1):
        blocks = [b for b in chapter.blocks
                  if isinstance(b, WideTable | CrossTable | KeyFigure) or type(b) in DRAWERS]
        if not blocks:
            continue
        _chapter(book, report, chapter, number, blocks)


def _chapter(book: _Book, report: Report, chapter: Chapter, number: int, blocks: list[Any]
             ) -> None:
    t = book.t
    title = f"{number}. {t(chapter.title)}"
    ws = book.sheet(title, chapter.title)
    widest = max((len(b.columns) + 1 for b in blocks if isinstance(b, WideTable)), default=2)
    widest = max(widest, *(len(b.column_labels) + 1 for b in blocks
                           if isinstance(b, CrossTable)), 2)
    ws.set_column(0, 0, _FIRST_WIDTH)
    ws.set_column(1, widest, _WIDTH)
    ws.repeat_rows(0)
    ws.write_string(0, 0, title, book.chapter_title)
    row = 1
    if chapter.intro:
        ws.write_string(row, 0, t(chapter.intro), book.note)
        row += 1
    if report.empty:
        ws.write_string(row, 0, t(NO_ANSWERS), book.note)
        row += 1
    row += 1
    for block in blocks:
        if isinstance(block, WideTable):
            row = _wide(book, ws, row, block)
        elif isinstance(block, CrossTable):
            row = _cross(book, ws, row, block)
        elif isinstance(block, KeyFigure):
            row = _key_figure(book, ws, row, block)
        else:
            row = DRAWERS[type(block)](book, ws, row, block, report)
        row += 1


def _wide(book: _Book, ws: Worksheet, row: int, table: WideTable) -> int:
    t = book.t
    ws.write_string(row, 0, f"{t(table.title)} — {t(table.level_label)}", book.caption)
    row += 1
    headers = [t(table.level_label), *(book.label(c.label) for c in table.columns)]
    for col, text in enumerate(headers):
        ws.write_string(row, col, text,
                        book.quoted_header if text[:1] in ("=", "+", "-", "@") else book.header)
    ws.set_row(row, _header_height(headers))
    row += 1
    # where the table's figures are: a chart of the chapter reads them (``reports.chart_xlsx``)
    book.placed[table.id] = (ws.get_name(), row, {c.key: i for i, c in
                                                  enumerate(table.columns, start=1)})
    for record in table.rows:
        if record.total:
            ws.write_string(row, 0, t(record.group), book.total_label)
        else:
            book.string(ws, row, 0, record.group)
        for col, (column, value) in enumerate(zip(table.columns, record.values, strict=True),
                                              start=1):
            book.value(ws, row, col, value, column.fmt, bold=record.total)
        row += 1
    for note in table.notes:
        ws.write_string(row, 0, t(note), book.note)
        row += 1
    return row


def _header_height(headers: list[str]) -> float:
    """Row height (points) that shows the longest wrapped header whole."""
    lines = max((-(-len(text) // (_WIDTH - 2)) for text in headers[1:]), default=1)
    return min(409.0, 15.0 * max(2, lines))


def _cross(book: _Book, ws: Worksheet, row: int, table: CrossTable) -> int:
    t = book.t
    caption = t(N_("%(title)s — wszystkie jednostki (odpowiedzi: %(n)s)")) % {
        "title": table.title, "n": table.answered}
    ws.write_string(row, 0, caption, book.caption)
    row += 1
    ws.write_string(row, 0, "", book.header)
    for col, label in enumerate(table.column_labels, start=1):
        ws.write_string(row, col, t(label), book.header)
    row += 1
    last = len(table.row_labels) - 1
    for r, (label, cells) in enumerate(zip(table.row_labels, table.cells, strict=True)):
        total_row = r == last and len(table.row_labels) > 1
        book.string(ws, row, 0, t(label), wrap=True)
        for col, value in enumerate(cells, start=1):
            book.value(ws, row, col, value, table.fmt, bold=total_row)
        row += 1
    return row


def _key_figure(book: _Book, ws: Worksheet, row: int, figure: KeyFigure) -> int:
    book.string(ws, row, 0, book.t(figure.label), wrap=True)
    book.value(ws, row, 1, figure.value, figure.fmt, bold=True)
    if figure.of is not None:
        ws.write_string(row, 2, book.t(N_("z %(of)s")) % {"of": figure.of}, book.text)
    return row + 1

