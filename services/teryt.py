"""Import of the official GUS TERC register (XML or CSV) into ``territories``.

Formats accepted: the current XML (``<teryt><catalog name="TERC"><row><WOJ>…``), the old XML
(``<col name="WOJ">`` and ``NAZDOD``), and CSV (``;``, CRLF, UTF-8 with or without BOM,
header ``WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA``). Codes are kept as text.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from extensions import db
from models import Territory

COLUMNS = ("WOJ", "POW", "GMI", "RODZ", "NAZWA", "NAZWA_DOD", "STAN_NA")
#: RODZ digits that are gminas (JST); 4/5 are parts of urban-rural gminas, 8/9 city districts
GMINA_RODZ = {"1", "2", "3"}


class TercFormatError(ValueError):
    """The file is not a TERC register; the message says where and why (in Polish)."""


@dataclass(frozen=True)
class TercRow:
    woj: str
    pow: str
    gmi: str
    rodz: str
    name: str
    kind_label: str
    valid_on: date


def read_terc(data: bytes, filename: str = "") -> list[TercRow]:
    """Parse TERC XML or CSV bytes into rows (all levels, sub-gmina rows included)."""
    text = data.decode("utf-8-sig", errors="strict").lstrip()
    if text.startswith("<"):
        return _read_xml(text)
    return _read_csv(text)


def _read_xml(text: str) -> list[TercRow]:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as err:
        raise TercFormatError(f"Plik XML jest uszkodzony: {err}.") from err
    rows = []
    for number, element in enumerate(root.iter("row"), start=1):
        values = {child.tag.upper(): (child.text or "").strip() for child in element
                  if child.tag.lower() not in ("col", "column")}
        for col in element:
            if col.tag.lower() in ("col", "column"):
                values[(col.get("name") or "").upper()] = (col.text or "").strip()
        if "NAZDOD" in values and "NAZWA_DOD" not in values:
            values["NAZWA_DOD"] = values.pop("NAZDOD")
        rows.append(_row(values, f"wiersz <row> nr {number}"))
    if not rows:
        raise TercFormatError("W pliku XML nie ma elementów <row> rejestru TERC.")
    return rows


def _read_csv(text: str) -> list[TercRow]:
    reader = csv.reader(io.StringIO(text), delimiter=";")
    try:
        header = [h.strip().upper() for h in next(reader)]
    except StopIteration as err:
        raise TercFormatError("Plik jest pusty.") from err
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise TercFormatError(f"Wiersz 1: brak kolumn {', '.join(missing)} (oczekiwano "
                              f"nagłówka {';'.join(COLUMNS)}).")
    rows = []
    for number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            raise TercFormatError(f"Wiersz {number}: {len(record)} kolumn zamiast {len(header)}.")
        rows.append(_row(dict(zip(header, (c.strip() for c in record), strict=True)),
                         f"wiersz {number}"))
    return rows


def _row(values: dict[str, str], where: str) -> TercRow:
    woj = values.get("WOJ", "")
    if len(woj) != 2 or not woj.isdigit():
        raise TercFormatError(f"{where}, kolumna WOJ: oczekiwano dwóch cyfr, jest {woj!r}.")
    for column, size in (("POW", 2), ("GMI", 2), ("RODZ", 1)):
        value = values.get(column, "")
        if value and (len(value) != size or not value.isdigit()):
            raise TercFormatError(f"{where}, kolumna {column}: niepoprawny kod {value!r}.")
    try:
        valid_on = date.fromisoformat(values.get("STAN_NA", ""))
    except ValueError as err:
        raise TercFormatError(f"{where}, kolumna STAN_NA: niepoprawna data "
                              f"{values.get('STAN_NA')!r}.") from err
    if not values.get("NAZWA"):
        raise TercFormatError(f"{where}, kolumna NAZWA: pusta nazwa.")
    return TercRow(woj, values.get("POW", ""), values.get("GMI", ""), values.get("RODZ", ""),
                   values["NAZWA"], values.get("NAZWA_DOD", ""), valid_on)


def territory_fields(row: TercRow) -> dict | None:
    """The ``Territory`` columns for a row, or ``None`` for rows that are not JST."""
    if not row.pow:
        return {"code": row.woj, "level": "wojewodztwo", "rodz": None}
    if not row.gmi:
        return {"code": row.woj + row.pow, "level": "powiat", "rodz": None}
    if row.rodz in GMINA_RODZ:
        return {"code": row.woj + row.pow + row.gmi, "level": "gmina", "rodz": row.rodz}
    return None


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    valid_on: date | None = None


def import_terc(data: bytes, filename: str = "", only_region: str | None = None) -> ImportSummary:
    """Create or update territories from a TERC file (flushes; the caller commits).

    :param only_region: a two-digit województwo code to import only that region
    """
    rows = read_terc(data, filename)
    existing = {t.code: t for t in db.session.scalars(select(Territory))}
    summary = ImportSummary()
    for row in rows:
        if only_region and row.woj != only_region:
            continue
        fields = territory_fields(row)
        if fields is None:
            continue
        summary.valid_on = max(summary.valid_on or row.valid_on, row.valid_on)
        values = {**fields, "name": row.name, "kind_label": row.kind_label,
                  "valid_on": row.valid_on}
        current = existing.get(fields["code"])
        if current is None:
            territory = Territory(**values)
            db.session.add(territory)
            existing[territory.code] = territory
            summary.created += 1
        elif any(getattr(current, k) != v for k, v in values.items()):
            if current.valid_on > row.valid_on:
                summary.unchanged += 1  # never overwrite a newer register with an older one
                continue
            for key, value in values.items():
                setattr(current, key, value)
            summary.updated += 1
        else:
            summary.unchanged += 1
    db.session.flush()
    return summary


def import_terc_file(path: Path, only_region: str | None = None) -> ImportSummary:
    return import_terc(path.read_bytes(), path.name, only_region)
