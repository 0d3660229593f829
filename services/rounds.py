"""Survey rounds and the invitations (personal links) in them.

Every change of a round's state lives here with its audit row: launching, inviting units
added later, reminders, new links, moving the deadline, changing reminder days, withdrawing a
unit, closing, reopening and deleting a draft. Views only parse, call, commit and say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, case, delete, func, or_, select, true
from sqlalchemy.orm import contains_eager

import models.unit as unit_model
from extensions import db
from l10n.periods import period_label
from models import (
    AuditEvent,
    Invitation,
    InvitationToken,
    Questionnaire,
    Response,
    Round,
    RoundReminder,
    Unit,
    User,
)
from models.types import utcnow
from services.audit import record
from services.collation import polish
from services.messages import queue_deadline_change, queue_invitation, queue_reminder
from services.territory import units_in_territory
from services.tokens import new_token
from services.unit_kinds import kinds_for_survey


@dataclass(frozen=True)
class RoundSelection:
    """Which units a round is for, kept on the round so a draft launches what was chosen.

    Empty criteria mean "every active unit of the kinds the questionnaire is for" in the
    deployment's territory; ``manual`` means "only the units added by hand". ``added`` and
    ``excluded`` are staff's changes by hand on the recipients page.
    """

    kinds: tuple[str, ...] = ()
    powiats: tuple[str, ...] = ()
    #: the subregion's name as chosen, and its powiats at that moment
    subregion: str | None = None
    subregion_powiats: tuple[str, ...] = ()
    manual: bool = False
    added: tuple[int, ...] = ()
    excluded: tuple[int, ...] = ()

    @classmethod
    def from_json(cls, data: dict | None) -> RoundSelection:
        data = data or {}
        fields: dict[str, Any] = {name: tuple(value) if isinstance(value, list) else value
                                  for name, value in data.items()
                                  if name in cls.__dataclass_fields__}
        return cls(**fields)

    def to_json(self) -> dict:
        return {name: list(value) if isinstance(value, tuple) else value
                for name, value in asdict(self).items()}


def create_round(questionnaire: Questionnaire, *, period: str, reporting_year: int,
                 opens_on: date, deadline: date, title: str | None = None,
                 status: str = "draft") -> Round:
    """A new round of one questionnaire version for a reporting period."""
    round_ = Round(questionnaire=questionnaire, period=period, reporting_year=reporting_year,
                   opens_on=opens_on, deadline=deadline, status=status,
                   title=title or f"{questionnaire.title} — {period_label(period)}")
    db.session.add(round_)
    db.session.flush()
    return round_


def set_up_round(questionnaire: Questionnaire, units: list[Unit], *, period: str,
                 reporting_year: int, opens_on: date, deadline: date, title: str | None,
                 reminder_days: list[int], allow_late: bool, launch: bool,
                 selection: RoundSelection | None = None) -> tuple[Round, int]:
    """A staff member's new round for chosen units, launched at once or kept as a draft.

    :return: the round and the number of invitations sent (0 for a draft)
    """
    round_ = create_round(questionnaire, period=period, reporting_year=reporting_year,
                          opens_on=opens_on, deadline=deadline, title=title)
    round_.reminder_days = reminder_days
    round_.allow_late = allow_late
    round_.selection = (selection or RoundSelection()).to_json()
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
    return invite_many(round_, [unit])[0]


def invite_many(round_: Round, units: list[Unit]) -> list[tuple[Invitation, str]]:
    """``invite`` for many units in one flush: a national round launches 580 at once, and a
    flush per invitation and per token was a third of the launch."""
    invited = []
    for unit in units:
        invitation = Invitation(round=round_, unit=unit)
        token, token_hash = new_token()
        db.session.add(invitation)
        db.session.add(InvitationToken(token_hash=token_hash, invitation=invitation))
        invited.append((invitation, token))
    db.session.flush()
    return invited


def reissue_token(invitation: Invitation) -> str:
    """Replace every link of an invitation: the old ones stop working (and say so).

    The invitation's link generation goes up too, so a browser that opened an old link loses
    its session on its next request, not only the link itself.
    """
    now = utcnow()
    for token in invitation.tokens:
        if token.revoked_at is None:
            token.revoked_at = now
    invitation.link_generation = (invitation.link_generation or 1) + 1
    return issue_token(invitation)


def _eligible(unit_kinds: tuple[str, ...]) -> Select:
    """Active units of the questionnaire's kinds in the deployment's territory."""
    return units_in_territory(
        select(Unit).where(Unit.is_active.is_(True), Unit.kind.in_(unit_kinds)))


def _narrowed(query: Select, *, kinds: list[str] | None = None,
              powiats: list[str] | None = None, unit_ids: list[int] | None = None,
              powiats_of_subregion: list[str] | None = None) -> Select:
    if kinds:
        query = query.where(Unit.kind.in_(kinds))
    areas = [*(powiats or []), *(powiats_of_subregion or [])]
    if areas:
        query = query.where(or_(*(Unit.teryt.startswith(code) for code in areas)))
    if unit_ids:
        query = query.where(Unit.id.in_(unit_ids))
    return query


def units_for_round(unit_kinds: tuple[str, ...], *, kinds: list[str] | None = None,
                    powiats: list[str] | None = None, unit_ids: list[int] | None = None,
                    powiats_of_subregion: list[str] | None = None) -> list[Unit]:
    """Active units a round may invite, narrowed by kind, powiat, subregion or an explicit list.

    Only kinds the questionnaire is meant for (``unit_kinds``) are ever returned.
    """
    query = _narrowed(_eligible(unit_kinds), kinds=kinds, powiats=powiats, unit_ids=unit_ids,
                      powiats_of_subregion=powiats_of_subregion)
    return list(db.session.scalars(query.order_by(Unit.kind, polish(Unit.name))))


def launch_round(round_: Round, units: list[Unit]) -> int:
    """Open a round: one invitation and one queued invitation e-mail per unit, together.

    Units already invited are skipped, so launching again after adding units is safe.
    :return: the number of new invitations
    """
    invited = {inv.unit_id for inv in round_.invitations}
    # a unit with no address cannot get its link: staff see it as not invited
    new = [unit for unit in units if unit.id not in invited and unit.email_list]
    for invitation, token in invite_many(round_, new):
        queue_invitation(invitation, token)
    count = len(new)
    round_.status = "open"
    round_.launched_at = round_.launched_at or utcnow()
    db.session.flush()
    record("round_launch", round_, summary=round_.title, after={"invited": count})
    return count


def active_invitations(round_: Round) -> list[Invitation]:
    """The round's invitations without the withdrawn ones."""
    return [inv for inv in round_.invitations if inv.withdrawn_at is None]


