"""What the read-only data API gives: rounds, responses (paged), aggregates, the codebook.

Answers come out as stored (codes, exact decimals as text, ISO dates) with the labels of the
codes beside them, so R or pandas read them without the questionnaire; numbers in aggregates
are the same figures the workbooks show. The API reads only: nothing here changes state but
the audit record of the call (``services.api_tokens.record_call``).

Scope: what the token's owner sees on the staff pages — the organisation scope of
``services.scoping`` (set by ``views.api`` for the request) narrows every query here, so
another organisation's round is simply not found (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from extensions import db
from forms.model import Survey
from forms.types import NUMBER_KINDS
from models import Invitation, Response, Round, Unit
from reports.kinds import LEVELS
from services.exports import podregiony_for
from services.report_source import previous_round_id, round_info, round_records, round_survey

#: response statuses a filter may ask for ("invited": no answer yet is not a response)
STATUSES = ("draft", "submitted", "returned", "accepted")
MAX_PER_PAGE = 500


class NotFound(LookupError):
    """No such round (or not one the caller may read)."""


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _round_json(round_: Round) -> dict[str, Any]:
    questionnaire = round_.questionnaire
    return {"id": round_.id, "title": round_.title, "key": questionnaire.key,
            "version": questionnaire.version, "period": round_.period,
            "reporting_year": round_.reporting_year, "status": round_.status,
            "opens_on": round_.opens_on.isoformat(), "deadline": round_.deadline.isoformat(),
            "launched_at": _iso(round_.launched_at), "closed_at": _iso(round_.closed_at)}


def list_rounds() -> list[dict[str, Any]]:
    rounds = db.session.scalars(select(Round).order_by(Round.id))
    return [_round_json(r) for r in rounds]


def get_round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None or round_.status == "draft":
        raise NotFound(round_id)
    return round_


def _labels(survey: Survey, answers: dict[str, Any]) -> dict[str, Any]:
    """The labels of the codes in the answers (single and multiple choice)."""
    labels: dict[str, Any] = {}
    for qid, value in answers.items():
        if not survey.has_question(qid):
            continue
        question = survey.question(qid)
        if not question.choices:
            continue
        if isinstance(value, list):
            labels[qid] = [question.choice_label(v) for v in value]
        elif isinstance(value, str):
            labels[qid] = question.choice_label(value)
    return labels


@dataclass
class ResponsePage:
    items: list[dict[str, Any]]
    total: int
    page: int
    per_page: int
    #: the newest change among all matching responses (for ``Last-Modified``)
    last_modified: datetime | None


def round_responses(round_id: int, *, status: str | None = None, teryt: str | None = None,
                    updated_since: datetime | None = None, page: int = 1,
                    per_page: int = 100) -> ResponsePage:
    """One page of a round's responses, oldest change first (so incremental pulls resume)."""
    round_ = get_round(round_id)
    survey = round_survey(db.session, round_.id)
    query = (select(Response, Unit).join(Invitation, Invitation.id == Response.invitation_id)
             .join(Unit, Unit.id == Invitation.unit_id)
             .where(Invitation.round_id == round_.id, Invitation.withdrawn_at.is_(None)))
    if status:
        query = query.where(Response.status == status)
    if teryt:
        query = query.where(Unit.teryt.startswith(teryt, autoescape=True))
    if updated_since is not None:
        query = query.where(Response.updated_at > updated_since)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    newest = db.session.scalar(select(func.max(query.subquery().c.updated_at)))
    rows = db.session.execute(query.order_by(Response.updated_at, Response.id)
                              .offset((page - 1) * per_page).limit(per_page)).all()
    items = []
    for response, unit in rows:
        answers = dict(response.answers or {})
        items.append({
            "id": response.id, "status": response.status,
            "unit": {"id": unit.id, "name": unit.name, "kind": unit.kind, "teryt": unit.teryt},
            "updated_at": _iso(response.updated_at), "submitted_at": _iso(response.submitted_at),
            "answers": answers, "labels": _labels(survey, answers),
        })
    return ResponsePage(items, total, page, per_page, newest)


