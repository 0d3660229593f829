"""A round's aggregates as an open-data package: CSV tables and a Frictionless
``datapackage.json`` (Table Schema), the way dane.gov.pl and data portals take them.

Only aggregates go in — never a unit's row — and always with small-cell suppression: the
caller hands in tables that ``reports.suppression`` has already hidden, and ``write_package``
refuses any other. Each level is one long ("tidy") table: one row per figure, so the schema
is the same whatever the questionnaire, territory codes are strings (``0201`` keeps its
zero), and a hidden figure is ``<3`` or ``x``, which the schema declares as a missing value.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from l10n import N_
from reports.aggregate import LEVELS, TOTAL, Aggregate
from reports.suppression import COMPLEMENT, SMALL

#: the licence of the published tables (the public sector's default on dane.gov.pl)
LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Uznanie autorstwa 4.0",
           "path": "https://creativecommons.org/licenses/by/4.0/deed.pl"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CODE_RE = re.compile(r"^([0-9]{2,7})\b")

FIELDS: list[dict[str, Any]] = [
    {"name": "kolumna", "type": "string", "title": N_("Kolumna"),
     "description": N_("Identyfikator pytania (z wierszem i kolumną tabeli albo odpowiedzią)")},
    {"name": "pytanie", "type": "string", "title": N_("Pytanie"),
     "description": N_("Identyfikator pytania ankiety")},
    {"name": "etykieta", "type": "string", "title": N_("Etykieta"),
     "description": N_("Treść pytania lub odpowiedzi")},
    {"name": "miara", "type": "string", "title": N_("Miara"),
     "description": N_("Liczba odpowiedzi, suma, średnia, mediana, udział …")},
    {"name": "format", "type": "string", "title": N_("Format"),
     "description": N_("count — liczba, money — zł, pct — procent, decimal — liczba dziesiętna")},
    {"name": "grupa", "type": "string", "title": N_("Grupa"),
     "description": N_("Obszar lub rodzaj, dla którego podano wartość; „Ogółem” — całość")},
    {"name": "kod_teryt", "type": "string", "title": N_("Kod TERYT"),
     "description": N_("Kod TERYT grupy (tekst, z zerami na początku); pusty, gdy grupa nie "
                       "jest obszarem"), "constraints": {"pattern": "^([0-9]{2,7})?$"}},
    {"name": "wartosc", "type": "number", "title": N_("Wartość"),
     "description": N_("Wartość; „<3” — liczba 1 lub 2 w grupie wrażliwej ukryta, „x” — "
                       "ukryta, bo pozwoliłaby ją odtworzyć; „—” — za mało odpowiedzi")},
    {"name": "data", "type": "date", "title": N_("Data"),
     "description": N_("Wartość, gdy miara jest datą (najwcześniej, najpóźniej)")},
]
#: the ``format`` of figures that are dates, not numbers (they go to the ``data`` column)
DATE_FORMATS = frozenset({"day", "date"})
#: a statistic the reports withhold (too few answers in the group for a median …)
WITHHELD = "—"


@dataclass
class PackageInfo:
    """What the package says about itself."""

    name: str
    title: str
    description: str
    source: str
    created: datetime


def _text(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _number(value: Any) -> str:
    """A figure as Table Schema reads a number (dot decimal), or a suppression mark."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if value in (SMALL, COMPLEMENT, WITHHELD):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "item"):
        value = value.item()
    return str(value)


def table_rows(table: Aggregate) -> list[list[str]]:
    """One row per figure of an aggregate table."""
    rows = []
    for record in table.table.to_dict("records"):
        meta = [_text(record[name]) for name in ("kolumna", "pytanie", "etykieta", "miara",
                                                  "format")]
        is_date = str(record["format"]) in DATE_FORMATS
        for group in [*table.groups, TOTAL]:
            code = _CODE_RE.match(group)
            value = record[group]
            date = "" if value is None or value != value else str(value)[:10]
            rows.append([*meta, _text(group), code.group(1) if code else "",
                         "" if is_date else _number(value), date if is_date else ""])
    return rows


def write_package(out: IO[bytes], info: PackageInfo, tables: Sequence[Aggregate], *,
                  suppressed: bool, translate: Any = lambda text: text) -> list[str]:
    """Write the zip: one CSV per level and ``datapackage.json``; returns the member names.

    :param suppressed: the tables went through small-cell suppression (required)
    :raise ValueError: for tables that were not suppressed
    """
    if not suppressed:
        raise ValueError("a data package is published: small-cell suppression is required")
    resources, names = [], []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            path = f"zestawienie_{table.level}.csv"
            buffer = io.StringIO(newline="")
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow([f["name"] for f in FIELDS])
            writer.writerows(table_rows(table))
            archive.writestr(path, buffer.getvalue().encode("utf-8"))
            names.append(path)
            level = translate(LEVELS[table.level])
            resources.append({
                "name": f"zestawienie-{table.level.replace('_', '-')}", "path": path,
                "profile": "tabular-data-resource",
                "title": translate(N_("Zestawienie wg: %(level)s")) % {"level": level},
                "description": translate(N_("Wartości odpowiedzi zsumowane wg: %(level)s; "
                                            "małe liczebności ukryte.")) % {"level": level},
                "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "schema": {"fields": [{**f, "title": translate(f["title"]),
                                       "description": translate(f["description"])}
                                      for f in FIELDS],
                           "missingValues": ["", SMALL, COMPLEMENT, WITHHELD]},
            })
        descriptor = {
            "profile": "tabular-data-package", "name": info.name, "title": info.title,
            "description": info.description, "created": info.created.isoformat(),
            "licenses": [LICENCE], "sources": [{"title": info.source}],
            "keywords": ["ekonomia społeczna", "monitoring", "esmon"],
            "resources": resources,
        }
        archive.writestr("datapackage.json", json.dumps(descriptor, ensure_ascii=False,
                                                         indent=2) + "\n")
        names.append("datapackage.json")
    return names
