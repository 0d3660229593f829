"""Messages people understand (issue 12, item 6): required messages name the question (or say
the definition's ``required_message``), comparison rules say both values, the error summary's
punctuation is clean."""

from __future__ import annotations

import re

import pytest

from forms.loader import load_survey_text
from services.questionnaires import registry
from views.filters import summary_entry

from support.respondent import section_post
from support.valid_answers import JST

_HEAD = """\
format: 1
key: test
version: "1"
title: Test
unit_kinds: [cis]
sections:
  - id: s1
    title: Sekcja
    questions:
      - """


@pytest.fixture
def app_config(app_config):
    """Keep messages in the outbox: the tests read what was queued."""
    app_config["MAIL_SEND_INLINE"] = False
    return app_config


def _question(body: str):
    survey, problems = load_survey_text(_HEAD + body + "\n", "test.yaml", "test")
    assert problems == []
    return survey.questions[0]


@pytest.mark.parametrize(("body", "message"), [
    ("{id: a, type: text, label: Adres siedziby}", "Uzupełnij pole „Adres siedziby”."),
    ("{id: a, type: integer, label: 'Liczba etatów:'}",
     "Wpisz liczbę w polu „Liczba etatów” (0, jeśli nie było)."),
    ("{id: a, type: money, label: Wartość dotacji}",
     "Wpisz kwotę w polu „Wartość dotacji” (0, jeśli nie było)."),
    ("{id: a, type: date, label: Data nadania statusu}",
     "Wpisz datę w polu „Data nadania statusu” (dd.mm.rrrr)."),
    ("{id: a, type: single_choice, label: Czy CIS działał?, choices: [{value: x, label: X}]}",
     "Wybierz jedną odpowiedź w polu „Czy CIS działał”."),
    ("{id: a, type: yes_no, label: Czy CIS działał cały rok?}", "Wybierz „Tak” albo „Nie”."),
    ("{id: a, type: text, label: 'Liczba osób, które w roku {rok} ukończyły zajęcia'}",
     "Odpowiedz na to pytanie."),
    ("{id: a, type: text, label: " + "Bardzo długa treść pytania " * 4 + "}",
     "Odpowiedz na to pytanie."),
    ("{id: a, type: text, label: Adres, required_message: Podaj adres siedziby CIS.}",
     "Podaj adres siedziby CIS."),
])
def test_required_message_names_the_question(body, message):
    question = _question(body)
    assert question.kind.required_message_for(question) == message


def _errors(page) -> list[str]:
    return [re.sub(r"<[^>]+>", "", m).replace("Błąd:", "").strip()
            for m in re.findall(r'class="error-message"[^>]*>(.*?)</p>', page.text, re.S)]


def _start(world, client) -> None:
    token = world.invite(world.round("jst-annual"), world.unit("gmina", "160402"))
    assert client.get(f"/r/{token}").status_code == 303


def test_a_comparison_rule_says_both_values(app, world, client):
    _start(world, client)
    with app.app_context():
        survey = registry().by_key["jst-annual"].survey
    answers = dict(JST, zadania_zlecone_liczba=10, zadania_pes_liczba=11)
    page = client.post("/ankieta/sekcja/d4", data=section_post(survey, "d4", answers))
    assert ("Nie może być więcej niż liczba wszystkich zleconych zadań publicznych "
            "(jest 11, a może być najwyżej 10).") in _errors(page)


def test_an_empty_required_answer_is_told_what_to_type_there(app, world, client):
    _start(world, client)
    with app.app_context():
        survey = registry().by_key["jst-annual"].survey
        question = next(q for q in survey.section("d4").questions if q.id == "zadania_pes_liczba")
    data = section_post(survey, "d4", {k: v for k, v in JST.items()
                                       if k != "zadania_pes_liczba"})
    page = client.post("/ankieta/sekcja/d4", data=data)
    assert question.kind.required_message_for(question) in _errors(page)


