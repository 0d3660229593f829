"""The whole database in one portable file, and back (``flask backup`` / ``flask restore``).

The file is a zip (format described in the README, "Kopia zapasowa"):

* ``manifest.json`` — ``format`` (``esmon-backup``), ``format_version``, ``created_at`` (UTC),
  ``alembic_revision`` of the source (``null`` for a schema made without migrations),
  ``source_dialect``, and ``tables``: in foreign-key order, each with ``name``, ``file``,
  ``rows``, ``columns`` and the ``sha256`` of its file;
* ``tables/<name>.jsonl`` — one JSON object a row, keys are column names, rows ordered by
  primary key. Dates and times are ISO 8601 (UTC offset included), decimals are strings,
  binary is base64, JSON columns are JSON.

The dump reads every table inside one transaction (REPEATABLE READ, read only, on PostgreSQL;
one read transaction on SQLite), so it is consistent while the app keeps running. Restore
writes into an empty, migrated database of the same schema (SQLite or PostgreSQL, either way
round) in one transaction: all or nothing. A database that already holds data is refused
unless ``--replace`` is given, which deletes its rows first (in the same transaction).
"""

from __future__ import annotations

import base64
import binascii
import errno
import hashlib
import json
import os
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from extensions import db

FORMAT = "esmon-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH = 1000
#: bytes of one row in a table file; a longer line is refused, not read whole
MAX_LINE_BYTES = 16 * 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, in Polish."""


# --- values ---------------------------------------------------------------------------------

def _kind(column: sa.Column) -> str:
    """How a column's values are written to JSON and read back."""
    col_type = column.type
    if isinstance(col_type, sa.TypeDecorator):
        col_type = col_type.impl_instance
    for kind, types in (("json", (sa.JSON,)), ("datetime", (sa.DateTime,)),
                        ("date", (sa.Date,)), ("time", (sa.Time,)),
                        ("float", (sa.Float,)), ("decimal", (sa.Numeric,)),
                        ("binary", (sa.LargeBinary,)), ("uuid", (sa.Uuid,))):
        if isinstance(col_type, types):
            return kind
    return "plain"


def encode(value: Any, kind: str) -> Any:
    """A database value as JSON."""
    if value is None or kind in ("json", "plain", "float"):
        return value
    if kind == "datetime":
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat()
    if kind in ("date", "time"):
        return value.isoformat()
    if kind == "decimal":
        return str(value)
    if kind == "binary":
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


def decode(value: Any, kind: str, column: sa.Column) -> Any:
    """A JSON value back as what the column takes."""
    if value is None:
        if kind == "json":  # SQL NULL where allowed, else the JSON null it must have been
            return sa.null() if column.nullable else sa.JSON.NULL
        return None
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "time":
        return time.fromisoformat(value)
    if kind == "decimal":
        return Decimal(value)
    if kind == "binary":
        return base64.b64decode(value)
    if kind == "uuid":
        return uuid.UUID(value)
    return value


def table_rows(connection: Connection, table: sa.Table) -> Iterator[dict[str, Any]]:
    """Every row of a table as a JSON-ready dict, in primary-key order."""
    kinds = {c.name: _kind(c) for c in table.columns}
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execute(sa.select(table).order_by(*order),
                                execution_options={"stream_results": True, "yield_per": BATCH})
    for row in result.mappings():
        yield {name: encode(row[name], kinds[name]) for name in kinds}


# --- reading the database consistently ----------------------------------------------------

def _snapshot(engine: Engine) -> Connection:
    """A connection inside one read transaction: every table is read as of one moment."""
    if engine.dialect.name == "postgresql":
        connection = engine.connect().execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True)
        connection.begin()
        return connection
    connection = engine.connect()
    raw = connection.connection.dbapi_connection
    if engine.dialect.name == "sqlite" and raw is not None and not raw.in_transaction:
        # pysqlite opens transactions only before writes; a read snapshot needs an explicit one
        connection.exec_driver_sql("BEGIN")
    return connection