def pending_invitations(round_: Round) -> list[Invitation]:
    """Invitations whose unit has not submitted yet (no response, a draft, or returned).

    One query with the responses joined: a national round has thousands of invitations and
    loading each one's response by itself took seconds.
    """
    return list(db.session.scalars(
        select(Invitation).outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.round_id == round_.id, Invitation.withdrawn_at.is_(None),
               or_(Response.id.is_(None), Response.status.in_(PENDING_STATUSES)))
        .options(contains_eager(Invitation.response))
        .order_by(Invitation.id)).unique())


#: response statuses of a unit that has not submitted (besides having no response at all)
PENDING_STATUSES = ("draft", "returned")


def withdrawn_invitations(round_: Round) -> list[Invitation]:
    """The round's withdrawn invitations, the latest first."""
    return list(db.session.scalars(
        select(Invitation).where(Invitation.round_id == round_.id,
                                 Invitation.withdrawn_at.is_not(None))
        .order_by(Invitation.withdrawn_at.desc(), Invitation.id)).unique())


def round_recipients(round_: Round) -> list[Unit]:
    """The units the round's selection covers today, in the register's order.

    Launch invites exactly these (those with an address); after launch the ones not yet
    invited are the units registered later that staff may still invite.
    """
    return list(db.session.scalars(_recipients(round_).order_by(polish(Unit.name), Unit.id)))


def _recipients(round_: Round) -> Select:
    """The query of the units the round's selection covers today."""
    from services.questionnaires import survey_for_round

    unit_kinds = kinds_for_survey(survey_for_round(round_).survey)
    chosen = RoundSelection.from_json(round_.selection)
    query = _eligible(unit_kinds)
    by_criteria = _narrowed(query, kinds=list(chosen.kinds), powiats=list(chosen.powiats),
                            powiats_of_subregion=list(chosen.subregion_powiats))
    criteria = by_criteria.whereclause if by_criteria.whereclause is not None else true()
    wanted = Unit.id.in_(chosen.added) if chosen.manual else or_(
        criteria, Unit.id.in_(chosen.added))
    query = query.where(wanted)
    if chosen.excluded:
        query = query.where(Unit.id.not_in(chosen.excluded))
    return query


