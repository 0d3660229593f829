"""``flask rounds``: list rounds and set up a round for exactly the units of a list file.

A national operator invites its 580 JST from a spreadsheet: ``flask rounds create plan-uslug
--organisation "Operator Nowa wiedza" --year 2026 --deadline 2026-03-31 --units jst.xlsx``
makes the draft (checked on its pages before launch), ``--launch`` sends the invitations too.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from commands._acting import act_as_named
from commands._output import refuse
from extensions import db
from l10n.clock import today_in_poland
from models import Round
from services.questionnaires import registry, sync_questionnaires
from services.round_list import read_round_list, set_recipients_from_list
from services.rounds import RoundSelection, launch_round, set_up_round

group = AppGroup("rounds", help="Rundy: lista, runda dla jednostek z pliku (CSV/XLSX).")

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@group.command("list")
@click.option("--organisation", "organisation_name", help="Rundy tej organizacji.")
def list_rounds(organisation_name: str | None) -> None:
    """Wypisz rundy: id, stan, termin, tytuł."""
    act_as_named(organisation_name)
    for round_ in db.session.scalars(select(Round).order_by(Round.id)).unique():
        click.echo(f"{round_.id}\t{round_.status}\t{round_.deadline.isoformat()}\t"
                   f"{round_.title}")


@group.command("create")
@click.argument("key")
@click.option("--units", "units_path", type=_FILE, required=True,
              help="Plik CSV/XLSX z kolumną teryt (albo id) — dokładnie te jednostki.")
@click.option("--organisation", "organisation_name",
              help="Organizacja, do której należy runda (domyślnie organizacja domyślna).")
@click.option("--year", type=click.IntRange(2000, 2100), required=True,
              help="Rok sprawozdawczy.")
@click.option("--half", type=click.Choice(["H1", "H2"]),
              help="Półrocze (tylko ankieta półroczna, period: half_year).")
@click.option("--deadline", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="Termin (RRRR-MM-DD).")
@click.option("--opens", type=click.DateTime(["%Y-%m-%d"]), help="Otwarcie (domyślnie dziś).")
@click.option("--title", help="Tytuł rundy (domyślnie tytuł ankiety i okres).")
@click.option("--reminders", default="7,2", show_default=True,
              help="Dni przed terminem, w które iść mają przypomnienia.")
@click.option("--launch", is_flag=True,
              help="Od razu uruchom rundę i zakolejkuj zaproszenia (bez tego: szkic).")
def create(key: str, units_path: Path, organisation_name: str | None, year: int,
           half: str | None, deadline, opens, title: str | None, reminders: str,
           launch: bool) -> None:
    """Utwórz rundę ankiety KEY dla jednostek z pliku; każdy zły wiersz — nic nie powstaje."""
    act_as_named(organisation_name)
    versions = [q for q in sync_questionnaires() if q.key == key]
    if not versions:
        raise click.ClickException(f"Nie ma ankiety „{key}” (flask surveys list).")
    questionnaire = max(versions, key=lambda q: q.id)
    half_year = registry().from_source(questionnaire.source_text,
                                       questionnaire.source_name).survey.period == "half_year"
    if half_year != bool(half):
        raise click.ClickException("Ta ankieta jest półroczna — podaj --half H1 albo H2."
                                   if half_year else "Ta ankieta jest roczna — bez --half.")
    opens_on: date = opens.date() if opens else today_in_poland()
    if deadline.date() < opens_on:
        raise click.ClickException(
            f"Termin ({deadline.date():%Y-%m-%d}) nie może być wcześniejszy niż otwarcie "
            f"({opens_on:%Y-%m-%d}{'' if opens else ', dziś'}): podaj późniejszy --deadline"
            f"{'' if opens else ' albo --opens'}.")
    try:
        days = sorted({int(x) for x in reminders.split(",") if x.strip()}, reverse=True)
    except ValueError as err:
        raise click.ClickException(f"--reminders: „{reminders}” to nie lista dni.") from err
    round_, _count = set_up_round(
        questionnaire, [], period=f"{year}-{half}" if half else str(year),
        reporting_year=year, opens_on=opens_on, deadline=deadline.date(), title=title,
        reminder_days=days, allow_late=False, launch=False, selection=RoundSelection(manual=True))
    listed = read_round_list(round_, units_path.read_bytes(), units_path.name)
    for column in listed.ignored_columns:
        click.echo(f"Pominięto nieznaną kolumnę „{column}”.", err=True)
    if not listed.ok:
        refuse(listed.problems, f"{units_path.name}: ",
               f"Nie utworzono rundy: problemów {len(listed.problems)}.")
    set_recipients_from_list(round_, listed.units, units_path.name)
    sent = launch_round(round_, listed.units) if launch else 0
    db.session.commit()
    if launch:
        from mailing.inline import sends_inline

        who = ("wyśle je to polecenie, gdy skończy" if sends_inline(current_app)
               else "wysyła je flask mail-worker")
        click.echo(f"Runda {round_.id} „{round_.title}” otwarta; zaproszenia w kolejce: {sent} "
                   f"({who}).")
    else:
        click.echo(f"Szkic rundy {round_.id} „{round_.title}”; odbiorcy z pliku: "
                   f"{len(listed.units)}. Sprawdź odbiorców i zaproszenie na stronie rundy, potem "
                   f"ją uruchom.")
