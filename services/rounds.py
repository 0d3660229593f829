"""Survey rounds and the invitations (personal links) in them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from extensions import db
from models import Invitation, InvitationToken, Questionnaire, Round, RoundReminder, Unit
from models.types import utcnow
from services.audit import record
from services.messages import queue_invitation, queue_reminder
from services.tokens import new_token


def create_round(questionnaire: Questionnaire, *, period: str, reporting_year: int,
                 opens_on: date, deadline: date, title: str | None = None,
                 status: str = "draft") -> Round:
    """A new round of one questionnaire version for a reporting period."""
    round_ = Round(questionnaire=questionnaire, period=period, reporting_year=reporting_year,
                   opens_on=opens_on, deadline=deadline, status=status,
                   title=title or f"{questionnaire.title} — {period}")
    db.session.add(round_)
    db.session.flush()
    return round_


def set_up_round(questionnaire: Questionnaire, units: list[Unit], *, period: str,
                 reporting_year: int, opens_on: date, deadline: date, title: str | None,
                 reminder_days: list[int], allow_late: bool, launch: bool) -> tuple[Round, int]:
    """A staff member's new round for chosen units, launched at once or kept as a draft.

    :return: the round and the number of invitations sent (0 for a draft)
    """
    round_ = create_round(questionnaire, period=period, reporting_year=reporting_year,
                          opens_on=opens_on, deadline=deadline, title=title)
    round_.reminder_days = reminder_days
    round_.allow_late = allow_late
    record("round_create", round_, summary=round_.title,
           after={"period": round_.period, "deadline": round_.deadline.isoformat(),
                  "units": len(units), "launched": launch})
    count = launch_round(round_, units) if launch else 0
    return round_, count


def issue_token(invitation: Invitation) -> str:
    """A new personal link for an invitation; earlier links keep working."""
    token, token_hash = new_token()
    db.session.add(InvitationToken(token_hash=token_hash, invitation=invitation))
    db.session.flush()
    return token


def invite(round_: Round, unit: Unit) -> tuple[Invitation, str]:
    """Add a unit to a round; returns the invitation and its link token (shown only now)."""
    invitation = Invitation(round=round_, unit=unit)
    db.session.add(invitation)
    db.session.flush()
    return invitation, issue_token(invitation)


def reissue_token(invitation: Invitation) -> str:
    """Replace every link of an invitation: the old ones stop working (and say so)."""
    now = utcnow()
    for token in invitation.tokens:
        if token.revoked_at is None:
            token.revoked_at = now
    return issue_token(invitation)


def units_for_round(unit_kinds: tuple[str, ...], *, kinds: list[str] | None = None,
                    powiats: list[str] | None = None, unit_ids: list[int] | None = None,
                    powiats_of_subregion: list[str] | None = None) -> list[Unit]:
    """Active units a round may invite, narrowed by kind, powiat, subregion or an explicit list.

    Only kinds the questionnaire is meant for (``unit_kinds``) are ever returned.
    """
    query = select(Unit).where(Unit.is_active.is_(True), Unit.kind.in_(unit_kinds))
    if kinds:
        query = query.where(Unit.kind.in_(kinds))
    areas = [*(powiats or []), *(powiats_of_subregion or [])]
    if areas:
        query = query.where(or_(*(Unit.teryt.startswith(code) for code in areas)))
    if unit_ids:
        query = query.where(Unit.id.in_(unit_ids))
    return list(db.session.scalars(query.order_by(Unit.kind, Unit.name)))


def launch_round(round_: Round, units: list[Unit]) -> int:
    """Open a round: one invitation and one queued invitation e-mail per unit, together.

    Units already invited are skipped, so launching again after adding units is safe.
    :return: the number of new invitations
    """
    invited = {inv.unit_id for inv in round_.invitations}
    count = 0
    for unit in units:
        if unit.id in invited or not unit.email_list:
            continue  # a unit with no address cannot get its link: staff see it as not invited
        invitation, token = invite(round_, unit)
        queue_invitation(invitation, token)
        count += 1
    round_.status = "open"
    round_.launched_at = round_.launched_at or utcnow()
    db.session.flush()
    record("round_launch", round_, summary=round_.title, after={"invited": count})
    return count


def pending_invitations(round_: Round) -> list[Invitation]:
    """Invitations whose unit has not submitted yet (no response, a draft, or returned)."""
    return [inv for inv in round_.invitations
            if inv.response is None or inv.response.status in ("draft", "returned")]


def send_reminders(round_: Round, invitations: list[Invitation] | None = None) -> int:
    """Queue a reminder, with a fresh link, to each unit that has not submitted."""
    pending = pending_invitations(round_) if invitations is None else [
        inv for inv in invitations if inv in pending_invitations(round_)]
    for invitation in pending:
        queue_reminder(invitation, issue_token(invitation))
    record("reminders", round_, summary=round_.title, after={"units": len(pending)})
    return len(pending)


def resend_link(invitation: Invitation, *, revoke_old: bool) -> None:
    """E-mail a unit its link again: a new token, and optionally revoke every earlier one."""
    token = reissue_token(invitation) if revoke_old else issue_token(invitation)
    queue_invitation(invitation, token)
    record("link_reissue" if revoke_old else "link_resend", invitation,
           summary=f"{invitation.unit.name} — {invitation.round.title}")


def close_round(round_: Round, *, allow_late: bool) -> None:
    """Stop the round; with ``allow_late`` units that have not sent may still do so."""
    round_.status = "closed"
    round_.allow_late = allow_late
    round_.closed_at = utcnow()
    db.session.flush()
    record("round_close", round_, summary=round_.title, before={"status": "open"},
           after={"status": "closed", "allow_late": round_.allow_late})


def reopen_round(round_: Round) -> None:
    round_.status = "open"
    round_.closed_at = None
    db.session.flush()
    record("round_reopen", round_, summary=round_.title, before={"status": "closed"},
           after={"status": "open"})


def queue_due_reminders(today: date) -> int:
    """Scheduled reminders (``reminder_days`` before the deadline) that are due; each goes once.

    :return: the number of units reminded
    """
    total = 0
    for round_ in db.session.scalars(select(Round).where(Round.status == "open")):
        days_left = (round_.deadline - today).days
        if days_left < 0:
            continue
        sent = set(db.session.scalars(select(RoundReminder.days_before)
                                      .filter_by(round_id=round_.id)))
        due = [d for d in round_.reminder_days or [] if days_left <= d and d not in sent]
        if not due:
            continue
        count = send_reminders(round_)  # several passed thresholds still mean one e-mail
        for days in due:
            db.session.add(RoundReminder(round_id=round_.id, days_before=days, recipients=count))
        total += count
    db.session.flush()
    return total
