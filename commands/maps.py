"""``flask maps import``: the PRG gmina layer for maps by gmina."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import ngettext

from commands._output import refuse
from extensions import db
from services.maps import import_gmina_layer, maps_dir

group = AppGroup("maps", help="Mapy: warstwa granic gmin (PRG) do map wg gmin.")


@group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Wczytaj warstwę gmin: ZIP z plikiem shapefile albo GeoJSON z atrybutem JPT_KOD_JE."""
    from reports.geo_import import LayerError  # shapely only when a layer is read

    try:
        layer = import_gmina_layer(path)
    except LayerError as err:
        refuse(err.problems, "", "Nic nie wczytano; dotychczasowa warstwa gmin bez zmian.")
    db.session.commit()
    click.echo(ngettext("Wczytano warstwę gmin: %(num)d obrys", "Wczytano warstwę gmin: "
                        "%(num)d obrysy", layer.count) + f" ({maps_dir()}).")
