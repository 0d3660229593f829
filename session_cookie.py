"""The session cookie: Flask's signed cookie, the same bytes, made with less work.

Every request opens the session and every response of a respondent writes it again (it is
permanent and refreshed; a flash message changes it too). Flask builds a new signing
serializer for each of the two (``get_signing_serializer``: a serializer, its signer
settings), and its tagged JSON walks every value of the session through eight type tags even
when it is a plain string or number — a tenth of a respondent's request. Here the serializer
is made once per secret key (and fallbacks) and plain values skip the tags; the cookie, its
signature and what a cookie already issued reads as are unchanged.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

#: types the tagged JSON writes as they are (no tag checks one of these exact types)
_PLAIN = frozenset({str, int, float, bool, type(None)})


class _TaggedJSON(TaggedJSONSerializer):
    """Flask's tagged JSON with a shortcut for plain values (exact types: a ``Markup``, an
    ``IntEnum`` still go through the tags)."""

    def tag(self, value: Any) -> Any:
        if type(value) in _PLAIN:
            return value
        return super().tag(value)


class SessionCookie(SecureCookieSessionInterface):
    """``SecureCookieSessionInterface`` with the serializer kept per key."""

    serializer = _TaggedJSON()

    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, tuple[Any, ...]], URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made = self._serializers.get(keys)
        if made is None:
            made = super().get_signing_serializer(app)
            if made is None:  # no secret key: no session
                return None
            self._serializers[keys] = made
        return made


def install(app: Flask) -> None:
    """Give ``app`` the session cookie of this module."""
    app.session_interface = SessionCookie()
