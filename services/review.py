"""Reviewing responses: versions, accept, return for correction, reopen, field diffs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext

from extensions import db
from forms.model import Survey
from l10n.web import translate
from models import Response, ResponseVersion, User
from services.audit import record
from services.messages import queue_return
from services.rounds import issue_token


class ReviewError(Exception):
    """The action does not fit the response's state; the message is for the reviewer."""


def add_version(response: Response, entered_by: User | None = None) -> ResponseVersion:
    """Keep a snapshot of the response as submitted."""
    number = len(response.versions) + 1
    version = ResponseVersion(response_id=response.id, number=number,
                              answers=dict(response.answers), warnings=dict(response.warnings),
                              entered_by_id=entered_by.id if entered_by else None,
                              author=entered_by.email if entered_by else "jednostka")
    db.session.add(version)
    response.versions.append(version)
    db.session.flush()
    return version


def accept(response: Response) -> None:
    if response.status != "submitted":
        raise ReviewError(gettext("Przyjąć można tylko wysłaną odpowiedź."))
    response.status = "accepted"
    record("response_accept", response, summary=_summary(response),
           before={"status": "submitted"}, after={"status": "accepted"})
    db.session.flush()


def accept_many(responses: list[Response]) -> int:
    """Accept several sent responses at once (a reviewer's bulk accept); each keeps its own
    audit row, so every response's history reads the same as after a single accept.

    :return: how many were accepted (one accepted meanwhile by someone else is skipped)
    """
    count = 0
    for response in responses:
        if response is not None and response.status == "submitted":
            accept(response)
            count += 1
    return count


def return_for_correction(response: Response, comment: str, notes: dict[str, str]) -> None:
    """Send a response back to the unit with a comment (and per-question notes), by e-mail."""
    if response.status != "submitted":
        raise ReviewError(gettext("Zwrócić do korekty można tylko wysłaną odpowiedź."))
    if not comment.strip():
        raise ReviewError(gettext("Napisz, co jednostka ma poprawić."))
    response.status = "returned"
    response.review_comment = comment.strip()
    response.question_notes = {k: v.strip() for k, v in notes.items() if v and v.strip()}
    invitation = response.invitation
    queue_return(invitation, issue_token(invitation), response)
    record("response_return", response, summary=_summary(response),
           before={"status": "submitted"},
           after={"status": "returned", "comment": response.review_comment,
                  "notes": response.question_notes})
    db.session.flush()


def reopen(response: Response, reason: str) -> None:
    """An admin unlocks an accepted response so the unit can correct it."""
    if response.status != "accepted":
        raise ReviewError(gettext("Ponownie otworzyć można tylko przyjętą odpowiedź."))
    if not reason.strip():
        raise ReviewError(gettext("Podaj powód ponownego otwarcia."))
    response.status = "returned"
    response.review_comment = reason.strip()
    response.question_notes = {}
    record("response_reopen", response, summary=_summary(response),
           before={"status": "accepted"}, after={"status": "returned", "reason": reason.strip()})
    db.session.flush()


def _summary(response: Response) -> str:
    invitation = response.invitation
    return f"{invitation.unit.name} — {invitation.round.title}"


@dataclass(frozen=True)
class Change:
    """One field that differs between two versions, as people read it."""

    question_id: str
    label: str
    before: str
    after: str


def diff(survey: Survey, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Field-by-field differences between two sets of answers, in questionnaire order."""
    changes = []
    for question in survey.questions:
        if not question.has_answer:
            continue
        a, b = old.get(question.id), new.get(question.id)
        if a == b:
            continue
        a_text = translate(question.kind.change_text(a, question)) if a is not None else "—"
        b_text = translate(question.kind.change_text(b, question)) if b is not None else "—"
        changes.append(Change(question.id, question.label, a_text or "—", b_text or "—"))
    return changes

