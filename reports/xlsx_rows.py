"""Many rows of a constant-memory sheet at once: their XML made column by column.

Through ``write_number``/``write_string`` xlsxwriter spends some 5 µs on each cell (argument
checks, a cell tuple, the dimensions, then the XML one attribute at a time), and the "Dane"
sheet of a 60 000-response round has 2.9 million cells. ``write_rows`` writes the same rows
into the sheet's row file itself: the same XML, byte for byte (``tests/test_xlsx_rows.py``
compares it with xlsxwriter's own for numbers, formats, escapes, control characters,
whitespace and overlong text), with each distinct text escaped once per column and each cell
one f-string. A sheet it cannot write that way (not in ``constant_memory``, rows already
written, a row or default height of its own, an xlsxwriter without the helpers it uses) gets
the cells one by one (``write_cells``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from math import isfinite
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

try:  # xlsxwriter's own helpers (3.3): another version gets its cells one by one
    from xlsxwriter.utility import _preserve_whitespace
    from xlsxwriter.worksheet import _utf16_len, _utf16_truncate
except ImportError:  # pragma: no cover - the version in CI has them
    _INTERNALS = False
else:
    _INTERNALS = True

#: first characters that make spreadsheet programs read text as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: rows made and written at a time (memory stays that of one chunk)
CHUNK = 2000
_TEXT_TYPES = {str, type(None)}


@dataclass(frozen=True)
class Cells:
    """One column's cells from the first row down; ``None`` leaves a cell empty.

    Numbers (``number``) are written with ``fmt``; text with ``fmt``, or with ``formula_fmt``
    (Excel's quote prefix) when it starts like a formula.
    """

    values: Sequence[Any]
    number: bool
    fmt: Format | None = None
    formula_fmt: Format | None = None

    def format_of(self, value: Any) -> Format | None:
        if self.formula_fmt is not None and not self.number and value.startswith(FORMULA_START):
            return self.formula_fmt
        return self.fmt


def write_rows(ws: Worksheet, first_row: int, columns: Sequence[Cells]) -> None:
    """Write ``columns`` (column 0, 1, …) into rows ``first_row`` and on.

    Text is made ``str`` first; a number that is not finite raises ``TypeError``, as
    ``write_number`` does.
    """
    count = max((len(c.values) for c in columns), default=0)
    columns = [c if c.number or set(map(type, c.values)) <= _TEXT_TYPES
               else Cells([_text(v) for v in c.values], False, c.fmt, c.formula_fmt)
               for c in columns]
    last_row = first_row + count - 1
    if not _writable(ws, first_row, last_row):
        write_cells(ws, first_row, columns)
        return
    _check_numbers(columns)
    used = [col for col, c in enumerate(columns) if any(v is not None for v in c.values)]
    if not used:
        return
    if first_row > ws.previous_row:
        ws._write_single_row(first_row)  # the row before (the header) goes out first
    _index_formats(ws, columns)
    ws._check_dimensions(first_row, used[0])
    ws._check_dimensions(last_row, used[-1])
    makers = [_CellMaker(ws, col, c) for col, c in enumerate(columns)]
    for start in range(0, count, CHUNK):
        ws.fh.write("".join(_rows(makers, first_row + start, start,
                                  min(count, start + CHUNK))))
    # a later write to these rows is refused (-2), as for rows xlsxwriter wrote itself
    ws.previous_row = last_row + 1


def write_cells(ws: Worksheet, first_row: int, columns: Sequence[Cells]) -> None:
    """The same cells through xlsxwriter, one by one."""
    count = max((len(c.values) for c in columns), default=0)
    for r in range(count):
        row = first_row + r
        for col, cells in enumerate(columns):
            value = cells.values[r] if r < len(cells.values) else None
            if value is None:
                continue
            if cells.number:
                ws.write_number(row, col, value, cells.fmt)
            else:
                text = _text(value) or ""
                ws.write_string(row, col, text, cells.format_of(text))


def _text(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else str(value)


def _writable(ws: Worksheet, first_row: int, last_row: int) -> bool:
    """Whether the rows can go straight into the row file as xlsxwriter would write them."""
    return (_INTERNALS and ws.constant_memory and first_row >= ws.previous_row
            and last_row < ws.xls_rowmax
            and ws.default_row_height == ws.original_row_height
            and not any(first_row <= row <= last_row for row in ws.row_info)
            and not any(first_row <= row <= last_row for row in ws.comments)
            and not (first_row == ws.previous_row and ws.table.get(first_row)))


def _check_numbers(columns: Sequence[Cells]) -> None:
    for cells in columns:
        if cells.number and not all(isfinite(v) for v in cells.values if v is not None):
            raise TypeError("NAN/INF not supported in write_number() "
                            "without 'nan_inf_to_errors' Workbook() option")


def _index_formats(ws: Worksheet, columns: Sequence[Cells]) -> None:
    """Give new formats their style index in the order one-by-one writes would first use them
    (row by row, left to right), so the styles come out the same."""
    firsts: dict[int, tuple[int, int, Format]] = {}
    for col, cells in enumerate(columns):
        for row, chosen in _first_uses(cells):
            fmt = chosen or _column_format(ws, col)
            if fmt is not None and (id(fmt) not in firsts or (row, col) < firsts[id(fmt)][:2]):
                firsts[id(fmt)] = (row, col, fmt)
    for _row, _col, fmt in sorted(firsts.values(), key=lambda first: first[:2]):
        fmt._get_xf_index()


def _first_uses(cells: Cells) -> list[tuple[int, Format | None]]:
    """The row where the column first uses each of its formats."""
    if cells.number or cells.formula_fmt is None:
        first = next((row for row, v in enumerate(cells.values) if v is not None), None)
        return [] if first is None else [(first, cells.fmt)]
    # text: True where it starts like a formula (its quote-prefix format), None where empty
    like_formula = [None if v is None else v.startswith(FORMULA_START) for v in cells.values]
    found = []
    for flag, fmt in ((False, cells.fmt), (True, cells.formula_fmt)):
        with contextlib.suppress(ValueError):
            found.append((like_formula.index(flag), fmt))
    return found


def _column_format(ws: Worksheet, col: int) -> Format | None:
    info = ws.col_info.get(col)
    return info.column_format if info is not None else None


class _CellMaker:
    """The XML of one column's cells, row by row."""

    def __init__(self, ws: Worksheet, col: int, cells: Cells):
        self.ws, self.cells = ws, cells
        self.letter = xl_col_to_name(col)
        self.column_format = _column_format(ws, col)
        self.styles: dict[int, str] = {}
        self.texts: dict[str, str] = {}

    def style(self, fmt: Format | None) -> str:
        """The cell's ``s`` attribute (a format unused is given no style index)."""
        if id(fmt) not in self.styles:
            chosen = fmt or self.column_format
            self.styles[id(fmt)] = f' s="{chosen._get_xf_index()}"' if chosen else ""
        return self.styles[id(fmt)]

    def make(self, rows: Sequence[str], start: int, stop: int) -> list[str | None]:
        values, letter = self.cells.values[start:stop], self.letter
        values = [*values, *[None] * (len(rows) - len(values))]
        if self.cells.number:
            if all(v is None for v in values):
                return values
            style = self.style(self.cells.fmt)
            return [None if v is None else f'<c r="{letter}{n}"{style}><v>{v:.16G}</v></c>'
                    for n, v in zip(rows, values, strict=True)]
        texts, text = self.texts, self._text
        return [None if v is None else f'<c r="{letter}{n}"{texts.get(v) or text(v)}'
                for n, v in zip(rows, values, strict=True)]

    def _text(self, value: str) -> str:
        """Everything of a text cell after its reference (kept for the next cell like it)."""
        string = value
        if len(string) > self.ws.xls_strmax // 2 and _utf16_len(string) > self.ws.xls_strmax:
            string = _utf16_truncate(string, self.ws.xls_strmax)
        style = self.style(self.cells.format_of(value))
        string = self.ws._escape_control_characters(string)
        if string.startswith("<r>") and string.endswith("</r>"):
            made = f'{style} t="inlineStr"><is>{string}</is></c>'
        else:
            space = ' xml:space="preserve"' if _preserve_whitespace(string) else ""
            made = (f'{style} t="inlineStr"><is><t{space}>{self.ws._escape_data(string)}'
                    "</t></is></c>")
        self.texts[value] = made
        return made


def _rows(makers: Sequence[_CellMaker], first: int, start: int, stop: int) -> Iterator[str]:
    numbers = [str(n) for n in range(first + 1, first + 1 + stop - start)]
    made = [maker.make(numbers, start, stop) for maker in makers]
    for number, cells in zip(numbers, zip(*made, strict=True), strict=True):
        present = [c for c in cells if c is not None]
        if present:
            yield f'<row r="{number}">{"".join(present)}</row>'
