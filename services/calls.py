"""Phone follow-up (CATI): the round's call list, assigning callers, logging each call.

ROPS or OWES staff phone the units that have not submitted (or whose answers were returned),
log every attempt with its outcome, book call-backs and, when the unit answers on the phone,
enter the answers on its behalf with the call linked to the response. Every change here has
its audit row; views only parse, call, commit and say so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import select

from extensions import db
from l10n import polish_sort_key
from models import CallAttempt, Invitation, Response, Round, User
from models.call_attempt import FINAL_OUTCOMES, OUTCOMES
from models.types import utcnow
from services.audit import record
from services.progress import stage_of
from services.rounds import pending_invitations, resend_link

#: a call longer than this is a typing mistake (minutes for hours), not an interview
MAX_DURATION = timedelta(hours=4)
NOTE_LENGTH = 2000


class CallError(Exception):
    """The call cannot be logged as asked; the message says why, in Polish."""

    def __init__(self, message: str, field_name: str | None = None):
        super().__init__(message)
        #: the form field the message belongs to, if any
        self.field_name = field_name


@dataclass
class CallRow:
    """One unit on the round's call list, with what its calls so far came to."""

    invitation: Invitation
    attempts: list[CallAttempt] = field(default_factory=list)

    @property
    def unit(self):
        return self.invitation.unit

    @property
    def stage(self) -> str:
        return stage_of(self.invitation)

    @property
    def last(self) -> CallAttempt | None:
        return self.attempts[-1] if self.attempts else None

    @property
    def callback_at(self) -> datetime | None:
        """The booked call-back: only while the latest call is the one that booked it."""
        last = self.last
        return last.callback_at if last is not None and last.outcome == "callback" else None

    @property
    def owner_id(self) -> int | None:
        """Whose list the unit is on: who booked the call-back, else the assigned caller."""
        last = self.last
        if last is not None and self.callback_at is not None:
            return last.caller_id
        return self.invitation.caller_id

    @property
    def closed(self) -> bool:
        """Refused: nobody calls again unless a new call is logged."""
        return self.last is not None and self.last.outcome in FINAL_OUTCOMES

    def due(self, now: datetime) -> bool:
        """To be called now: not refused, and any booked call-back has come."""
        if self.closed:
            return False
        return self.callback_at is None or self.callback_at <= now


def call_list(round_: Round) -> list[CallRow]:
    """Units of the round that have not submitted (or were returned), in Polish name order."""
    pending = pending_invitations(round_)
    attempts: dict[int, list[CallAttempt]] = defaultdict(list)
    for attempt in db.session.scalars(
            select(CallAttempt).join(Invitation)
            .where(Invitation.round_id == round_.id)
            .order_by(CallAttempt.called_at, CallAttempt.id)):
        attempts[attempt.invitation_id].append(attempt)
    rows = [CallRow(inv, attempts.get(inv.id, [])) for inv in pending]
    return sorted(rows, key=lambda r: polish_sort_key(r.unit.name))


@dataclass
class CallerList:
    """A caller's own list: whom to call now (call-backs that have come first), and later."""

    now: list[CallRow]
    later: list[CallRow]


def callers_list(round_: Round, caller: User, now: datetime | None = None) -> CallerList:
    """The units on ``caller``'s list; a call-back stays under "later" until its time."""
    now = now or utcnow()
    mine = [row for row in call_list(round_) if row.owner_id == caller.id and not row.closed]
    due = [row for row in mine if row.due(now)]
    due.sort(key=lambda r: (r.callback_at is None, r.callback_at or now))
    later = sorted((row for row in mine if not row.due(now)),
                   key=lambda r: r.callback_at or now)
    return CallerList(due, later)


def callers() -> list[User]:
    """Staff who may be given units to phone (enabled administrators)."""
    return list(db.session.scalars(select(User).where(User.is_enabled, User.role == "admin")
                                   .order_by(User.email)))


def assign(invitations: list[Invitation], caller: User | None) -> int:
    """Give the units to ``caller`` (``None``: to nobody); returns how many changed hands."""
    changed = [inv for inv in invitations if inv.caller_id != (caller.id if caller else None)]
    for invitation in changed:
        before = invitation.caller_id
        invitation.caller_id = caller.id if caller else None
        record("call_assign", invitation,
               summary=f"{invitation.unit.name} — {invitation.round.title}",
               before={"caller_id": before},
               after={"caller_id": invitation.caller_id,
                      "caller": caller.email if caller else None})
    db.session.flush()
    return len(changed)


