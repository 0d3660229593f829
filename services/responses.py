"""A unit's response: opening it with prefilled values, saving sections, submitting."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g
from flask_babel import gettext
from sqlalchemy import inspect, select
from sqlalchemy.orm import InstanceState
from werkzeug.datastructures import MultiDict

from extensions import db
from forms.builder import SectionForm
from forms.loader import FOLLOWS_PREFIX
from forms.logic import Resolution, Situation, resolve, warnings_for
from forms.model import PREFILL_LAST_ROUND, Question, Section, Survey
from forms.registry import LoadedSurvey
from forms.types import comment_field_name, field_name
from l10n.clock import today_in_poland
from l10n.web import current_language, translate
from models import Invitation, Questionnaire, Response, Round, Unit, User
from models.types import utcnow
from services.audit import record
from services.messages import queue_confirmation
from services.response_row import write_changes
from services.review import add_version
from services.territory import jst_rodzaj, territory_choices

DONE_STATUSES = ("submitted", "accepted")


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


def situation_for(invitation: Invitation, survey: Survey) -> Situation:
    """Year, today and the previous round's answers — looked up only if the survey reads them."""
    previous = previous_response(invitation) if survey.reads_previous_round else None
    return Situation(reporting_year=invitation.round.reporting_year,
                     today=today_in_poland().isoformat(),
                     previous=dict(previous.answers) if previous else {})


#: how each ``prefill: unit.<field>`` of ``forms.model.PREFILL_UNIT_FIELDS`` is read from a unit
#: (a test checks that the two lists agree)
UNIT_PREFILLS: dict[str, Callable[[Unit], Any]] = {
    "name": lambda unit: unit.name,
    "teryt": lambda unit: unit.teryt,
    "regon": lambda unit: unit.regon,
    "krs": lambda unit: unit.krs,
    "emails": lambda unit: unit.email_list[0] if unit.email_list else None,
    "contact_person": lambda unit: unit.contact_person,
    "jst_rodzaj": lambda unit: jst_rodzaj(unit.territory) if unit.territory else None,
    "kind": lambda unit: unit.kind,
}


def unit_value(invitation: Invitation, source: str) -> Any:
    """The register value a ``prefill: unit.…`` question starts with."""
    read = UNIT_PREFILLS.get(source.removeprefix("unit."))
    return read(invitation.unit) if read is not None else None


def followed_response(invitation: Invitation, key: str) -> Response | None:
    """The unit's latest submitted (or accepted) response to a round of questionnaire ``key``
    not later than this round: the plan a follow-up round starts from."""
    round_ = invitation.round
    return db.session.scalars(
        select(Response)
        .join(Invitation, Response.invitation_id == Invitation.id)
        .join(Round, Invitation.round_id == Round.id)
        .join(Questionnaire, Round.questionnaire_id == Questionnaire.id)
        .where(Invitation.unit_id == invitation.unit_id, Questionnaire.key == key,
               Round.reporting_year <= round_.reporting_year, Round.id != round_.id,
               Response.status.in_(DONE_STATUSES))
        .order_by(Round.reporting_year.desc(), Round.id.desc())
        .limit(1)
    ).first()


def followed_answers(invitation: Invitation, survey: Survey) -> dict[str, Any]:
    """The answers of the response this follow-up starts from (``{}`` without one)."""
    if not survey.follows:
        return {}
    cache = g.setdefault("esmon_followed", {})
    key = (invitation.id, survey.follows)
    if key not in cache:
        found = followed_response(invitation, survey.follows)
        cache[key] = dict(found.answers) if found else {}
    return cache[key]


def _prefilled(invitation: Invitation, survey: Survey, source: str) -> Any:
    if source.startswith(FOLLOWS_PREFIX):
        return followed_answers(invitation, survey).get(source[len(FOLLOWS_PREFIX):])
    return unit_value(invitation, source)


def register_values(survey: Survey, invitation: Invitation) -> dict[str, Any]:
    """Read-only answers that always come from the register (or the followed response)."""
    return {q.id: _prefilled(invitation, survey, q.prefill) for q in survey.questions
            if q.read_only and q.prefill and q.prefill != PREFILL_LAST_ROUND}


def open_response(invitation: Invitation, loaded: LoadedSurvey) -> Response:
    """The invitation's response, created on first use with prefilled starting values."""
    if invitation.response is not None:
        return invitation.response
    survey = loaded.survey
    answers: dict[str, Any] = {}
    carried_over: list[str] = []
    situation = situation_for(invitation, survey)
    for question in survey.questions:
        if question.prefill == PREFILL_LAST_ROUND:
            value = situation.previous.get(question.id)
        elif question.prefill:
            value = _prefilled(invitation, survey, question.prefill)
        else:
            continue
        if value not in (None, "", [], {}):
            answers[question.id] = value
            if question.prefill == PREFILL_LAST_ROUND:
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
    """What saving a section did: it always stores what it can."""

    #: (question, field name, message) of what still needs attention on this section, in
    #: page order: values held in the draft, required answers missing, table rules
    problems: list[tuple[Question, str, str]] = field(default_factory=list)
    #: question id → warning messages still waiting for an explanation
    unexplained: dict[str, list[str]] = field(default_factory=dict)

    @property
    def held(self) -> bool:
        return bool(self.problems)


