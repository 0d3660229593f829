"""``forms.samples``: drawn answers pass every rule of a questionnaire, follow last year and
are the same for the same seed; a questionnaire whose rules cannot hold is named."""

from __future__ import annotations

import random
import re
from decimal import Decimal

import pytest

from forms.loader import load_survey_text
from forms.logic import Situation, constraint_failures, resolve
from forms.registry import SurveyRegistry
from forms.samples import SampleError, SamplePlace, sample_answers

from support import ROOT

SURVEYS = SurveyRegistry.from_directory(ROOT / "survey_defs")
PLACE = SamplePlace(town="Kluczbork", home="160402",
                    register={"gmina": ["160401", "160402", "166101"],
                              "powiat": ["1604", "1609", "1661"]})


def _broken_rules(survey, situation, answers) -> list[str]:
    resolution = resolve(survey, answers, situation)
    broken = [q.id for q in survey.questions if constraint_failures(q, resolution)]
    missing = [q.id for q in survey.questions if q.id in resolution.visible and q.is_input
               and resolution.is_required(q) and q.id not in resolution.answers]
    return broken + missing


@pytest.mark.parametrize("key", sorted(SURVEYS.by_key))
def test_drawn_answers_pass_every_rule_this_year_and_last(key):
    survey = SURVEYS.by_key[key].survey
    rng = random.Random(7)
    for _ in range(15):
        last_year = Situation(reporting_year=2024, today="2026-03-01")
        previous = sample_answers(survey, last_year, rng, PLACE)
        assert _broken_rules(survey, last_year, previous.answers) == []
        this_year = Situation(reporting_year=2025, today="2026-03-01",
                              previous=previous.answers)
        current = sample_answers(survey, this_year, rng, PLACE)
        assert _broken_rules(survey, this_year, current.answers) == []
        assert all(w["comment"] for w in current.warnings.values())  # explained, as sent


def test_this_year_follows_last_year_and_the_seed_decides():
    survey = SURVEYS.by_key["jst-annual"].survey
    last_year = Situation(reporting_year=2024, today="2026-03-01")
    previous = sample_answers(survey, last_year, random.Random(3), PLACE)
    this_year = Situation(reporting_year=2025, today="2026-03-01", previous=previous.answers)
    current = sample_answers(survey, this_year, random.Random(4), PLACE)
    again = sample_answers(survey, this_year, random.Random(4), PLACE)
    assert current.answers == again.answers
    ratios = [Decimal(str(current.answers[q.id])) / Decimal(str(previous.answers[q.id]))
              for q in survey.questions if q.is_numeric
              and Decimal(str(previous.answers.get(q.id) or 0)) > 100
              and q.id in current.answers]
    assert ratios
    assert all(Decimal("0.6") < r < Decimal("1.5") for r in ratios)
    assert current.answers["jst_teryt"] == "160402"  # the unit's own territory


def test_a_year_answered_last_year_is_not_grown_like_a_figure():
    """A plan "in force until 2030" stays until 2030, not 2030 × 1.17 = 2375."""
    survey = SURVEYS.by_key["jst-annual"].survey
    years = [q.id for q in survey.questions if q.value_kind == "year"]
    assert years
    compared = 0
    for seed in range(8):
        last_year = Situation(reporting_year=2024, today="2026-03-01")
        previous = sample_answers(survey, last_year, random.Random(seed), PLACE).answers
        this_year = Situation(reporting_year=2025, today="2026-03-01", previous=previous)
        current = sample_answers(survey, this_year, random.Random(seed + 100), PLACE).answers
        for qid in years:
            if qid in previous and qid in current:
                compared += 1
                assert current[qid] == previous[qid], qid
                assert 2010 <= int(current[qid]) <= 2040
    assert compared


def test_names_made_from_the_town_are_good_polish():
    """The town comes in the nominative, so it follows "gminy", never "w" ("w Kluczbork")."""
    texts = []
    for key in ("cis-annual", "jst-annual", "kis-annual"):
        survey = SURVEYS.by_key[key].survey
        for seed in range(6):
            answers = sample_answers(survey, Situation(reporting_year=2025, today="2026-03-01"),
                                     random.Random(seed), PLACE).answers
            texts += [v for v in answers.values() if isinstance(v, str) and "Kluczbork" in v]
    assert texts
    for text in texts:
        assert not re.search(r"\b(w|Rady|Rozwoju|„Przystań”) Kluczbork\b", text), text


def test_register_values_are_kept_and_a_table_adds_up():
    survey = SURVEYS.by_key["cis-annual"].survey
    place = SamplePlace(town="Opole", home="166101", register=PLACE.register,
                        fixed={"cis_nazwa": "CIS w Opolu"})
    sample = sample_answers(survey, Situation(reporting_year=2025, today="2026-03-01"),
                            random.Random(1), place)
    answers = sample.answers
    assert answers["cis_nazwa"] == "CIS w Opolu"
    table = answers["uczestnicy_wg_przeslanki"]
    assert sum(v for row in table.values() for v in row.values()) == answers["uczestnicy_ogolem"]
    assert sum(row["kobiety"] for row in table.values()) == answers["uczestnicy_kobiety"]


def test_rules_that_cannot_hold_name_the_question():
    text = """format: 1
key: niemozliwa
version: "1"
title: Sprzeczne reguły
unit_kinds: [gmina]
period: annual
sections:
  - id: s1
    title: Liczby
    questions:
      - id: ogolem
        type: integer
        label: Ogółem
        required: true
        constraint: . >= 5 and . <= 3
        constraint_message: Nie da się.
"""
    survey, problems = load_survey_text(text, "niemozliwa.yaml", "niemozliwa")
    assert problems == []
    assert survey is not None
    with pytest.raises(SampleError, match="ogolem"):
        sample_answers(survey, Situation(reporting_year=2025), random.Random(1), PLACE)


def test_identifier_examples_pass_their_own_check_digits():
    from forms.types import QUESTION_TYPES
    from forms.types.text import krs_problem, nip_problem, regon_problem

    rng = random.Random(11)
    checks = {"regon": regon_problem, "nip": nip_problem, "krs": krs_problem}
    for name, problem in checks.items():
        kind = QUESTION_TYPES[name]
        for _ in range(50):
            assert problem(kind.example(None, rng)) is None, name


@pytest.mark.parametrize(("key", "stem"), [("cis-annual", "instytucja_tworzaca"),
                                           ("kis-annual", "podmiot_prowadzacy")])
def test_a_founding_bodys_name_agrees_with_its_kind(key, stem):
    """A JST is named "Gmina …", a church body a parish, a cooperative a cooperative."""
    expected = {"jst": "Gmina", "gmina": "Gmina", "ngo": "Stowarzyszenie", "kosciol": "Parafia",
                "spoldz_socj_op": "Spółdzielnia Socjalna"}
    survey = SURVEYS.by_key[key].survey
    kinds = set()
    for seed in range(40):
        answers = sample_answers(survey, Situation(reporting_year=2025, today="2026-03-01"),
                                 random.Random(seed), PLACE).answers
        kind = answers[f"{stem}_rodzaj"]
        kinds.add(kind)
        assert answers[f"{stem}_nazwa"].startswith(expected[kind]), (kind, answers)
    assert len(kinds) > 1  # more than one kind was drawn, so the pairing was tested
