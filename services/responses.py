"""A unit's response: opening it with prefilled values, saving sections, submitting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from extensions import db
from forms.builder import COMMENT_PREFIX, SectionForm
from forms.logic import Resolution, Situation, resolve, warnings_for
from forms.model import Question, Section, Survey
from forms.registry import LoadedSurvey
from forms.types import field_name
from l10n.web import translate
from models import Invitation, Questionnaire, Response, Round, User
from models.types import utcnow
from services.audit import record
from services.messages import queue_confirmation
from services.review import add_version
from services.territory import jst_rodzaj, territory_choices

WARSAW = ZoneInfo("Europe/Warsaw")
DONE_STATUSES = ("submitted", "accepted")


def today_in_poland_date() -> date:
    """Deadlines and reminders follow the calendar in Poland, not the server's UTC day."""
    return datetime.now(WARSAW).date()


def today_in_poland() -> str:
    return today_in_poland_date().isoformat()


def previous_response(invitation: Invitation) -> Response | None:
    """The unit's latest submitted response to an earlier round of the same questionnaire."""
    round_ = invitation.round
    return db.session.scalars(
        select(Response)
        .join(Invitation, Response.invitation_id == Invitation.id)
        .join(Round, Invitation.round_id == Round.id)
        .join(Questionnaire, Round.questionnaire_id == Questionnaire.id)
        .where(
            Invitation.unit_id == invitation.unit_id,
            Questionnaire.key == round_.questionnaire.key,
            Round.reporting_year < round_.reporting_year,
            Response.status.in_(DONE_STATUSES),
        )
        .order_by(Round.reporting_year.desc())
        .limit(1)
    ).first()


def situation_for(invitation: Invitation) -> Situation:
    previous = previous_response(invitation)
    return Situation(reporting_year=invitation.round.reporting_year, today=today_in_poland(),
                     previous=dict(previous.answers) if previous else {})


def unit_value(invitation: Invitation, source: str) -> Any:
    """The register value a ``prefill: unit.…`` question starts with."""
    unit = invitation.unit
    values = {
        "unit.name": unit.name,
        "unit.teryt": unit.teryt,
        "unit.regon": unit.regon,
        "unit.krs": unit.krs,
        "unit.emails": unit.email_list[0] if unit.email_list else None,
        "unit.contact_person": unit.contact_person,
        "unit.jst_rodzaj": jst_rodzaj(unit.territory) if unit.territory else None,
    }
    return values.get(source)


def register_values(survey: Survey, invitation: Invitation) -> dict[str, Any]:
    """Read-only answers that always come from the register."""
    return {q.id: unit_value(invitation, q.prefill) for q in survey.questions
            if q.read_only and q.prefill and q.prefill.startswith("unit.")}


def open_response(invitation: Invitation, loaded: LoadedSurvey) -> Response:
    """The invitation's response, created on first use with prefilled starting values."""
    if invitation.response is not None:
        return invitation.response
    survey = loaded.survey
    answers: dict[str, Any] = {}
    carried_over: list[str] = []
    situation = situation_for(invitation)
    for question in survey.questions:
        if question.prefill == "last_round":
            value = situation.previous.get(question.id)
        elif question.prefill:
            value = unit_value(invitation, question.prefill)
        else:
            continue
        if value not in (None, "", [], {}):
            answers[question.id] = value
            if question.prefill == "last_round":
                carried_over.append(question.id)
    response = Response(invitation=invitation, answers=answers, warnings={},
                        sections_saved=[], carried_over=carried_over, status="draft",
                        question_notes={})
    db.session.add(response)
    db.session.flush()
    return response


def bind_form(form: SectionForm, resolution: Resolution, *, enforce_required: bool) -> None:
    """Give register lookups their options and the validators the whole response."""
    for question in form.section.questions:
        if question.kind.register_choices and question.is_input:
            form[field_name(question.id)].choices = territory_choices(question.levels)
    form.bind(resolution, enforce_required=enforce_required)


def validate(form: SectionForm) -> bool:
    """``form.validate()``, with the messages of the form library in the user's language.

    ``forms/`` does not import Flask: its messages are Polish texts marked with ``N_``; this is
    where they become the texts every page and the autosave answer show.
    """
    valid = form.validate()
    if not valid:
        for field_ in form:
            field_.errors = [translate(message) for message in field_.errors]
        form.table_errors = {qid: [translate(m) for m in messages]
                             for qid, messages in form.table_errors.items()}
    return valid


