"""Console output shared by the import commands."""

from __future__ import annotations

from collections.abc import Iterable

import click

from extensions import db
from services.uploads import listed


def refuse(problems: Iterable[object], prefix: str, summary: str) -> None:
    """Roll back, print every problem and a closing line, and exit with code 1."""
    db.session.rollback()
    shown, more = listed(list(problems))
    for problem in shown:
        click.echo(f"{prefix}{problem}", err=True)
    if more:
        click.echo(f"{prefix}… i jeszcze {more} (pokazano pierwsze {len(shown)})", err=True)
    click.echo(summary, err=True)
    raise SystemExit(1)
