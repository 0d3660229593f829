"""Phones and keyboards (issue 12, item 7), without a browser: the declaration is one checkbox
required before sending, with a Polish message; "w tym" questions are nested under their whole
and described by it for screen readers."""

from __future__ import annotations

import re

from sqlalchemy import select

from extensions import db
from models import Response
from services.questionnaires import registry

from support.respondent import section_post
from support.valid_answers import VALID

DECLARATION_MESSAGE = "Aby wysłać sprawozdanie, potwierdź zgodność danych ze stanem faktycznym."


def _open(world, client, key="cis-annual"):
    kind, teryt, _answers = VALID[key]
    unit_id = world.unit(kind, teryt, name="Jednostka testowa", regon="531234563")
    token = world.invite(world.round(key), unit_id)
    assert client.get(f"/r/{token}").status_code == 303


def _stored(app) -> Response:
    with app.app_context():
        return db.session.scalars(select(Response)).one()


def test_the_declaration_is_one_checkbox(app, world, client):
    _open(world, client)
    page = client.get("/ankieta/sekcja/z").text
    inputs = re.findall(r'<input[^>]*name="q_oswiadczenie"[^>]*>', page)
    assert len(inputs) == 1, inputs  # no "Nie" to pick
    assert 'type="checkbox"' in inputs[0]
    assert 'value="yes"' in inputs[0]
    assert re.search(r'<label for="q_oswiadczenie">Oświadczam, że dane są zgodne', page)


def test_sending_without_the_declaration_is_refused_in_polish(app, world, client):
    _open(world, client)
    with app.app_context():
        survey = registry().by_key["cis-annual"].survey
    answers = dict(VALID["cis-annual"][2])
    del answers["oswiadczenie"]  # the box left unticked: nothing is posted for it
    for section in survey.sections:
        client.post(f"/ankieta/sekcja/{section.id}",
                    data=section_post(survey, section.id, answers))
    review = client.get("/ankieta/przeglad").text
    assert DECLARATION_MESSAGE in review
    assert "Wyślij sprawozdanie</button>" not in review
    refused = client.post("/ankieta/wyslij")
    assert refused.headers["Location"].endswith("/ankieta/przeglad")
    assert _stored(app).status == "draft"
    # ticked: stored as "yes", like a yes/no "Tak", and the report goes
    client.post("/ankieta/sekcja/z", data=section_post(survey, "z", VALID["cis-annual"][2]))
    assert _stored(app).answers["oswiadczenie"] == "yes"
    assert client.post("/ankieta/wyslij").headers["Location"].endswith("/potwierdzenie")
    assert _stored(app).status == "submitted"


def test_a_declaration_posted_as_anything_but_ticked_is_refused(app, world, client):
    _open(world, client)
    page = client.post("/ankieta/sekcja/z", data={"action": "next", "q_oswiadczenie": "no"})
    assert page.status_code == 422 or "Wybierz jedną z podanych odpowiedzi." in page.text
    assert _stored(app).answers.get("oswiadczenie") is None


def test_w_tym_questions_are_nested_and_described_by_their_whole(app, world, client):
    _open(world, client)
    page = client.get("/ankieta/sekcja/a2").text
    block = re.search(r'<div class="question part-question" id="pytanie-kadra_umowa_o_prace"'
                      r'.*?</div>', page, re.S)
    assert block, "the 'w tym' question is not nested"
    assert 'data-part-of="kadra_ogolem"' in block.group()
    assert re.search(r'id="q_kadra_umowa_o_prace-whole">Część pytania: Liczba osób '
                     r'zatrudnionych w CIS ogółem<', page)
    field = re.search(r'<input[^>]*id="q_kadra_umowa_o_prace"[^>]*>', page).group()
    assert "q_kadra_umowa_o_prace-whole" in re.search(r'aria-describedby="([^"]*)"',
                                                       field).group(1)
    # the whole itself is not nested
    assert 'class="question" id="pytanie-kadra_ogolem"' in page
