"""The session cookie is Flask's: the same bytes for the same session, either one reads both."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import IntEnum

from flask.sessions import SecureCookieSessionInterface
from markupsafe import Markup

from session_cookie import SessionCookie


class _Level(IntEnum):
    HIGH = 2


SESSION = {
    "_flashes": [("success", "Zapisano wersję roboczą."), ("warning", Markup("<b>uwaga</b>"))],
    "_permanent": True,
    "_fresh": False,
    "csrf_token": "95fc4a97f0e04367cafc823fa09f08e418bb4831",
    "invitation_id": 4,
    "share": 0.25,
    "none": None,
    "page": {"period": "2025", "unit": "Gmina Żółć", "year": 2025},
    "tagged": {" t": ["a dict whose one key is a tag"]},
    "when": datetime(2026, 3, 31, 12, 5, tzinfo=UTC),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "raw": b"\x00\x01",
    "level": _Level.HIGH,
    "nested": [[1, "x"], ("t", 2), {"k": [True, None]}],
}


def test_the_cookie_is_the_one_flask_writes_and_reads_back(app):
    ours = app.session_interface
    assert isinstance(ours, SessionCookie)
    flasks = SecureCookieSessionInterface()
    assert ours.serializer.dumps(SESSION) == flasks.serializer.dumps(SESSION)
    assert ours.serializer.loads(ours.serializer.dumps(SESSION)) == SESSION
    issued = flasks.get_signing_serializer(app).dumps(SESSION)
    assert ours.get_signing_serializer(app).loads(issued) == SESSION
    assert flasks.get_signing_serializer(app).loads(
        ours.get_signing_serializer(app).dumps(SESSION)) == SESSION


def test_the_serializer_follows_the_secret_key(app):
    ours = app.session_interface
    before = ours.get_signing_serializer(app)
    assert ours.get_signing_serializer(app) is before  # made once per key
    cookie = before.dumps({"a": 1})
    app.secret_key, old = "another-secret-key-for-the-test", app.secret_key
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    after = ours.get_signing_serializer(app)
    assert after is not before
    assert after.loads(cookie) == {"a": 1}  # signed with the old key: still read
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert ours.get_signing_serializer(app).loads(after.dumps({"b": 2})) == {"b": 2}
