"""What happens to a response after it is sent: versions, and contact changes to review."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.types import JSONDocument, UTCDateTime, utcnow


class ResponseVersion(db.Model):
    """A snapshot of a response each time it is submitted (or entered by staff).

    Staff compare versions field by field, so every correction stays visible.
    """

    __tablename__ = "response_versions"
    __table_args__ = (UniqueConstraint("response_id", "number", name="response_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True)
    #: 1, 2, … in the order of submission
    number: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict] = mapped_column(JSONDocument)
    warnings: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: staff member who entered this version on the unit's behalf (phone, paper form)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: "jednostka" or the staff member's e-mail, as shown in the history
    author: Mapped[str] = mapped_column(String(254))

    entered_by = relationship("User")


class ContactChange(db.Model):
    """A unit's request to change its contact person or e-mail, waiting for staff review."""

    __tablename__ = "contact_changes"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"))
    contact_person: Mapped[str | None] = mapped_column(String(200))
    emails: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    #: 'pending', 'approved' or 'rejected'
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    unit = relationship("Unit", lazy="joined")
