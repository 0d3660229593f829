"""``flask organisations``: the organisations a deployment serves and their territory."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from extensions import db
from models import Organisation, User
from services.organisations import OrganisationError, create_organisation, find_organisation
from services.scoping import default_organisation, scope_prefixes

group = AppGroup("organisations", help="Organizacje (gmina, ROPS, operator krajowy) i ich obszar.")


@group.command("create")
@click.argument("name")
@click.option("--scope", required=True,
              help="gmina:TERYT, powiat:TERYT[,TERYT…], podregion:SCHEMAT:NAZWA (powiaty "
                   "podregionu, np. podregion:owes:północny), woj:NN[,NN…] albo kraj.")
@click.option("--partner-of", "partner_of",
              help="Nazwa organizacji, której partnerem regionalnym jest nowa (widzi jej dane "
                   "ze swojego obszaru).")
def create(name: str, scope: str, partner_of: str | None) -> None:
    """Utwórz organizację z obszarem działania."""
    parent = None
    if partner_of:
        parent = find_organisation(partner_of)
        if parent is None:
            raise click.ClickException(f"Nie ma organizacji „{partner_of}”.")
    try:
        organisation = create_organisation(name, scope, partner_of=parent)
    except OrganisationError as err:
        db.session.rollback()
        raise click.ClickException(str(err)) from err
    db.session.commit()
    click.echo(f"Utworzono organizację „{organisation.name}” ({organisation.scope}).")


@group.command("list")
def list_organisations() -> None:
    """Wypisz organizacje: nazwa, obszar, partner czyj, liczba kont."""
    default_organisation()
    db.session.commit()
    for organisation in db.session.scalars(select(Organisation).order_by(Organisation.name)):
        accounts = db.session.scalars(select(User.id).where(
            User.organisation_id == organisation.id)).all()
        scope = organisation.scope
        if organisation.is_default:
            prefixes = scope_prefixes(organisation)
            scope = ("woj:" + ",".join(prefixes) if prefixes else "kraj") + \
                " (domyślna, ESMON_WOJEWODZTWO)"
        parent = f"\tpartner: {organisation.partner_of.name}" if organisation.partner_of else ""
        click.echo(f"{organisation.name}\t{scope}\tkont: {len(accounts)}{parent}")
