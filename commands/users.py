"""``flask users …``: staff accounts. Passwords come from a prompt or stdin, never an argument."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from extensions import db
from models import User
from models.user import ROLES
from services.organisations import OrganisationError, create_user, find_organisation
from services.scoping import default_organisation

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
@click.option("--organisation", "organisation_name",
              help="Nazwa organizacji konta (flask organisations list); domyślnie organizacja "
                   "domyślna (albo dotychczasowa organizacja konta).")
def create(email: str, role: str, full_name: str | None, organisation_name: str | None) -> None:
    """Utwórz konto (albo zmień hasło, rolę i organizację istniejącego). Hasło: z monitu lub
    stdin."""
    email = email.strip().lower()
    if "@" not in email:
        raise click.ClickException("Podaj adres e-mail.")
    if organisation_name:
        organisation = find_organisation(organisation_name)
        if organisation is None:
            raise click.ClickException(
                f"Nie ma organizacji „{organisation_name}” (flask organisations list).")
    else:
        existing = db.session.scalar(select(User).filter_by(email=email))
        organisation = existing.organisation if existing else default_organisation()
    password = _read_password()
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"Hasło musi mieć co najmniej {MIN_PASSWORD} znaków.")
    created = db.session.scalar(select(User).filter_by(email=email)) is None
    try:
        create_user(email, role, organisation, full_name=full_name, password=password)
    except OrganisationError as err:
        db.session.rollback()
        raise click.ClickException(str(err)) from err
    db.session.commit()
    click.echo(f"{'Utworzono' if created else 'Zaktualizowano'} konto {email} ({ROLES[role]}, "
               f"{organisation.name}).")


@group.command("list")
def list_users() -> None:
    """Wypisz konta."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "" if user.is_enabled else " (wyłączone)"
        click.echo(f"{user.email}\t{user.role}\t{user.organisation.name}{state}")
