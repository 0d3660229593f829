"""Invitations: a unit's place in a round, and the personal links (tokens) that lead to it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.round import Round
from models.types import UTCDateTime, utcnow
from models.unit import Unit

if TYPE_CHECKING:
    from models.response import Response


class Invitation(db.Model):
    """A unit's place in a round: the unit's personal links point here."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("round_id", "unit_id", name="round_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    #: first time the unit opened any of its links
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: raised each time staff replace the links; a session opened with an earlier generation's
    #: link is refused, so replacing a link also ends every session it opened
    link_generation: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: set when staff took the unit out of the round (closed, merged, invited by mistake):
    #: its links stop working and it no longer counts in response rates or gets reminders
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    #: the staff member who phones this unit if it does not answer (CATI call list)
    caller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    round: Mapped[Round] = relationship(back_populates="invitations", lazy="joined")
    unit: Mapped[Unit] = relationship(lazy="joined")
    response: Mapped[Response | None] = relationship(back_populates="invitation")
    tokens: Mapped[list[InvitationToken]] = relationship(back_populates="invitation")
    caller = relationship("User", foreign_keys=[caller_id])

    def __repr__(self) -> str:
        return f"<Invitation {self.id} round={self.round_id} unit={self.unit_id}>"


class InvitationToken(db.Model):
    """One personal link. Only the SHA-256 of the token is stored; the token is only e-mailed.

    Every e-mail carries a fresh token (we cannot resend one we do not keep); earlier links
    keep working until staff reissue the link, which revokes them all.
    """

    __tablename__ = "invitation_tokens"

    #: hex SHA-256 of the token
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: set when staff reissued the link: the page then says the link was replaced
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    invitation: Mapped[Invitation] = relationship(back_populates="tokens", lazy="joined")
