"""Invitations (a unit's personal link to a round) and the responses behind them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.questionnaires import Round
from models.types import JSONDocument, UTCDateTime, utcnow
from models.units import Unit

RESPONSE_STATUSES = ("draft", "submitted", "returned", "accepted")


class Invitation(db.Model):
    """A unit's place in a round: the unit's personal links point here."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("round_id", "unit_id", name="round_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    #: first time the unit opened any of its links
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[Round] = relationship(back_populates="invitations", lazy="joined")
    unit: Mapped[Unit] = relationship(lazy="joined")
    response: Mapped[Response | None] = relationship(back_populates="invitation")
    tokens: Mapped[list[InvitationToken]] = relationship(back_populates="invitation")

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


class Response(db.Model):
    """A unit's answers to a round, as JSON keyed by question id.

    ``version`` is SQLAlchemy's optimistic lock: two saves of the same version cannot both win.
    """

    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'submitted', 'returned', 'accepted')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id"), unique=True)
    #: question id → stored value (numbers as int or exact decimal strings, dates ISO)
    answers: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    #: question id → {"message": …, "comment": …} for soft checks the unit confirmed
    warnings: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    #: 'draft', 'submitted', 'returned', 'accepted'
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    #: ids of sections the unit has saved at least once
    sections_saved: Mapped[list] = mapped_column(JSONDocument, default=list)
    #: question ids whose value was carried over from the previous round and not yet saved
    carried_over: Mapped[list] = mapped_column(JSONDocument, default=list)
    #: the reviewer's comment when the response was returned for correction
    review_comment: Mapped[str | None] = mapped_column(Text)
    #: question id → the reviewer's comment on that answer
    question_notes: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    invitation: Mapped[Invitation] = relationship(back_populates="response")
    versions: Mapped[list[ResponseVersion]] = relationship(  # noqa: F821
        "ResponseVersion", order_by="ResponseVersion.number", uselist=True)

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_editable(self) -> bool:
        return self.status in ("draft", "returned")

    def __repr__(self) -> str:
        return f"<Response {self.id} {self.status} v{self.version}>"