def _plain(value: Any) -> Any:
    """A figure of an aggregate table as JSON: exact decimals as text, nothing as null."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _round_table(round_: Round, level: str, small_cells: bool) -> tuple[Any, Survey]:
    """A round's aggregate by ``level`` (``reports.aggregate.Aggregate``) and its survey."""
    from reports.aggregate import aggregate
    from reports.frame import build_frame
    from reports.suppression import suppress

    info = round_info(db.session, round_.id)
    survey = round_survey(db.session, round_.id)
    frame = build_frame(round_records(db.session, round_.id), survey, podregiony_for(None),
                        reporting_year=info.reporting_year)
    table = aggregate(frame, level)
    return (suppress(table, frame.columns) if small_cells else table), survey


def _predecessor(round_: Round) -> Round | None:
    """The round of the same questionnaire a year (or more) before, if one was launched; the
    organisation scope applies, so it is never another organisation's round."""
    previous_id = previous_round_id(db.session, round_.id)
    previous = db.session.get(Round, previous_id) if previous_id is not None else None
    return previous if previous is not None and previous.status != "draft" else None


def round_aggregates(round_id: int, level: str, *, small_cells: bool = True
                     ) -> dict[str, Any]:
    """The round's aggregate table by ``level`` (small cells hidden unless asked otherwise).

    When the round has a predecessor, each row also has that round's figure per group
    (``previous``), the change (``change``; percentage points for shares, none for years) and
    a note for a question or option only one of the rounds has — the same comparison as the
    reports' year over year (``reports.yoy``), with the same suppression on both sides.
    """
    # the report code (pandas) only when an aggregate is asked for: a web worker stays light
    from reports.aggregate import META, TOTAL
    from reports.yoy import year_over_year

    if level not in LEVELS:
        raise ValueError(level)
    round_ = get_round(round_id)
    table, survey = _round_table(round_, level, small_cells)
    groups = [*table.groups, TOTAL]
    previous = _predecessor(round_)
    compared: dict[tuple[str, str, str], dict[str, Any]] = {}
    if previous is not None:
        before, before_survey = _round_table(previous, level, small_cells)
        long = year_over_year(table, before, {q.id for q in survey.questions},
                              {q.id for q in before_survey.questions})
        for record in long.to_dict("records"):
            compared[(record["kolumna"], record["miara"], record["grupa"])] = record
    rows = []
    for record in table.table.to_dict("records"):
        row: dict[str, Any] = {**{name: record[name] for name in META},
                               "values": {group: _plain(record[group]) for group in groups}}
        if previous is not None:
            pairs = {g: compared.get((record["kolumna"], record["miara"], g), {})
                     for g in groups}
            row["previous"] = {g: _plain(pair.get("poprzednia runda")) for g, pair in
                               pairs.items()}
            row["change"] = {g: _plain(pair.get("zmiana")) for g, pair in pairs.items()}
            row["note"] = next((pair["uwagi"] for pair in pairs.values() if pair.get("uwagi")),
                               "")
        rows.append(row)
    return {"round": round_.id, "level": level, "groups": groups,
            "small_cells_hidden": small_cells,
            "previous_round": None if previous is None else {
                "id": previous.id, "title": previous.title,
                "reporting_year": previous.reporting_year},
            "rows": rows}


def codebook(round_id: int) -> dict[str, Any]:
    """Every question of the round's questionnaire: type, what its value is, options."""
    round_ = get_round(round_id)
    survey = round_survey(db.session, round_.id)
    questions = []
    for section in survey.sections:
        for q in section.questions:
            if not q.has_answer:
                continue
            entry: dict[str, Any] = {"id": q.id, "section": section.id, "label": q.label,
                                     "type": q.type, "value_kind": q.value_kind,
                                     "required": q.required}
            if q.choices:
                entry["choices"] = [{"value": c.value, "label": c.label} for c in q.choices]
            if q.rows:
                entry["rows"] = [{"id": a.id, "label": a.label} for a in q.rows]
                entry["columns"] = [{"id": a.id, "label": a.label} for a in q.columns]
            if q.value_kind in NUMBER_KINDS:
                entry["places"] = q.kind.places(q)
            questions.append(entry)
    return {"round": round_.id, "key": survey.key, "version": survey.version,
            "title": survey.title, "format": survey.format, "questions": questions}
