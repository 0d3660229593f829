"""Staff sign-in: checking a password, throttling repeated failures, recording each attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from extensions import db
from models import LoginAttempt, User
from models.types import utcnow
from services.audit import record

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20


class LoginThrottled(Exception):
    """Too many recent failures for this account or address: no password is checked."""


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None

    @property
    def ok(self) -> bool:
        return self.user is not None


def _recent_failures(**where: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LoginAttempt).filter_by(succeeded=False, **where)
        .where(LoginAttempt.at > utcnow() - WINDOW)) or 0


def attempt_login(email: str, password: str, remote_addr: str) -> LoginOutcome:
    """Check a staff member's password; every attempt is stored and audited.

    :raise LoginThrottled: before any check, when the account or the address failed too often
    """
    email = email.strip().lower()
    if (_recent_failures(email=email) >= MAX_FAILURES_PER_ACCOUNT
            or _recent_failures(remote_addr=remote_addr) >= MAX_FAILURES_PER_ADDRESS):
        raise LoginThrottled()
    user = db.session.scalar(select(User).filter_by(email=email))
    ok = user is not None and user.is_enabled and user.check_password(password)
    db.session.add(LoginAttempt(email=email, remote_addr=remote_addr, succeeded=ok))
    record("login" if ok else "login_failed", user, summary=email, actor=user if ok else None)
    if ok:
        user.last_login_at = utcnow()
    db.session.flush()
    return LoginOutcome(user if ok else None)


def end_sessions(user: User) -> None:
    """Log a staff member out everywhere: every session cookie issued so far stops working."""
    user.session_generation = (user.session_generation or 1) + 1
    record("logout", user, summary=user.email, actor=user)
    db.session.flush()
