"""Raw data as CSV the way Polish Excel opens it: UTF-8 with BOM, ``;``, decimal comma.

Numbers are written from their exact stored integers (never through a float). Text that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) gets a leading
apostrophe — the OWASP advice for CSV injection — while numbers, negative ones included, stay
numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import IO, Any

from reports.frame import ATTRIBUTES, Column, ReportFrame
from reports.labels import code_labels, header_labels, labelled
from reports.xlsx import ATTRIBUTE_LABELS, FORMULA_START, raw_columns


def _unchanged(text: str) -> str:
    return text


def write_raw_csv(out: IO[str], frame: ReportFrame, *, exclude_sensitive: bool = False,
                  labels: bool = False, translate: Callable[[str], str] = _unchanged) -> int:
    """Write the submitted responses to a text stream (open it with ``newline=""``).

    :param labels: a first row of question texts over the row of codes, and the labels of
        choice answers in their cells (``reports.labels``)
    :param translate: the descriptions of the unit's attributes in the reader's language
    :return: the number of data rows written.
    """
    data = frame.data[frame.submitted]
    columns = raw_columns(frame, exclude_sensitive)
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    if labels:
        writer.writerow([_safe(t) for t in
                         header_labels(ATTRIBUTES, columns, ATTRIBUTE_LABELS, translate)])
    writer.writerow([*ATTRIBUTES, *(c.name for c in columns)])
    series = [_texts(data[name]) if name != "unit_id" else _plain(data[name])
              for name in ATTRIBUTES]
    for column in columns:
        if column.kind == "number":
            series.append(_numbers(data[column.name], column))
            continue
        choice_labels = code_labels(frame, column) if labels else None
        values = data[column.name].to_numpy(dtype=object, na_value=None)
        series.append([_safe(v) for v in (labelled(values, column, choice_labels)
                                          if choice_labels else values)])
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