def alembic_revision(connection: Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def dump_to_file(engine: Engine, path: Path) -> dict[str, Any]:
    """Write a backup to a new file ``path``; a half-written file never carries its name.

    :raise BackupError: ``path`` already exists.
    """
    if path.exists():
        raise BackupError(f"Plik {path} już istnieje — podaj nową nazwę.")
    partial = path.with_name(path.name + ".part")
    try:
        manifest = dump(engine, partial)
        partial.rename(path)
    except OSError as err:
        raise BackupError(_write_failure(path, err)) from err
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _write_failure(path: Path, err: OSError) -> str:
    if err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return (f"Nie zapisano kopii {path}: brak miejsca na dysku (albo przekroczony limit "
                f"rozmiaru pliku). Zwolnij miejsce albo zapisz kopię na innym dysku; "
                f"niepełny plik usunięto.")
    return (f"Nie zapisano kopii {path}: {err.strerror or err} — sprawdź, czy folder istnieje "
            f"i można w nim pisać; niepełny plik usunięto.")


def dump(engine: Engine, target: Path) -> dict[str, Any]:
    """Write every table of the schema to ``target``; returns the manifest."""
    tables = []
    connection = _snapshot(engine)
    # the copy holds every unit's answers and the staff accounts: only its owner may read it
    handle = os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")
    try:
        revision = alembic_revision(connection)
        with handle, zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for table in db.metadata.sorted_tables:
                name = f"tables/{table.name}.jsonl"
                digest, count = hashlib.sha256(), 0
                with archive.open(name, "w") as stream:
                    for row in table_rows(connection, table):
                        line = (json.dumps(row, ensure_ascii=False, separators=(",", ":"))
                                + "\n").encode()
                        digest.update(line)
                        stream.write(line)
                        count += 1
                tables.append({"name": table.name, "file": name, "rows": count,
                               "columns": [c.name for c in table.columns],
                               "sha256": digest.hexdigest()})
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": datetime.now(UTC).isoformat(),
                "alembic_revision": revision,
                "source_dialect": engine.dialect.name,
                "tables": tables,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
    finally:
        connection.rollback()
        connection.close()
    return manifest


# --- restoring ------------------------------------------------------------------------------

@dataclass
class RestoreReport:
    rows: dict[str, int]
    replaced: bool


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError) as err:
        raise BackupError("To nie jest kopia esmon: brak poprawnego pliku manifest.json.") from err
    if manifest.get("format") != FORMAT:
        raise BackupError("To nie jest kopia esmon (nieznany format pliku).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"Nieobsługiwana wersja formatu kopii: "
                          f"{manifest.get('format_version')} (obsługiwana: {FORMAT_VERSION}).")
    return manifest


def _check_schema(connection: Connection, manifest: dict[str, Any]) -> None:
    revision = alembic_revision(connection)
    wanted = manifest.get("alembic_revision")
    if revision and wanted and revision != wanted:
        raise BackupError(
            f"Kopia pochodzi ze schematu w wersji {wanted}, a baza docelowa ma wersję "
            f"{revision}. Przywróć kopię do bazy zmigrowanej do tej samej wersji "
            f"(flask db upgrade {wanted}).")
    known = {t.name: t for t in db.metadata.sorted_tables}
    entries = manifest.get("tables")
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("name"), str)
            and isinstance(e.get("columns"), list) and isinstance(e.get("file"), str)
            for e in entries):
        raise BackupError("Manifest kopii jest uszkodzony: lista „tables” musi wymieniać "
                          "tabele z polami name, file, rows, columns i sha256.")
    names = [e["name"] for e in entries]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise BackupError("Manifest kopii wymienia tabelę więcej niż raz: " + ", ".join(twice)
                          + " — kopia jest uszkodzona.")
    missing = [name for name in known if name not in names]
    if missing:
        raise BackupError(
            "Manifest kopii nie wymienia tabel: " + ", ".join(missing) + ". Przywrócenie "
            "zostawiłoby je puste (z --replace: opróżniło), więc odmawiam — kopia jest "
            "niepełna albo pochodzi z innej wersji esmon.")
    inspector = sa.inspect(connection)
    for entry in entries:
        table = known.get(entry["name"])
        if table is None or not inspector.has_table(entry["name"]):
            raise BackupError(f"Baza docelowa nie ma tabeli {entry['name']} — czy jest "
                              f"zmigrowana (flask db upgrade)?")
        if set(entry["columns"]) != {c.name for c in table.columns}:
            raise BackupError(f"Tabela {entry['name']} ma w kopii inne kolumny niż w bazie "
                              f"docelowej: kopia pochodzi z innej wersji esmon.")


def _nonempty_tables(connection: Connection) -> list[str]:
    return [t.name for t in db.metadata.sorted_tables
            if connection.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first()]


def _begin_for_savepoints(connection: Connection) -> None:
    """SQLite (pysqlite) begins a transaction only before a write, so a first SAVEPOINT would
    begin — and its release commit — one of its own: begin the real one first."""
    raw = connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite" and raw is not None and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN")


def _reset_sequences(connection: Connection) -> None:
    """PostgreSQL: the next generated id follows the restored ones."""
    if connection.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, sa.Integer):
            continue
        for column in keys:
            if column.autoincrement in (True, "auto"):
                # table and column names come from the metadata, not from input
                connection.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence(:table, :column), "  # noqa: S608
                    f'COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 1), '
                    f'(SELECT MAX("{column.name}") FROM "{table.name}") IS NOT NULL)'),
                    {"table": table.name, "column": column.name})


