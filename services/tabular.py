"""Reading a register list (CSV or XLSX) into rows numbered as the spreadsheet numbers them.

ROPS staff keep their lists in Excel and export them in whatever way the machine offers, so the
reader accepts ``;``, ``,`` or tab separated CSV in UTF-8 (with or without BOM) and XLSX, and
maps the header through aliases (Polish names are accepted). Every problem it can attribute to a
place is a ``RowProblem`` carrying the row number the person sees in their spreadsheet and the
column header as they wrote it, so the message can be acted on without guessing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext

from services.uploads import (
    MAX_CELL_CHARS,
    MAX_ROWS,
    UploadTooLarge,
    check_zip_size,
    control_character_problem,
    echo,
    too_long_problem,
    too_many_rows,
)

XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True, order=True)
class RowProblem:
    """One problem in an imported file: row as in the spreadsheet (header = 1), column, message.

    ``row`` is ``None`` for a problem with the file as a whole (not readable, no data).
    """

    row: int | None
    column: str
    message: str

    def __post_init__(self) -> None:
        # the header as written is quoted back: never more of it than any other value
        object.__setattr__(self, "column", echo(self.column))

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        where = f"wiersz {self.row}"
        if self.column:
            where += f", kolumna {self.column}"
        return f"{where}: {self.message}"


class TableFormatError(ValueError):
    """The file cannot be read as a table at all (the message is Polish)."""


@dataclass(frozen=True)
class Row:
    """One data row: canonical column → text, and which cells were numbers in the sheet.

    Excel drops leading zeros of numeric cells (TERYT 020101 → 20101, KRS 0000123456 → 123456);
    knowing which cells were numeric lets the importer restore them without guessing on text.
    """

    number: int
    values: dict[str, str]
    numeric: frozenset[str] = frozenset()

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class Table:
    #: canonical column → header as written in the file (for messages)
    headers: dict[str, str]
    rows: list[Row]
    #: headers that matched no known column; reported, not imported
    ignored_columns: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    def require(self, *columns: str) -> list[RowProblem]:
        """Problems for required columns missing from the header (row 1)."""
        return [RowProblem(1, column, gettext("brak wymaganej kolumny w nagłówku"))
                for column in columns if column not in self.headers]

    def header(self, column: str) -> str:
        """The column's header as written in the file (falls back to the canonical name)."""
        return self.headers.get(column, column)


def normalise_header(text: str) -> str:
    """``" Kod TERYT "`` → ``"kod_teryt"``: case and spacing as people type them."""
    return re.sub(r"\s+", "_", text.strip().lower())


def read_table(data: bytes, filename: str, aliases: Mapping[str, str]) -> Table:
    """Read CSV or XLSX bytes; header row 1 mapped through ``aliases`` (normalised → canonical).

    Every cell that is imported is checked for control characters and for its length
    (``MAX_CELL_CHARS``); each such cell is a problem with its row and column.

    :raise TableFormatError: the file is neither readable CSV (UTF-8) nor XLSX, is empty, has
        more than ``MAX_ROWS`` data rows or inflates beyond ``MAX_INFLATED_BYTES``.
    """
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        records = _xlsx_records(data)
    else:
        records = _csv_records(data)
    filled = sum(1 for record in records if any(value for value, _ in record))
    if filled > MAX_ROWS + 1:
        raise TableFormatError(too_many_rows(filled - 1))
    if not records or not any(value for value, _ in records[0]):
        raise TableFormatError(gettext("Plik jest pusty albo nie ma nagłówka w pierwszym "
                                       "wierszu."))
    table, positions = _map_header([value for value, _ in records[0]], aliases)
    for number, record in enumerate(records[1:], start=2):
        if not any(value for value, _ in record):
            continue
        values: dict[str, str] = {}
        numeric = set()
        for index, (value, is_number) in enumerate(record):
            canonical = positions.get(index)
            if canonical is None:
                continue
            problem = control_character_problem(value) or too_long_problem(value,
                                                                          MAX_CELL_CHARS)
            if problem:
                table.problems.append(RowProblem(number, table.headers[canonical], problem))
                value = value[:MAX_CELL_CHARS]
            values[canonical] = value
            if is_number:
                numeric.add(canonical)
        table.rows.append(Row(number, values, frozenset(numeric)))
    if not table.rows:
        raise TableFormatError(gettext("W pliku nie ma żadnego wiersza danych pod nagłówkiem."))
    return table


