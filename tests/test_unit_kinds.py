"""Unit kinds as data: the kinds file, the checker, imports, pick-lists and round selection."""

from __future__ import annotations

import io

from sqlalchemy import select

from extensions import db
from forms.kinds import UnitKind, load_kinds_file, parse_kinds
from forms.loader import load_survey_text
from models import Unit

from support import STAFF_PASSWORD
from support.organisations import add_slaskie

NEW_KINDS = {"wtz", "zaz", "spoldzielnia", "pes", "kgw", "komorka", "jednostka_gminy", "pup",
             "mopr"}
SURVEY = """\
format: 1
key: plan-test
version: "1"
title: Test
unit_kinds: [gmina, {kind}]
sections:
  - id: s1
    title: Sekcja
    questions:
      - id: a
        type: integer
        label: Ile?
"""


def test_the_shipped_file_has_todays_kinds_and_the_new_ones_each_with_three_plural_forms():
    kinds, problems = load_kinds_file()
    assert problems == []
    assert {"cis", "kis", "owes", "gmina", "powiat", "ops", "pcpr"} | NEW_KINDS <= set(kinds)
    assert kinds["spoldzielnia"].plural == ("spółdzielnia socjalna", "spółdzielnie socjalne",
                                            "spółdzielni socjalnych")
    assert kinds["pup"].teryt == "powiat"
    assert all(len(kind.plural) == 3 for kind in kinds.values())


def test_a_broken_kinds_file_is_reported_line_by_line():
    text = """\
format: 1
kinds:
  - code: cis
    name: CIS
    plural: [a, b, c]
  - code: cis
    name: Drugi
    plural: [a, b, c]
  - code: Zła-Nazwa
    name: X
  - code: kgw
    name: Koło
    plural: [koło, koła]
    teryt: wies
    kolor: zielony
"""
    kinds, problems = parse_kinds(text, "unit_kinds.yaml")
    assert sorted((p.line, p.code) for p in problems) == [
        (6, "duplicate_id"), (9, "bad_id"), (13, "bad_value"), (14, "bad_value"),
        (15, "unknown_key")]
    assert set(kinds) == {"cis", "kgw"}


def test_the_checker_takes_unit_kinds_from_the_file():
    survey, problems = load_survey_text(SURVEY.format(kind="kgw"), "plan-test.yaml")
    assert problems == []
    assert survey.unit_kinds == ("gmina", "kgw")
    _, problems = load_survey_text(SURVEY.format(kind="solectwo"), "plan-test.yaml")
    assert [(p.line, p.code) for p in problems] == [(5, "unknown_unit_kind")]
    assert "unit_kinds.yaml" in problems[0].message


def test_a_kind_the_file_keeps_for_other_questionnaires_is_refused_at_its_line():
    kinds = {"gmina": UnitKind("gmina", "Gmina", ("gmina", "gminy", "gmin"), "gmina"),
             "komorka": UnitKind("komorka", "Komórka urzędu", ("k", "k", "k"), "gmina",
                                 ("lpres-formularz",))}
    _, problems = load_survey_text(SURVEY.format(kind="komorka"), "plan-test.yaml",
                                   kinds=kinds)
    assert [(p.line, p.code) for p in problems] == [(5, "unit_kind_not_allowed")]
    assert "lpres-formularz" in problems[0].message


def test_surveys_check_checks_the_kinds_file_too(app, runner):
    result = runner.invoke(args=["surveys", "check"])
    assert result.exit_code == 0, result.output
    assert "OK   unit_kinds.yaml: 16 rodzajów jednostek" in result.output


