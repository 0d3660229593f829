"""Definition formats: format 1 keeps the meaning stored rounds were launched with, format 2
means what ODK means, and the shipped questionnaires moved to format 2 mean what they meant."""

from __future__ import annotations

import json
from typing import Any

import pytest

from forms.expressions import EvalContext, ExpressionError, evaluate, parse
from forms.loader import definition_files, load_survey_file, load_survey_text

from support import ROOT
from support.format1_golden import FORMAT1_DIR, GOLDEN, canon, contexts, expressions

CASES: list[dict[str, Any]] = json.loads(GOLDEN.read_text(encoding="utf-8"))
ANSWERS = contexts()


def _context(case: dict[str, Any]) -> EvalContext:
    answers = ANSWERS[case["answers"]]
    return EvalContext(answers=answers, self_value=case["self"],
                       previous={k: v for k, v in answers.items() if not isinstance(v, dict)},
                       reporting_year=2025, today="2026-01-31")


def test_the_recorded_cases_cover_every_stored_expression():
    recorded = {case["where"] for case in CASES}
    for path in definition_files(FORMAT1_DIR):
        survey, problems = load_survey_file(path)
        assert problems == []
        assert survey.format == 1
        assert {f"{survey.key}:{where}" for where, _, _ in expressions(survey)} <= recorded
    assert len(CASES) > 10_000


def test_every_stored_format_1_expression_evaluates_as_before():
    changed = [case for case in CASES
               if canon(evaluate(parse(case["expr"], 1), _context(case))) != case["expected"]]
    assert changed == [], f"{len(changed)} changed, first: {changed[:3]}"


def test_shipped_questionnaires_in_format_2_mean_what_they_meant_in_format_1():
    shipped = {}
    for path in definition_files(ROOT / "survey_defs"):
        survey, problems = load_survey_file(path)
        assert problems == []
        assert survey.format == 2, path.name
        shipped.update({f"{survey.key}:{where}": expr for where, expr, _ in
                        expressions(survey)})
    compared = 0
    for case in CASES:
        expr = shipped.get(case["where"])
        if expr is None:
            continue
        compared += 1
        assert canon(evaluate(expr, _context(case))) == case["expected"], case
    assert compared > 10_000


@pytest.mark.parametrize(("source", "answers", "own", "format_1", "format_2"), [
    ("regex(., '[0-9]{10}')", {}, "nr 1234567890", False, True),
    ("regex(., '^[0-9]{10}$')", {}, "1234567890", True, True),
    ("selected(${m}, 'b')", {"m": "a b"}, None, False, True),
    ("count-selected(${m})", {"m": "a b c"}, None, 1, 3),
    ("selected(${m}, 'b')", {"m": ["a", "b"]}, None, True, True),
])
def test_the_formats_differ_only_where_odk_differs(source, answers, own, format_1, format_2):
    ctx = EvalContext(answers=answers, self_value=own)
    assert evaluate(parse(source, 1), ctx) == format_1
    assert evaluate(parse(source, 2), ctx) == format_2


def test_true_and_false_exist_only_in_format_2():
    assert evaluate(parse("true() and not(false())", 2)) is True
    with pytest.raises(ExpressionError, match="format: 2"):
        parse("true()", 1)


_DEFINITION = """\
format: {fmt}
key: proba
version: "1"
title: Próba
unit_kinds: [gmina]
sections:
  - id: s
    title: S
    questions:
      - id: kod
        type: text
        label: Kod pocztowy
        constraint: regex(., '[0-9]{{2}}-[0-9]{{3}}')
      - id: gotowe
        type: yes_no
        label: Gotowe?
        relevant: {relevant}
"""


def test_the_loader_reads_expressions_in_the_file_format():
    one, problems = load_survey_text(_DEFINITION.format(fmt=1, relevant="1 = 1"), "proba.yaml",
                                     "proba")
    assert problems == []
    two, problems = load_survey_text(_DEFINITION.format(fmt=2, relevant="true()"),
                                     "proba.yaml", "proba")
    assert problems == []
    rule_1 = one.question("kod").constraints[0].rule
    rule_2 = two.question("kod").constraints[0].rule
    ctx = EvalContext(answers={}, self_value="ul. Polna 1, 45-001 Opole")
    assert evaluate(rule_1, ctx) is False
    assert evaluate(rule_2, ctx) is True
    _, problems = load_survey_text(_DEFINITION.format(fmt=1, relevant="true()"),
                                   "proba.yaml", "proba")
    assert [p.code for p in problems] == ["expr_syntax"]
    _, problems = load_survey_text(_DEFINITION.format(fmt=3, relevant="1"), "proba.yaml",
                                   "proba")
    assert [p.code for p in problems] == ["bad_format_version"]
    missing, problems = load_survey_text(
        _DEFINITION.format(fmt=1, relevant="1").replace("format: 1\n", ""), "proba.yaml",
        "proba")
    assert problems == []
    assert missing.format == 1  # a stored file without format is format 1
