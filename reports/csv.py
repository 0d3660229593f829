"""Raw data as CSV the way Polish Excel opens it: UTF-8 with BOM, ``;``, decimal comma.

Numbers are written from their exact stored integers (never through a float). Text that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) gets a leading
apostrophe — the OWASP advice for CSV injection — while numbers, negative ones included, stay
numbers.
"""

from __future__ import annotations

import csv
from typing import IO, Any

from reports.frame import ATTRIBUTES, Column, ReportFrame
from reports.xlsx import FORMULA_START, raw_columns


def write_raw_csv(out: IO[str], frame: ReportFrame, *, exclude_sensitive: bool = False) -> int:
    """Write the submitted responses to a text stream (open it with ``newline=""``).

    :return: the number of data rows written.
    """
    data = frame.data[frame.submitted]
    columns = raw_columns(frame, exclude_sensitive)
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([*ATTRIBUTES, *(c.name for c in columns)])
    series = [_texts(data[name]) if name != "unit_id" else _plain(data[name])
              for name in ATTRIBUTES]
    series += [_numbers(data[c.name], c) if c.kind == "number" else _texts(data[c.name])
               for c in columns]
    count = 0
    for row in zip(*series, strict=True):
        writer.writerow(row)
        count += 1
    return count


def _plain(series: Any) -> list[Any]:
    return ["" if v is None else v for v in series.to_numpy(dtype=object, na_value=None)]


def _numbers(series: Any, column: Column) -> list[str]:
    return ["" if v is None else decimal_comma(int(v), column.places)
            for v in series.to_numpy(dtype=object, na_value=None)]


def _texts(series: Any) -> list[str]:
    return [_safe(v) for v in series.to_numpy(dtype=object, na_value=None)]


def decimal_comma(minor: int, places: int) -> str:
    """Exact integer × 10**-places → ``-1234,50``."""
    if not places:
        return str(minor)
    sign = "-" if minor < 0 else ""
    digits = str(abs(minor)).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]},{digits[-places:]}"


def _safe(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text[:1] in FORMULA_START else text
