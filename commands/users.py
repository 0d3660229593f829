"""``flask users …``: staff accounts. Passwords come from a prompt or stdin, never an argument."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from extensions import db
from models import User
from models.user import ROLES

group = AppGroup("users", help="Konta pracowników ROPS.")
MIN_PASSWORD = 10


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Hasło", hide_input=True, confirmation_prompt="Powtórz hasło")
    return sys.stdin.readline().rstrip("\n")


@group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(sorted(ROLES)), default="coordinator",
              show_default=True)
@click.option("--name", "full_name", help="Imię i nazwisko.")
def create(email: str, role: str, full_name: str | None) -> None:
    """Utwórz konto (albo zmień hasło i rolę istniejącego). Hasło: z monitu lub stdin."""
    email = email.strip().lower()
    if "@" not in email:
        raise click.ClickException("Podaj adres e-mail.")
    password = _read_password()
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"Hasło musi mieć co najmniej {MIN_PASSWORD} znaków.")
    user = db.session.scalar(select(User).filter_by(email=email))
    created = user is None
    if created:
        user = User(email=email)
        db.session.add(user)
    user.role, user.full_name, user.is_enabled = role, full_name or user.full_name, True
    user.set_password(password)
    db.session.commit()
    click.echo(f"{'Utworzono' if created else 'Zaktualizowano'} konto {email} ({ROLES[role]}).")


@group.command("list")
def list_users() -> None:
    """Wypisz konta."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "" if user.is_enabled else " (wyłączone)"
        click.echo(f"{user.email}\t{user.role}{state}")