def _uninvited(round_: Round) -> Select:
    invited = select(Invitation.id).where(Invitation.round_id == round_.id,
                                          Invitation.unit_id == Unit.id)
    return _recipients(round_).where(~invited.exists())


def uninvited_recipients(round_: Round) -> list[Unit]:
    """Recipients without an invitation yet (all of them before launch)."""
    return list(db.session.scalars(_uninvited(round_).order_by(polish(Unit.name), Unit.id)))


@dataclass(frozen=True)
class RecipientRow:
    """A recipient as a list shows it: the unit's own columns, not an ORM object (a national
    round's recipients page lists thousands, and loading each as a ``Unit`` with its joined
    territory was most of the page's time)."""

    id: int
    name: str
    kind: str
    teryt: str | None
    emails: str

    @property
    def email_list(self) -> list[str]:
        return [e.strip() for e in self.emails.split(",") if e.strip()]

    @property
    def kind_name(self) -> str:
        return unit_model.kind_label(self.kind)


def uninvited_rows(round_: Round) -> list[RecipientRow]:
    """``uninvited_recipients`` as plain rows, in the same order."""
    query = _uninvited(round_).order_by(polish(Unit.name), Unit.id).with_only_columns(
        Unit.id, Unit.name, Unit.kind, Unit.teryt, Unit.emails)
    return [RecipientRow(id_, name, kind, teryt, emails or "")
            for id_, name, kind, teryt, emails in db.session.execute(query)]


@dataclass(frozen=True)
class Uninvited:
    """How many recipients have no invitation yet, and how many of them have an address."""

    count: int
    with_address: int


def uninvited_count(round_: Round) -> Uninvited:
    """The round page's figures of recipients not yet invited, counted by the database."""
    uninvited = _uninvited(round_).subquery()
    address = func.replace(func.replace(uninvited.c.emails, ",", ""), " ", "")
    count, with_address = db.session.execute(select(
        func.count(), func.count(case((address != "", 1))))
        .select_from(uninvited)).one()
    return Uninvited(count, with_address)


def change_selection(round_: Round, *, add: Sequence[Unit] = (), exclude: Sequence[Unit] = (),
                     restore: Sequence[Unit] = ()) -> None:
    """Add units to a draft's recipients by hand, or leave some out (and undo that)."""
    chosen = RoundSelection.from_json(round_.selection)
    added = [*chosen.added, *(u.id for u in add if u.id not in chosen.added)]
    excluded = [i for i in chosen.excluded if i not in {u.id for u in [*add, *restore]}]
    excluded += [u.id for u in exclude if u.id not in excluded]
    round_.selection = RoundSelection(**{**asdict(chosen), "added": tuple(added),
                                         "excluded": tuple(excluded)}).to_json()
    db.session.flush()
    record("round_recipients", round_, summary=round_.title,
           after={"added": [u.name for u in add], "excluded": [u.name for u in exclude],
                  "restored": [u.name for u in restore]})


def invite_units(round_: Round, units: list[Unit]) -> int:
    """Invite units to an open round (registered later, or left out at launch).

    :return: the number of new invitations (units already invited or without an address
        are skipped)
    """
    invited = {inv.unit_id for inv in round_.invitations}
    names = []
    for unit in units:
        if unit.id in invited or not unit.email_list:
            continue
        invitation, token = invite(round_, unit)
        queue_invitation(invitation, token)
        names.append(unit.name)
    db.session.flush()
    if names:
        record("round_invite", round_, summary=round_.title,
               after={"invited": len(names), "units": names})
    return len(names)


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


def close_round(round_: Round, *, allow_late: bool, reason: str | None = None,
                by: User | None = None) -> None:
    """Stop the round; with ``allow_late`` units that have not sent may still do so.

    Who closed it and why are kept on the round: staff see them on its page, and units
    opening their link read that it was closed early, not that the deadline passed.
    """
    round_.status = "closed"
    round_.allow_late = allow_late
    round_.closed_at = utcnow()
    round_.closed_by_id = by.id if by is not None else None
    round_.close_reason = (reason or "").strip() or None
    db.session.flush()
    record("round_close", round_, summary=round_.title, before={"status": "open"},
           after={"status": "closed", "allow_late": round_.allow_late,
                  "reason": round_.close_reason})


