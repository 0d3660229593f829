"""Import of the official GUS TERC register (XML, CSV or the ZIP they come in) into ``territories``.

Formats accepted: the current XML (``<teryt><catalog name="TERC"><row><WOJ>…``), the old XML
(``<col name="WOJ">`` / ``<column name="WOJ">`` and ``NAZDOD``), and CSV (``;``, CRLF, UTF-8 with
or without BOM, header ``WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA``). Codes are kept as text.

Every register imported also leaves a dated copy of its rows in ``territory_versions``, so the
gmina type of an earlier reporting year can be looked up (``rodz_on``) after the newest register
has replaced the current state.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET  # noqa: S405  # only for ParseError; parsing is defusedxml's
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as defused_tree
from sqlalchemy import func, select

from extensions import db
from models import Territory, TerritoryVersion
from services.uploads import (
    MAX_ROWS,
    UploadTooLarge,
    check_zip_size,
    control_character_problem,
    echo,
    read_member,
    too_long_problem,
    too_many_rows,
)

COLUMNS = ("WOJ", "POW", "GMI", "RODZ", "NAZWA", "NAZWA_DOD", "STAN_NA")
#: RODZ digits that are gminas (JST); 4/5 are parts of urban-rural gminas, 8/9 city districts
GMINA_RODZ = {"1", "2", "3"}
#: every RODZ digit the register uses
KNOWN_RODZ = GMINA_RODZ | {"4", "5", "8", "9"}
_COL_TAGS = ("col", "column")
#: column sizes of ``Territory``: a longer text is a located problem, not a database error
NAME_LENGTH, KIND_LABEL_LENGTH = 120, 80


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
    #: where the row is in the file ("wiersz 5", "element <row> nr 4"), for messages
    source: str = ""


def read_terc(data: bytes, filename: str = "") -> list[TercRow]:
    """Parse TERC XML or CSV bytes (or a ZIP holding one) into rows of every level.

    :raise TercFormatError: with the row and column of the first problem, in Polish.
    """
    if data.startswith(b"PK\x03\x04"):
        data, filename = _unzip(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise TercFormatError(f"Plik nie jest zapisany w kodowaniu UTF-8 (niepoprawny bajt na "
                              f"pozycji {err.start}); GUS publikuje TERC w UTF-8.") from err
    text = text.lstrip()
    if not text:
        raise TercFormatError("Plik jest pusty.")
    return _read_xml(text) if text.startswith("<") else _read_csv(text)


def _unzip(data: bytes) -> tuple[bytes, str]:
    """The single XML/CSV member of a ZIP as downloaded from eteryt.stat.gov.pl."""
    try:
        check_zip_size(data, "Archiwum ZIP")
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [n for n in archive.namelist() if n.lower().endswith((".xml", ".csv"))]
            if len(members) != 1:
                raise TercFormatError("Archiwum ZIP powinno zawierać dokładnie jeden plik XML "
                                      f"albo CSV rejestru TERC, zawiera {len(members)}.")
            return read_member(archive, members[0], "Archiwum ZIP"), members[0]
    except UploadTooLarge as err:
        raise TercFormatError(str(err)) from err
    except zipfile.BadZipFile as err:
        raise TercFormatError(f"Archiwum ZIP jest uszkodzone: {echo(err)}.") from err


def _read_xml(text: str) -> list[TercRow]:
    try:
        root = defused_tree.fromstring(text)
    except DefusedXmlException as err:
        raise TercFormatError(f"Plik XML zawiera konstrukcje, których nie wczytujemy "
                              f"(encje, DTD): {echo(err)}.") from err
    except ET.ParseError as err:
        line, column = err.position
        raise TercFormatError(f"Plik XML jest uszkodzony (linia {line}, znak {column + 1}): "
                              f"{echo(err)}.") from err
    rows = []
    for number, element in enumerate(root.iter("row"), start=1):
        if number > MAX_ROWS:
            raise TercFormatError(too_many_rows(number))
        values = {}
        for child in element:
            if child.tag.lower() in _COL_TAGS:
                values[(child.get("name") or "").upper()] = (child.text or "").strip()
            else:
                values[child.tag.upper()] = (child.text or "").strip()
        if "NAZDOD" in values and "NAZWA_DOD" not in values:
            values["NAZWA_DOD"] = values.pop("NAZDOD")
        rows.append(_row(values, f"element <row> nr {number}"))
    if not rows:
        raise TercFormatError("W pliku XML nie ma elementów <row> rejestru TERC.")
    return rows


def _read_csv(text: str) -> list[TercRow]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        return _csv_rows(reader)
    except csv.Error as err:  # a cell beyond the csv module's limit (128 KiB)
        raise TercFormatError(f"Wiersz {reader.line_num}: komórka jest za długa albo ma "
                              "niedomknięty cudzysłów.") from err


def _csv_rows(reader) -> list[TercRow]:
    header = [echo(h.strip().upper()) for h in next(reader)]
    if "NAZDOD" in header and "NAZWA_DOD" not in header:
        header[header.index("NAZDOD")] = "NAZWA_DOD"
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise TercFormatError(f"Wiersz 1: brak kolumn {', '.join(missing)} (oczekiwano "
                              f"nagłówka {';'.join(COLUMNS)}, kolumny oddzielone średnikiem).")
    rows: list[TercRow] = []
    for number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(rows) >= MAX_ROWS:
            raise TercFormatError(too_many_rows(len(rows) + 1))
        if len(record) != len(header):
            raise TercFormatError(f"Wiersz {number}: {len(record)} kolumn zamiast "
                                  f"{len(header)} z nagłówka.")
        rows.append(_row(dict(zip(header, (c.strip() for c in record), strict=True)),
                         f"wiersz {number}"))
    if not rows:
        raise TercFormatError("W pliku CSV nie ma żadnego wiersza pod nagłówkiem.")
    return rows


def _row(values: dict[str, str], where: str) -> TercRow:
    woj = values.get("WOJ", "")
    if len(woj) != 2 or not woj.isdigit():
        raise TercFormatError(f"{where}, kolumna WOJ: oczekiwano dwóch cyfr, jest "
                              f"{echo(woj)!r}.")
    pow_, gmi, rodz = values.get("POW", ""), values.get("GMI", ""), values.get("RODZ", "")
    for column, value, size in (("POW", pow_, 2), ("GMI", gmi, 2), ("RODZ", rodz, 1)):
        if value and (len(value) != size or not value.isdigit()):
            raise TercFormatError(f"{where}, kolumna {column}: niepoprawny kod {echo(value)!r} "
                                  f"(oczekiwano {size} cyfr).")
    if gmi and not pow_:
        raise TercFormatError(f"{where}, kolumna POW: gmina {gmi!r} bez kodu powiatu.")
    if gmi and rodz not in KNOWN_RODZ:
        raise TercFormatError(f"{where}, kolumna RODZ: {echo(rodz)!r} nie jest rodzajem jednostki "
                              f"(dozwolone: {', '.join(sorted(KNOWN_RODZ))}).")
    if rodz and not gmi:
        raise TercFormatError(f"{where}, kolumna GMI: rodzaj {rodz!r} podany bez kodu gminy.")
    try:
        valid_on = date.fromisoformat(values.get("STAN_NA", ""))
    except ValueError as err:
        raise TercFormatError(f"{where}, kolumna STAN_NA: niepoprawna data "
                              f"{echo(values.get('STAN_NA', ''))!r} (oczekiwano "
                              "RRRR-MM-DD).") from err
    if not values.get("NAZWA"):
        raise TercFormatError(f"{where}, kolumna NAZWA: pusta nazwa.")
    for column, limit in (("NAZWA", NAME_LENGTH), ("NAZWA_DOD", KIND_LABEL_LENGTH)):
        text = values.get(column, "")
        problem = control_character_problem(text) or too_long_problem(text, limit)
        if problem:
            raise TercFormatError(f"{where}, kolumna {column}: {problem}.")
    return TercRow(woj, pow_, gmi, rodz, values["NAZWA"], values.get("NAZWA_DOD", ""), valid_on,
                   where)


def territory_fields(row: TercRow) -> dict | None:
    """The ``Territory`` key columns for a row, or ``None`` for rows that are not JST."""
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
    #: rows not applied because the database already holds a newer register for them
    older: int = 0
    #: dated rows added to or corrected in ``territory_versions``
    versions: int = 0
    valid_on: date | None = None


_STATE = ("level", "name", "kind_label", "rodz")


def import_terc(data: bytes, filename: str = "", only_region: str | None = None) -> ImportSummary:
    """Create or update territories from a TERC file (flushes; the caller commits).

    A gmina is matched on its 6-digit code, so a new RODZ (village got town rights) updates the
    existing territory. A register older than the one a territory was last updated from never
    overwrites it; its rows still go into the dated history.

    :param only_region: a two-digit województwo code to import only that region
    :raise TercFormatError: the file is not a TERC register (nothing is changed)
    """
    records = _jst_records(read_terc(data, filename), only_region)
    existing = {t.code: t for t in db.session.scalars(select(Territory))}
    summary = ImportSummary()
    for values in records:
        summary.valid_on = max(summary.valid_on or values["valid_on"], values["valid_on"])
        current = existing.get(values["code"])
        if current is None:
            existing[values["code"]] = Territory(**values)
            db.session.add(existing[values["code"]])
            summary.created += 1
        elif current.valid_on > values["valid_on"]:
            summary.older += 1
        elif any(getattr(current, key) != values[key] for key in _STATE):
            for key, value in values.items():
                setattr(current, key, value)
            summary.updated += 1
        else:
            current.valid_on = values["valid_on"]
            summary.unchanged += 1
    db.session.flush()
    summary.versions = _record_versions(records)
    db.session.flush()
    return summary


def _jst_records(rows: list[TercRow], only_region: str | None) -> list[dict]:
    """``Territory`` column values for the JST rows; a code twice in one register is an error."""
    records: dict[tuple[str, date], dict] = {}
    for row in rows:
        if only_region and row.woj != only_region:
            continue
        fields = territory_fields(row)
        if fields is None:
            continue
        key = (fields["code"], row.valid_on)
        if key in records:
            column = {"wojewodztwo": "WOJ", "powiat": "POW", "gmina": "GMI"}[fields["level"]]
            raise TercFormatError(f"{row.source}, kolumna {column}: kod {fields['code']} "
                                  f"({row.name}) występuje w rejestrze drugi raz.")
        records[key] = {**fields, "name": row.name, "kind_label": row.kind_label,
                        "valid_on": row.valid_on}
    return list(records.values())


def _record_versions(records: list[dict]) -> int:
    """Add (or correct) the dated copy of each record; returns how many rows changed."""
    dates = {values["valid_on"] for values in records}
    stored = {(v.code, v.valid_on): v for v in db.session.scalars(
        select(TerritoryVersion).where(TerritoryVersion.valid_on.in_(dates)))} if dates else {}
    changed = 0
    for values in records:
        fields = {"rodz": values["rodz"], "name": values["name"],
                  "kind_label": values["kind_label"]}
        version = stored.get((values["code"], values["valid_on"]))
        if version is None:
            db.session.add(TerritoryVersion(code=values["code"], valid_on=values["valid_on"],
                                            **fields))
            changed += 1
        elif any(getattr(version, key) != value for key, value in fields.items()):
            for key, value in fields.items():
                setattr(version, key, value)
            changed += 1
    return changed


def import_terc_file(path: Path, only_region: str | None = None) -> ImportSummary:
    return import_terc(path.read_bytes(), path.name, only_region)


def rodz_on(code: str, on_date: date) -> str | None:
    """RODZ of a gmina as the newest register dated on or before ``on_date`` gives it.

    Reports for reporting year Y ask with the date the year's data describe (e.g. 31 December
    of Y). ``None`` when no imported register is that old, or the code is not a gmina: the
    caller decides whether the current ``Territory.rodz`` is an acceptable stand-in.

    :param code: the 6-digit WWPPGG code (a 7-digit TERC code is accepted and cut to six)
    """
    return rodz_map_on(on_date, [code[:6]]).get(code[:6])


def rodz_map_on(on_date: date, codes: list[str] | None = None) -> dict[str, str]:
    """``rodz_on`` for many gminas at once (code → RODZ): one query for a whole report."""
    newest = (select(TerritoryVersion.code, func.max(TerritoryVersion.valid_on).label("on"))
              .where(TerritoryVersion.valid_on <= on_date, TerritoryVersion.rodz.is_not(None))
              .group_by(TerritoryVersion.code))
    if codes is not None:
        newest = newest.where(TerritoryVersion.code.in_(codes))
    latest = newest.subquery()
    query = select(TerritoryVersion.code, TerritoryVersion.rodz).join(
        latest, (TerritoryVersion.code == latest.c.code)
        & (TerritoryVersion.valid_on == latest.c.on))
    return {code: rodz for code, rodz in db.session.execute(query) if rodz is not None}
