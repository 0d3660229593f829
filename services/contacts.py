"""Contact changes a unit proposes: staff approve them into the register or reject them."""

from __future__ import annotations

from extensions import db
from models import ContactChange, User
from models.types import utcnow
from services.audit import record, snapshot

_CONTACT_FIELDS = ("contact_person", "emails")


def propose_contact_change(unit_id: int, invitation_id: int, *, contact_person: str | None,
                           emails: str | None, note: str | None) -> ContactChange:
    """A unit's proposal, waiting for staff; the register does not change yet."""
    change = ContactChange(unit_id=unit_id, invitation_id=invitation_id,
                           contact_person=contact_person or None, emails=emails or None,
                           note=note or None)
    db.session.add(change)
    db.session.flush()
    return change


def decide_contact_change(change: ContactChange, *, approve: bool, by: User) -> None:
    """Approve (the unit's register entry takes the new contact) or reject a proposal."""
    unit = change.unit
    before = snapshot(unit, _CONTACT_FIELDS)
    if approve:
        if change.contact_person:
            unit.contact_person = change.contact_person
        if change.emails:
            unit.emails = change.emails
    change.status = "approved" if approve else "rejected"
    change.decided_at, change.decided_by_id = utcnow(), by.id
    db.session.flush()
    record("contact_approve" if approve else "contact_reject", unit, summary=unit.name,
           before=before, after=snapshot(unit, _CONTACT_FIELDS), actor=by)
