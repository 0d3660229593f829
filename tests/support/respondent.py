"""Helpers that act as a respondent's browser: turn typed answers into posted form data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from forms.model import Question, Survey


def polish_number(value: Any) -> str:
    """Write a number as a Polish respondent would: ``1 234 567,50``."""
    number = Decimal(str(value))
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + " ".join(groups) + ("," + fraction if fraction else "")


def polish_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}.{month}.{year}"


def field_data(question: Question, value: Any) -> dict[str, list[str]]:
    """Form data for one answer, typed the Polish way."""
    name = f"q_{question.id}"
    if question.type == "table":
        return {f"{name}__{row}__{col}": [polish_number(v)]
                for row, cols in value.items() for col, v in cols.items()}
    if isinstance(value, list):
        return {name: list(value)}
    if question.is_numeric:
        return {name: [polish_number(value)]}
    if question.type == "date":
        return {name: [polish_date(value)]}
    return {name: [str(value)]}


def section_post(survey: Survey, section_id: str, answers: dict[str, Any],
                 action: str = "next") -> dict[str, list[str]]:
    data: dict[str, list[str]] = {"action": [action]}
    for question in survey.section(section_id).questions:
        if question.is_input and question.id in answers:
            data.update(field_data(question, answers[question.id]))
    return data


def expected_stored(survey: Survey, answers: dict[str, Any]) -> dict[str, Any]:
    """What the database must hold for these answers (exact decimals, integers as int)."""
    result = {}
    for qid, value in answers.items():
        question = survey.question(qid)
        if question.type == "integer":
            result[qid] = int(value)
        elif question.type in ("decimal", "money", "percent"):
            places = 2 if question.type == "money" else question.places
            result[qid] = str(Decimal(str(value)).quantize(Decimal(1).scaleb(-places)))
        elif question.type == "table":
            result[qid] = {r: {c: int(v) for c, v in cols.items()} for r, cols in value.items()}
        else:
            result[qid] = value
    return result
