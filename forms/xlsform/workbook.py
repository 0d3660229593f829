"""Reading an XLSForm workbook safely: sheets as rows of text, with every cell's place.

An uploaded workbook may be made to hurt (a ZIP that inflates a thousandfold, an XML bomb,
a million rows) or be a spreadsheet that would silently mean something else once read as data:
a formula (the value shown in Excel is not in the file), merged header cells (the column name
is only on the first cell). Each is refused with its place; nothing is guessed.
openpyxl reads the sheets in read-only mode (rows streamed, XML parsed by defusedxml); the
merged ranges, which read-only mode does not report, are read from the sheet's XML directly.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from forms.problems import Problem

#: an XLSForm bigger than this is refused before it is opened (the issue's "50 MB file")
MAX_FILE_BYTES = 50 * 1024 * 1024
#: what all members of the workbook may inflate to together
MAX_INFLATED_BYTES = 100 * 1024 * 1024
#: rows of one sheet (the longest real questionnaires have a few hundred)
MAX_ROWS = 20_000
#: characters of one cell (labels and expressions are far shorter)
MAX_CELL_CHARS = 10_000
#: the sheets an XLSForm is made of
SHEETS = ("survey", "choices", "settings")
_MERGE_RE = re.compile(r"([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?")
_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@dataclass
class Cell:
    """One non-empty cell: its text and where it is (1-based row and column)."""

    text: str
    row: int
    column: int


@dataclass
class Row:
    """One data row of a sheet: header name → cell."""

    number: int
    cells: dict[str, Cell] = field(default_factory=dict)

    def get(self, column: str) -> str:
        cell = self.cells.get(column)
        return cell.text if cell else ""

    def column_of(self, name: str) -> int | None:
        cell = self.cells.get(name)
        return cell.column if cell else None


@dataclass
class Sheet:
    """A sheet of the XLSForm: its header (name → column) and its data rows."""

    name: str
    header: dict[str, int]
    rows: list[Row]


@dataclass
class Workbook:
    """The XLSForm's sheets by lowercase name, and the problems met while reading them."""

    name: str
    sheets: dict[str, Sheet] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, sheet: str, row: int, code: str, message: str,
                column: int | None = None, qid: str | None = None) -> None:
        self.problems.append(Problem(self.name, row, code, message, qid, column, sheet))


