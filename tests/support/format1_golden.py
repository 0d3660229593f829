"""Every expression of the questionnaires as they were stored in format 1, with its value.

The values were recorded (``--write``) by the evaluator before ``format: 2`` existed, for each
expression of the shipped definitions in format 1 (``tests/fixtures/format1/``, copies of the
versions rounds already used) against a valid response, an empty one and a set of probes of
the own value. ``tests/test_expression_formats.py`` evaluates them again: a format-1
definition, stored in a round, must keep its meaning whatever format 2 changes.

Run from the repository root: ``.venv/bin/python tests/support/format1_golden.py --write``.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FORMAT1_DIR = ROOT / "tests" / "fixtures" / "format1"
GOLDEN = ROOT / "tests" / "data" / "format1_expressions.json"
#: own values a constraint or warning is tried with: digits, postcodes, lists, dates, blanks
SELF_PROBES: list[Any] = [
    None, "", 0, 5, 250, "7.50", "12-345", "ul. Kowalska 3, 45-001 Opole", "45001 Opole",
    "1234567890", "a1234567890b", "12345678901", ["brak"], ["brak", "inne"], ["nie"],
    ["tak", "nie"], "brak", "2021-03-15", "2026-03-15", "inne",
]


def canon(value: Any) -> Any:
    """A value as JSON that keeps its kind (a number 1 is not the text "1" nor true)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal):
        return {"number": format(value.normalize(), "f")}
    if isinstance(value, list | tuple):
        return [canon(v) for v in value]
    if isinstance(value, dict):
        return {k: canon(v) for k, v in value.items()}
    return {"text": str(value)}


def expressions(survey: Any) -> list[tuple[str, Any, bool]]:
    """(where, expression, uses the own value) of every expression of a survey."""
    found = []
    for section in survey.sections:
        if section.relevant is not None:
            found.append((f"{section.id}.relevant", section.relevant, False))
        for q in section.questions:
            for name in ("relevant", "required_if", "calculation"):
                expr = getattr(q, name)
                if expr is not None:
                    found.append((f"{q.id}.{name}", expr, False))
            for number, check in enumerate((*q.constraints, *q.warnings), start=1):
                found.append((f"{q.id}.check{number}", check.rule, True))
    return found


def contexts() -> dict[str, dict[str, Any]]:
    sys.path.insert(0, str(ROOT / "tests"))
    from support.valid_answers import VALID

    result: dict[str, dict[str, Any]] = {"empty": {}}
    for key, (_, _, answers) in VALID.items():
        result[key] = json.loads(json.dumps(answers))
    return result


def cases(format1_dir: Path = FORMAT1_DIR) -> list[dict[str, Any]]:
    """Every (expression, context, own value) case of the format-1 definitions."""
    from forms.expressions import EvalContext, evaluate
    from forms.loader import definition_files, load_survey_file

    found = []
    answer_sets = contexts()
    for path in definition_files(format1_dir):
        survey, problems = load_survey_file(path)
        assert survey is not None, problems
        for where, expr, uses_self in expressions(survey):
            for name in ("empty", survey.key):
                answers = answer_sets.get(name, {})
                qid = where.split(".")[0]
                probes = [answers.get(qid), *SELF_PROBES] if uses_self else [None]
                unique = {json.dumps(p, sort_keys=True): p for p in probes}
                for own in unique.values():
                    ctx = EvalContext(answers=answers, self_value=own,
                                      previous={k: v for k, v in answers.items()
                                                if not isinstance(v, dict)},
                                      reporting_year=2025, today="2026-01-31")
                    found.append({"where": f"{survey.key}:{where}", "expr": expr.source,
                                  "answers": name, "self": own,
                                  "expected": canon(evaluate(expr, ctx))})
    return found


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if "--write" not in sys.argv:
        sys.exit("usage: format1_golden.py --write")
    recorded = cases()
    lines = ",\n".join(json.dumps(case, ensure_ascii=False, separators=(",", ":"))
                       for case in recorded)
    GOLDEN.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    print(f"{len(recorded)} cases → {GOLDEN.relative_to(ROOT)}")
