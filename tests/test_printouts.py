"""Paper where offices need paper (issue 12, item 4): the blank questionnaire as a PDF, the PDF
copy of the submitted answers (with the submission time and version number), for the
respondent and for staff, and attached to the confirmation e-mail — made by the mail worker,
received by a real SMTP server."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from extensions import db
from forms.conditions import relevance_note
from forms.loader import load_survey_text
from forms.parts import parts_of
from forms.types import WIDGETS
from models import Response
from services.questionnaires import registry

from support.respondent import section_post
from support.valid_answers import VALID

ROOT = Path(__file__).resolve().parents[1]


def pdf_text(content: bytes) -> str:
    """The PDF's text with whitespace folded (a label may wrap over lines)."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _folded(text: str) -> str:
    return " ".join(text.split())


def _survey(app, key):
    with app.app_context():
        return registry().by_key[key].survey


def open_as_respondent(world, client, key="cis-annual"):
    kind, teryt, _answers = VALID[key]
    unit_id = world.unit(kind, teryt, name="Jednostka testowa", regon="531234563",
                         emails="kierownik@example.pl")
    round_id = world.round(key)
    token = world.invite(round_id, unit_id)
    assert client.get(f"/r/{token}").status_code == 303
    return round_id


def fill_and_submit(client, survey, answers):
    for section in survey.sections:
        page = client.post(f"/ankieta/sekcja/{section.id}",
                           data=section_post(survey, section.id, answers))
        assert page.status_code == 302, section.id
    assert client.post("/ankieta/wyslij").headers["Location"].endswith("/potwierdzenie")


# -- the blank questionnaire ------------------------------------------------------------------

def test_the_blank_questionnaire_has_every_section_question_table_and_condition(
        app, world, client):
    open_as_respondent(world, client)
    survey = _survey(app, "cis-annual")
    start = client.get("/ankieta").text
    assert "Pobierz pusty formularz (PDF)" in start
    page = client.get("/ankieta/pusty-formularz.pdf")
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "application/pdf"
    assert "attachment" in page.headers["Content-Disposition"]
    text = pdf_text(page.data)
    assert survey.title in text
    assert "II półrocze" not in text  # an annual one: period 2025
    assert "Jednostka testowa" in text
    for section in survey.sections:
        assert _folded(section.title) in text, section.title
        for question in section.questions:
            label = _folded(question.label.replace("{rok}", "2025")
                            .replace("{rok_poprzedni}", "2024").replace("{rok_nastepny}", "2026"))
            assert label[:60] in text, question.id
            if question.hint and "{" not in question.hint:
                assert _folded(question.hint)[:50] in text, question.id
            for row in question.rows:
                assert _folded(row.label)[:40] in text, (question.id, row.id)
            for column in question.columns:
                assert _folded(column.label)[:20] in text, (question.id, column.id)
            for choice in question.choices:
                assert _folded(choice.label)[:40] in text, (question.id, choice.value)
    # a unit after a money box, and the plain-Polish condition naming the question it follows
    assert " zł" in text
    assert ("Wypełnij, jeśli w pytaniu „Czy CIS prowadził zajęcia przez cały rok 2025” "
            "zaznaczono „Nie”.") in text
    assert ("zaznaczono „Organizacja pozarządowa” albo „Spółdzielnia socjalna osób prawnych”"
            in text)
    assert ("Wypełnij, jeśli w pytaniu „Prowadzone warsztaty reintegracji zawodowej” "
            "zaznaczono") in text