def _cell_text(value: Any) -> str:
    """A cell's value as the text an XLSForm means: ``1.0`` is ``1``, ``TRUE`` is ``true``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def read_workbook(data: bytes, name: str) -> Workbook:
    """The XLSForm sheets of ``data`` (an .xlsx file), or the problems that stop reading it."""
    book = Workbook(name)
    if len(data) > MAX_FILE_BYTES:
        book.problem("-", 1, "xlsform_too_large",
                     f"Plik ma {len(data) // (1024 * 1024)} MB; dopuszczalne najwyżej "
                     f"{MAX_FILE_BYTES // (1024 * 1024)} MB.")
        return book
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        book.problem("-", 1, "xlsform_unreadable",
                     "To nie jest skoroszyt Excela (.xlsx); zapisz formularz jako .xlsx.")
        return book
    with archive:
        inflated = sum(info.file_size for info in archive.infolist())
        if inflated > MAX_INFLATED_BYTES:
            book.problem("-", 1, "xlsform_too_large",
                         f"Skoroszyt po rozpakowaniu zajmuje {inflated // (1024 * 1024)} MB; "
                         f"dopuszczalne najwyżej {MAX_INFLATED_BYTES // (1024 * 1024)} MB.")
            return book
        merged = _merged_ranges(archive, book)
    if book.problems:
        return book
    from openpyxl import load_workbook  # imported here: only an import needs it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as err:  # noqa: BLE001 - openpyxl raises many types for a broken file
        book.problem("-", 1, "xlsform_unreadable",
                     f"Nie można odczytać skoroszytu: {type(err).__name__}.")
        return book
    try:
        for worksheet in workbook.worksheets:
            key = worksheet.title.strip().lower()
            if key not in SHEETS:
                continue
            book.sheets[key] = _read_sheet(worksheet, key, merged.get(worksheet.title, []),
                                           book)
    finally:
        workbook.close()
    if "survey" not in book.sheets and not book.problems:
        book.problem("survey", 1, "xlsform_missing_sheet",
                     "Skoroszyt nie ma arkusza 'survey' (pytania formularza).")
    return book


def _read_sheet(worksheet: Any, key: str, merged: list[tuple[int, int, int, int]],
                book: Workbook) -> Sheet:
    for first_col, first_row, _last_col, last_row in merged:
        where = ("nagłówku" if first_row == 1 else f"wierszach {first_row}–{last_row}")
        book.problem(key, first_row, "xlsform_merged_cells",
                     f"Scalone komórki w {where}: nazwa kolumny lub wartość jest tylko w "
                     f"pierwszej z nich. Rozdziel scalone komórki.", first_col)
    header: dict[str, int] = {}
    names: dict[int, str] = {}
    rows: list[Row] = []
    for number, values in enumerate(worksheet.iter_rows(), start=1):
        if number > MAX_ROWS + 1:
            book.problem(key, number, "xlsform_too_large",
                         f"Arkusz '{key}' ma ponad {MAX_ROWS} wierszy.")
            break
        row = Row(number)
        for cell in values:
            value = getattr(cell, "value", None)
            if value is None:
                continue
            column = cell.column
            if cell.data_type == "f":  # a text that starts with '=' is text
                book.problem(key, number, "xlsform_formula",
                             "Komórka zawiera formułę Excela; formularz czyta tylko wpisane "
                             "wartości. Wklej wartość zamiast formuły.", column)
                continue
            text = _cell_text(value)
            if len(text) > MAX_CELL_CHARS:
                book.problem(key, number, "xlsform_too_large",
                             f"Komórka ma {len(text)} znaków; dopuszczalne {MAX_CELL_CHARS}.",
                             column)
                continue
            if not text:
                continue
            if number == 1:
                name = _column_name(text)
                if name in header:
                    book.problem(key, 1, "xlsform_duplicate_column",
                                 f"Kolumna '{text}' występuje dwa razy.", column)
                header[name] = column
                names[column] = name
            elif column in names:  # a value under no header is no part of the form
                row.cells[names[column]] = Cell(text, number, column)
        if number > 1 and row.cells:
            rows.append(row)
    return Sheet(key, header, rows)


def _column_name(text: str) -> str:
    """``Label::Polski (pl)`` → ``label::Polski (pl)``: the column kind lowercase (XLSForm
    ignores its case), the language as written."""
    kind, sep, language = text.partition("::")
    return f"{kind.strip().lower()}{sep}{language.strip()}"


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _merged_ranges(archive: zipfile.ZipFile, book: Workbook
                   ) -> dict[str, list[tuple[int, int, int, int]]]:
    """Sheet title → merged ranges (first column, first row, last column, last row)."""
    try:
        workbook_xml = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels_xml = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, DefusedXmlException):
        return {}  # openpyxl says what is wrong with the file, in its own words
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels_xml}
    rel_key = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    result: dict[str, list[tuple[int, int, int, int]]] = {}
    for sheet in workbook_xml.iter(f"{_SHEET_NS}sheet"):
        title = sheet.get("name", "")
        if title.strip().lower() not in SHEETS:
            continue
        target = targets.get(sheet.get(rel_key), "").lstrip("/")
        path = target if target.startswith("xl/") else f"xl/{target}"
        try:
            with archive.open(path) as member:
                ranges = []
                for _, element in ElementTree.iterparse(member):
                    if element.tag == f"{_SHEET_NS}mergeCell":
                        found = _MERGE_RE.fullmatch(element.get("ref", ""))
                        if found:
                            a, b, c, d = found.groups()
                            ranges.append((_column_number(a), int(b),
                                           _column_number(c or a), int(d or b)))
                    element.clear()
        except (KeyError, ElementTree.ParseError, DefusedXmlException):
            book.problem(title, 1, "xlsform_unreadable",
                         f"Nie można odczytać arkusza '{title}'.")
            continue
        result[title] = ranges
    return result
