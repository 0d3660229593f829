"""``flask backup`` / ``flask restore``: a round trip keeps every row of every table."""

from __future__ import annotations

import json
import zipfile

import pytest
import sqlalchemy as sa

from app import create_app
from extensions import db
from models import Response, Unit
from services.backup import FORMAT, FORMAT_VERSION, table_rows
from services.questionnaires import registry

from support import World, make_config
from support.respondent import section_post
from support.scratch_db import scratch_schema
from support.valid_answers import VALID


@pytest.fixture
def other_database(request, tmp_path):
    """A second, empty database of the same kind as the test database."""
    url = request.config.getoption("--db")
    if not url.startswith("postgresql"):
        yield "sqlite://"
        return
    with scratch_schema(url, "esmon_restore") as scoped:
        yield scoped


@pytest.fixture
def fresh_app(other_database, tmp_path):
    application = create_app(make_config(other_database, tmp_path / "fresh"),
                             read_environment=False)
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _submitted_world(app, world, login) -> None:
    """Register data, a launched round, a submitted JST response, a staff login."""
    kind, teryt, answers = VALID["jst-annual"]
    unit_id = world.unit(kind, teryt, name="Gmina „Testowa” <b>", regon="531234567")
    round_id = world.round("jst-annual")
    token = world.invite(round_id, unit_id)
    world.invite(round_id, world.unit("gmina", "160401", name="Druga gmina"))
    client = app.test_client()
    assert client.get(f"/r/{token}").status_code == 303
    with app.app_context():
        survey = registry().by_key["jst-annual"].survey
    for section in survey.sections:
        page = client.post(f"/ankieta/sekcja/{section.id}",
                           data=section_post(survey, section.id, answers))
        assert page.status_code == 302, section.id
    assert client.post("/ankieta/wyslij").status_code == 303
    login("admin")


def _all_rows(application) -> dict[str, list[dict]]:
    with application.app_context():
        db.session.remove()
        with db.engine.connect() as connection:
            return {t.name: list(table_rows(connection, t)) for t in db.metadata.sorted_tables}


def test_backup_and_restore_round_trip_keeps_every_row(app, world, login, runner, fresh_app,
                                                       tmp_path):
    _submitted_world(app, world, login)
    path = tmp_path / "kopia.zip"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert "Zapisano kopię" in result.output

    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
    assert manifest["format"] == FORMAT
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["created_at"]
    assert "alembic_revision" in manifest
    original = _all_rows(app)
    assert {t["name"]: t["rows"] for t in manifest["tables"]} == {
        name: len(rows) for name, rows in original.items()}
    assert all(t["file"] in names for t in manifest["tables"])
    order = [t["name"] for t in manifest["tables"]]
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for key in table.foreign_keys:
                if key.column.table is not table:
                    assert order.index(key.column.table.name) < order.index(table.name)
    for table in ("units", "invitations", "invitation_tokens", "responses", "users",
                  "territories"):
        assert original[table], f"the world should have {table} rows"
    assert original["responses"][0]["status"] == "submitted"

    result = fresh_app.test_cli_runner().invoke(args=["restore", str(path)])
    assert result.exit_code == 0, result.output
    assert _all_rows(fresh_app) == original

    with fresh_app.app_context():  # ids keep counting after the restored ones
        response = db.session.scalars(sa.select(Response)).one()
        assert response.answers["jst_teryt"] == "160402"
        unit = Unit(kind="gmina", teryt="160402", name="Nowa", emails="n@example.pl")
        db.session.add(unit)
        db.session.commit()
        assert unit.id > max(row["id"] for row in original["units"])


