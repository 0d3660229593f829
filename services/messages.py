"""The e-mails esmon sends, written into the outbox in the caller's transaction.

An e-mail is rendered in the language of the request that queues it (Polish by default, and
always Polish from the command line).

Each ``queue_*`` function renders ``templates/email/<name>.txt`` and ``.html`` and adds an
outbox row (flush, never commit): the message exists from the moment the invitation or the
submission does, and goes out after the commit. HTML parts are autoescaped by Jinja, so a
unit called ``<script>…`` arrives as text.

The confirmation of a submission is the exception: the submit request only queues it (the
response, the version submitted, the language), and the mail worker writes it
(``compose_confirmation``, registered by ``install``) — a copy of every answer costs more
than the rest of the submission, and the unit need not wait for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.model import Question, Survey
from forms.placeholders import year_placeholders
from l10n.periods import period_label, period_span
from l10n.web import current_language, long_date, translate
from mailing.attachments import Attachment
from mailing.compose import Written, register_composer
from mailing.links import LINK_PLACEHOLDER
from mailing.outbox import add_deferred, add_message
from models import Invitation, OutboxMessage, Response, ResponseVersion, Round, Unit
from services.printouts import RESPONSE_COPY_SOURCE, response_copy_filename
from services.questionnaires import survey_for_round
from services.scoping import organisation_name
from services.territory import answer_names


@dataclass(frozen=True)
class AnswerLine:
    """One answered question in the copy of a response: label, value, table cells, comment."""

    label: str
    value: str
    #: ``(row — column, value)`` for table questions
    cells: tuple[tuple[str, str], ...] = ()
    #: the unit's explanation of a soft warning
    comment: str = ""


@dataclass(frozen=True)
class AnswerSection:
    title: str
    lines: tuple[AnswerLine, ...]


def personal_link(token: str) -> str:
    """The unit's link: ``{ESMON_BASE_URL}/r/{token}``."""
    return f"{current_app.config['ESMON_BASE_URL'].rstrip('/')}/r/{token}"


@dataclass(frozen=True)
class Rendered:
    """A message as it will be sent: subject, plain text and HTML."""

    subject: str
    body_text: str
    body_html: str


def queue_invitation(invitation: Invitation, token: str) -> OutboxMessage:
    """Invite a unit to fill the round's questionnaire through its personal link."""
    context = _invitation_context(invitation, token)
    return _queue("invitation", _invitation_subject(context), context, invitation)


def preview_invitation(round_: Round, unit: Unit) -> Rendered:
    """The invitation e-mail the unit will get at launch, rendered by the same templates.

    Only the link differs: the real one is made (and shown) once, when the e-mail is queued.
    """
    context = _round_context_of(round_, unit)
    context["link"] = personal_link(gettext("osobisty-link-jednostki"))
    return _render("invitation", _invitation_subject(context), context)


def _invitation_subject(context: dict[str, Any]) -> str:
    return gettext("%(title)s (%(period)s) — prośba o wypełnienie ankiety do %(deadline)s",
                   title=context["title"], period=context["period"],
                   deadline=context["deadline"])


def queue_deadline_change(invitation: Invitation, token: str, before) -> OutboxMessage:
    """Tell a unit that has not submitted yet that the deadline moved; with a fresh link."""
    context = _invitation_context(invitation, token)
    context["previous_deadline"] = long_date(before)
    subject = gettext("Nowy termin: %(title)s (%(period)s) — do %(deadline)s",
                      title=context["title"], period=context["period"],
                      deadline=context["deadline"])
    return _queue("deadline", subject, context, invitation, kind="other")


def queue_reminder(invitation: Invitation, token: str) -> OutboxMessage:
    """Remind a unit that has not submitted yet; carries a fresh link (tokens are not kept)."""
    context = _invitation_context(invitation, token)
    subject = gettext("Przypomnienie: %(title)s (%(period)s) — termin %(deadline)s",
                      title=context["title"], period=context["period"],
                      deadline=context["deadline"])
    return _queue("reminder", subject, context, invitation)


CONFIRMATION_COMPOSER = "confirmation"


def queue_confirmation(response: Response, survey: Survey, *,
                       attach_copy: bool = True) -> OutboxMessage:
    """Confirm a submission to the unit, with a copy of every answer it gave: in the body,
    and as the PDF of the version just sent (unless ``attach_copy`` is false).

    Only queued here; the mail worker writes it (``compose_confirmation``) from the version
    the unit submitted, in the language of this request, and makes the PDF.
    """
    invitation = response.invitation
    round_ = invitation.round
    versions = response.versions
    version = versions[-1] if versions else None
    attached = attach_copy and version is not None
    files = [Attachment(response_copy_filename(version), "application/pdf",
                        source=f"{RESPONSE_COPY_SOURCE}:{version.id}")
             ] if attach_copy and version is not None else []
    return add_deferred(
        kind="confirmation", recipients=invitation.unit.email_list,
        subject=_confirmation_subject(round_.questionnaire.title,
                                      translate(period_label(round_.period))),
        composer=CONFIRMATION_COMPOSER,
        args={"response_id": response.id, "lang": current_language(),
              "version": version.number if version else None, "attached": attached},
        invitation_id=invitation.id, round_id=invitation.round_id, attachments=files)


