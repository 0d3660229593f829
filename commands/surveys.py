"""``flask surveys …``: check, list and load questionnaire definitions."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext, ngettext

from extensions import db
from forms.kinds import KINDS_FILE, load_kinds_file
from forms.loader import definition_files, load_survey_file
from forms.registry import follow_up_problems
from forms.xlsform import MAX_FILE_BYTES, import_xlsform
from l10n.web import number
from services.questionnaires import VersionConflict, sync_questionnaires

group = AppGroup("surveys", help="Definicje ankiet: sprawdzanie, lista, wczytanie do bazy.")


@group.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Sprawdź definicje (domyślnie cały folder survey_defs/) i wypisz wszystkie problemy."""
    started = time.perf_counter()
    files: list[Path] = []
    for path in paths or (Path(current_app.config["SURVEY_DEFS_DIR"]),):
        files += definition_files(path) if path.is_dir() else [path]
    kinds, problems = load_kinds_file()
    if not problems:
        click.echo(f"OK   {KINDS_FILE.name}: " + ngettext(
            "%(num)d rodzaj jednostek", "%(num)d rodzaje jednostek", len(kinds)))
    loaded = {}
    for path in files:
        survey, found = load_survey_file(path)
        problems += found
        if survey is not None:
            loaded[survey.key] = survey
        if survey is not None:
            answers = sum(1 for q in survey.questions if q.has_answer)
            click.echo(f"OK   {path.name}: {survey.key} v{survey.version}, "
                       + ngettext("%(num)d sekcja", "%(num)d sekcje", len(survey.sections))
                       + ", " + ngettext("%(num)d pytanie", "%(num)d pytania", answers))
        else:
            click.secho(f"BŁĄD {path.name}: "
                        + ngettext("%(num)d problem", "%(num)d problemy", len(found)), fg="red")
    if not paths:  # a follow-up's questionnaire is checked when the whole folder is
        problems += follow_up_problems(loaded)
    for problem in problems:
        click.echo(str(problem))
    elapsed = time.perf_counter() - started
    click.echo(ngettext("Sprawdzono %(num)d plik", "Sprawdzono %(num)d pliki", len(files))
               + " " + gettext("w %(seconds)s s; problemów: %(count)d.",
                               seconds=number(elapsed, 3), count=len(problems)))
    if problems or not files:
        sys.exit(1)


@group.command("list")
def list_surveys() -> None:
    """Wypisz ankiety wczytane z survey_defs/."""
    for loaded in current_app.extensions["esmon_surveys"]:
        survey = loaded.survey
        click.echo(f"{survey.key}\tv{survey.version}\t{survey.title}")


@group.command("load")
def load() -> None:
    """Zapisz bieżące wersje definicji w bazie (nowa wersja = nowy wiersz)."""
    require_valid_definitions()
    try:
        rows = sync_questionnaires()
    except VersionConflict as err:
        db.session.rollback()
        raise click.ClickException(str(err)) from err
    db.session.commit()
    for row in rows:
        click.echo(f"{row.key} v{row.version}: zapisano (id {row.id})")


@group.command("import-xlsform")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Plik YAML (domyślnie survey_defs/KLUCZ.yaml; nazwa pliku to klucz ankiety).")
@click.option("--unit-kinds", default="",
              help="Kto wypełnia, np. 'gmina,powiat' (gdy arkusz settings nie ma 'unit_kinds').")
@click.option("--force", is_flag=True, help="Zastąp istniejący plik wynikowy.")
def import_xlsform_command(source: Path, output: Path | None, unit_kinds: str,
                           force: bool) -> None:
    """Zamień formularz XLSForm (.xlsx z ODK/Kobo) na definicję ankiety esmon.

    Każdy problem: arkusz!komórka, kod i opis; przy problemie nic nie jest zapisywane.
    """
    if source.stat().st_size > MAX_FILE_BYTES:
        raise click.ClickException(
            f"{source.name}: plik ma {source.stat().st_size // (1024 * 1024)} MB; "
            f"dopuszczalne najwyżej {MAX_FILE_BYTES // (1024 * 1024)} MB. Nic nie zapisano.")
    kinds = [k for k in unit_kinds.replace(";", ",").split(",") if k.strip()] or None
    result = import_xlsform(source.read_bytes(), source.name,
                            key=output.stem if output else None,
                            unit_kinds=[k.strip() for k in kinds] if kinds else None)
    for note in result.ignored:
        click.echo(f"pominięto: {note}")
    if not result.ok:
        for problem in result.problems:
            click.echo(str(problem))
        click.secho(f"BŁĄD {source.name}: {len(result.problems)} problem(ów); nic nie zapisano.",
                    fg="red")
        sys.exit(1)
    target = output or Path(current_app.config["SURVEY_DEFS_DIR"]) / f"{result.key}.yaml"
    if target.exists() and not force:
        raise click.ClickException(f"{target} już istnieje; użyj --force, aby go zastąpić. "
                                   "Nic nie zapisano.")
    target.write_text(result.text or "", encoding="utf-8")
    survey = result.survey
    assert survey is not None
    answers = sum(1 for q in survey.questions if q.has_answer)
    click.echo(f"OK   {target}: {survey.key} v{survey.version}, "
               + ngettext("%(num)d sekcja", "%(num)d sekcje", len(survey.sections))
               + ", " + ngettext("%(num)d pytanie", "%(num)d pytania", answers))


@group.command("export-xlsform")
@click.argument("key")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Plik .xlsx do zapisania.")
def export_xlsform_command(key: str, output: Path) -> None:
    """Zapisz ankietę z survey_defs/ jako XLSForm (.xlsx) dla ODK/Kobo.

    Typy, których XLSForm nie ma (money, percent, table, territory …), są zapisane jako
    najbliższa konstrukcja z opisem w kolumnie esmon_note; import-xlsform odtwarza z kolumn
    esmon_type/esmon_options tę samą definicję.
    """
    from forms.xlsform.export import export_xlsform  # xlsxwriter only for an export

    require_valid_definitions()
    surveys = {loaded.survey.key: loaded.survey for loaded in current_app.extensions[
        "esmon_surveys"]}
    if key not in surveys:
        raise click.ClickException(f"Nie ma ankiety '{key}'; dostępne: "
                                   f"{', '.join(sorted(surveys))}.")
    output.write_bytes(export_xlsform(surveys[key]))
    click.echo(f"OK   {output}: {key} v{surveys[key].version}")


def require_valid_definitions() -> None:
    """Stop a command when the definitions did not load (the app started leniently)."""
    error = current_app.extensions.get("esmon_definition_error")
    if error is not None:
        raise click.ClickException(f"Definicje ankiet mają błędy:\n{error}")
