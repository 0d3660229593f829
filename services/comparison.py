"""Last year's answer beside this year's: the unit's previous response to the same questionnaire.

Reviewers judge a number by what the unit reported a year before (a CIS with 40 participants
that reported 12 last year deserves a second look), so the response page shows, for every
question answered last year, that value and the change in per cent for numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from forms.model import Question, Survey


@dataclass(frozen=True)
class LastYear:
    """The unit's answer in the previous round, and the relative change (0.125 = +12.5 %)."""

    value: Any
    change: float | None = None


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _total(value: Any) -> Decimal | None:
    """The sum of a table's cells (tables are compared by their totals)."""
    if not isinstance(value, dict):
        return None
    cells = [_number(v) for row in value.values() if isinstance(row, dict)
             for v in row.values()]
    numbers = [c for c in cells if c is not None]
    return sum(numbers, Decimal(0)) if numbers else None


def _comparable(question: Question, value: Any) -> Decimal | None:
    if question.value_kind == "cells":
        return _total(value)
    return _number(value) if question.is_numeric else None


def last_year(survey: Survey, answers: dict[str, Any],
              previous: dict[str, Any]) -> dict[str, LastYear]:
    """Question id → last year's answer (and change), for questions answered last year."""
    result = {}
    for question in survey.questions:
        if not question.has_answer or previous.get(question.id) in (None, "", [], {}):
            continue
        before = _comparable(question, previous[question.id])
        now = _comparable(question, answers.get(question.id))
        change = float((now - before) / abs(before)) if (
            before is not None and now is not None and before != 0) else None
        result[question.id] = LastYear(previous[question.id], change)
    return result
