"""``flask backup PATH`` and ``flask restore PATH``; the engine is ``services.backup``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import ngettext

from extensions import db
from services.backup import BackupError, dump_to_file, restore


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def backup_command(path: Path) -> None:
    """Zapisz całą bazę do pliku PATH (zip: manifest.json i tabele w JSON Lines)."""
    try:
        manifest = dump_to_file(db.engine, path)
    except BackupError as err:
        raise click.ClickException(str(err)) from err
    total = sum(t["rows"] for t in manifest["tables"])
    click.echo(f"Zapisano kopię: {path} — "
               + ngettext("%(num)d tabela", "%(num)d tabele", len(manifest["tables"])) + ", "
               + ngettext("%(num)d wiersz", "%(num)d wiersze", total)
               + f", schemat {manifest['alembic_revision'] or '(bez migracji)'}.")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="Usuń dane z bazy docelowej przed przywróceniem (domyślnie tylko do pustej).")
def restore_command(path: Path, replace: bool) -> None:
    """Przywróć kopię z pliku PATH do pustej, zmigrowanej bazy (w jednej transakcji)."""
    try:
        report = restore(db.engine, path, replace=replace)
    except BackupError as err:
        raise click.ClickException(str(err)) from err
    total = sum(report.rows.values())
    click.echo(ngettext("Przywrócono %(num)d wiersz", "Przywrócono %(num)d wiersze", total) + " "
               + ngettext("z %(num)d tabeli", "z %(num)d tabel", len(report.rows))
               + (" (poprzednie dane usunięto)." if report.replaced else "."))