def _confirmation_subject(title: str, period: str) -> str:
    return gettext("Potwierdzenie: %(title)s (%(period)s) — sprawozdanie wysłane",
                   title=title, period=period)


def compose_confirmation(session: Session, args: Mapping[str, Any]) -> Written:
    """Write the confirmation queued by ``queue_confirmation`` (in the mail worker).

    The copy is of the version the unit submitted, whatever happened to the response since.

    :raise LookupError: the response is gone
    """
    response = session.get(Response, args["response_id"])
    if response is None:
        raise LookupError(gettext("Odpowiedź, której dotyczy potwierdzenie, nie istnieje."))
    answers, warnings = response.answers, response.warnings
    version = None
    if args.get("version") is not None:
        version = session.scalars(select(ResponseVersion).where(
            ResponseVersion.response_id == response.id,
            ResponseVersion.number == args["version"])).first()
        if version is not None:
            answers, warnings = version.answers, version.warnings
    with force_locale(args.get("lang") or "pl"):
        invitation = response.invitation
        context = _round_context(invitation)
        survey = survey_for_round(invitation.round).survey
        context.update(response=response, version=version,
                       attached=bool(args.get("attached", True)) and version is not None,
                       sections=_answer_copy(answers or {}, warnings or {}, survey))
        subject = _confirmation_subject(context["title"], context["period"])
        rendered = _render("confirmation", subject, context)
    return Written(" ".join(rendered.subject.split()), rendered.body_text, rendered.body_html)


def install() -> None:
    """Let the mail worker write confirmations (called by the app factory)."""
    register_composer(CONFIRMATION_COMPOSER, compose_confirmation)


def queue_return(invitation: Invitation, token: str, response: Response) -> OutboxMessage:
    """Tell a unit its response came back for correction: the reviewer's words and a link."""
    context = _invitation_context(invitation, token)
    notes = response.question_notes or {}
    survey = survey_for_round(invitation.round).survey
    context.update(comment=response.review_comment or "",
                   notes=[(q.label, notes[q.id]) for q in survey.questions if notes.get(q.id)])
    subject = gettext("Sprawozdanie do poprawy: %(title)s (%(period)s)",
                      title=context["title"], period=context["period"])
    return _queue("returned", subject, context, invitation, kind="other")


def answer_copy(response: Response, survey: Survey,
                invitation: Invitation) -> list[AnswerSection]:
    """The answers as the unit would read them on the review page: labels and shown values."""
    return _answer_copy(response.answers or {}, response.warnings or {}, survey)


def _answer_copy(answers: dict, warnings: dict, survey: Survey) -> list[AnswerSection]:
    territory_names = answer_names(survey.questions, answers)
    sections = []
    for section in survey.sections:
        lines = tuple(_answer_line(q, answers[q.id], territory_names,
                                   warnings.get(q.id) or {})
                      for q in section.questions
                      if q.has_answer and not q.kind.is_empty(answers.get(q.id)))
        if lines:
            sections.append(AnswerSection(section.title, lines))
    return sections


def _answer_line(question: Question, value: Any, territory_names: dict[str, str],
                 warning: dict) -> AnswerLine:
    kind = question.kind
    return AnswerLine(question.label, translate(kind.display(value, question, territory_names)),
                      tuple(kind.cell_texts(value, question)),
                      comment=warning.get("comment") or "")


def _round_context(invitation: Invitation) -> dict[str, Any]:
    return _round_context_of(invitation.round, invitation.unit)


def _round_context_of(round_: Round, unit: Unit) -> dict[str, Any]:
    year = round_.reporting_year
    config = current_app.config
    survey = survey_for_round(round_).survey
    return {
        "organisation": organisation_name(round_.organisation),
        "contact": {"name": config["ESMON_CONTACT_NAME"], "email": config["ESMON_CONTACT_EMAIL"],
                    "phone": config["ESMON_CONTACT_PHONE"],
                    "hours": config.get("ESMON_CONTACT_HOURS") or ""},
        "time_to_fill": survey.time_to_fill,
        "prepare": survey.prepare,
        "lang": current_language(),
        "unit": unit,
        "round": round_,
        "title": round_.questionnaire.title,
        "period": translate(period_label(round_.period)),
        #: after "za" in the bodies: "za rok 2025", "za II półrocze 2025"
        "period_span": translate(period_span(round_.period)),
        "deadline": long_date(round_.deadline),
        "placeholders": year_placeholders(year),
    }


def _invitation_context(invitation: Invitation, token: str) -> dict[str, Any]:
    """The bodies get a placeholder for the token; the token goes beside them, encrypted."""
    context = _round_context(invitation)
    context["link"] = personal_link(LINK_PLACEHOLDER)
    context["token"] = token
    return context


def _render(name: str, subject: str, context: dict[str, Any]) -> Rendered:
    env = current_app.jinja_env
    context = {**context, "subject": subject}
    return Rendered(subject, env.get_template(f"email/{name}.txt").render(context),
                    env.get_template(f"email/{name}.html").render(context))


def _queue(name: str, subject: str, context: dict[str, Any], invitation: Invitation, *,
           kind: str | None = None) -> OutboxMessage:
    message = _render(name, subject, context)
    return add_message(
        kind=kind or name, recipients=invitation.unit.email_list, subject=message.subject,
        body_text=message.body_text, body_html=message.body_html,
        invitation_id=invitation.id, round_id=invitation.round_id, token=context.get("token"))

