"""Personal API tokens: created and revoked by their owner, checked on every API call.

A token is 256 random bits shown once; the database keeps its SHA-256 and its first
characters (to tell tokens apart on the settings page). A revoked or expired token, or one of
a disabled account, opens nothing. Creation, revocation and every call are audited.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext
from sqlalchemy import select

from extensions import db
from l10n.clock import today_in_poland
from models import ApiToken, User
from models.types import utcnow
from services.audit import record
from services.tokens import hash_token, new_token

#: the longest a token may live: a year, then its owner makes a new one
MAX_DAYS = 366
#: how a token is written: esmon_<random> (the prefix tells what kind of secret leaked)
PREFIX = "esmon_"
#: staff roles whose tokens read data
API_ROLES = frozenset({"admin", "coordinator"})


class TokenError(ValueError):
    """A token cannot be created as asked; the message (Polish) says why."""


def latest_expiry(today: date | None = None) -> date:
    return (today or today_in_poland()) + timedelta(days=MAX_DAYS)


def create_token(user: User, name: str, expires_on: date) -> tuple[ApiToken, str]:
    """A new read token for ``user``: the row and the token text (shown once, never again)."""
    today = today_in_poland()
    if not today < expires_on <= latest_expiry(today):
        raise TokenError(gettext("Data ważności: od jutra do %(last)s.",
                                 last=latest_expiry(today).isoformat()))
    secret, _ = new_token()
    text = PREFIX + secret
    token = ApiToken(user_id=user.id, name=name.strip()[:100], token_hash=hash_token(text),
                     prefix=text[:12], scope="read", expires_on=expires_on)
    db.session.add(token)
    db.session.flush()
    record("api_token_create", token, summary=f"{token.name} ({token.prefix}…), do "
           f"{expires_on.isoformat()}", actor=user)
    return token, text


def revoke_token(user: User, token_id: int) -> ApiToken | None:
    """Revoke one of ``user``'s own tokens; ``None`` when it is not theirs or not found."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return None
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record("api_token_revoke", token, summary=f"{token.name} ({token.prefix}…)", actor=user)
    return token


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def authenticate(text: str) -> ApiToken | None:
    """The active token with this text (its user enabled and still staff), or ``None``."""
    if not text.startswith(PREFIX) or len(text) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(text)))
    if token is None or not token.is_active(today_in_poland()):
        return None
    user = token.user
    if user is None or not user.is_enabled or user.role not in API_ROLES:
        return None
    return token


def record_call(token: ApiToken, path: str, status: int) -> None:
    """Every API call is in the audit log: who, with which token, what was read."""
    token.last_used_at = utcnow()
    record("api_call", token, summary=f"{status} {path}"[:500], actor=token.user)
