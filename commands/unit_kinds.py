"""``flask unit-kinds``: the kinds of reporting units (the shipped file and organisations' own)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from commands._acting import act_as_named, organisation_named
from extensions import db
from forms.kinds import KINDS_FILE
from services.organisations import OrganisationError
from services.unit_kinds import add_kind, kinds

group = AppGroup("unit-kinds", help="Rodzaje jednostek: z pliku registers/unit_kinds.yaml "
                                    "i własne rodzaje organizacji.")


@group.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--organisation", "organisation_name", required=True,
              help="Organizacja, która dodaje rodzaj (widzą go też jej partnerzy).")
@click.option("--plural", default="", help="Trzy formy po przecinku: 1, 2–4, 5+ "
                                           "(np. „sołectwo,sołectwa,sołectw”).")
@click.option("--teryt", type=click.Choice(["gmina", "powiat", "any"]), default="any",
              show_default=True, help="Jaki kod TERYT ma jednostka tego rodzaju.")
@click.option("--questionnaire", "questionnaires", multiple=True,
              help="Klucz ankiety, do której rund można zapraszać ten rodzaj (można powtórzyć).")
def add(code: str, name: str, organisation_name: str, plural: str, teryt: str,
        questionnaires: tuple[str, ...]) -> None:
    """Dodaj organizacji własny rodzaj jednostek."""
    organisation = organisation_named(organisation_name)
    try:
        row = add_kind(organisation, code, name, plural.split(",") if plural else [],
                       teryt=teryt, questionnaires=list(questionnaires))
    except OrganisationError as err:
        db.session.rollback()
        raise click.ClickException(str(err)) from err
    db.session.commit()
    click.echo(f"Dodano rodzaj {row.code} („{row.name}”) organizacji {organisation.name}.")


@group.command("list")
@click.option("--organisation", "organisation_name",
              help="Rodzaje, których może używać ta organizacja (domyślnie: tylko z pliku).")
def list_kinds(organisation_name: str | None) -> None:
    """Wypisz rodzaje: kod, nazwa, formy mnogie, poziom TERYT, ankiety."""
    if organisation_name:
        act_as_named(organisation_name)
    else:
        click.echo(f"Rodzaje z pliku {KINDS_FILE.name}:")
    for kind in kinds().values():
        only = f"\tankiety: {', '.join(kind.questionnaires)}" if kind.questionnaires else ""
        click.echo(f"{kind.code}\t{kind.name}\t{'/'.join(kind.plural)}\t{kind.teryt}{only}")
