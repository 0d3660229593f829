"""The coordinators' exports page: tables on screen, xlsx and CSV downloads, audit."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import select

from extensions import db
from models import AuditEvent, Invitation, Response

from support.valid_answers import JST


@pytest.fixture
def round_with_answers(app, world):
    round_id = world.round("jst-annual")
    for teryt, name in (("160402", "Gmina Kluczbork"), ("160403", '=HYPERLINK("x")')):
        world.invite(round_id, world.unit("gmina", teryt, name=name))
    with app.app_context():
        for invitation, value in zip(db.session.scalars(select(Invitation).order_by(
                Invitation.id)), ("200000.00", "100000.00"), strict=True):
            answers = dict(JST, zadania_zlecone_wartosc=value)
            db.session.add(Response(invitation=invitation, answers=answers, status="submitted"))
        db.session.commit()
    return round_id


def test_regional_tables_on_screen(login, round_with_answers):
    client = login("coordinator")
    page = client.get(f"/admin/zestawienia/?runda={round_with_answers}&rodzaj=regional"
                      "&poziom=powiat&pokaz=1")
    assert page.status_code == 200
    assert "Wartość przekazanych środków" in page.text
    assert "300\u00a0000,00 zł" in page.text  # the sum over both gminas, Polish notation


def test_xlsx_download_is_a_real_workbook_and_is_audited(app, login, round_with_answers):
    client = login("coordinator")
    page = client.get(f"/admin/zestawienia/plik?runda={round_with_answers}&rodzaj=regional"
                      "&poziom=powiat&poziom=gmina_type")
    assert page.status_code == 200
    assert page.headers["Content-Disposition"].startswith("attachment;")
    book = openpyxl.load_workbook(io.BytesIO(page.data))
    assert {"Informacje", "Dane", "Słownik"} <= set(book.sheetnames)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f" or "HYPERLINK" not in str(cell.value)
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).filter_by(action="export")).one()
        assert event.actor == "coordinator@rops.example.pl"
        assert event.after["kind"] == "regional"


def test_raw_csv_download(login, round_with_answers):
    client = login("coordinator")
    page = client.get(f"/admin/zestawienia/plik?runda={round_with_answers}&rodzaj=raw"
                      "&format=csv")
    assert page.status_code == 200
    assert page.data.startswith("\ufeff".encode())
    text = page.data.decode("utf-8-sig")
    assert ";" in text.splitlines()[0]
    assert "'=HYPERLINK" in text  # a unit name that looks like a formula stays text


def test_municipal_report_needs_a_gmina(login, round_with_answers):
    client = login("coordinator")
    page = client.get(f"/admin/zestawienia/?runda={round_with_answers}&rodzaj=municipal"
                      "&pokaz=1")
    assert page.status_code == 400
    assert "Raport gminny: wybierz gminę." in page.text
    page = client.get(f"/admin/zestawienia/?runda={round_with_answers}&rodzaj=municipal"
                      "&gmina=160402&pokaz=1")
    assert page.status_code == 200
    assert "Kluczbork" in page.text


def test_unknown_round_is_a_polish_message(login, world):
    client = login("coordinator")
    page = client.get("/admin/zestawienia/plik?runda=999")
    assert page.status_code == 400
    assert "Wybierz rundę." in page.text
