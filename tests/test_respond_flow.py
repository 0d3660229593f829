"""The respondent's way through each shipped questionnaire, end to end, in the test client."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from extensions import db
from models import Invitation, InvitationToken, Response
from services.questionnaires import registry

from support.respondent import expected_stored, section_post
from support.valid_answers import JST, VALID


def _survey(app, key):
    with app.app_context():
        return registry().by_key[key].survey


def _stored(app) -> Response:
    with app.app_context():
        return db.session.scalars(select(Response)).one()


def _answers(app) -> dict:
    with app.app_context():
        response = db.session.scalars(select(Response)).first()
        return dict(response.answers) if response else {}


def _start(world, client, key="jst-annual", kind="gmina", teryt="160402", **unit):
    unit_id = world.unit(kind, teryt, **unit)
    token = world.invite(world.round(key), unit_id)
    page = client.get(f"/r/{token}")
    assert page.status_code == 303
    assert page.headers["Location"].endswith("/ankieta")
    return token


@pytest.mark.parametrize("key", sorted(VALID))
def test_whole_questionnaire_is_filled_reviewed_and_submitted(app, world, client, key):
    kind, teryt, answers = VALID[key]
    survey = _survey(app, key)
    _start(world, client, key, kind, teryt, name="Jednostka testowa", regon="531234563",
           contact_person="Anna Nowak")
    assert client.get("/ankieta").status_code == 200
    sections = [s.id for s in survey.sections]
    for index, section_id in enumerate(sections):
        page = client.post(f"/ankieta/sekcja/{section_id}",
                           data=section_post(survey, section_id, answers))
        errors = re.findall(r'class="error-message"[^>]*>(.*?)</', page.text, re.S)
        assert page.status_code == 302, f"{section_id}: {errors}"
        following = (f"/ankieta/sekcja/{sections[index + 1]}" if index + 1 < len(sections)
                     else "/ankieta/przeglad")
        assert page.headers["Location"].endswith(following)
    review = client.get("/ankieta/przeglad")
    assert review.status_code == 200
    assert "Przed wysłaniem uzupełnij" not in review.text
    assert client.post("/ankieta/wyslij").headers["Location"].endswith("/ankieta/potwierdzenie")
    assert "Sprawozdanie zostało wysłane" in client.get("/ankieta/potwierdzenie").text
    response = _stored(app)
    assert response.status == "submitted"
    assert response.submitted_at is not None
    expected = expected_stored(survey, answers)
    if key == "jst-annual":
        expected.update(jst_teryt="160402", jst_rodzaj="gmina_miejsko_wiejska")
    if key == "kis-annual":
        expected["uzyskali_zatrudnienie"] = 4 + 1 + 1
    if key == "lpres-formularz":  # from the register, read-only
        expected.update(nazwa_jednostki="Jednostka testowa", rodzaj_jednostki="ops")
    if key == "lpres-ankieta-pes":
        expected["nazwa_podmiotu"] = "Jednostka testowa"
    assert response.answers == expected


def test_link_is_exchanged_for_session_and_token_never_stored(app, world, client):
    token = _start(world, client)
    with app.app_context():
        invitation = db.session.scalars(select(Invitation)).one()
        (link,) = invitation.tokens
        assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert len(token) >= 22  # ≥ 128 bits in URL-safe base64
        stored = " ".join(str(v) for row in db.session.execute(
            select(InvitationToken.__table__)).all() for v in row)
        assert token not in stored
        assert invitation.opened_at is not None
    page = client.get("/ankieta")
    assert token not in page.text


def _post(client, section, **fields):
    data = {"action": "next"}
    data.update(fields)
    return client.post(f"/ankieta/sekcja/{section}", data=data)


def _errors(page) -> list[str]:
    return [re.sub(r"<[^>]+>", "", m).replace("Błąd:", "").strip()
            for m in re.findall(r'class="error-message"[^>]*>(.*?)</p>', page.text, re.S)]


@pytest.mark.parametrize(("fields", "message"), [
    ({"q_pracownicy_przeszkoleni": "-3"}, "Liczba nie może być ujemna."),
    ({"q_pracownicy_przeszkoleni": "trzy"}, "To nie jest liczba. Wpisz cyfry"),
    ({"q_pracownicy_przeszkoleni": "1.234"}, "Zapis „1.234” jest niejednoznaczny"),
    ({"q_pracownicy_przeszkoleni": "2,5"}, "Wpisz liczbę całkowitą (bez części ułamkowej)."),
    ({"q_pracownicy_przeszkoleni": ""}, "Wpisz liczbę (0, jeśli nie było)."),
])
def test_invalid_number_gets_polish_message_and_nothing_is_stored(app, world, client, fields,
                                                                  message):
    _start(world, client)
    answers = dict(JST.items())
    survey = _survey(app, "jst-annual")
    data = section_post(survey, "d6", answers)
    data.update({k: [v] for k, v in fields.items()})
    page = client.post("/ankieta/sekcja/d6", data=data)
    assert page.status_code == 200
    assert any(e.startswith(message) for e in _errors(page)), _errors(page)
    assert "Popraw" in page.text
    assert 'href="#q_pracownicy_przeszkoleni"' in page.text
    assert "pracownicy_przeszkoleni" not in _answers(app)


def test_broken_sum_rule_is_refused(app, world, client):
    _start(world, client)
    survey = _survey(app, "jst-annual")
    answers = dict(JST, zadania_pes_liczba=11)  # more PES tasks than tasks in total
    page = client.post("/ankieta/sekcja/d4", data=section_post(survey, "d4", answers))
    assert page.status_code == 200
    assert any("zadań" in e or "zleconych" in e for e in _errors(page)), _errors(page)
    assert "zadania_pes_liczba" not in _answers(app)


def test_money_accepts_polish_notation(app, world, client):
    _start(world, client)
    survey = _survey(app, "jst-annual")
    data = section_post(survey, "d4", JST)
    data["q_zadania_zlecone_wartosc"] = ["200 000,00"]
    data["q_zadania_pes_wartosc"] = ["50000.5"]
    assert client.post("/ankieta/sekcja/d4", data=data).status_code == 302
    answers = _stored(app).answers
    assert answers["zadania_zlecone_wartosc"] == "200000.00"
    assert answers["zadania_pes_wartosc"] == "50000.50"


def test_hidden_question_answer_is_not_stored(app, world, client):
    _start(world, client)
    survey = _survey(app, "jst-annual")
    answers = dict(JST, klauzule_stosowane="no",
                   klauzule_powody_niestosowania=["brak_wiedzy"])
    data = section_post(survey, "d3", answers)  # still posts the clause counts
    assert "q_klauzule_liczba_od_130k" in data
    page = client.post("/ankieta/sekcja/d3", data=data)
    assert page.status_code == 302, _errors(page)
    stored = _stored(app).answers
    assert stored["klauzule_stosowane"] == "no"
    assert not any(k.startswith(("klauzule_liczba", "klauzule_wartosc"))
                   for k in stored)


def test_draft_keeps_partial_answers_without_required_ones(app, world, client):
    _start(world, client)
    page = _post(client, "d6", action="draft", q_pracownicy_przeszkoleni="4")
    assert page.status_code == 302
    assert _stored(app).answers["pracownicy_przeszkoleni"] == 4
    page = _post(client, "d6", q_pracownicy_przeszkoleni="4")
    assert "Wpisz liczbę (0, jeśli nie było)." in _errors(page)


def test_submit_is_refused_until_everything_required_is_answered(app, world, client):
    _start(world, client)
    review = client.get("/ankieta/przeglad")
    assert "Przed wysłaniem uzupełnij" in review.text
    page = client.post("/ankieta/wyslij")
    assert page.status_code == 302
    assert _stored(app).status == "draft"


def test_submitted_response_is_read_only(app, world, client):
    _start(world, client, "jst-annual")
    survey = _survey(app, "jst-annual")
    for section in survey.sections:
        client.post(f"/ankieta/sekcja/{section.id}", data=section_post(survey, section.id, JST))
    client.post("/ankieta/wyslij")
    assert _stored(app).status == "submitted"
    page = _post(client, "d6", q_pracownicy_przeszkoleni="99")
    assert page.status_code == 409
    assert "Sprawozdanie zostało już wysłane" in page.text
    assert _stored(app).answers["pracownicy_przeszkoleni"] == 3
    assert client.get("/ankieta/sekcja/d6").headers["Location"].endswith("/ankieta/przeglad")
    assert client.post("/ankieta/wyslij").status_code == 409


def test_soft_warning_asks_for_an_explanation_before_submit(app, world, client):
    _start(world, client, "jst-annual")
    survey = _survey(app, "jst-annual")
    answers = dict(JST, data_sporzadzenia="2025-06-30")  # before the end of the year: warning
    for section in survey.sections:
        client.post(f"/ankieta/sekcja/{section.id}", data=section_post(survey, section.id, answers))
    stored = _stored(app)
    assert stored.answers["data_sporzadzenia"] == "2025-06-30"
    assert "data_sporzadzenia" in stored.warnings
    review = client.get("/ankieta/przeglad")
    assert "Ostrzeżenie wymaga wyjaśnienia" in review.text
    data = section_post(survey, "z", answers)
    data["w_data_sporzadzenia"] = ["Sprawozdanie sporządzono w trakcie roku na prośbę ROPS."]
    assert client.post("/ankieta/sekcja/z", data=data).status_code == 302
    assert client.post("/ankieta/wyslij").headers["Location"].endswith("/potwierdzenie")
    assert _stored(app).warnings["data_sporzadzenia"]["comment"].startswith("Sprawozdanie")


def test_register_territory_and_years_read_naturally(app, world, client):
    _start(world, client)
    page = client.get("/ankieta/sekcja/d1").text
    assert "Kluczbork (gmina miejsko-wiejska)" in page  # the name, not the code 160402
    survey = _survey(app, "jst-annual")
    client.post("/ankieta/sekcja/d2", data=section_post(survey, "d2", JST))
    page = client.get("/ankieta/sekcja/d2").text
    assert 'value="2023"' in page  # a year is shown without a thousands separator