@dataclass
class SectionOutcome:
    """What saving a section did."""

    saved: bool
    #: question id → warning messages still waiting for an explanation
    unexplained: dict[str, list[str]] = field(default_factory=dict)


def save_section(response: Response, loaded: LoadedSurvey, form: SectionForm,
                 *, enforce_required: bool) -> SectionOutcome:
    """Validate a posted section against the whole response and store it if it is valid.

    Nothing is stored when any field is wrong. Answers of questions that became hidden are
    dropped everywhere in the response, and calculated values are recomputed.
    """
    survey, section = loaded.survey, form.section
    invitation = response.invitation
    situation = situation_for(invitation)
    overrides = {**form.typed_values(), **_typed(survey, register_values(survey, invitation))}
    resolution = resolve(survey, response.answers, situation, overrides)
    bind_form(form, resolution, enforce_required=enforce_required)
    if not validate(form):
        return SectionOutcome(saved=False)
    response.answers = resolution.answers
    response.warnings = _updated_warnings(survey, section, resolution, response.warnings, form)
    if section.id not in response.sections_saved:
        response.sections_saved = [*response.sections_saved, section.id]
    in_section = {q.id for q in section.questions}
    if set(response.carried_over or ()) & in_section:
        response.carried_over = [q for q in response.carried_over if q not in in_section]
    db.session.flush()
    unexplained = {qid: w["messages"] for qid, w in response.warnings.items()
                   if survey.question(qid).section_id == section.id and not w.get("comment")}
    return SectionOutcome(saved=True, unexplained=unexplained)


def _typed(survey: Survey, stored: dict[str, Any]) -> dict[str, Any]:
    return {qid: survey.question(qid).kind.typed(v, survey.question(qid))
            for qid, v in stored.items()}


def _updated_warnings(survey: Survey, section: Section, resolution: Resolution,
                      previous: dict, form: SectionForm) -> dict:
    """Warnings of the whole response, keeping explanations already given."""
    current = warnings_for(survey, resolution)
    result = {}
    for qid, messages in current.items():
        comment = (previous.get(qid) or {}).get("comment")
        field_name = COMMENT_PREFIX + qid
        if survey.question(qid).section_id == section.id and field_name in form:
            comment = form[field_name].data or None
        result[qid] = {"messages": messages, "comment": comment}
    return result


@dataclass(frozen=True)
class Issue:
    """Something that stops a response from being submitted."""

    section: Section
    question: Question
    field_name: str
    message: str


def submission_issues(response: Response, loaded: LoadedSurvey) -> list[Issue]:
    """Re-validate every section from the stored answers, the way a browser would post them."""
    survey = loaded.survey
    situation = situation_for(response.invitation)
    resolution = resolve(survey, response.answers, situation)
    issues: list[Issue] = []
    for section in survey.sections:
        data = MultiDict()
        for question in section.questions:
            if question.is_input and question.id in response.answers:
                for name, values in question.kind.formdata(
                        response.answers[question.id], question).items():
                    for value in values:
                        data.add(name, value)
        form = loaded.forms[section.id](formdata=data, meta={"csrf": False})
        bind_form(form, resolution, enforce_required=True)
        if not validate(form):
            issues += [Issue(section, q, anchor, message)
                       for q, anchor, message in form.error_list()]
    for qid, warning in warnings_for(survey, resolution).items():
        if not (response.warnings.get(qid) or {}).get("comment"):
            question = survey.question(qid)
            issues.append(Issue(survey.section(question.section_id), question,
                                COMMENT_PREFIX + qid,
                                gettext("Ostrzeżenie wymaga wyjaśnienia: %(warning)s",
                                        warning=warning[0])))
    return issues


def submit(response: Response, loaded: LoadedSurvey,
           entered_by: User | None = None) -> list[Issue]:
    """Submit if nothing is missing; returns the issues otherwise (and changes nothing).

    A submission keeps a version of the answers and queues the confirmation e-mail; when a
    staff member entered it on the unit's behalf (``entered_by``), the audit log says so.
    """
    issues = submission_issues(response, loaded)
    if issues:
        return issues
    response.status = "submitted"
    response.submitted_at = utcnow()
    db.session.flush()
    add_version(response, entered_by=entered_by)
    queue_confirmation(response, loaded.survey)
    if entered_by is not None:
        invitation = response.invitation
        record("response_staff_entry", response,
               summary=f"{invitation.unit.name} — {invitation.round.title}",
               after={"status": response.status, "version": len(response.versions)},
               actor=entered_by)
    return []
