"""Personal link tokens: 256 random bits, only their SHA-256 kept in the database."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token() -> tuple[str, str]:
    """A fresh URL-safe token and its hash: ``(token, token_hash)``."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """Hex SHA-256 of a token (a plain hash suffices: the token itself has 256 bits)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
