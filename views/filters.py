"""Jinja filters: Polish plurals, dates, answer display, placeholders in labels."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask

from forms.fields import question_type
from forms.model import Question
from forms.numbers import format_number
from models.users import ROLES
from polish import long_date

_PLACEHOLDER = re.compile(r"\{(rok|rok_nastepny|rok_poprzedni)\}")
ROUND_STATUSES = {"draft": "szkic", "open": "otwarta", "closed": "zamknięta"}
STATUS_LABELS = {
    "draft": "wersja robocza",
    "submitted": "wysłane",
    "returned": "zwrócone do korekty",
    "accepted": "przyjęte",
}


def percent(share: float) -> str:
    """0.123 → ``12,3%`` (one decimal, Polish comma)."""
    return f"{share * 100:.1f}%".replace(".", ",")


def polish_plural(n: int, one: str, few: str, many: str) -> str:
    """Polish plural forms: 1 sekcja, 2–4 sekcje, 5–21 sekcji, 22 sekcje."""
    n = abs(int(n))
    if n == 1:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def fill(text: str, values: dict[str, Any]) -> str:
    """Replace ``{rok}`` and friends in a label."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text or "")


def answer_text(value: Any, question: Question, cell: bool = False) -> str:
    if value is None:
        return ""
    kind = question_type(question)
    if cell:
        return kind._cell(question).display(value, question)  # noqa: SLF001
    return kind.display(value, question)


def _numbers(values) -> list[Decimal]:
    return [Decimal(str(v)) for v in values if v is not None]


def sum_values(values) -> str:
    numbers = _numbers(values)
    return format_number(sum(numbers, Decimal(0))) if numbers else ""


def column_sum(table: dict, column: str) -> str:
    return sum_values(cols.get(column) for cols in (table or {}).values())


def table_sum(table: dict) -> str:
    return sum_values(v for cols in (table or {}).values() for v in cols.values())


def long_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo("Europe/Warsaw"))
    return f"{long_date(local.date())}, godz. {local:%H:%M}"


def register(app: Flask) -> None:
    app.add_template_filter(fill, "fill")
    app.add_template_filter(answer_text, "answer_text")
    app.add_template_filter(sum_values, "sum_values")
    app.add_template_filter(column_sum, "column_sum")
    app.add_template_filter(table_sum, "table_sum")
    app.add_template_filter(long_datetime, "long_datetime")
    app.add_template_filter(lambda d: long_date(d) if isinstance(d, date) else "", "long_date")
    app.add_template_filter(lambda n, *forms: polish_plural(n, *forms), "plural")
    app.add_template_filter(lambda s: STATUS_LABELS.get(s, s), "status_label")
    app.add_template_filter(lambda code, names: names.get(code, code), "territory_name")
    app.add_template_filter(lambda r: ROLES.get(r, r), "role_label")
    app.add_template_filter(lambda s: ROUND_STATUSES.get(s, s), "round_status")
    app.add_template_filter(percent, "percent")

    @app.context_processor
    def endpoints() -> dict:
        return {"url_endpoints": set(app.view_functions)}
