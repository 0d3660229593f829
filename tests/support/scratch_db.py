"""Throwaway databases for tests and benchmarks: a PostgreSQL schema of their own, or SQLite.

Tests, the backup round trip and the benchmarks all need a clean place to create tables in
and to remove afterwards without touching anything else in the server's database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa


def with_search_path(url: str, schema: str) -> str:
    """The URL with every connection's ``search_path`` set to ``schema``."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


@contextmanager
def scratch_schema(url: str, prefix: str = "esmon_scratch") -> Iterator[str]:
    """A new PostgreSQL schema for the duration of the block; yields a URL that uses it.

    :raise sqlalchemy.exc.OperationalError: when the server cannot be reached.
    """
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield with_search_path(url, schema)
        finally:
            with engine.begin() as connection:
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        engine.dispose()


@contextmanager
def scratch_database(url: str | None, folder: Path, prefix: str = "esmon_scratch"
                     ) -> Iterator[str]:
    """A URL to work in: a SQLite file in ``folder`` when ``url`` is None, a scratch schema on
    PostgreSQL, or ``url`` itself for any other database."""
    if url is None:
        yield f"sqlite:///{folder / 'scratch.sqlite'}"
    elif url.startswith("postgresql"):
        with scratch_schema(url, prefix) as scoped:
            yield scoped
    else:
        yield url


def truncate_all(connection: sa.Connection, metadata: sa.MetaData) -> None:
    """Empty every table of ``metadata`` on PostgreSQL at once (faster than dropping them)."""
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