def test_restore_refuses_a_database_with_data_unless_replace(app, world, runner, fresh_app,
                                                             tmp_path):
    world.unit(name="Jednostka z kopii")
    path = tmp_path / "kopia.zip"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    fresh_runner = fresh_app.test_cli_runner()
    with fresh_app.app_context():
        from services.teryt import import_terc_file

        from support import SAMPLE_TERC

        import_terc_file(SAMPLE_TERC)
        db.session.add(Unit(kind="cis", teryt="160402", name="Jednostka, która zniknie",
                            emails="x@example.pl"))
        db.session.commit()
    refused = fresh_runner.invoke(args=["restore", str(path)])
    assert refused.exit_code != 0
    assert "nie jest pusta" in refused.output
    assert "--replace" in refused.output
    assert any(u["name"] == "Jednostka, która zniknie" for u in _all_rows(fresh_app)["units"])

    replaced = fresh_runner.invoke(args=["restore", str(path), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert "poprzednie dane usunięto" in replaced.output
    assert _all_rows(fresh_app) == _all_rows(app)


def test_damaged_backup_is_refused_and_changes_nothing(app, world, runner, fresh_app, tmp_path):
    world.unit(name="Jednostka")
    path = tmp_path / "kopia.zip"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    damaged = tmp_path / "uszkodzona.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "tables/units.jsonl":
                data = data.replace(b"Jednostka", b"Podmieniona")
            target.writestr(item, data)
    result = fresh_app.test_cli_runner().invoke(args=["restore", str(damaged)])
    assert result.exit_code != 0
    assert "uszkodzony" in result.output
    assert all(not rows for rows in _all_rows(fresh_app).values()), "all or nothing"

    not_zip = tmp_path / "notatki.txt"
    not_zip.write_text("to nie jest kopia")
    result = fresh_app.test_cli_runner().invoke(args=["restore", str(not_zip)])
    assert result.exit_code != 0
    assert "nie jest plikiem kopii" in result.output


def test_restore_refuses_another_schema_revision(app, world, runner, fresh_app, tmp_path):
    world.unit(name="Jednostka")
    path = tmp_path / "kopia.zip"
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(sa.text(
            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        connection.execute(sa.text("INSERT INTO alembic_version VALUES ('aaaa1111')"))
    try:
        assert runner.invoke(args=["backup", str(path)]).exit_code == 0
        with zipfile.ZipFile(path) as archive:
            assert json.loads(archive.read("manifest.json"))["alembic_revision"] == "aaaa1111"
        with fresh_app.app_context(), db.engine.begin() as connection:
            connection.execute(sa.text(
                "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            connection.execute(sa.text("INSERT INTO alembic_version VALUES ('bbbb2222')"))
        result = fresh_app.test_cli_runner().invoke(args=["restore", str(path)])
        assert result.exit_code != 0
        assert "aaaa1111" in result.output
        assert "bbbb2222" in result.output
    finally:
        for application in (app, fresh_app):
            with application.app_context(), db.engine.begin() as connection:
                connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def test_backup_does_not_overwrite_an_existing_file(app, runner, tmp_path):
    path = tmp_path / "kopia.zip"
    path.write_text("ważny plik")
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code != 0
    assert "już istnieje" in result.output
    assert path.read_text() == "ważny plik"


@pytest.mark.postgres_only
def test_a_sqlite_backup_restores_into_postgresql(fresh_app, tmp_path):
    source = create_app(make_config("sqlite://", tmp_path / "sqlite"), read_environment=False)
    with source.app_context():
        db.create_all()
    world = World(source)
    world.territories()
    world.invite(world.round("kis-annual"), world.unit("kis", "160402", name="KIS"))
    path = tmp_path / "z-sqlite.zip"
    assert source.test_cli_runner().invoke(args=["backup", str(path)]).exit_code == 0
    result = fresh_app.test_cli_runner().invoke(args=["restore", str(path)])
    assert result.exit_code == 0, result.output
    assert _all_rows(fresh_app) == _all_rows(source)


# --- partial and malformed backups, file mode, full disk ------------------------------------

def _edited(path, target, *, manifest=None, files=None, drop=()):
    """A copy of backup ``path`` with a changed manifest and table files (checksums kept right,
    so only what the test broke is wrong)."""
    import hashlib

    with zipfile.ZipFile(path) as source:
        contents = {i.filename: source.read(i) for i in source.infolist()}
    data = json.loads(contents["manifest.json"])
    for name, text in (files or {}).items():
        contents[name] = text
        for entry in data["tables"]:
            if entry["file"] == name:
                entry["sha256"] = hashlib.sha256(text).hexdigest()
                entry["rows"] = text.count(b"\n")
    if manifest:
        manifest(data)
    data["tables"] = [e for e in data["tables"] if e["name"] not in drop]
    contents["manifest.json"] = json.dumps(data).encode()
    with zipfile.ZipFile(target, "w") as out:
        for name, blob in contents.items():
            out.writestr(name, blob)
    return target


def _restore(app, path, *args):
    return app.test_cli_runner().invoke(args=["restore", str(path), *args])


def test_replace_with_a_manifest_that_omits_a_table_is_refused(app, world, runner, fresh_app,
                                                               tmp_path):
    world.unit(name="Jednostka w kopii")
    path = tmp_path / "kopia.zip"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    assert _restore(fresh_app, path).exit_code == 0
    partial = _edited(path, tmp_path / "bez-jednostek.zip", drop=("units",))
    before = _all_rows(fresh_app)
    result = _restore(fresh_app, partial, "--replace")
    assert result.exit_code != 0
    assert "nie wymienia tabel: units" in result.output
    assert "Traceback" not in result.output
    assert _all_rows(fresh_app) == before  # units were not emptied


@pytest.mark.parametrize(("case", "expected"), [
    ("twice", "więcej niż raz: units"),
    ("not_json", "tabela units, wiersz 1"),
    ("not_object", "nie jest obiektem JSON"),
    ("unknown_column", "nieznana kolumna kolor"),
    ("wrong_type", "kolumna created_at"),
    ("duplicate_key", "powtórzony klucz"),
    ("missing_foreign_key", "klucz obcy"),
    ("long_line", "dłuższy niż"),
])
def test_malformed_backups_are_refused_with_table_line_and_reason(
        app, world, runner, fresh_app, tmp_path, case, expected, monkeypatch):
    world.unit(name="Jednostka")
    path = tmp_path / "kopia.zip"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    with zipfile.ZipFile(path) as source:
        units = source.read("tables/units.jsonl")
    row = json.loads(units.splitlines()[0])
    files, manifest = {}, None
    if case == "twice":
        def manifest(data):
            data["tables"].append(next(e for e in data["tables"] if e["name"] == "units"))
    elif case == "not_json":
        files["tables/units.jsonl"] = b"{to nie jest json\n"
    elif case == "not_object":
        files["tables/units.jsonl"] = b"[1, 2, 3]\n"
    elif case == "unknown_column":
        files["tables/units.jsonl"] = json.dumps({**row, "kolor": "zielony"}).encode() + b"\n"
    elif case == "wrong_type":
        files["tables/units.jsonl"] = json.dumps({**row, "created_at": "wczoraj"}).encode() + b"\n"
    elif case == "duplicate_key":
        files["tables/units.jsonl"] = units + units
    elif case == "missing_foreign_key":
        files["tables/units.jsonl"] = json.dumps({**row, "teryt": "999999"}).encode() + b"\n"
    elif case == "long_line":
        import services.backup

        monkeypatch.setattr(services.backup, "MAX_LINE_BYTES", 100)
    broken = _edited(path, tmp_path / f"{case}.zip", manifest=manifest, files=files)
    result = _restore(fresh_app, broken)
    assert result.exit_code != 0
    assert expected in result.output, result.output
    assert "Traceback" not in result.output
    assert all(not rows for rows in _all_rows(fresh_app).values()), "all or nothing"


def test_backups_are_readable_by_their_owner_only(app, world, runner, tmp_path):
    world.unit(name="Jednostka")
    path = tmp_path / "kopia.zip"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_full_disk_gives_a_polish_message_and_no_partial_file(tmp_path):
    """A file size limit (RLIMIT_FSIZE) stands in for a full disk: the write fails the same."""
    import os
    import subprocess
    import sys
    import textwrap

    from support import ROOT

    database = tmp_path / "zrodlo.sqlite"
    script = textwrap.dedent(f"""
        import resource, signal, sys
        sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "tests")!r}]
        from pathlib import Path
        from app import create_app
        from extensions import db
        from support import World, make_config
        app = create_app(make_config("sqlite:///{database}", Path({str(tmp_path)!r})),
                         read_environment=False)
        with app.app_context():
            db.create_all()
        World(app).territories()
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1_500, 1_500))
        result = app.test_cli_runner().invoke(args=["backup", {str(tmp_path / "kopia.zip")!r}])
        print(result.exit_code)
        print(result.output)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env={**os.environ, "ESMON_ENV": "development"})
    assert done.returncode == 0, done.stderr[-2000:]
    code, *output = done.stdout.splitlines()
    assert code == "1"
    text = "\n".join(output)
    assert "brak miejsca na dysku" in text
    assert "Traceback" not in text
    assert not list(tmp_path.glob("kopia.zip*"))
