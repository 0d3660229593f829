"""A round for exactly the units of a list file (TERYT codes or unit ids, CSV or XLSX), from
the recipients page and from ``flask rounds create``; a bad row means nothing changes."""

from __future__ import annotations

import io
from datetime import date, timedelta

from openpyxl import Workbook
from sqlalchemy import func, select

from extensions import db
from models import Invitation, OutboxMessage, Round

from support.confirming import confirm

GMINAS = {"160401": "Gmina Byczyna", "160402": "Gmina Kluczbork", "160403": "Gmina Lasowice",
          "160404": "Gmina Wołczyn"}


def _register(world) -> dict[str, int]:
    ids = {code: world.unit("gmina", code, name=name, emails=f"{code}@jst.example.pl")
           for code, name in GMINAS.items()}
    ids["powiat"] = world.unit("powiat", "1604", name="Powiat kluczborski",
                               emails="powiat@jst.example.pl")
    ids["ops"] = world.unit("ops", "160402", name="OPS Kluczbork", emails="ops@example.pl")
    return ids


def _upload(client, round_id: int, content: bytes, name: str = "lista.csv"):
    return client.post(f"/admin/rundy/{round_id}/odbiorcy/z-listy",
                       data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def _selection(app, round_id: int) -> dict:
    with app.app_context():
        return dict(db.session.get(Round, round_id).selection or {})


def test_a_list_file_makes_the_drafts_recipients_and_launch_invites_exactly_them(
        app, world, login):
    admin = login("admin")
    ids = _register(world)
    round_id = world.round("plan-uslug", year=2026, status="draft")
    csv = "kod_teryt;nazwa\n160402;Kluczbork\n1604;powiat\n1604043;Wołczyn (TERC z RODZ)\n"
    reply = _upload(admin, round_id, csv.encode())
    assert reply.status_code == 302, reply.text[:2000]
    page = admin.get(f"/admin/rundy/{round_id}/odbiorcy").text
    assert "odbiorcami rundy są teraz dokładnie 3 jednostki z listy" in page
    assert "Odbiorcy: 3" in page
    assert "Gmina Byczyna" not in page.split("Odbiorcy: 3")[1].split("</table>")[0]
    assert _selection(app, round_id)["added"] == [ids["160402"], ids["powiat"], ids["160404"]]
    launch = admin.get(f"/admin/rundy/{round_id}/uruchom")
    assert "Jednostki, których to dotyczy (3)" in launch.text
    launched = confirm(admin, f"/admin/rundy/{round_id}/uruchom")
    assert launched.status_code == 302
    with app.app_context():
        invited = set(db.session.scalars(select(Invitation.unit_id)
                                         .where(Invitation.round_id == round_id)))
        assert invited == {ids["160402"], ids["powiat"], ids["160404"]}
    # the round's history says where its recipients came from
    assert "z listy lista.csv: 3 jednostki" in admin.get(f"/admin/rundy/{round_id}").text


def test_an_xlsx_list_by_number_cells_and_unit_ids(app, world, login):
    admin = login("admin")
    ids = _register(world)
    round_id = world.round("plan-uslug", year=2026, status="draft")
    book = Workbook()
    sheet = book.active
    sheet.append(["TERYT", "id jednostki"])
    sheet.append([160401, None])  # a number cell, as Excel keeps codes
    sheet.append([None, ids["160403"]])
    data = io.BytesIO()
    book.save(data)
    assert _upload(admin, round_id, data.getvalue(), "jst.xlsx").status_code == 302
    assert _selection(app, round_id)["added"] == [ids["160401"], ids["160403"]]


def test_every_bad_row_is_named_with_its_column_and_nothing_changes(app, world, login):
    from services.organisations import create_organisation
    from services.scoping import act_as, set_scope
    from services.units import create_unit

    from support.organisations import add_slaskie

    admin = login("admin")
    ids = _register(world)
    world.unit("gmina", "160701", name="Gmina bez adresu", emails="")
    with app.app_context():
        add_slaskie()
        other = create_organisation("ROPS Katowice", "woj:24")
        act_as(other, db.session)
        foreign = create_unit({"kind": "gmina", "name": "Miasto Katowice", "teryt": "246901",
                               "emails": "k@example.pl", "is_active": True}).id
        db.session.commit()
        set_scope(None)
    round_id = world.round("plan-uslug", year=2026, status="draft")
    before = _selection(app, round_id)
    csv = ("teryt;id;rodzaj\n"
           "160402;;\n"            # 2: fine
           "999999;;\n"            # 3: no such unit
           "16040;;\n"             # 4: not a code
           "160402;;\n"            # 5: repeated
           "160701;;\n"            # 6: no e-mail address
           f";{foreign};\n"        # 7: another organisation's unit
           f";{ids['ops']};\n"     # 8: a kind the questionnaire is not for
           "160403;;sołectwo\n"    # 9: a kind the organisation does not have
           ";;\n")                 # empty rows are skipped
    reply = _upload(admin, round_id, csv.encode())
    assert reply.status_code == 400
    text = reply.text
    assert "Nic nie zostało wczytane — popraw 7 problemów" in text
    rows = {cells[0]: cells[1:] for cells in (
        [c.split("</td>")[0] for c in row.split("<td>")[1:]]
        for row in text.split("Problemy w pliku")[1].split("</table>")[0].split("<tr>")[2:])}
    assert set(rows) == {"3", "4", "5", "6", "7", "8", "9"}
    assert rows["3"][0] == "teryt"
    assert "nie ma jednostki o kodzie 999999" in rows["3"][1]
    assert rows["4"][0] == "teryt"
    assert "nie jest kodem TERYT" in rows["4"][1]
    assert "jest już w wierszu 2" in rows["5"][1]
    assert "nie ma adresu e-mail" in rows["6"][1]
    assert rows["7"][0] == "id"
    assert f"identyfikatorze {foreign}" in rows["7"][1]
    assert "Katowice" not in rows["7"][1]  # another organisation's unit is not named
    assert "rodzaju ops" in rows["8"][1]
    assert rows["9"][0] == "rodzaj"
    assert "organizacja nie ma takiego rodzaju" in rows["9"][1]
    assert _selection(app, round_id) == before


def test_a_file_without_a_code_column_or_not_a_table_is_refused(app, world, login):
    admin = login("admin")
    _register(world)
    round_id = world.round("plan-uslug", year=2026, status="draft")
    reply = _upload(admin, round_id, b"nazwa\nGmina Kluczbork\n")
    assert reply.status_code == 400
    assert "brak kolumny z kodem TERYT" in reply.text
    empty = _upload(admin, round_id, b"")
    assert empty.status_code == 400
    # an open round's recipients are not replaced by a list
    open_id = world.round("plan-uslug", year=2025, status="open")
    refused = _upload(admin, open_id, b"teryt\n160402\n")
    assert refused.status_code == 302
    assert "tylko do szkicu rundy" in admin.get(refused.location).text


def test_the_cli_creates_and_launches_a_round_for_exactly_the_listed_units(
        app, world, runner, tmp_path):
    ids = _register(world)
    listed = tmp_path / "jst.csv"
    listed.write_text("teryt\n160401\n160404\n1604\n", encoding="utf-8")
    deadline = (date.today() + timedelta(days=30)).isoformat()
    result = runner.invoke(args=["rounds", "create", "plan-uslug", "--year", "2026",
                                 "--deadline", deadline, "--units", str(listed), "--launch"])
    assert result.exit_code == 0, result.output
    assert "zaproszenia w kolejce: 3" in result.output
    with app.app_context():
        round_ = db.session.scalars(select(Round)).one()
        assert round_.status == "open"
        assert {i.unit_id for i in round_.invitations} == {
            ids["160401"], ids["160404"], ids["powiat"]}
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 3
    bad = tmp_path / "zle.csv"
    bad.write_text("teryt\n160401\n123\n", encoding="utf-8")
    refused = runner.invoke(args=["rounds", "create", "plan-uslug", "--year", "2026",
                                  "--deadline", deadline, "--units", str(bad)])
    assert refused.exit_code == 1
    assert "zle.csv: wiersz 3, kolumna teryt:" in refused.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Round)) == 1  # none made
    lines = runner.invoke(args=["rounds", "list"]).output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{round_.id}\topen\t{deadline}\t")
