"""What a section page's script needs to show and hide questions live, as its JSON.

The page carries it in ``<script type="application/json" id="survey-logic">``: the
definition's expression trees (every question's kind, relevance and calculation, the order
they are worked out in) and the response's answers. ``{{ logic|tojson }}`` wrote all of it
for every page, the definition's part — the larger one — included, though it changes only
with the definition's version. Here that part is written once per version and the page's
own values each time, joined in the order ``tojson`` writes keys (sorted): the same text,
HTML-safe as ``tojson`` makes it (``<``, ``>``, ``&``, ``'`` escaped).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from forms.types import FIELD_PREFIX

#: survey checksum → the part of the payload that depends on the definition alone
_SURVEY_LOGIC: dict[str, dict[str, Any]] = {}
#: survey checksum → that part's keys → ``"key": value`` written as JSON
_WRITTEN: dict[str, dict[str, str]] = {}
#: a key of the payload → its name written as JSON
_NAMES: dict[str, str] = {}


def survey_logic(survey: Any) -> dict[str, Any]:
    """Expression trees of a definition as JSON values, built once per definition version."""
    cached = _SURVEY_LOGIC.get(survey.checksum)
    if cached is not None:
        return cached
    from forms.expressions import to_json

    questions = {}
    for q in survey.questions:
        entry: dict[str, Any] = {**q.kind.browser_entry(q), "section": q.section_id}
        if q.relevant is not None:
            entry["relevant"] = to_json(q.relevant)
        if q.calculation is not None:
            entry["calculation"] = to_json(q.calculation)
        questions[q.id] = entry
    return _SURVEY_LOGIC.setdefault(survey.checksum, {
        "fieldPrefix": FIELD_PREFIX,
        "order": list(survey.evaluation_order),
        "questions": questions,
        "sections": {s.id: to_json(s.relevant) for s in survey.sections if s.relevant},
    })


def logic_json(survey: Any, **values: Any) -> Markup:
    """``{**survey_logic(survey), **values}`` as ``|tojson`` writes it."""
    policies = current_app.jinja_env.policies
    dumps, options = policies["json.dumps_function"], policies["json.dumps_kwargs"]

    def member(key: str, value: Any) -> str:
        """``"key": value`` of a JSON object as ``tojson`` writes it (the app's JSON, sorted
        keys, the default separators)."""
        name = _NAMES.get(key)
        if name is None:
            name = _NAMES[key] = str(htmlsafe_json_dumps(key, dumps=dumps, **options))
        return f"{name}: {htmlsafe_json_dumps(value, dumps=dumps, **options)}"

    written = _WRITTEN.get(survey.checksum)
    if written is None:
        written = _WRITTEN.setdefault(survey.checksum, {
            key: member(key, value) for key, value in survey_logic(survey).items()})
    members = {**written, **{key: member(key, value) for key, value in values.items()}}
    return Markup(  # noqa: S704  # every part written by htmlsafe_json_dumps
        "{" + ", ".join(members[key] for key in sorted(members)) + "}")
