"""Year over year: matched by question id; renamed, removed and new questions are marked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from forms.loader import load_survey_text
from reports.aggregate import LATEST, SUM, TOTAL, YES_SHARE, aggregate
from reports.frame import build_frame
from reports.yoy import GONE_QUESTION, NEW_ITEM, NEW_QUESTION, year_over_year

HEAD = """\
format: 1
key: roczna
version: "{version}"
title: Ankieta roczna
unit_kinds: [gmina]
period: annual
sections:
  - id: s1
    title: Dane
    questions:
"""
QUESTIONS = {
    "osoby": "      - {id: osoby, type: integer, label: Osoby}\n",
    "kwota": "      - {id: kwota, type: money, label: Kwota}\n",
    "kwota_netto": "      - {id: kwota_netto, type: money, label: Kwota netto}\n",
    "wspolpraca": "      - {id: wspolpraca, type: yes_no, label: Współpraca}\n",
    "nowe": "      - {id: nowe, type: integer, label: Nowe pytanie}\n",
    "forma": "      - id: forma\n        type: single_choice\n        label: Forma\n"
             "        choices: [{value: a, label: A}, {value: b, label: B}{extra}]\n",
}


def survey(version: str, ids: list[str], extra_choice: bool = False):
    text = HEAD.format(version=version) + "".join(
        QUESTIONS[i].replace("{extra}", ", {value: c, label: C}" if extra_choice else "")
        for i in ids)
    loaded, problems = load_survey_text(text, "roczna.yaml")
    assert not problems, problems
    return loaded


def frame(definition, answers: list[dict]):
    return build_frame([
        {"unit_id": i, "unit_name": f"J{i}", "unit_kind": "gmina", "territory": territory,
         "rodz": "2", "powiat_name": "p", "wojewodztwo_name": "OPOLSKIE", "status": "submitted",
         "answers": a}
        for i, (territory, a) in enumerate(answers, start=1)], definition)


@pytest.fixture
def rounds():
    before = survey("2024", ["osoby", "kwota", "wspolpraca", "forma"])
    now = survey("2025", ["osoby", "kwota_netto", "nowe", "forma"], extra_choice=True)
    old = frame(before, [
        ("160401", {"osoby": 10, "kwota": "100.00", "wspolpraca": "yes", "forma": "a"}),
        ("160701", {"osoby": 5, "kwota": "50.00", "wspolpraca": "no", "forma": "b"}),
    ])
    new = frame(now, [
        ("160401", {"osoby": 14, "kwota_netto": "120.00", "nowe": 1, "forma": "c"}),
        ("160701", {"osoby": 5, "kwota_netto": "40.00", "nowe": 2, "forma": "b"}),
    ])
    return before, now, old, new


def table(rounds, renames=None):
    before, now, old, new = rounds
    return year_over_year(aggregate(new, "powiat"), aggregate(old, "powiat"),
                          {q.id for q in now.questions}, {q.id for q in before.questions},
                          renames).set_index(["kolumna", "miara", "grupa"])


def test_matched_question_with_absolute_and_relative_change(rounds):
    yoy = table(rounds)
    row = yoy.loc[("osoby", SUM, TOTAL)]
    assert (row["bieżąca runda"], row["poprzednia runda"]) == (Decimal(19), Decimal(15))
    assert row["zmiana"] == Decimal(4)
    assert row["zmiana %"] == pytest.approx(4 / 15)
    assert row["uwagi"] == ""
    unchanged = yoy.loc[("osoby", SUM, "1607 p")]
    assert unchanged["zmiana"] == 0
    assert unchanged["zmiana %"] == 0


def test_removed_renamed_and_new_questions_are_marked(rounds):
    yoy = table(rounds)
    gone = yoy.loc[("kwota", SUM, TOTAL)]
    assert gone["uwagi"] == GONE_QUESTION
    assert gone["bieżąca runda"] is None
    assert gone["poprzednia runda"] == Decimal("150.00")
    assert gone["zmiana"] is None
    assert yoy.loc[("wspolpraca", YES_SHARE, TOTAL)]["uwagi"] == GONE_QUESTION
    renamed = yoy.loc[("kwota_netto", SUM, TOTAL)]
    assert renamed["uwagi"] == NEW_QUESTION
    assert renamed["poprzednia runda"] is None
    assert yoy.loc[("nowe", SUM, TOTAL)]["uwagi"] == NEW_QUESTION
    new_option = yoy.loc[("forma__c", "liczba wskazań", TOTAL)]
    assert new_option["uwagi"] == NEW_ITEM
    assert yoy.loc[("forma__b", "odsetek wskazań", TOTAL)]["zmiana"] == pytest.approx(0)
    share_change = yoy.loc[("forma__a", "odsetek wskazań", TOTAL)]
    assert share_change["zmiana"] == pytest.approx(-0.5)  # percentage points, as a fraction
    assert share_change["zmiana %"] is None


def test_a_renamed_question_can_be_matched(rounds):
    yoy = table(rounds, renames={"kwota": "kwota_netto"})
    row = yoy.loc[("kwota_netto", SUM, TOTAL)]
    assert row["poprzednia runda"] == Decimal("150.00")
    assert row["zmiana"] == Decimal("10.00")
    assert row["uwagi"] == "dawniej kwota"
    assert ("kwota", SUM, TOTAL) not in yoy.index


def test_years_are_compared_not_subtracted():
    text = HEAD.format(version="1") + (
        "      - {id: od_roku, type: integer, grouping: false, label: Od roku}\n")
    year_survey, problems = load_survey_text(text, "roczna.yaml", "roczna")
    assert not problems

    def frame(years):
        return build_frame([{
            "unit_id": i, "unit_name": f"G{i}", "unit_kind": "gmina", "territory": "160402",
            "rodz": "3", "powiat_name": "kluczborski", "wojewodztwo_name": "OPOLSKIE",
            "status": "submitted", "answers": {"od_roku": y}} for i, y in enumerate(years)],
            year_survey)

    table = year_over_year(aggregate(frame([2020, 2021, 2024]), "powiat"),
                           aggregate(frame([2019, 2020, 2022]), "powiat"), {"od_roku"},
                           {"od_roku"})
    latest = table[(table["kolumna"] == "od_roku") & (table["miara"] == LATEST)
                   & (table["grupa"] == TOTAL)].iloc[0]
    assert (latest["bieżąca runda"], latest["poprzednia runda"]) == (2024, 2022)
    assert latest["zmiana"] is None
    assert latest["zmiana %"] is None
