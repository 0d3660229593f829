"""Drafts keep everything typed (issue 12, item 1): every save path stores the valid values as
answers and holds the refused ones as typed, with their message, in the draft only."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from extensions import db
from models import Response
from services.questionnaires import registry

from support.respondent import expected_stored, section_post
from support.valid_answers import JST, VALID


def _survey(app, key="jst-annual"):
    with app.app_context():
        return registry().by_key[key].survey


def _stored(app) -> Response:
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        db.session.expunge(response)
        return response


def _start(world, client, key="jst-annual", kind="gmina", teryt="160402") -> None:
    token = world.invite(world.round(key), world.unit(kind, teryt))
    assert client.get(f"/r/{token}").status_code == 303


def _errors(page) -> list[str]:
    return [re.sub(r"<[^>]+>", "", m).replace("Błąd:", "").strip()
            for m in re.findall(r'class="error-message"[^>]*>(.*?)</p>', page.text, re.S)]


def _d4(app, **typed) -> dict:
    data = section_post(_survey(app), "d4", JST)
    data.update({f"q_{k}": [v] for k, v in typed.items()})
    return data


@pytest.mark.parametrize(("action", "follows"), [
    ("draft", "/ankieta/sekcja/d4"), ("back", "/ankieta/sekcja/d3")])
def test_draft_and_back_store_the_section_and_hold_the_refused_value(
        app, world, client, action, follows):
    _start(world, client)
    data = _d4(app, zadania_zlecone_wartosc="dużo")
    data["action"] = [action]
    page = client.post("/ankieta/sekcja/d4", data=data)
    assert page.status_code == 302
    assert page.headers["Location"].endswith(follows)
    stored = _stored(app)
    assert stored.answers["zadania_zlecone_liczba"] == JST["zadania_zlecone_liczba"]
    assert "zadania_zlecone_wartosc" not in stored.answers
    held = stored.held_values["q_zadania_zlecone_wartosc"]
    assert held["text"] == ["dużo"]
    assert "liczba" in held["message"].lower()
    again = client.get("/ankieta/sekcja/d4")
    assert 'value="dużo"' in again.text
    assert held["message"] in _errors(again)
    assert 'href="#q_zadania_zlecone_wartosc"' in again.text  # in the error summary


def test_next_saves_everything_then_says_what_is_left_with_a_way_on(app, world, client):
    _start(world, client)
    page = client.post("/ankieta/sekcja/d4", data=_d4(app, zadania_pes_liczba="abc"))
    assert page.status_code == 200
    assert 'value="abc"' in page.text
    assert 'href="/ankieta/sekcja/d5">przejdź dalej</a>' in page.text
    stored = _stored(app)
    assert stored.held_values["q_zadania_pes_liczba"]["text"] == ["abc"]
    assert stored.answers["zadania_pes_wartosc"] == expected_stored(_survey(app), JST)[
        "zadania_pes_wartosc"]


def test_a_rule_reading_an_unreadable_value_is_skipped_not_run_as_if_empty(app, world, client):
    """``zadania_pes_liczba <= zadania_zlecone_liczba``: with the total unreadable, only the
    total's own message is shown, not a second, wrong one on the part."""
    _start(world, client)
    page = client.post("/ankieta/sekcja/d4", data=_d4(app, zadania_zlecone_liczba="sporo"))
    assert _errors(page) == ["To nie jest liczba. Wpisz cyfry, np. 1234 albo 1234,50."]
    stored = _stored(app)
    assert stored.answers["zadania_pes_liczba"] == JST["zadania_pes_liczba"]
    assert set(stored.held_values) == {"q_zadania_zlecone_liczba"}


def test_a_value_breaking_its_rule_is_held_not_stored(app, world, client):
    _start(world, client)
    client.post("/ankieta/sekcja/d4", data=_d4(app, zadania_zlecone_liczba="-2"))
    stored = _stored(app)
    assert "zadania_zlecone_liczba" not in stored.answers
    assert stored.held_values["q_zadania_zlecone_liczba"] == {
        "question": "zadania_zlecone_liczba", "text": ["-2"],
        "message": "Liczba nie może być ujemna."}


def test_submit_is_blocked_on_the_review_page_until_the_held_value_is_fixed(
        app, world, client):
    kind, teryt, answers = VALID["jst-annual"]
    _start(world, client)
    survey = _survey(app)
    for section in survey.sections:
        client.post(f"/ankieta/sekcja/{section.id}",
                    data=section_post(survey, section.id, answers))
    client.post("/ankieta/sekcja/d4", data=_d4(app, zadania_zlecone_wartosc="12,345"))
    review = client.get("/ankieta/przeglad")
    assert "Przed wysłaniem uzupełnij 1 pozycję" in review.text
    assert 'href="/ankieta/sekcja/d4?powrot=przeglad#q_zadania_zlecone_wartosc"' in review.text
    assert client.post("/ankieta/wyslij").headers["Location"].endswith("/ankieta/przeglad")
    assert _stored(app).status == "draft"
    fixed = client.post("/ankieta/sekcja/d4", data=section_post(survey, "d4", answers))
    assert fixed.status_code == 302
    assert _stored(app).held_values == {}
    assert client.post("/ankieta/wyslij").headers["Location"].endswith(
        "/ankieta/potwierdzenie")
    assert _stored(app).status == "submitted"


def test_a_hidden_question_drops_its_held_value(app, world, client):
    """A held value of a question that becomes hidden goes, like an answer would."""
    _start(world, client)
    survey = _survey(app)
    data = section_post(survey, "d3", dict(JST, klauzule_stosowane="yes"))
    data["q_klauzule_liczba_od_130k"] = ["kilka"]
    data["action"] = ["draft"]
    client.post("/ankieta/sekcja/d3", data=data)
    assert "q_klauzule_liczba_od_130k" in _stored(app).held_values
    data = section_post(survey, "d3", dict(JST, klauzule_stosowane="no",
                                             klauzule_powody_niestosowania=["brak_wiedzy"]))
    data["q_klauzule_liczba_od_130k"] = ["kilka"]
    client.post("/ankieta/sekcja/d3", data=data)
    assert _stored(app).held_values == {}