def held_questions(response: Response) -> set[str]:
    """Questions with a value held in the draft (typed, not yet an answer)."""
    return {entry["question"] for entry in (response.held_values or {}).values()}


def _section_fields(section: Section) -> dict[str, str]:
    """The form fields of a section's answers → their question, worked out once per section
    of a definition (``_FIELDS``: the entry keeps the section and is used for it alone)."""
    entry = _FIELDS.get(id(section))
    if entry is None or entry[0] is not section:
        entry = _FIELDS[id(section)] = (section, {
            name: q.id for q in section.questions if q.is_input
            for name in q.kind.field_names(q)})
    return entry[1]


#: ``id(section)`` → (the section, its fields → their question)
_FIELDS: dict[int, tuple[Section, dict[str, str]]] = {}


def _unreadable_fields(form: SectionForm) -> set[str]:
    """Questions of the posted section whose value could not even be parsed."""
    question_of = _section_fields(form.section)
    return {question_of[name] for name, field_ in form._fields.items()
            if field_.process_errors and name in question_of}


def _typed_text(field_: Any) -> list[str]:
    return [str(text) for text in (field_.raw_data or [])]


def save_section(response: Response, loaded: LoadedSurvey, form: SectionForm,
                 *, enforce_required: bool) -> SectionOutcome:
    """Store everything posted for a section: answers where valid, the rest held in the draft.

    A value that cannot be read or breaks a rule is kept as typed with its message in
    ``held_values`` (never in ``answers``), so nothing typed is lost and reports never see
    it; rules of other questions that read it are skipped. Answers of questions that became
    hidden are dropped everywhere in the response, and calculated values are recomputed.
    """
    survey, section = loaded.survey, form.section
    invitation = response.invitation
    situation = situation_for(invitation, survey)
    own_fields = _section_fields(section)
    held_elsewhere = {name: entry for name, entry in (response.held_values or {}).items()
                      if name not in own_fields}
    elsewhere = {entry["question"] for entry in held_elsewhere.values()}
    register = _typed(survey, register_values(survey, invitation))
    unreadable = _unreadable_fields(form) | elsewhere
    resolution = resolve(survey, response.answers, situation,
                         {**form.typed_values(), **register}, unreadable)
    bind_form(form, resolution, enforce_required=enforce_required)
    validate(form)
    held: dict[str, dict[str, Any]] = {}
    for question in section.questions:
        for name in question.kind.field_names(question) if question.is_input else ():
            field_ = form[name]
            if not field_.errors:
                continue
            text = _typed_text(field_)
            if any(t.strip() for t in text):
                held[name] = {"question": question.id, "text": text,
                              "message": field_.errors[0]}
                # what is held is not an answer: ``typed_values`` reads it as unreadable
                field_.process_errors.append(field_.errors[0])
    if held:
        unreadable |= {entry["question"] for entry in held.values()}
        resolution = resolve(survey, response.answers, situation,
                             {**form.typed_values(), **register}, unreadable)
    changes: dict[str, Any] = {}
    _store(changes, response, "answers", resolution.answers)
    _store(changes, response, "held_values", {
        **{name: entry for name, entry in held_elsewhere.items()
           if entry["question"] in resolution.visible}, **held})
    _store(changes, response, "warnings",
           _updated_warnings(survey, section, resolution, response.warnings, form))
    if section.id not in response.sections_saved:
        changes["sections_saved"] = [*response.sections_saved, section.id]
    in_section = {q.id for q in section.questions}
    if set(response.carried_over or ()) & in_section:
        changes["carried_over"] = [q for q in response.carried_over if q not in in_section]
    write_changes(response, changes)
    unexplained = {qid: w["messages"] for qid, w in response.warnings.items()
                   if survey.question(qid).section_id == section.id and not w.get("comment")}
    return SectionOutcome(problems=form.error_list(), unexplained=unexplained)


def _store(changes: dict[str, Any], response: Response, attribute: str, value: Any) -> None:
    """Note a stored value only when it differs: a save that changes nothing (a draft saved
    again, an autosave of the same page) writes nothing (``write_changes``)."""
    if getattr(response, attribute) != value:
        changes[attribute] = value


def show_held(form: SectionForm, response: Response) -> None:
    """Put the values held for this section back in their boxes as typed, with their message.

    A message the form library gives (an unreadable number) is given again in the current
    language; a rule's message is the one stored when the value was refused.
    """
    for name, entry in (response.held_values or {}).items():
        if name not in form:
            continue
        field_ = form[name]
        field_.process(MultiDict([(name, text) for text in entry["text"]]))
        messages = [translate(m) for m in field_.process_errors] or [entry["message"]]
        field_.errors = messages[:1]


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
        field_name = comment_field_name(qid)
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