def _organisations(app, runner) -> None:
    with app.app_context():
        add_slaskie()
        db.session.commit()
    for args in (["organisations", "create", "Gmina Kluczbork", "--scope", "gmina:160402"],
                 ["organisations", "create", "ROPS Katowice", "--scope", "woj:24"],
                 ["unit-kinds", "add", "solectwo", "Sołectwo", "--organisation",
                  "Gmina Kluczbork", "--plural", "sołectwo,sołectwa,sołectw", "--teryt", "gmina",
                  "--questionnaire", "jst-annual"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    for email, organisation in (("a@kluczbork.pl", "Gmina Kluczbork"),
                                ("b@katowice.pl", "ROPS Katowice")):
        result = runner.invoke(args=["users", "create", email, "--role", "admin",
                                     "--organisation", organisation],
                               input=STAFF_PASSWORD + "\n")
        assert result.exit_code == 0, result.output


def _login(app, email):
    client = app.test_client()
    assert client.post("/logowanie", data={"email": email, "password": STAFF_PASSWORD}
                       ).status_code == 302
    return client


def _csv(rows: list[str]) -> bytes:
    return "\r\n".join(["rodzaj;nazwa;kod_teryt;e-mail", *rows]).encode()


def test_an_organisations_own_kind_is_in_its_imports_pick_lists_and_rounds_only(
        app, world, runner):
    _organisations(app, runner)
    kluczbork, katowice = _login(app, "a@kluczbork.pl"), _login(app, "b@katowice.pl")
    imported = kluczbork.post("/admin/rejestr/import", data={"units-file": (
        io.BytesIO(_csv(["solectwo;Sołectwo Bąków;160402;bakow@example.pl",
                                      "kgw;KGW Ligota;160402;kgw@example.pl"])),
        "jednostki.csv")}, content_type="multipart/form-data")
    assert imported.status_code in (200, 302), imported.text
    with app.app_context():
        kinds = {u.name: u.kind for u in db.session.scalars(select(Unit))}
    assert kinds == {"Sołectwo Bąków": "solectwo", "KGW Ligota": "kgw"}
    refused = katowice.post("/admin/rejestr/import", data={"units-file": (
        io.BytesIO(_csv(["solectwo;Sołectwo Ruda;246901;ruda@example.pl"])),
        "jednostki.csv")}, content_type="multipart/form-data")
    assert "<tr><td>2</td><td>rodzaj</td><td>nieznany rodzaj jednostki „solectwo” — " \
           "organizacja nie ma takiego rodzaju" in refused.text
    assert '<option value="solectwo">Sołectwo</option>' in kluczbork.get(
        "/admin/jednostki/nowa").text
    assert "Sołectwo" not in katowice.get("/admin/jednostki/nowa").text
    assert "Sołectwo" in kluczbork.get("/admin/rundy/nowa").text
    assert "Sołectwo" not in katowice.get("/admin/rundy/nowa").text
    assert "Sołectwo" in kluczbork.get("/admin/jednostki/").text
    with app.app_context():
        from services.organisations import find_organisation
        from services.rounds import units_for_round
        from services.scoping import act_as
        from services.unit_kinds import kinds_for_survey

        act_as(find_organisation("Gmina Kluczbork"), db.session)
        survey = app.extensions["esmon_surveys"].by_key["jst-annual"].survey
        eligible = kinds_for_survey(survey)
        assert "solectwo" in eligible
        assert {u.name for u in units_for_round(eligible)} == {"Sołectwo Bąków"}


def test_adding_a_kind_refuses_a_taken_or_bad_code(app, world, runner):
    runner.invoke(args=["organisations", "create", "Gmina Kluczbork", "--scope",
                        "gmina:160402"])
    for code, message in (("cis", "jest już w pliku"), ("Zły kod", "małe litery")):
        result = runner.invoke(args=["unit-kinds", "add", code, "X", "--organisation",
                                     "Gmina Kluczbork"])
        assert result.exit_code != 0
        assert message in result.output
    listed = runner.invoke(args=["unit-kinds", "list", "--organisation", "Gmina Kluczbork"])
    assert "kgw\tKoło gospodyń wiejskich\tkoło gospodyń wiejskich/koła gospodyń wiejskich/" \
           "kół gospodyń wiejskich\tany" in listed.output
