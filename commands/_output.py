"""Console output shared by the import commands."""

from __future__ import annotations

from collections.abc import Iterable

import click

from extensions import db


def refuse(problems: Iterable[object], prefix: str, summary: str) -> None:
    """Roll back, print every problem and a closing line, and exit with code 1."""
    db.session.rollback()
    for problem in problems:
        click.echo(f"{prefix}{problem}", err=True)
    click.echo(summary, err=True)
    raise SystemExit(1)
