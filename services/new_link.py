""""Send me a new link": a unit that lost its invitation asks for its personal link again.

The answer to the person asking is always the same, whether the address is registered or not
(no one learns which addresses the register holds); the link goes only to the address in the
register, and only for invitations to rounds that still take answers. Earlier links keep
working: someone typing a unit's address cannot cut the unit off. Each request is audited
(with a hash of the address when it matched nothing, so the log keeps no stray addresses).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import func, or_, select

from extensions import db
from models import Invitation, Round, Unit
from services.audit import record
from services.rounds import resend_link

#: round statuses whose links still take answers (``Round.accepts_answers`` is checked too)
_LIVE_STATUSES = ("open", "closed")


def normalised_address(address: str) -> str:
    """The address as the register compares it: no surrounding spaces, lower case."""
    return (address or "").strip().lower()


def _units_with_address(address: str) -> list[Unit]:
    pattern = f"%{address}%"
    candidates = db.session.scalars(
        select(Unit).where(func.lower(Unit.emails).like(pattern))).all()
    return [unit for unit in candidates
            if address in (email.lower() for email in unit.email_list)]


def live_invitations(address: str) -> list[Invitation]:
    """Invitations of units registered with this address, in rounds that take answers."""
    units = _units_with_address(address)
    if not units:
        return []
    invitations = db.session.scalars(
        select(Invitation).join(Round, Invitation.round_id == Round.id)
        .where(Invitation.unit_id.in_([u.id for u in units]),
               Invitation.withdrawn_at.is_(None),
               or_(*(Round.status == s for s in _LIVE_STATUSES)))
        .order_by(Invitation.id)).all()
    return [inv for inv in invitations if inv.round.accepts_answers]


def send_new_links(address: str) -> int:
    """Queue a fresh link for every live invitation of the address; how many were queued.

    The caller shows the same page whatever the number is.
    """
    address = normalised_address(address)
    invitations = live_invitations(address) if address else []
    for invitation in invitations:
        resend_link(invitation, revoke_old=False)
    digest = hashlib.sha256(address.encode()).hexdigest()[:16]
    record("new_link_request", summary=(address if invitations else f"sha256:{digest}"),
           after={"matched": len(invitations)})
    return len(invitations)