#: ``app.extensions`` key of the issues of the responses this app checked last, by what they
#: depend on (``_issues_key``): one visit's start page, review and submit check the same
#: stored answers. Per app, as each app has its own database.
CHECKED_KEY = "esmon_checked_issues"
#: how many checked responses are kept (a few hundred questions' references each)
CHECKED_KEPT = 256


def _issues_key(response: Response, survey: Survey, situation: Situation) -> tuple | None:
    """What the issues of a stored response depend on, or ``None`` when the response has
    changes not stored yet (its version then does not describe its answers).

    The version (``version_id_col``) changes with every stored change of the response; the
    definition, the situation (year, today, last round's answers) and the language of the
    messages are the rest.
    """
    state: InstanceState[Response] = inspect(response)
    if not state.persistent or state.modified or response.version is None:
        return None
    previous = json.dumps(situation.previous, sort_keys=True, default=str) if (
        situation.previous) else ""
    return (response.id, response.version, survey.checksum, situation.reporting_year,
            situation.today, previous, current_language())


def submission_issues(response: Response, loaded: LoadedSurvey) -> list[Issue]:
    """Re-validate every section from the stored answers, the way a browser would post them.

    A value held in the draft (typed but refused) is an issue with the message it was refused
    with, in its section's place. A stored version this app checked lately is not checked
    again.
    """
    survey = loaded.survey
    situation = situation_for(response.invitation, survey)
    key = _issues_key(response, survey, situation)
    checked: OrderedDict[tuple, list[Issue]] = current_app.extensions.setdefault(
        CHECKED_KEY, OrderedDict())
    if key is not None:
        try:  # another thread may drop it meanwhile
            issues = checked[key]
            checked.move_to_end(key)
            return list(issues)
        except KeyError:
            pass
    issues = _checked_issues(response, loaded, situation)
    if key is not None:
        checked[key] = issues
        while len(checked) > CHECKED_KEPT:
            try:
                checked.popitem(last=False)
            except KeyError:
                break
    return list(issues)


def _checked_issues(response: Response, loaded: LoadedSurvey,
                    situation: Situation) -> list[Issue]:
    survey = loaded.survey
    held = held_questions(response)
    resolution = resolve(survey, response.answers, situation, unreadable=held)
    issues: list[Issue] = []
    held_issues: dict[str, Issue] = {}
    for name, entry in (response.held_values or {}).items():
        question = survey.question(entry["question"]) if survey.has_question(
            entry["question"]) else None
        if question is not None and question.id not in held_issues:
            held_issues[question.id] = Issue(survey.section(question.section_id), question,
                                             name, entry["message"])
    for section in survey.sections:
        data: MultiDict[str, Any] = MultiDict()
        for question in section.questions:
            if question.is_input and question.id in response.answers:
                for name, values in question.kind.formdata(
                        response.answers[question.id], question).items():
                    for value in values:
                        data.add(name, value)
        form = loaded.forms[section.id](formdata=data, meta={"csrf": False})
        bind_form(form, resolution, enforce_required=True)
        validate(form)
        errors = {q.id: (anchor, message) for q, anchor, message in form.error_list()}
        for question in section.questions:
            if question.id in held_issues:
                issues.append(held_issues[question.id])
            elif question.id in errors:
                issues.append(Issue(section, question, *errors[question.id]))
    for qid, warning in warnings_for(survey, resolution).items():
        if not (response.warnings.get(qid) or {}).get("comment"):
            question = survey.question(qid)
            issues.append(Issue(survey.section(question.section_id), question,
                                comment_field_name(qid),
                                gettext("Ostrzeżenie wymaga wyjaśnienia: %(warning)s",
                                        warning=warning[0])))
    return issues


def submission_mode(response: Response, entered_by: User | None) -> str:
    """How the answers being submitted came: the unit itself, or staff — by phone when a
    CATI call opened the response (``services.calls``), else a staff entry (paper, e-mail)."""
    if entered_by is None:
        return "web"
    return "phone" if response.mode == "phone" else "staff"


def submit(response: Response, loaded: LoadedSurvey,
           entered_by: User | None = None, *, attach_copy: bool = True) -> list[Issue]:
    """Submit if nothing is missing; returns the issues otherwise (and changes nothing).

    A submission keeps a version of the answers and queues the confirmation e-mail, with the
    PDF copy of that version unless ``attach_copy`` is false; when a staff member entered it
    on the unit's behalf (``entered_by``), the audit log says so.
    """
    issues = submission_issues(response, loaded)
    if issues:
        return issues
    response.status = "submitted"
    response.submitted_at = utcnow()
    response.mode = submission_mode(response, entered_by)
    db.session.flush()
    add_version(response, entered_by=entered_by)
    queue_confirmation(response, loaded.survey, attach_copy=attach_copy)
    if entered_by is not None:
        invitation = response.invitation
        record("response_staff_entry", response,
               summary=f"{invitation.unit.name} — {invitation.round.title}",
               after={"status": response.status, "version": len(response.versions)},
               actor=entered_by)
    return []
