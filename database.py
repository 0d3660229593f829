"""Engine settings that make a database outage fail fast instead of hanging a request.

Without them a request to a partitioned PostgreSQL waits for the operating system's TCP
timeouts (minutes) until gunicorn kills the worker; with them it meets an error within
seconds and the user gets the 503 page (``views/outage.py``) with what they typed.

* connecting gives up after ``ESMON_DB_CONNECT_TIMEOUT`` seconds (PostgreSQL
  ``connect_timeout``; on SQLite the same number is the busy timeout: how long to wait for a
  writer's lock);
* a connection whose packets go unanswered for that long is dead (``tcp_user_timeout`` and
  TCP keep-alives), so a pooled connection across a partition fails too;
* a statement may run ``ESMON_DB_STATEMENT_TIMEOUT`` seconds (PostgreSQL
  ``statement_timeout``), below gunicorn's ``ESMON_TIMEOUT``, in web requests; management
  commands (backup, exports, the mail worker) run without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from flask import Flask

#: the Alembic environment and versions, next to this file
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def engine_options(config: Mapping[str, Any], *, web: bool) -> dict[str, Any]:
    """``SQLALCHEMY_ENGINE_OPTIONS`` for the configured database, timeouts included.

    :param web: the process serves requests (a statement timeout applies)
    """
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    connect_timeout = float(config.get("ESMON_DB_CONNECT_TIMEOUT", 5))
    connect_args = dict(options.get("connect_args") or {})
    backend = url.get_backend_name()
    if backend != "sqlite":
        # a server's connection can die in the pool (a restart, a firewall's idle cut): test
        # it on checkout. A SQLite file's cannot, and the test was a ``SELECT 1`` per request
        options.setdefault("pool_pre_ping", True)
    if backend == "postgresql":
        connect_args.setdefault("connect_timeout", max(1, round(connect_timeout)))
        connect_args.setdefault("tcp_user_timeout", int(connect_timeout * 1000))
        connect_args.setdefault("keepalives", 1)
        connect_args.setdefault("keepalives_idle", max(1, round(connect_timeout)))
        connect_args.setdefault("keepalives_interval", 1)
        connect_args.setdefault("keepalives_count", 3)
        statement_timeout = float(config.get("ESMON_DB_STATEMENT_TIMEOUT", 30))
        if web and statement_timeout > 0:
            # the URL may carry options of its own (a search_path): keep them
            existing = url.query.get("options", "")
            existing = existing if isinstance(existing, str) else " ".join(existing)
            connect_args["options"] = (
                f"{existing} -c statement_timeout={int(statement_timeout * 1000)}").strip()
    elif backend == "sqlite":
        connect_args.setdefault("timeout", connect_timeout)
    options["connect_args"] = connect_args
    return options


def install_migrations(app: Flask) -> None:
    """Bind Flask-Migrate to ``app`` (once): ``flask db …`` and ``flask_migrate.upgrade()``.

    Called where migrations run, not by ``create_app``: importing Flask-Migrate imports
    alembic, which no web request and no other command needs.
    """
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    from extensions import db

    Migrate(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
