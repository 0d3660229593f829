"""Login attempts: recent failures per account and per address slow down guessing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.types import UTCDateTime, utcnow


class LoginAttempt(db.Model):
    """A login attempt; recent failures per account and per address slow down guessing."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    remote_addr: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: when an admin lifted the lock this failure was part of (it no longer counts)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
