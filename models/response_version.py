"""Response versions: a snapshot each time a response is sent, for staff to compare."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
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
    #: the response this is a version of (read-only: ``Response.versions`` adds versions)
    response = relationship("Response", viewonly=True)
