"""Jinja filters: dates and numbers in the current language, answer display, placeholders.

Labels of codes (statuses, roles) are Polish msgids marked with ``N_`` and translated when
shown (``l10n.web.translate``); answers are shown the way they were typed, in Polish notation.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Flask, request

from forms.model import Question
from forms.placeholders import fill
from forms.types import comment_field_name, field_name
from l10n import N_, format_number, web
from l10n.periods import period_label
from l10n.web import percent, translate
from models.user import ROLES
from services.scoping import site_organisation
from services.uploads import listed
from views.question_markup import whole_of
from views.url_cache import cached_url_for

ROUND_STATUSES = {"draft": N_("szkic"), "open": N_("otwarta"), "closed": N_("zamknięta")}
STATUS_LABELS = {
    "draft": N_("wersja robocza"),
    "submitted": N_("wysłane"),
    "returned": N_("zwrócone do korekty"),
    "accepted": N_("przyjęte"),
}


def polish_plural(n: int, one: str, few: str, many: str) -> str:
    """Polish plural forms: 1 sekcja, 2–4 sekcje, 5–21 sekcji, 22 sekcje."""
    n = abs(int(n))
    if n == 1:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def answer_text(value: Any, question: Question, cell: bool = False,
                names: dict[str, str] | None = None) -> str:
    """An answer as the respondent typed it (Polish notation: the form reads only that).

    :param cell: ``value`` is one cell of a table answer
    :param names: names of register codes (territories) in the answer
    """
    if value is None:
        return ""
    if cell:
        return translate(question.kind.display_cell(value, question))
    return translate(question.kind.display(value, question, names))


def _numbers(values) -> list[Decimal]:
    return [Decimal(str(v)) for v in values if v is not None]


def sum_values(values) -> str:
    numbers = _numbers(values)
    return format_number(sum(numbers, Decimal(0))) if numbers else ""


def column_sum(table: dict, column: str) -> str:
    return sum_values(cols.get(column) for cols in (table or {}).values())


def table_sum(table: dict) -> str:
    return sum_values(v for cols in (table or {}).values() for v in cols.values())


def summary_entry(label: str, message: str) -> str:
    """``label: message`` for an error summary, without ``?:`` or ``.:`` after a question."""
    label = label.rstrip()
    if label.endswith(":"):
        return f"{label} {message}"
    if label.endswith(("?", ".", "!", "…")):
        return f"{label} — {message}"
    return f"{label}: {message}"


def language_url(code: str) -> str:
    """The switch to language ``code`` that comes back to this page."""
    here = request.full_path if request.query_string else request.path
    return cached_url_for("pages.language", code=code, next=here)


def register(app: Flask) -> None:
    from views import fragments, question_markup, url_cache

    question_markup.install(app)
    fragments.install(app)
    url_cache.install(app)
    app.add_template_filter(fill, "fill")
    app.add_template_filter(answer_text, "answer_text")
    app.add_template_filter(summary_entry, "summary_entry")
    app.add_template_filter(lambda code: translate(period_label(code)), "period")
    app.add_template_filter(sum_values, "sum_values")
    app.add_template_filter(column_sum, "column_sum")
    app.add_template_filter(table_sum, "table_sum")
    app.add_template_filter(web.long_datetime, "long_datetime")
    app.add_template_filter(
        lambda d: web.long_date(d) if isinstance(d, date) else "", "long_date")
    app.add_template_filter(lambda s: translate(STATUS_LABELS.get(s, s)), "status_label")
    app.add_template_filter(lambda r: translate(ROLES.get(r, r)), "role_label")
    app.add_template_filter(lambda s: translate(ROUND_STATUSES.get(s, s)), "round_status")
    app.add_template_filter(percent, "percent")
    #: a message of a plain library or a label marked with N_, in the current language;
    #: unlike ``_()`` in a template, the result is escaped like any text
    app.add_template_filter(translate, "tr")
    #: (the problems to list, how many more): an import never lists more than 100
    app.add_template_global(listed, "listed_problems")
    #: the one spelling of form field names (``q_<id>``, cells, ``w_<id>``) for the templates
    app.add_template_global(field_name, "field_name")
    app.add_template_global(comment_field_name, "comment_field_name")
    app.add_template_global(site_organisation, "site_organisation")
    app.add_template_global(whole_of, "whole_of")
    from views.round_history import action_label, change_detail

    app.add_template_filter(action_label, "audit_action")
    app.add_template_filter(audit_state, "audit_state")
    app.add_template_filter(change_detail, "audit_detail")

    @app.context_processor
    def endpoints() -> dict:
        return {"url_endpoints": app.view_functions.keys(),  # asked "in"; not copied per page
                "current_language": web.current_language, "languages": web.LANGUAGES,
                "language_url": language_url}


def audit_state(state: dict) -> str:
    """An audit row's before/after as JSON with its letters as typed (``Ośrodek``, not
    ``O\\u015brodek``, which ``tojson`` writes); the template escapes it like any text."""
    return json.dumps(state, ensure_ascii=False, sort_keys=True, default=str)
