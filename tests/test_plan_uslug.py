"""The "Nowa wiedza" questionnaires: a JST's plan, and the follow-up a year later that starts
from it (``follows`` / ``prefill: follows.<id>``), with its launch page saying what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from extensions import db
from forms.problems import DefinitionError
from forms.registry import SurveyRegistry
from models import Invitation, Response

from support.confirming import confirm_stamp

AREAS = ("pomoc", "zatrudnienie", "dzieci", "zdrowie", "rynek_pracy")


def plan_answers(base: int = 2, planned: int = 4) -> dict:
    answers = {"jst_teryt": "160402", "plan_dokument": "srps",
               "plan_dokument_nazwa": "Strategia rozwiązywania problemów społecznych 2026–2030",
               "plan_uchwala": "XII/123/2025", "rok_budzetowy_od": 2026,
               "rok_budzetowy_do": 2026, "osoba_odpowiedzialna": "Anna Nowak, kierownik OPS",
               "osoba_email": "a.nowak@kluczbork.example.pl",
               "sporzadzil_imie_nazwisko": "Anna Nowak",
               "data_sporzadzenia": "2026-01-15", "oswiadczenie": "yes"}
    for i, area in enumerate(AREAS):
        answers |= {f"{area}_baza_liczba": base + i,
                    f"{area}_baza_wartosc": f"{10000 * (i + 1)}.00",
                    f"{area}_plan_liczba": planned + i,
                    f"{area}_plan_wartosc": f"{25000 * (i + 1)}.50",
                    f"{area}_tryb": ["powierzenie", "klauzula"]}
    return answers


def _submitted(app, round_id: int, unit_id: int, answers: dict) -> None:
    with app.app_context():
        invitation = db.session.scalar(select(Invitation).filter_by(round_id=round_id,
                                                                    unit_id=unit_id))
        db.session.add(Response(invitation=invitation, answers=answers, status="submitted",
                                version=1))
        db.session.commit()


def test_the_follow_up_starts_from_the_units_own_plan(app, world, client):
    kluczbork = world.unit("gmina", "160402", name="Gmina Kluczbork")
    byczyna = world.unit("gmina", "160401", name="Gmina Byczyna")
    plan = world.round("plan-uslug", year=2025)
    world.invite(plan, kluczbork)
    world.invite(plan, byczyna)
    _submitted(app, plan, kluczbork, plan_answers())
    _submitted(app, plan, byczyna, plan_answers(base=0, planned=1) | {"plan_uchwala": "B/1"})
    follow_up = world.round("plan-uslug-wykonanie", year=2026)
    token = world.invite(follow_up, kluczbork)
    assert client.get(f"/r/{token}").status_code == 303
    page = client.get("/ankieta/sekcja/dzieci")
    assert page.status_code == 200
    assert "Planowana liczba usług (z planu)" in page.text
    with app.app_context():
        invitation = db.session.scalar(select(Invitation).filter_by(round_id=follow_up,
                                                                    unit_id=kluczbork))
        answers = invitation.response.answers
    assert answers["dzieci_plan_liczba"] == 6
    assert answers["rynek_pracy_plan_wartosc"] == "125000.50"
    assert answers["plan_uchwala"] == "XII/123/2025"  # its own plan, not Byczyna's
    # a read-only plan value cannot be changed by posting another one
    client.post("/ankieta/sekcja/dzieci", data={"q_dzieci_plan_liczba": "99",
                                                "q_dzieci_wyk_liczba": "6",
                                                "q_dzieci_wyk_wartosc": "75000,50",
                                                "action": "draft"})
    with app.app_context():
        response = db.session.get(Invitation, invitation.id).response
        assert response.answers["dzieci_plan_liczba"] == 6


def test_the_launch_page_says_when_the_plan_round_or_a_units_plan_is_missing(app, world, login):
    admin = login("admin")
    kluczbork = world.unit("gmina", "160402", name="Gmina Kluczbork")
    byczyna = world.unit("gmina", "160401", name="Gmina Byczyna")
    follow_up = world.round("plan-uslug-wykonanie", year=2026, status="draft")
    page = admin.get(f"/admin/rundy/{follow_up}/uruchom")
    assert page.status_code == 200
    assert "Nie ma rundy ankiety „plan-uslug”, którą ta runda kontynuuje" in page.text
    plan = world.round("plan-uslug", year=2025)
    world.invite(plan, kluczbork)
    world.invite(plan, byczyna)
    _submitted(app, plan, kluczbork, plan_answers())
    page = admin.get(f"/admin/rundy/{follow_up}/uruchom")
    assert ("1 jednostka nie ma wysłanej odpowiedzi w rundzie „Plan zwiększenia zlecania usług "
            "społecznych PES (Nowa wiedza)”: zacznie od pustych pól (Gmina Byczyna)") in page.text
    assert confirm_stamp  # the launch itself is covered by test_confirmations


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


FOLLOWER = """\
format: 1
key: wykonanie
version: "1"
title: Wykonanie
unit_kinds: [gmina]
follows: {follows}
sections:
  - id: s1
    title: S
    questions:
      - id: plan_a
        type: integer
        label: Z planu
        prefill: follows.{qid}
        read_only: true
"""
PLAN = """\
format: 1
key: plan
version: "1"
title: Plan
unit_kinds: [gmina]
sections:
  - id: s1
    title: S
    questions:
      - id: a
        type: integer
        label: A
"""


def test_the_checker_refuses_a_follow_up_of_a_missing_questionnaire_or_question(tmp_path):
    _write(tmp_path, "plan.yaml", PLAN)
    _write(tmp_path, "wykonanie.yaml", FOLLOWER.format(follows="plan", qid="a"))
    assert set(SurveyRegistry.from_directory(tmp_path).by_key) == {"plan", "wykonanie"}
    for follows, qid, line in (("brak", "a", 1), ("plan", "b", 11)):
        _write(tmp_path, "wykonanie.yaml", FOLLOWER.format(follows=follows, qid=qid))
        with pytest.raises(DefinitionError) as raised:
            SurveyRegistry.from_directory(tmp_path)
        assert [(p.file, p.line, p.code) for p in raised.value.problems] == [
            ("wykonanie.yaml", line, "unknown_follows")]


def test_prefill_from_follows_needs_the_follows_key(tmp_path):
    from forms.loader import load_survey_text

    text = FOLLOWER.format(follows="plan", qid="a").replace("follows: plan\n", "")
    _, problems = load_survey_text(text, "wykonanie.yaml")
    # the source, and the read-only question left without one
    assert [(p.line, p.code) for p in problems] == [(13, "bad_prefill"), (14, "bad_prefill")]