def _map_header(header: list[str], aliases: Mapping[str, str]) -> tuple[Table, dict[int, str]]:
    """The table with its header mapped, and column position → canonical name."""
    table = Table(headers={}, rows=[])
    positions: dict[int, str] = {}
    for index, written in enumerate(header):
        written = written.strip()
        if not written:
            continue
        canonical = aliases.get(normalise_header(written))
        if canonical is None:
            table.ignored_columns.append(echo(written))
        elif canonical in table.headers:
            table.problems.append(RowProblem(
                1, written, gettext("kolumna powtarza kolumnę „%(column)s”",
                                    column=table.headers[canonical])))
        else:
            positions[index] = canonical
            table.headers[canonical] = written
    return table, positions


Cell = tuple[str, bool]  # text, was a number in the sheet


def _csv_records(data: bytes) -> list[list[Cell]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise TableFormatError(gettext(
            "Plik nie jest zapisany w kodowaniu UTF-8 (niepoprawny bajt na pozycji "
            "%(position)s). W Excelu wybierz „Zapisz jako” → „CSV UTF-8 (rozdzielany "
            "przecinkami)”.", position=err.start)) from err
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[Cell]] = []
    filled = 0
    try:
        for record in reader:
            records.append([(cell.strip(), False) for cell in record])
            filled += any(value for value, _ in records[-1])
            if filled > MAX_ROWS + 1:
                break  # enough to refuse the file; the rest is never read
    except csv.Error as err:  # a cell beyond the csv module's own limit (128 KiB)
        raise TableFormatError(gettext(
            "Wiersz %(row)s: komórka jest dłuższa niż %(limit)s znaków albo ma niedomknięty "
            "cudzysłów.", row=reader.line_num, limit=MAX_CELL_CHARS)) from err
    return records


def _xlsx_records(data: bytes) -> list[list[Cell]]:
    from openpyxl import load_workbook  # imported here: only XLSX uploads need it

    try:
        check_zip_size(data, gettext("Plik XLSX"))
    except UploadTooLarge as err:
        raise TableFormatError(str(err)) from err
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - openpyxl raises many types for a broken file
        raise TableFormatError(gettext("Nie można odczytać pliku XLSX: %(error)s.",
                                       error=echo(err))) from err
    try:
        sheet = workbook.worksheets[0]
        records: list[list[Cell]] = []
        filled = 0
        for record in sheet.iter_rows(min_row=1, values_only=True):
            records.append([_xlsx_cell(value) for value in record])
            filled += any(value for value, _ in records[-1])
            if filled > MAX_ROWS + 1:
                break  # enough to refuse the file; the rest is never read
        return records
    finally:
        workbook.close()


def _xlsx_cell(value: object) -> Cell:
    if value is None:
        return "", False
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return repr(value), True
        return str(int(value)), True
    if isinstance(value, datetime | date):
        return value.isoformat(), False
    return str(value).strip(), False


def restore_zeros(row: Row, column: str, widths: tuple[int, ...]) -> str:
    """A numeric cell's digits padded with leading zeros to the nearest allowed width.

    Only numeric cells are padded: text the person typed is taken as written, so a code with a
    missing digit is reported, not silently repaired.
    """
    value = row.get(column)
    if column not in row.numeric or not value.isdigit():
        return value
    for width in sorted(widths):
        if len(value) <= width:
            return value.zfill(width)
    return value