@dataclass(frozen=True)
class CallEntry:
    """What a caller typed about one call."""

    outcome: str
    duration_seconds: int = 0
    note: str | None = None
    #: UTC; required for ``callback``, ignored otherwise
    callback_at: datetime | None = None


def log_call(invitation: Invitation, caller: User, entry: CallEntry,
             now: datetime | None = None) -> CallAttempt:
    """Record a call and do what its outcome asks; nothing is stored when anything is wrong.

    ``online`` e-mails the link again (earlier links keep working); ``completed`` opens the
    unit's response (created if needed), marks it as answered by phone and links it to the
    call — the view then enters the answers on the unit's behalf. An unassigned unit becomes
    the caller's.

    :raise CallError: with a Polish message (and the form field it belongs to)
    """
    now = now or utcnow()
    _check(invitation, caller, entry, now)
    attempt = CallAttempt(
        invitation=invitation, caller=caller, called_at=now, outcome=entry.outcome,
        duration_seconds=entry.duration_seconds, note=(entry.note or "").strip() or None,
        callback_at=entry.callback_at if entry.outcome == "callback" else None,
        phone=invitation.unit.phones)
    db.session.add(attempt)
    if invitation.caller_id is None:
        invitation.caller_id = caller.id
    if entry.outcome == "online":
        resend_link(invitation, revoke_old=False)
    if entry.outcome == "completed":
        attempt.response_id = _phone_response(invitation).id
    db.session.flush()
    record("call_attempt", attempt,
           summary=f"{invitation.unit.name} — {invitation.round.title}: "
                   f"{OUTCOMES[entry.outcome]}",
           after={"invitation_id": invitation.id, "outcome": entry.outcome,
                  "duration_seconds": entry.duration_seconds, "note": attempt.note,
                  "callback_at": attempt.callback_at.isoformat() if attempt.callback_at
                  else None, "response_id": attempt.response_id},
           actor=caller)
    return attempt


def _check(invitation: Invitation, caller: User, entry: CallEntry, now: datetime) -> None:
    if entry.outcome not in OUTCOMES:
        raise CallError(gettext("Wybierz wynik rozmowy z listy."), "outcome")
    if invitation.withdrawn_at is not None:
        raise CallError(gettext("Jednostka została wycofana z rundy."))
    response = invitation.response
    if response is not None and not response.is_editable:
        raise CallError(gettext("Jednostka wysłała już odpowiedź — nie ma jej na liście do "
                                "telefonów."))
    if not 0 <= entry.duration_seconds <= MAX_DURATION.total_seconds():
        raise CallError(gettext("Czas rozmowy: od 0 do 240 minut."), "duration")
    if entry.note and len(entry.note) > NOTE_LENGTH:
        raise CallError(gettext("Notatka może mieć najwyżej %(num)d znaków.", num=NOTE_LENGTH),
                        "note")
    if entry.outcome == "callback":
        if entry.callback_at is None:
            raise CallError(gettext("Podaj, kiedy oddzwonić."), "callback_at")
        if entry.callback_at <= now:
            raise CallError(gettext("Termin ponownego kontaktu musi być w przyszłości."),
                            "callback_at")
    if entry.outcome in ("online", "completed") and not invitation.round.accepts_answers:
        raise CallError(gettext("Runda nie przyjmuje już odpowiedzi."), "outcome")
    if entry.outcome == "online" and not invitation.unit.email_list:
        raise CallError(gettext("Jednostka nie ma adresu e-mail — link nie ma dokąd pójść. "
                                "Dopisz adres w rejestrze jednostek."), "outcome")
    if entry.outcome == "completed" and not caller.is_admin:
        raise CallError(gettext("Odpowiedzi w imieniu jednostki wpisuje administrator."),
                        "outcome")


def _phone_response(invitation: Invitation) -> Response:
    """The unit's response, opened for the interview and marked as answered by phone."""
    from services.questionnaires import survey_for_round
    from services.responses import open_response

    response = open_response(invitation, survey_for_round(invitation.round))
    response.mode = "phone"
    return response


def phone_call_of(response: Response) -> CallAttempt | None:
    """The latest ``completed`` call that opened this response, if it came by phone."""
    return db.session.scalars(
        select(CallAttempt).where(CallAttempt.response_id == response.id,
                                  CallAttempt.outcome == "completed")
        .order_by(CallAttempt.called_at.desc(), CallAttempt.id.desc()).limit(1)).first()


def round_calls(round_: Round) -> list[CallAttempt]:
    """Every call of the round, oldest first (the call log and its export)."""
    return list(db.session.scalars(
        select(CallAttempt).join(Invitation).where(Invitation.round_id == round_.id)
        .order_by(CallAttempt.called_at, CallAttempt.id)))
