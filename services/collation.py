"""Polish alphabetical order inside the database, so lists sort and page in SQL.

PostgreSQL has it from ICU (``pl-x-icu``); SQLite gets a ``pl`` collation registered on every
connection (``register_sqlite``) that compares with ``polish_sort_key``, and a ``lower()`` that
knows more than ASCII, so a search for "łamb" finds "Łambinowice" (``ILIKE`` is ``lower() LIKE
lower()`` there) as it does on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from extensions import db
from l10n import polish_sort_key


def polish(column: Any) -> ColumnElement:
    """``column COLLATE <Polish>`` for ORDER BY on the database in use."""
    return column.collate("pl-x-icu" if db.engine.dialect.name == "postgresql" else "pl")


def _compare(a: str | None, b: str | None) -> int:
    key_a, key_b = polish_sort_key(a or ""), polish_sort_key(b or "")
    return (key_a > key_b) - (key_a < key_b)


def _lower(text: str | None) -> str | None:
    return text.lower() if isinstance(text, str) else text


def register_sqlite(dbapi_connection: Any) -> None:
    """Called for each new SQLite connection (``app._sqlite_pragmas``)."""
    dbapi_connection.create_collation("pl", _compare)
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
