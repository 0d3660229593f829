"""Personal API tokens of staff members: read access to the data API, shown once, kept hashed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.types import UTCDateTime, utcnow


class ApiToken(db.Model):
    """One personal token: only its SHA-256 is stored; it ends on ``expires_on`` or when
    revoked, and every call made with it is in the audit log."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: what the owner calls it ("R — raport roczny")
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the first characters, so the owner can tell tokens apart (never enough to use one)
    prefix: Mapped[str] = mapped_column(String(12))
    #: what the token may do; ``read`` is the only scope there is
    scope: Mapped[str] = mapped_column(String(16), default="read")
    expires_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")

    def is_active(self, today: date) -> bool:
        return self.revoked_at is None and today <= self.expires_on