def reopen_round(round_: Round) -> None:
    round_.status = "open"
    round_.closed_at = None
    round_.closed_by_id = None
    round_.close_reason = None
    db.session.flush()
    record("round_reopen", round_, summary=round_.title, before={"status": "closed"},
           after={"status": "open"})


def delete_draft(round_: Round) -> None:
    """Delete a draft nobody was invited to (a round set up by mistake)."""
    if round_.status != "draft" or round_.invitations:
        raise ValueError("only a draft without invitations can be deleted")
    record("round_delete", round_, summary=round_.title,
           before={"status": "draft", "period": round_.period})
    db.session.delete(round_)
    db.session.flush()


def extend_deadline(round_: Round, deadline: date, *, notify: bool, today: date) -> int:
    """Move the deadline; optionally e-mail the units that have not submitted (a fresh link).

    Scheduled reminders whose day is still ahead under the new deadline are armed again, so
    "7 days before" means 7 days before the new date.

    :return: the number of units notified
    """
    before = round_.deadline
    round_.deadline = deadline
    days_left = (deadline - today).days
    db.session.execute(delete(RoundReminder).where(RoundReminder.round_id == round_.id,
                                                   RoundReminder.days_before < days_left))
    notified = pending_invitations(round_) if notify else []
    for invitation in notified:
        queue_deadline_change(invitation, issue_token(invitation), before)
    db.session.flush()
    record("round_deadline", round_, summary=round_.title,
           before={"deadline": before.isoformat()},
           after={"deadline": deadline.isoformat(), "notified": len(notified)})
    return len(notified)


def change_reminder_days(round_: Round, days: list[int]) -> None:
    """The days before the deadline on which the mail worker reminds units."""
    before = list(round_.reminder_days or [])
    round_.reminder_days = days
    db.session.flush()
    record("round_reminder_days", round_, summary=round_.title,
           before={"reminder_days": before}, after={"reminder_days": days})


def withdraw_invitation(invitation: Invitation, reason: str) -> None:
    """Take a unit out of a round: its links stop working, it no longer counts or gets mail."""
    now = utcnow()
    invitation.withdrawn_at = now
    invitation.withdrawn_reason = reason.strip()
    for token in invitation.tokens:
        if token.revoked_at is None:
            token.revoked_at = now
    db.session.flush()
    record("invitation_withdraw", invitation,
           summary=f"{invitation.unit.name} — {invitation.round.title}",
           after={"reason": invitation.withdrawn_reason})


def round_changes(round_: Round) -> list[AuditEvent]:
    """The audit rows of a round and of its invitations, newest first, for its page."""
    invitation_ids = select(Invitation.id).where(Invitation.round_id == round_.id)
    return list(db.session.scalars(
        select(AuditEvent).where(or_(
            (AuditEvent.object_type == "Round") & (AuditEvent.object_id == round_.id),
            (AuditEvent.object_type == "Invitation")
            & AuditEvent.object_id.in_(invitation_ids)))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())))


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


@dataclass(frozen=True)
class FollowUpGap:
    """What a follow-up round starts from: is there a round of the followed questionnaire,
    and which units have no submitted response in it."""

    has_round: bool
    missing: list[Unit]
    followed_title: str | None = None


def follow_up_gap(round_: Round, followed_key: str, units: list[Unit]) -> FollowUpGap:
    """Units among ``units`` without a done response to a round of ``followed_key`` (not
    later than ``round_``)."""
    rounds = db.session.scalars(
        select(Round).join(Questionnaire, Round.questionnaire_id == Questionnaire.id)
        .where(Questionnaire.key == followed_key, Round.id != round_.id,
               Round.reporting_year <= round_.reporting_year)).unique().all()
    if not rounds:
        return FollowUpGap(False, list(units))
    answered = set(db.session.scalars(
        select(Invitation.unit_id).join(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.round_id.in_([r.id for r in rounds]),
               Response.status.in_(("submitted", "accepted")))))
    return FollowUpGap(True, [u for u in units if u.id not in answered],
                       rounds[0].questionnaire.title)
