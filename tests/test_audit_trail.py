"""State changes leave their audit row wherever they are made: the pages and the CLI alike."""

from __future__ import annotations

from sqlalchemy import select

from extensions import db
from models import AuditEvent, Unit

UNITS_CSV = ("rodzaj;nazwa;kod_teryt;e-mail\r\n"
             "cis;CIS w Kluczborku;160402;cis@kluczbork.example.pl\r\n")


def _events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).filter_by(action=action)))


def test_units_import_from_the_command_line_is_audited(app, world, runner, tmp_path):
    path = tmp_path / "jednostki.csv"
    path.write_text(UNITS_CSV, encoding="utf-8")
    result = runner.invoke(args=["units", "import", str(path)])
    assert result.exit_code == 0, result.output
    [event] = _events(app, "units_import")
    assert event.actor == "system"
    assert event.summary == "jednostki.csv"
    assert event.after == {"created": 1, "updated": 0}


def test_refused_units_import_leaves_no_audit_row(app, world, runner, tmp_path):
    path = tmp_path / "zle.csv"
    path.write_text("rodzaj;nazwa;kod_teryt;e-mail\r\nxyz;Coś;999999;a@b.pl\r\n",
                    encoding="utf-8")
    result = runner.invoke(args=["units", "import", str(path)])
    assert result.exit_code != 0
    assert _events(app, "units_import") == []


def test_jst_units_from_teryt_on_the_command_line_are_audited(app, world, runner):
    result = runner.invoke(args=["units", "create-jst", "--kind", "powiat"])
    assert result.exit_code == 0, result.output
    [event] = _events(app, "units_import")
    assert event.summary == "JST z rejestru TERYT (powiat)"
    with app.app_context():
        created = db.session.query(Unit).filter_by(kind="powiat").count()
    assert event.after["created"] == created > 0


def test_subregions_import_from_the_command_line_is_audited(app, world, runner, tmp_path):
    path = tmp_path / "owes.csv"
    path.write_text("powiat;podregion\r\n1604;Północny\r\n", encoding="utf-8")
    result = runner.invoke(args=["subregions", "import", str(path), "--scheme", "owes"])
    assert result.exit_code == 0, result.output
    [event] = _events(app, "units_import")
    assert event.summary == "podregiony owes z owes.csv"
    assert event.after == {"assigned": 1}


def test_report_written_by_the_command_line_is_audited(app, world, runner, tmp_path):
    unit_id = world.unit("gmina", "160402")
    round_id = world.round("jst-annual")
    world.invite(round_id, unit_id)
    output = tmp_path / "raport.xlsx"
    result = runner.invoke(args=["reports", "export", "--round", str(round_id), "--kind",
                                 "regional", "-o", str(output)])
    assert result.exit_code == 0, result.output
    [event] = _events(app, "export")
    assert event.actor == "system"
    assert event.after["round"] == round_id
    assert event.after["format"] == "xlsx"


def test_a_staff_member_adding_a_unit_with_an_unknown_teryt_changes_nothing(app, world,
                                                                           login):
    staff = login("admin")
    page = staff.post("/admin/jednostki/nowa", data={
        "kind": "gmina", "name": "Gmina X", "teryt": "999999", "emails": "x@gmina.pl",
        "is_active": "y"})
    assert page.status_code == 200
    assert "Nie ma takiego kodu w rejestrze TERYT." in page.text
    assert _events(app, "unit_create") == []
    with app.app_context():
        assert db.session.query(Unit).count() == 0