@pytest.mark.parametrize(("label", "entry"), [
    ("Czy CIS działał cały rok?", "Czy CIS działał cały rok? — Wybierz „Tak” albo „Nie”."),
    ("Liczba etatów:", "Liczba etatów: Wpisz liczbę."),
    ("Adres siedziby", "Adres siedziby: Wpisz adres."),
    ("Okres działalności…", "Okres działalności… — Wpisz adres."),
])
def test_summary_entries_have_clean_punctuation(label, entry):
    message = entry.rpartition(" — ")[2] if " — " in entry else entry.partition(": ")[2]
    assert summary_entry(label, message) == entry
    assert "?:" not in entry
    assert ".:" not in entry


@pytest.mark.parametrize(("code", "label"), [
    ("2025", "2025"), ("2025-H1", "I półrocze 2025"), ("2025-H2", "II półrocze 2025"),
    ("2025-Q3", "III kwartał 2025"), ("2025-03", "marzec 2025"), ("inny", "inny"),
])
def test_periods_are_said_as_people_say_them(code, label):
    from l10n.periods import period_label

    assert period_label(code) == label


def test_a_half_year_round_shows_its_period_in_words_on_pages_and_in_the_invitation(
        app, world, client):
    from extensions import db
    from models import OutboxMessage

    round_id = world.round("jst-annual", period="2025-H2")
    token = world.invite(round_id, world.unit("gmina", "160402"))
    assert client.get(f"/r/{token}").status_code == 303
    page = client.get("/ankieta").text
    assert "II półrocze 2025" in page
    assert "2025-H2" not in page
    with app.app_context():
        from models import Round
        from services.messages import queue_invitation

        round_ = db.session.get(Round, round_id)
        assert "2025-H2" not in round_.title
        message = queue_invitation(round_.invitations[0], "x" * 43)
        db.session.commit()
        message = db.session.get(OutboxMessage, message.id)
        assert "(II półrocze 2025)" in message.subject
        assert "2025-H2" not in message.subject + message.body_text
        # after "za" the period is said as a sentence needs it, never "za okres II półrocze"
        assert "za II półrocze 2025." in message.body_text
        assert "za okres" not in message.body_text


@pytest.mark.parametrize(("code", "span"), [
    ("2025", "rok 2025"), ("2025-H1", "I półrocze 2025"), ("2025-Q3", "III kwartał 2025"),
    ("2025-03", "marzec 2025")])
def test_a_period_after_za_reads_as_polish(code, span):
    from l10n.periods import period_span

    assert period_span(code) == span


@pytest.mark.parametrize(("n", "text"), [
    (1, "1 sekcja"), (2, "2 sekcje"), (5, "5 sekcji"), (22, "22 sekcje"), (12, "12 sekcji")])
def test_cli_plurals_are_polish(app, n, text):
    from flask_babel import ngettext

    with app.app_context():
        assert ngettext("%(num)d sekcja", "%(num)d sekcje", n) == text


def test_surveys_check_says_its_counts_in_polish(app):
    result = app.test_cli_runner().invoke(args=["surveys", "check"])
    from flask_babel import ngettext

    checked = int(re.search(r"Sprawdzono (\d+) ", result.output).group(1))
    assert checked >= 4
    with app.app_context():
        said = ngettext("Sprawdzono %(num)d plik", "Sprawdzono %(num)d pliki", checked)
    assert f"{said} w" in result.output
    assert "plik(ów)" not in result.output
    assert re.search(r"jst-annual v[\d.]+, 7 sekcji, \d+ pyta(ń|nia|nie)", result.output), (
        result.output)


def test_invitation_names_the_contact_the_time_and_what_to_prepare(app, world):
    from extensions import db
    from models import OutboxMessage, Round
    from services.messages import queue_invitation, queue_reminder

    round_id = world.round("jst-annual", year=2025)
    world.invite(round_id, world.unit("gmina", "160402"))
    with app.app_context():
        invitation = db.session.get(Round, round_id).invitations[0]
        ids = [queue_invitation(invitation, "x" * 43).id, queue_reminder(invitation, "y" * 43).id]
        db.session.commit()
        for message_id in ids:
            message = db.session.get(OutboxMessage, message_id)
            for body in (message.body_text, message.body_html):
                assert ("Pytania: Anna Kowalska, zespół monitoringu ES, "
                        "tel. +48 77 000 00 01") in body
                assert "około 45 minut" in body
                assert "Warto mieć pod ręką:" in body
                assert "klauzulami społecznymi w roku 2025" in body
                assert "{rok}" not in body
