"""The correction loop (issue 12, item 2): where each section stands, the ROPS notes as links,
"Zmień" coming back to the review, and what stops sending said beside the send button."""

from __future__ import annotations

import re

from sqlalchemy import select

from extensions import db
from models import Response
from services.questionnaires import registry

from support.respondent import section_post
from support.valid_answers import JST, VALID


def _start(world, client) -> None:
    token = world.invite(world.round("jst-annual"), world.unit("gmina", "160402"))
    assert client.get(f"/r/{token}").status_code == 303


def _survey(app):
    with app.app_context():
        return registry().by_key["jst-annual"].survey


def _states(page) -> dict[str, str]:
    return dict(re.findall(r'href="/ankieta/sekcja/(\w+)">[^<]*</a>\s*'
                           r'<span class="tag tag-\w+">([^<]+)</span>', page.text))


def test_the_section_list_says_where_each_section_stands(app, world, client):
    _start(world, client)
    survey = _survey(app)
    assert set(_states(client.get("/ankieta")).values()) == {"nie rozpoczęto"}
    client.post("/ankieta/sekcja/d1", data=section_post(survey, "d1", JST))
    client.post("/ankieta/sekcja/d3", data={"action": "draft", "q_zam_ogolem_liczba": "5"})
    bad = section_post(survey, "d4", JST)
    bad["q_zadania_zlecone_wartosc"] = ["sporo"]
    client.post("/ankieta/sekcja/d4", data=bad)
    states = _states(client.get("/ankieta"))
    assert states["d1"] == "ukończono"
    assert states["d3"] == "w toku"
    assert states["d4"] == "są błędy"
    assert states["d5"] == "nie rozpoczęto"


def test_a_returned_response_lists_the_notes_as_links_and_flags_their_sections(
        app, world, client):
    from services.review import return_for_correction

    _kind, _teryt, answers = VALID["jst-annual"]
    _start(world, client)
    survey = _survey(app)
    for section in survey.sections:
        client.post(f"/ankieta/sekcja/{section.id}",
                    data=section_post(survey, section.id, answers))
    assert client.post("/ankieta/wyslij").status_code == 303
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        return_for_correction(response, "Proszę poprawić dwie wartości.",
                              {"zadania_pes_liczba": "Sprawdź liczbę zadań dla PES.",
                               "zam_ogolem_liczba": "Czy to na pewno wszystkie zamówienia?"})
        db.session.commit()
    start = client.get("/ankieta")
    assert "Uwagi do 2 pytań" in start.text
    assert ('href="/ankieta/sekcja/d4#pytanie-zadania_pes_liczba"' in start.text)
    assert "Sprawdź liczbę zadań dla PES." in start.text
    states = _states(start)
    assert states["d3"] == states["d4"] == "do poprawy"
    assert states["d1"] == "ukończono"
    assert "1 uwaga ROPS" in start.text


def test_change_links_come_back_to_the_review(app, world, client):
    _kind, _teryt, answers = VALID["jst-annual"]
    _start(world, client)
    survey = _survey(app)
    for section in survey.sections:
        client.post(f"/ankieta/sekcja/{section.id}",
                    data=section_post(survey, section.id, answers))
    review = client.get("/ankieta/przeglad").text
    assert 'href="/ankieta/sekcja/d4?powrot=przeglad#q_zadania_pes_liczba"' in review
    page = client.get("/ankieta/sekcja/d4?powrot=przeglad").text
    assert '<input type="hidden" name="powrot" value="przeglad">' in page
    assert ">Zapisz i wróć do przeglądu</button>" in page
    data = section_post(survey, "d4", answers)
    data["powrot"] = ["przeglad"]
    saved = client.post("/ankieta/sekcja/d4", data=data)
    assert saved.headers["Location"].endswith("/ankieta/przeglad")
    plain = client.post("/ankieta/sekcja/d4", data=section_post(survey, "d4", answers))
    assert plain.headers["Location"].endswith("/ankieta/sekcja/d5")


def test_what_stops_sending_is_said_beside_the_send_button_with_links(app, world, client):
    _start(world, client)
    review = client.get("/ankieta/przeglad").text
    assert "Wyślij sprawozdanie</button>" not in review
    blocked = re.search(r'<div class="send-blocked".*?</div>', review, re.S).group(0)
    assert re.search(r"Nie można jeszcze wysłać: (zostały \d*[234] pytania|zostało \d+ pytań) "
                     r"do uzupełnienia", blocked)
    assert blocked.count("<li>") == 5
    assert 'href="#error-summary"' in blocked
    form_at = review.index('action="/ankieta/wyslij"')
    assert form_at < review.index('class="send-blocked"') < form_at + 800