def test_staff_download_the_blank_questionnaire_from_the_round_page(app, world, login):
    round_id = world.round("jst-annual")
    client = login("coordinator")
    page = client.get(f"/admin/rundy/{round_id}")
    assert "Pobierz pusty formularz (PDF)" in page.text
    assert f"/admin/rundy/{round_id}/pusty-formularz.pdf" in page.text
    pdf = client.get(f"/admin/rundy/{round_id}/pusty-formularz.pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.data)
    assert _survey(app, "jst-annual").title in text
    assert "Strona 1 z" in text  # the page counter of the print styles


def test_the_blank_questionnaire_needs_a_login_or_a_link(app, world, client):
    round_id = world.round("jst-annual")
    assert client.get(f"/admin/rundy/{round_id}/pusty-formularz.pdf").status_code in (302, 401)
    assert client.get("/ankieta/pusty-formularz.pdf").status_code == 401


def test_every_widget_has_its_part_on_paper():
    paper = (ROOT / "templates" / "paper" / "_questions.html").read_text(encoding="utf-8")
    for widget in WIDGETS:
        assert f"'{widget}'" in paper, widget


# -- conditions and "w tym" -------------------------------------------------------------------

SMALL = """
format: 2
key: maly
version: "1"
title: Mały
unit_kinds: [gmina]
period: annual
sections:
  - id: s
    title: Sekcja
    questions:
      - id: dziala
        type: yes_no
        label: Czy jednostka działa?
      - id: ile
        type: integer
        label: Liczba osób ogółem
      - id: kobiety
        type: integer
        label: w tym kobiety
        constraint: . <= ${ile}
      - id: etaty
        type: decimal
        label: Liczba etatów
      - id: mlodzi
        type: integer
        label: "w tym: młodzi"
      - id: powod
        type: text
        label: Dlaczego nie działa
        relevant: ${dziala} = 'no' or ${ile} > 10
      - id: inne
        type: text
        label: Inne
        relevant: ${ile} + ${etaty} > 3
"""


def _small():
    survey, problems = load_survey_text(SMALL, "maly.yaml")[:2]
    assert survey is not None, problems
    return survey


def test_a_condition_is_worded_in_plain_polish():
    survey = _small()
    assert relevance_note(survey.question("powod").relevant, survey) == (
        "Wypełnij, jeśli w pytaniu „Czy jednostka działa?” zaznaczono „Nie” lub w pytaniu "
        "„Liczba osób ogółem” podano więcej niż 10.")
    # a shape without exact words names the questions it depends on
    assert relevance_note(survey.question("inne").relevant, survey) == (
        "Wypełnij, jeśli wynika to z odpowiedzi na pytania: „Liczba etatów”, "
        "„Liczba osób ogółem”.")
    assert relevance_note(None, survey) is None


def test_a_w_tym_question_is_a_part_of_the_question_its_rule_compares_it_with():
    # "w tym kobiety" compares itself with the total; "w tym: młodzi" has no rule and
    # follows the nearest whole question (the number of posts)
    assert parts_of(_small()) == {"kobiety": "ile", "mlodzi": "etaty"}


# -- the copy of the answers ------------------------------------------------------------------

def test_the_copy_of_the_answers_has_every_answer_the_time_and_the_version(
        app, world, client, login):
    open_as_respondent(world, client)
    survey = _survey(app, "cis-annual")
    _kind, _teryt, answers = VALID["cis-annual"]
    assert client.get("/ankieta/odpowiedzi.pdf").status_code == 404  # nothing sent yet
    fill_and_submit(client, survey, answers)
    confirmation = client.get("/ankieta/potwierdzenie").text
    assert "Pobierz kopię odpowiedzi (PDF)" in confirmation
    page = client.get("/ankieta/odpowiedzi.pdf")
    assert page.status_code == 200
    assert re.search(r'filename="odpowiedzi-cis-annual-2025-\d+-v1\.pdf"',
                     page.headers["Content-Disposition"])
    text = pdf_text(page.data)
    assert "Wersja odpowiedzi nr 1" in text
    assert "Jednostka testowa" in text
    assert "Okres sprawozdawczy 2025" in text
    assert re.search(r"Wysłano \d{1,2} \w+ 20\d\d, godz\. \d\d:\d\d", text)
    assert "Centrum Integracji Społecznej w Opolu" in text      # a text answer
    assert "ul. Kowalska 3, 45-001 Opole" in text
    assert "7,50" in text                                        # a decimal, the Polish way
    assert "Dane zgodne ze sprawozdaniem w CAS." in text
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        response_id = response.id
    staff = login("coordinator")
    detail = staff.get(f"/admin/odpowiedzi/{response_id}").text
    assert "Pobierz kopię wersji 1 (PDF)" in detail
    copy = staff.get(f"/admin/odpowiedzi/{response_id}/wersja-1.pdf")
    assert copy.status_code == 200
    assert "Wersja odpowiedzi nr 1" in pdf_text(copy.data)
    assert staff.get(f"/admin/odpowiedzi/{response_id}/wersja-2.pdf").status_code == 404
