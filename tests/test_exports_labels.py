"""Raw data with labels (``--labels``, the exports page's "z etykietami"): xlsx and CSV."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from sqlalchemy import select
from test_reports_cli import export, jst_answers, respond

from extensions import db
from models import AuditEvent

QUESTION = "Czy JST posiada lokalny program / plan rozwoju ekonomii społecznej?"
WHO = "Kto wypełnia ankietę?"


@pytest.fixture
def round_id(world):
    now = world.round("jst-annual", year=2025)
    respond(world, now, world.unit("gmina", "160402", "Gmina Kluczbork"),
            jst_answers("1000000.00", jednostka_wypelniajaca=["urzad", "ops"]))
    respond(world, now, world.unit("gmina", "160401", "=Byczyna"),
            jst_answers("200000.50", "no", lpres_status="w_przygotowaniu"))
    return now


def _rows_of(sheet) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_labelled_workbook_has_texts_over_codes_and_labels_in_cells(runner, round_id,
                                                                   tmp_path):
    out = tmp_path / "dane.xlsx"
    export(runner, "--round", str(round_id), "--kind", "raw", "--labels", "-o", str(out))
    rows = _rows_of(openpyxl.load_workbook(out)["Dane"])
    texts, codes, data = rows[0], rows[1], rows[2:]
    assert texts[:2] == ["Identyfikator jednostki w rejestrze", "Nazwa jednostki"]
    assert codes[:2] == ["unit_id", "unit_name"]
    status, who = codes.index("lpres_status"), codes.index("jednostka_wypelniajaca")
    assert texts[status] == QUESTION
    assert texts[who] == WHO
    by_unit = {row[1]: row for row in data}
    assert by_unit["Gmina Kluczbork"][status] == "Tak – odrębny dokument"
    assert by_unit["Gmina Kluczbork"][who] == "Urząd gminy / starostwo; OPS / MOPS / GOPS"
    assert by_unit["=Byczyna"][status] == "W przygotowaniu"
    clauses = codes.index("klauzule_stosowane")
    assert {by_unit[u][clauses] for u in by_unit} == {"Tak", "Nie"}
    value = codes.index("zam_ogolem_wartosc")
    assert by_unit["Gmina Kluczbork"][value] == 1_000_000  # numbers stay numbers
    assert len(data) == 2


def test_coded_workbook_is_unchanged_by_the_labels_mode(runner, round_id, tmp_path):
    out = tmp_path / "dane.xlsx"
    export(runner, "--round", str(round_id), "--kind", "raw", "-o", str(out))
    rows = _rows_of(openpyxl.load_workbook(out)["Dane"])
    status = rows[0].index("lpres_status")
    assert rows[0][0] == "unit_id"
    assert {row[status] for row in rows[1:]} == {"odrebny", "w_przygotowaniu"}


def test_labelled_csv_from_the_command_line(runner, round_id, tmp_path):
    out = tmp_path / "dane.csv"
    export(runner, "--round", str(round_id), "--kind", "raw", "--format", "csv", "--labels",
           "-o", str(out))
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    texts, codes, data = rows[0], rows[1], rows[2:]
    who = codes.index("jednostka_wypelniajaca")
    assert texts[who] == WHO
    by_unit = {row[1]: row for row in data}
    assert by_unit["Gmina Kluczbork"][who] == "Urząd gminy / starostwo; OPS / MOPS / GOPS"
    assert by_unit["'=Byczyna"][codes.index("lpres_status")] == "W przygotowaniu"
    assert by_unit["Gmina Kluczbork"][codes.index("zam_ogolem_wartosc")] == "1000000,00"


def test_labelled_csv_download_from_the_exports_page_is_audited(app, login, round_id):
    client = login("coordinator")
    reply = client.get(f"/admin/zestawienia/plik?runda={round_id}&rodzaj=raw&format=csv"
                       "&etykiety=1")
    assert reply.status_code == 200
    rows = list(csv.reader(io.StringIO(reply.data.decode("utf-8-sig")), delimiter=";"))
    assert QUESTION in rows[0]
    assert "lpres_status" in rows[1]
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).filter_by(action="export")).one()
        assert event.after["labels"] is True


def test_labelled_workbook_download_from_the_exports_page(login, round_id):
    client = login("coordinator")
    page = client.get("/admin/zestawienia/")
    assert 'name="etykiety"' in page.text
    reply = client.get(f"/admin/zestawienia/plik?runda={round_id}&rodzaj=raw&etykiety=1")
    rows = _rows_of(openpyxl.load_workbook(io.BytesIO(reply.data))["Dane"])
    assert rows[0][rows[1].index("lpres_status")] == QUESTION
