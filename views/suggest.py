"""Suggestions for the autocomplete search boxes: units of a round, gminas of the territory.

JSON ``[{"value": …, "label": …}]``, at most ``LIMIT`` items; the same searches resolve what
was typed when the page works without JavaScript.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from extensions import db
from l10n.web import translate
from models import Round
from services.questionnaires import survey_for_round
from services.territory import search_territories
from services.unit_kinds import kind_labels, kinds_for_survey
from services.unit_search import PICKED, eligible_units
from views.access import staff

bp = Blueprint("suggest", __name__, url_prefix="/admin/podpowiedzi")


def _text() -> str:
    return (request.args.get("q") or "").strip()[:100]


@bp.get("/jednostki")
@staff
def units():
    """Units a round's questionnaire is for (every kind without ``runda``)."""
    round_ = db.session.get(Round, request.args.get("runda", type=int) or 0)
    kinds = kinds_for_survey(survey_for_round(round_).survey) if round_ else tuple(kind_labels())
    return jsonify([{"value": f"{PICKED}{u.id}",
                     "label": f"{u.name} ({translate(u.kind_name)}, {u.teryt})"}
                    for u in eligible_units(kinds, _text())])


@bp.get("/gminy")
@staff
def gminas():
    return jsonify([{"value": code, "label": label}
                    for code, label in search_territories("gmina", _text())])
