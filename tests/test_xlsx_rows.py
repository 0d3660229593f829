"""``reports.xlsx_rows``: rows written as XML in one piece are xlsxwriter's own, byte for byte."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest
import xlsxwriter

from reports import xlsx_rows
from reports.xlsx_rows import Cells, write_cells, write_rows

LONG = "ż" * 40_000  # over Excel's 32 767 characters: cut as xlsxwriter cuts it
TEXTS = ["Gmina Kluczbork", " leading", "trailing ", "a & b < c > \"d\"", "two\nlines",
         "bell\x07", "_x0041_ literal", "<r>not rich</r>", "=HYPERLINK(\"x\")", "+48 77",
         "", "emoji 😀", LONG, "Gmina Kluczbork", 17, None, "-5", "@home"]
NUMBERS = [1, 2.5, -3, None, 10 ** 17, 0.1 + 0.2, 1e-9, 123456789012, None, 0, 7, 8, 9,
           10, 11, 12, 13, 14]


def _workbook(path: Path, write, constant_memory: bool = True) -> None:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory,
                                           "strings_to_formulas": False,
                                           "strings_to_numbers": False,
                                           "strings_to_urls": False})
    book.set_properties({"created": datetime(2026, 1, 1)})
    header = book.add_format({"bold": True})
    money = book.add_format({"num_format": '#,##0.00 "zł"'})
    count = book.add_format({"num_format": "#,##0"})
    text = book.add_format({"valign": "top"})
    quoted = book.add_format({"quote_prefix": True, "valign": "top"})
    column = book.add_format({"italic": True})
    unused = book.add_format({"quote_prefix": True, "bold": True})  # no text starts with "="
    ws = book.add_worksheet("Dane")
    ws.set_column(5, 5, 12, column)
    for col, name in enumerate(["a", "b", "c", "d", "e", "f", "g"]):
        ws.write_string(0, col, name, header)
    columns = [
        Cells(NUMBERS, True, count),
        Cells(TEXTS, False, text, quoted),
        Cells([None, None, *NUMBERS[2:]], True, money),  # its format first used in row 2
        Cells([None] * len(TEXTS), False, book.add_format({"bold": True, "underline": True})),
        Cells(["plain"] * 3, False, text, unused),
        Cells(list(reversed(TEXTS)), False),  # no format of its own: the column's
        Cells(TEXTS[:5], False, quoted),  # shorter than the others
    ]
    write(ws, 1, columns)
    late = ws.write_string(3, 0, "late")
    assert late == (-1 if constant_memory else 0)  # constant memory: rows written are done
    other = book.add_worksheet("Słownik")
    other.write_string(0, 0, "after", book.add_format({"bold": True, "italic": True}))
    book.close()


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("constant_memory", [True, False])
def test_rows_in_one_piece_are_the_cells_written_one_by_one(tmp_path, monkeypatch,
                                                           constant_memory):
    _workbook(tmp_path / "cells.xlsx", write_cells, constant_memory)
    if constant_memory:  # the rows go straight into the row file, not cell by cell
        monkeypatch.setattr(xlsx_rows, "write_cells", None)
    _workbook(tmp_path / "rows.xlsx", write_rows, constant_memory)
    cells, rows = _parts(tmp_path / "cells.xlsx"), _parts(tmp_path / "rows.xlsx")
    assert set(cells) == set(rows)
    for name in cells:
        assert rows[name] == cells[name], name
    assert b"_x0007_" in cells["xl/worksheets/sheet1.xml"] or not constant_memory


def test_a_number_that_is_not_finite_is_refused_as_by_write_number(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "nan.xlsx"), {"constant_memory": True})
    ws = book.add_worksheet()
    with pytest.raises(TypeError):
        write_rows(ws, 0, [Cells([1.0, float("nan")], True)])
    book.close()
