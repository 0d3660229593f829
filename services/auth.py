"""Staff sign-in: checking a password, throttling repeated failures, recording each attempt."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from extensions import db
from models import LoginAttempt, User
from models.types import utcnow
from services.audit import record

WINDOW = timedelta(minutes=15)
#: failures for one account from one address: a guesser elsewhere cannot lock the owner out
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash checked for unknown e-mails, so the answer takes as long as for a real one."""
    return generate_password_hash(secrets.token_urlsafe(16), method="scrypt")


@dataclass(frozen=True)
class Lock:
    """A current login lock: an account from one address, or an address for every account."""

    email: str | None
    remote_addr: str
    failures: int
    last_at: datetime


class LoginThrottled(Exception):
    """Too many recent failures for this account or address: no password is checked."""


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None

    @property
    def ok(self) -> bool:
        return self.user is not None


def _failures():
    """Failed attempts that count towards a lock: recent and not lifted by an admin."""
    return (LoginAttempt.succeeded.is_(False), LoginAttempt.cleared_at.is_(None),
            LoginAttempt.at > utcnow() - WINDOW)


def _recent_failures(**where: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LoginAttempt).filter_by(**where)
        .where(*_failures())) or 0


def attempt_login(email: str, password: str, remote_addr: str) -> LoginOutcome:
    """Check a staff member's password; every attempt is stored and audited.

    :raise LoginThrottled: before any check, when this account failed too often from this
        address, or this address failed too often for any accounts
    """
    email = email.strip().lower()
    if (_recent_failures(email=email, remote_addr=remote_addr) >= MAX_FAILURES_PER_ACCOUNT
            or _recent_failures(remote_addr=remote_addr) >= MAX_FAILURES_PER_ADDRESS):
        raise LoginThrottled
    user = db.session.scalar(select(User).filter_by(email=email))
    if user is None or not user.is_enabled:
        check_password_hash(_dummy_hash(), password)  # the same work: no account is told apart
        ok = False
    else:
        ok = user.check_password(password)
    db.session.add(LoginAttempt(email=email, remote_addr=remote_addr, succeeded=ok))
    record("login" if ok else "login_failed", user, summary=email, actor=user if ok else None)
    if ok and user is not None:
        user.last_login_at = utcnow()
    db.session.flush()
    return LoginOutcome(user if ok else None)


def end_sessions(user: User) -> None:
    """Log a staff member out everywhere: every session cookie issued so far stops working."""
    user.session_generation = (user.session_generation or 1) + 1
    record("logout", user, summary=user.email, actor=user)
    db.session.flush()


def current_locks() -> list[Lock]:
    """Every lock in force: (account, address) pairs, then addresses, newest first."""
    pairs = db.session.execute(
        select(LoginAttempt.email, LoginAttempt.remote_addr, func.count(),
               func.max(LoginAttempt.at))
        .where(*_failures()).group_by(LoginAttempt.email, LoginAttempt.remote_addr)
        .having(func.count() >= MAX_FAILURES_PER_ACCOUNT))
    addresses = db.session.execute(
        select(LoginAttempt.remote_addr, func.count(), func.max(LoginAttempt.at))
        .where(*_failures()).group_by(LoginAttempt.remote_addr)
        .having(func.count() >= MAX_FAILURES_PER_ADDRESS))
    locks = [Lock(email, address, count, last) for email, address, count, last in pairs]
    locks += [Lock(None, address, count, last) for address, count, last in addresses]
    return sorted(locks, key=lambda lock: lock.last_at, reverse=True)


def unlock(remote_addr: str, email: str | None = None) -> int:
    """Lift a lock (an account from an address, or a whole address); audited.

    :return: how many failed attempts no longer count
    """
    query = update(LoginAttempt).where(*_failures(), LoginAttempt.remote_addr == remote_addr)
    if email is not None:
        query = query.where(LoginAttempt.email == email)
    lifted = db.session.execute(query.values(cleared_at=utcnow())
                                .execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
    record("login_unlock", None, summary=f"{email or '*'} z adresu {remote_addr}",
           after={"email": email, "remote_addr": remote_addr, "failures": lifted})
    db.session.flush()
    return lifted
