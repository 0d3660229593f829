"""``flask territory import``: the official GUS TERC register."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import ngettext

from extensions import db
from services.teryt import TercFormatError, import_terc_file

group = AppGroup("territory", help="Rejestr TERYT (TERC): import jednostek terytorialnych.")


@group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--region", help="Tylko to województwo (dwie cyfry, np. 16).")
def import_command(path: Path, region: str | None) -> None:
    """Wczytaj plik TERC (XML albo CSV) z eteryt.stat.gov.pl."""
    try:
        summary = import_terc_file(path, region)
    except (TercFormatError, UnicodeDecodeError) as err:
        db.session.rollback()
        raise click.ClickException(f"{path.name}: {err}") from err
    db.session.commit()
    click.echo(f"TERC stan na {summary.valid_on}: nowych {summary.created}, zmienionych "
               f"{summary.updated}, bez zmian {summary.unchanged}.")
    if summary.older:
        click.echo(ngettext("Pominięto %(num)d jednostkę", "Pominięto %(num)d jednostki",
                            summary.older)
                   + ": baza ma je z nowszego rejestru (zapisano je tylko w historii).")
