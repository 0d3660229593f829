"""``flask units``: fill the units register from a spreadsheet or from TERYT."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from commands._acting import act_as_named
from commands._output import refuse
from extensions import db
from services.units_import import UnitsImport, create_jst_units, import_units

group = AppGroup("units", help="Rejestr jednostek: import z CSV/XLSX i JST z rejestru TERYT.")

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _finish(result: UnitsImport, path_name: str = "", kind: str = "") -> None:
    """Commit and print the counts, or roll back, print every problem and exit 1."""
    prefix = f"{path_name}: " if path_name else ""
    for column in result.ignored_columns:
        click.echo(f"Pominięto nieznaną kolumnę „{column}”.", err=True)
    if result.problems:
        refuse(result.problems, prefix,
               f"Nic nie zaimportowano: problemów {len(result.problems)}.")
    db.session.commit()
    click.echo(f"Nowych jednostek {result.created}, zmienionych {result.updated}, "
               f"bez zmian {result.unchanged}.")
    if result.other_level:  # create-jst only: the other run's rows
        other = "gmina" if kind == "powiat" else "powiat"
        click.echo(f"Pominięto wierszy z kodami {'gmin' if other == 'gmina' else 'powiatów'}: "
                   f"{result.other_level} (utworzy je --kind {other}).")
    if result.without_email:
        click.echo(f"Bez adresu e-mail ({len(result.without_email)}): "
                   f"{', '.join(result.without_email)}.")


_ORGANISATION = click.option(
    "--organisation", "organisation_name",
    help="Organizacja, do której rejestru trafią jednostki (flask organisations list); "
         "domyślnie organizacja domyślna.")


@group.command("import")
@click.argument("path", type=_FILE)
@_ORGANISATION
def import_command(path: Path, organisation_name: str | None) -> None:
    """Wczytaj jednostki z pliku CSV albo XLSX (kolumny: rodzaj, nazwa, kod_teryt, e-mail,
    opcjonalnie regon, krs, osoba_kontaktowa)."""
    act_as_named(organisation_name)
    _finish(import_units(path.read_bytes(), path.name), path.name)


@group.command("create-jst")
@click.option("--kind", type=click.Choice(["gmina", "powiat"]), required=True,
              help="Utwórz gminy albo powiaty obszaru (ESMON_WOJEWODZTWO albo --organisation).")
@click.option("--emails", "emails_path", type=_FILE,
              help="Plik CSV/XLSX z kolumnami teryt;email.")
@_ORGANISATION
def create_jst_command(kind: str, emails_path: Path | None,
                       organisation_name: str | None) -> None:
    """Utwórz jednostki JST z rejestru TERYT, z adresami e-mail z pliku."""
    act_as_named(organisation_name)  # and the JST of its area only
    if emails_path is None:
        _finish(create_jst_units(kind), kind=kind)
    else:
        _finish(create_jst_units(kind, emails_path.read_bytes(), emails_path.name),
                emails_path.name, kind)