def _rows_of(archive: zipfile.ZipFile, entry: dict[str, Any]) -> Iterator[tuple[int, Any]]:
    """``(line number, parsed JSON)`` of a table file, checked against its manifest entry."""
    digest, count = hashlib.sha256(), 0
    try:
        stream = archive.open(entry["file"])
    except KeyError as err:
        raise BackupError(f"W kopii brak pliku {entry['file']} tabeli {entry['name']}.") from err
    with stream as lines:
        while line := lines.readline(MAX_LINE_BYTES + 1):
            count += 1
            if len(line) > MAX_LINE_BYTES:
                raise BackupError(_where(entry, count, f"wiersz jest dłuższy niż "
                                         f"{MAX_LINE_BYTES // (1024 * 1024)} MB"))
            digest.update(line)
            try:
                yield count, json.loads(line)
            except ValueError as err:
                raise BackupError(_where(entry, count, f"to nie jest JSON ({err})")) from err
    if digest.hexdigest() != entry.get("sha256") or count != entry.get("rows"):
        raise BackupError(f"Plik tabeli {entry['name']} w kopii jest uszkodzony "
                          f"(suma kontrolna lub liczba wierszy się nie zgadza).")


def _where(entry: dict[str, Any], line: int, reason: str) -> str:
    return f"Kopia odrzucona: tabela {entry['name']}, wiersz {line} pliku {entry['file']}: " \
           f"{reason}. Nic nie zmieniono."


def _decoded(entry: dict[str, Any], line: int, row: Any, kinds: dict) -> dict[str, Any]:
    """A row of the file as the table takes it, or the located reason it cannot be."""
    if not isinstance(row, dict):
        raise BackupError(_where(entry, line, "wiersz nie jest obiektem JSON"))
    unknown = sorted(set(row) - set(kinds))
    if unknown:
        raise BackupError(_where(entry, line, "nieznana kolumna " + ", ".join(unknown)))
    values = {}
    for key, value in row.items():
        try:
            values[key] = decode(value, *kinds[key])
        except (TypeError, ValueError, ArithmeticError, binascii.Error) as err:
            raise BackupError(_where(entry, line, f"kolumna {key}: wartość {str(value)[:80]!r} "
                                     f"ma zły typ ({type(err).__name__})")) from err
    return values


def _insert(connection: Connection, table: sa.Table, entry: dict[str, Any],
            batch: list[tuple[int, dict[str, Any]]]) -> None:
    """Insert a batch in a savepoint; when the database refuses it, find and name the line."""
    try:
        with connection.begin_nested():
            connection.execute(table.insert(), [values for _, values in batch])
        return
    except sa.exc.SQLAlchemyError:
        pass
    for line, values in batch:
        try:
            with connection.begin_nested():
                connection.execute(table.insert(), [values])
        except sa.exc.SQLAlchemyError as err:
            reason = str(getattr(err, "orig", err)).strip().splitlines()[0][:300]
            raise BackupError(_where(entry, line, f"baza odrzuciła wiersz ({_reason(err)}: "
                                     f"{reason})")) from err


def _reason(err: Exception) -> str:
    if isinstance(err, sa.exc.IntegrityError):
        text = str(getattr(err, "orig", err)).lower()
        if "foreign key" in text:
            return "brak wiersza, do którego się odwołuje (klucz obcy)"
        if "unique" in text or "duplicate" in text:
            return "powtórzony klucz"
        return "narusza ograniczenie"
    return "zły typ lub rozmiar wartości"


def restore(engine: Engine, source: Path, *, replace: bool = False) -> RestoreReport:
    """Load a backup into the database in one transaction.

    :raise BackupError: the file is not a valid backup, the schema differs, or the database
        holds data and ``replace`` is false. Nothing is changed then.
    """
    try:
        return _restore(engine, source, replace=replace)
    except zipfile.BadZipFile as err:
        raise BackupError(f"{source} nie jest plikiem kopii esmon (to nie jest zip).") from err


def _restore(engine: Engine, source: Path, *, replace: bool) -> RestoreReport:
    with zipfile.ZipFile(source) as archive:
        manifest = read_manifest(archive)
        with engine.begin() as connection:
            _begin_for_savepoints(connection)
            _check_schema(connection, manifest)
            filled = _nonempty_tables(connection)
            if filled and not replace:
                raise BackupError(
                    "Baza docelowa nie jest pusta (dane w tabelach: " + ", ".join(filled)
                    + "). Przywracam tylko do pustej bazy; aby zastąpić jej zawartość, "
                      "użyj --replace.")
            if filled:
                for table in reversed(db.metadata.sorted_tables):
                    connection.execute(table.delete())
            known = {t.name: t for t in db.metadata.sorted_tables}
            counts = {}
            for entry in manifest["tables"]:
                table = known[entry["name"]]
                kinds = {c.name: (_kind(c), c) for c in table.columns}
                batch: list[tuple[int, dict[str, Any]]] = []
                for line, row in _rows_of(archive, entry):
                    batch.append((line, _decoded(entry, line, row, kinds)))
                    if len(batch) >= BATCH:
                        _insert(connection, table, entry, batch)
                        batch = []
                if batch:
                    _insert(connection, table, entry, batch)
                counts[table.name] = entry["rows"]
            _reset_sequences(connection)
    return RestoreReport(rows=counts, replaced=bool(filled))
