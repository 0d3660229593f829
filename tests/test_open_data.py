"""Open data: a round's aggregates as a Frictionless package that `frictionless validate`
passes, small cells always hidden, no unit's own data; from the command line and the page."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from extensions import db
from models import AuditEvent, Invitation, Response
from reports.aggregate import aggregate
from reports.datapackage import write_package

from support.valid_answers import CIS, groups_table

FRICTIONLESS = Path(sys.executable).parent / "frictionless"
UNIT_NAMES = ("CIS Kluczbork Zębowice", "CIS Opole Śródmieście", "CIS Byczyna Polna")


@pytest.fixture
def round_id(app, world):
    """Three CIS in two powiats; in one of them a sensitive group of one person."""
    rid = world.round("cis-annual")
    for teryt, name in zip(("160402", "166101", "160401"), UNIT_NAMES, strict=True):
        world.invite(rid, world.unit("cis", teryt, name=name))
    with app.app_context():
        invitations = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
        for index, invitation in enumerate(invitations):
            table = groups_table(12, 28)
            if index == 0:
                table["bezdomni"] = {"kobiety": 1, "mezczyzni": 0}
            db.session.add(Response(invitation=invitation, status="submitted",
                                    answers=dict(CIS, uczestnicy_wg_przeslanki=table)))
        db.session.commit()
    return rid


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _validate(folder: Path) -> dict:
    if not FRICTIONLESS.exists():
        pytest.fail(f"{FRICTIONLESS} is missing: install frictionless (pyproject, dev)")
    done = subprocess.run([str(FRICTIONLESS), "validate", "--json", "datapackage.json"],
                          cwd=folder, capture_output=True, text=True, timeout=300, check=False)
    report = json.loads(done.stdout)
    assert done.returncode == 0, json.dumps(report.get("tasks", report), ensure_ascii=False)[:3000]
    return report


def test_command_writes_a_package_that_frictionless_validates(app, runner, round_id,
                                                              tmp_path):
    target = tmp_path / "dane.zip"
    done = runner.invoke(args=["reports", "export", "--round", str(round_id), "--format",
                               "datapackage", "-o", str(target)])
    assert done.exit_code == 0, done.output
    members = _members(target.read_bytes())
    assert "datapackage.json" in members
    assert "zestawienie_powiat.csv" in members
    folder = tmp_path / "pakiet"
    folder.mkdir()
    for name, data in members.items():
        (folder / name).write_bytes(data)
    report = _validate(folder)
    assert report["valid"] is True
    descriptor = json.loads(members["datapackage.json"])
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    fields = {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}
    assert fields["kod_teryt"]["type"] == "string"
    assert fields["wartosc"]["title"] == "Wartość"
    rows = list(csv.DictReader(io.StringIO(members["zestawienie_powiat.csv"].decode())))
    assert {r["kod_teryt"] for r in rows} >= {"1604", "1661"}
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).filter_by(action="export")).one()
        assert event.after["format"] == "datapackage"
        assert event.after["small_cells"] is True


def test_small_cells_and_unit_data_never_appear(app, runner, round_id, tmp_path):
    target = tmp_path / "dane.zip"
    runner.invoke(args=["reports", "export", "--round", str(round_id), "--format",
                        "datapackage", "--level", "powiat", "-o", str(target)])
    members = _members(target.read_bytes())
    text = b"".join(members.values()).decode()
    for name in UNIT_NAMES:
        assert name not in text
    rows = list(csv.DictReader(io.StringIO(members["zestawienie_powiat.csv"].decode())))
    sensitive = [r for r in rows if r["pytanie"] == "uczestnicy_wg_przeslanki"]
    assert sensitive
    assert {r["miara"] for r in sensitive} == {"suma", "liczba odpowiedzi"}
    sums = [r for r in sensitive if r["miara"] == "suma"]
    assert not [r for r in sums if r["wartosc"] in ("1", "2")]
    homeless = [r for r in sums if r["kolumna"] == "uczestnicy_wg_przeslanki__bezdomni__kobiety"]
    assert {r["grupa"]: r["wartosc"] for r in homeless}["1604 kluczborski"] == "<3"
    assert any(r["wartosc"] == "x" for r in sums)  # the complement that would give it away


def test_the_exports_page_gives_the_same_package(app, login, round_id):
    client = login("coordinator")
    page = client.get(f"/admin/zestawienia/plik?runda={round_id}&format=datapackage"
                      "&poziom=powiat")
    assert page.status_code == 200
    assert page.mimetype == "application/zip"
    members = _members(page.data)
    assert sorted(members) == ["datapackage.json", "zestawienie_powiat.csv"]
    assert "Dane otwarte" in client.get("/admin/zestawienia/").text


def test_a_package_without_suppression_is_refused(app, round_id):
    from services.exports import ReportRequest, prepare_report

    with app.test_request_context():
        content, _info = prepare_report(ReportRequest(round_id, "regional", ("powiat",)))
        table = aggregate(content.frame, "powiat")
        with pytest.raises(ValueError, match="suppression"):
            write_package(io.BytesIO(), None, [table], suppressed=False)  # type: ignore[arg-type]


def _package_folder(runner, round_id: int, tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    target = tmp_path / "dane.zip"
    done = runner.invoke(args=["reports", "export", "--round", str(round_id), "--format",
                               "datapackage", "-o", str(target)])
    assert done.exit_code == 0, done.output
    members = _members(target.read_bytes())
    folder = tmp_path / "pakiet"
    folder.mkdir()
    for name, data in members.items():
        (folder / name).write_bytes(data)
    return folder, members


def test_the_validator_really_reads_the_tables(app, runner, round_id, tmp_path):
    """`frictionless validate` is run for real: a code with a letter in it fails the schema."""
    folder, _ = _package_folder(runner, round_id, tmp_path)
    table = folder / "zestawienie_powiat.csv"
    text = table.read_text(encoding="utf-8")
    assert ",1604," in text
    table.write_text(text.replace(",1604,", ",16O4,", 1), encoding="utf-8")
    done = subprocess.run([str(FRICTIONLESS), "validate", "--json", "datapackage.json"],
                          cwd=folder, capture_output=True, text=True, timeout=300, check=False)
    report = json.loads(done.stdout)
    assert done.returncode != 0
    assert report["valid"] is False
    errors = [e for task in report["tasks"] for e in task["errors"]]
    assert any(e["type"] == "constraint-error" and "16O4" in json.dumps(e, ensure_ascii=False)
               for e in errors), errors


def test_no_level_of_the_package_shows_a_small_cell(app, runner, round_id, tmp_path):
    """Every level the package holds: each sensitive sum of 1 or 2 is ``<3`` and its
    complement ``x``, whatever the grouping (powiat, podregion, województwo, kind …)."""
    from services.exports import ReportRequest, prepare_report

    folder, members = _package_folder(runner, round_id, tmp_path)
    levels = sorted(name.removeprefix("zestawienie_").removesuffix(".csv")
                    for name in members if name.endswith(".csv"))
    assert len(levels) >= 3
    with app.test_request_context():
        content, _info = prepare_report(ReportRequest(round_id, "regional", tuple(levels)))
        sensitive = {c.name for c in content.frame.columns if c.sensitive}
        raw = {level: aggregate(content.frame, level) for level in levels}
    assert sensitive
    small_seen = 0
    for level in levels:
        rows = list(csv.DictReader(io.StringIO(members[f"zestawienie_{level}.csv"].decode())))
        published = {(r["kolumna"], r["miara"], r["grupa"]): r["wartosc"] for r in rows}
        for record in raw[level].table.to_dict("records"):
            if record["kolumna"] not in sensitive:
                continue
            for group in [*raw[level].groups, "Ogółem"]:
                key = (record["kolumna"], record["miara"], group)
                value = record[group]
                if record["miara"] == "suma" and value in (1, 2):
                    assert published[key] == "<3", (level, key)
                    small_seen += 1
                if record["miara"] not in ("suma", "liczba odpowiedzi"):
                    assert key not in published, (level, key)  # means, medians left out
        sums = [v for (col, measure, _), v in published.items()
                if col in sensitive and measure == "suma"]
        assert "1" not in sums
        assert "2" not in sums
        if any(v == "<3" for v in sums):
            assert "x" in sums, level
    assert small_seen >= 2  # the homeless woman shows in her powiat and her podregion at least
    assert _validate(folder)["valid"] is True
