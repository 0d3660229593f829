"""The personal link in a queued message: never in clear at rest.

A unit's link is a bearer credential (``/r/<token>``: whoever has it answers as the unit), so
the outbox keeps a message's body with ``LINK_PLACEHOLDER`` where the token goes, and the
token beside it encrypted (Fernet: AES-128-CBC with HMAC-SHA256). The token is put into the
body only in what is handed to the SMTP server (and, in development, into the ``.eml`` file
that stands in for a mailbox), and the encrypted copy is blanked as soon as the message is
sent or given up. A database reader, a backup zip, the admin's mail page and the ``.eml``
copies outside development see ``/r/••••••••`` instead.

The key is derived from ``SECRET_KEY`` (HKDF-SHA256, its own purpose label), which lives in
the environment, never in the database or a backup: one secret to manage, already mandatory
outside development. Rotating ``SECRET_KEY`` (keep the old one in ``SECRET_KEY_FALLBACKS``
until the queue is empty) leaves queued links readable; a message whose link can no longer be
read fails with an error that says to send the link again.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask

#: stands for the token in a stored body (URL-safe: it sits inside the link)
LINK_PLACEHOLDER = "ESMON-LINK-TOKEN-PLACEHOLDER"
#: what a stored or copied body shows instead of the token
MASK = "••••••••"
_PURPOSE = b"esmon outbox personal link v1"


class LinkUnreadable(Exception):
    """The encrypted token cannot be read with the current keys (``SECRET_KEY`` changed)."""


@lru_cache(maxsize=8)
def _fernet(secret: str | bytes) -> Fernet:
    """The cipher of one secret (derived once: a worker sends thousands of messages)."""
    material = secret.encode("utf-8") if isinstance(secret, str) else secret
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(material)
    return Fernet(base64.urlsafe_b64encode(key))


def _keys(app: Flask) -> MultiFernet:
    secrets: Iterable = (app.config["SECRET_KEY"], *(app.config.get("SECRET_KEY_FALLBACKS")
                                                     or ()))
    return _multi(tuple(secrets))


@lru_cache(maxsize=8)
def _multi(secrets: tuple) -> MultiFernet:
    return MultiFernet([_fernet(secret) for secret in secrets])


def encrypt_token(app: Flask, token: str) -> str:
    """The token as the outbox may keep it."""
    return _keys(app).encrypt(token.encode("ascii")).decode("ascii")


def decrypt_token(app: Flask, stored: str) -> str:
    """:raise LinkUnreadable: when no current key opens it."""
    try:
        return _keys(app).decrypt(stored.encode("ascii")).decode("ascii")
    except InvalidToken as err:
        raise LinkUnreadable from err


def with_token(body: str | None, token: str) -> str | None:
    """The body as the unit receives it."""
    return body.replace(LINK_PLACEHOLDER, token) if body is not None else None


def masked(body: str | None) -> str | None:
    """The body as anyone but the unit sees it."""
    return body.replace(LINK_PLACEHOLDER, MASK) if body is not None else None
