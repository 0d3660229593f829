"""``flask db …``: Flask-Migrate's commands, loaded only when one of them runs.

Importing Flask-Migrate imports alembic and its dialect modules (about half a second of a
cold start); every other command and ``flask --help`` would pay it for nothing. This group
stands in for Flask-Migrate's ``db`` group and hands over to it on first use.
"""

from __future__ import annotations

from typing import Any

import click
from flask import current_app

import database


class MigrationsGroup(click.Group):
    """A ``db`` group that binds Flask-Migrate to the app and hands its arguments over.

    ``make_context`` returns the context of Flask-Migrate's own group, so its options
    (``-d``, ``-x``), its callback and its commands run exactly as without this stand-in.
    """

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        database.install_migrations(current_app)
        from flask_migrate.cli import db as flask_migrate_group

        return flask_migrate_group.make_context(info_name, args, parent=parent, **extra)


group = MigrationsGroup("db", help="Migracje schematu bazy (Flask-Migrate, alembic).")
