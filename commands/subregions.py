"""``flask subregions``: load and show the powiat → subregion mapping."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from commands._output import refuse
from extensions import db
from services.subregions import (
    assignments,
    default_scheme,
    import_subregions_file,
    preset_catalogue,
    schemes,
    unassigned_powiats,
)

group = AppGroup("subregions", help="Podregiony: przypisanie powiatów (NUTS-3 albo własne).")


@group.command("import")
@click.argument("path", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--preset", help="Wczytaj podział dostarczany z esmon zamiast pliku "
                               "(lista: flask subregions presets).")
@click.option("--scheme", help="Nazwa schematu (domyślnie z pliku YAML albo "
                               "ESMON_SUBREGION_SCHEME).")
def import_command(path: Path | None, preset: str | None, scheme: str | None) -> None:
    """Wczytaj przypisanie z pliku YAML, CSV (powiat;podregion) albo XLSX albo gotowy podział."""
    if (path is None) == (preset is None):
        raise click.UsageError("Podaj plik albo --preset NAZWA (jedno z dwóch).")
    if preset is not None:
        catalogue = preset_catalogue()
        if preset not in catalogue:
            raise click.UsageError(f"Nie ma gotowego podziału „{preset}”; dostępne: "
                                   f"{', '.join(sorted(catalogue))}.")
        path = catalogue[preset].path
    result = import_subregions_file(path, scheme)
    if result.problems:
        refuse(result.problems, f"{path.name}: ",
               f"Nic nie zmieniono w schemacie „{result.scheme}”.")
    db.session.commit()
    click.echo(f"Schemat „{result.scheme}”: przypisano powiatów {result.assigned}.")
    if result.unassigned:
        click.echo(f"Powiaty województwa bez podregionu: {', '.join(result.unassigned)}.")


@group.command("list")
@click.option("--scheme", help="Pokaż ten schemat (domyślnie ESMON_SUBREGION_SCHEME).")
def list_command(scheme: str | None) -> None:
    """Pokaż schematy i przypisanie powiatów do podregionów."""
    scheme = scheme or default_scheme()
    click.echo(f"Schematy: {', '.join(schemes()) or '(brak)'}; domyślny: {default_scheme()}.")
    rows = assignments(scheme)
    if not rows:
        click.echo(f"Schemat „{scheme}” nie ma przypisań.")
        return
    for row in rows:
        code = f" ({row.subregion_code})" if row.subregion_code else ""
        click.echo(f"{row.subregion_name}{code}\t{row.powiat_code}")
    missing = unassigned_powiats(scheme)
    if missing:
        click.echo(f"Powiaty województwa bez podregionu: {', '.join(missing)}.")


@group.command("presets")
def presets_command() -> None:
    """Pokaż podziały dostarczane z esmon (do --preset)."""
    for preset in preset_catalogue().values():
        click.echo(f"{preset.name}\twoj. {preset.wojewodztwo}\t{preset.path.name}")
