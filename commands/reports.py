"""``flask reports export``: monitoring reports of a round as xlsx (or raw data as CSV)."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from extensions import db
from forms.model import Survey
from reports import build
from reports.aggregate import LEVELS
from reports.csv import write_raw_csv
from reports.frame import ReportFrame, build_frame
from reports.indicators import Indicator, indicators_path, load_indicators_file
from reports.source import (
    RoundInfo,
    invitation_count,
    podregion_mapping,
    previous_round_id,
    round_info,
    round_records,
    round_survey,
    subregion_schemes,
)
from reports.xlsx import ReportInfo, write_report

group = AppGroup("reports", help="Raporty monitoringowe: zestawienia xlsx i dane surowe.")
TITLES = {
    "regional": "Raport regionalny",
    "municipal": "Raport gminny",
    "raw": "Dane surowe",
    "indicators": "Wskaźniki",
}


@group.command("export")
@click.option("--round", "round_id", type=int, required=True, help="Numer rundy.")
@click.option("--kind", type=click.Choice(build.KINDS), default="regional", show_default=True,
              help="Rodzaj raportu.")
@click.option("--level", "levels", type=click.Choice(list(LEVELS)), multiple=True,
              help="Poziom zestawienia regionalnego; można podać kilka (domyślnie powiat).")
@click.option("--teryt", help="Gmina (6 lub 7 cyfr TERYT) raportu gminnego lub wskaźników.")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx",
              show_default=True, help="CSV tylko dla --kind raw.")
@click.option("--small-cells/--no-small-cells", default=False, show_default=True,
              help="Ukryj liczebności 1–2 w grupach wrażliwych (do publikacji).")
@click.option("--podregiony", help="Podział na podregiony zapisany w bazie (np. nuts3) albo "
              "plik CSV z wierszami kod_powiatu;podregion. Domyślnie jedyny podział w bazie.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="Plik wynikowy.")
def export(round_id: int, kind: str, levels: tuple[str, ...], teryt: str | None, fmt: str,
           small_cells: bool, podregiony: str | None, output: Path) -> None:
    """Zapisz raport rundy do pliku xlsx (albo dane surowe do CSV)."""
    if fmt == "csv" and kind != "raw":
        raise click.UsageError("--format csv jest tylko dla --kind raw.")
    if kind == "municipal" and not teryt:
        raise click.UsageError("Raport gminny wymaga --teryt (kod gminy, np. 160402).")
    session = db.session
    try:
        info = round_info(session, round_id)
    except LookupError as err:
        raise click.ClickException(str(err)) from err
    survey = round_survey(session, round_id)
    mapping = _podregiony(session, podregiony)
    frame = _load(round_id, info, survey, mapping, "Odpowiedzi")
    previous = None
    if kind in ("regional", "municipal"):
        previous_id = previous_round_id(session, round_id)
        if previous_id is not None:
            before = round_info(session, previous_id)
            previous = _load(previous_id, before, round_survey(session, previous_id), mapping,
                             f"Poprzednia runda ({before.period})")
    report_info = ReportInfo(TITLES[kind], info.label, info.period,
                             f"{info.key} wersja {info.version}",
                             datetime.now(ZoneInfo("Europe/Warsaw")))
    if previous is not None:
        report_info.notes.append(f"Rok do roku: porównanie z rundą „{before.label}”.")
    indicators = _indicators(survey) if kind in ("regional", "municipal", "indicators") else []
    try:
        content = _content(kind, report_info, frame, levels, teryt, previous, indicators,
                           small_cells)
    except LookupError as err:
        raise click.ClickException(str(err)) from err
    if fmt == "csv":
        with output.open("w", encoding="utf-8", newline="") as out:
            rows = write_raw_csv(out, content.frame, exclude_sensitive=small_cells)
    else:
        write_report(output, content)
        rows = int(content.frame.submitted.sum())
    click.echo(f"Zapisano {output}: {TITLES[kind].lower()}, runda {round_id} "
               f"({info.period}), złożonych ankiet: {rows}.")


@group.command("check-indicators")
def check_indicators() -> None:
    """Sprawdź pliki wskaźników (survey_defs/*.indicators.yaml) i wypisz wszystkie problemy."""
    defs_dir = current_app.config["SURVEY_DEFS_DIR"]
    problems, checked = [], 0
    for loaded in current_app.extensions["esmon_surveys"]:
        path = indicators_path(defs_dir, loaded.survey.key)
        if not path.exists():
            continue
        checked += 1
        indicators, found = load_indicators_file(path, loaded.survey)
        problems += found
        if not found:
            click.echo(f"OK   {path.name}: {len(indicators)} wskaźników")
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"Sprawdzono {checked} plik(ów) wskaźników; problemów: {len(problems)}.")
    if problems:
        raise SystemExit(1)


def _content(kind: str, info: ReportInfo, frame: ReportFrame, levels: tuple[str, ...],
             teryt: str | None, previous: ReportFrame | None, indicators: list[Indicator],
             small_cells: bool) -> build.ReportContent:
    if kind == "regional":
        return build.regional(info, frame, levels or ("powiat",), previous=previous,
                              indicators=indicators, small_cells=small_cells)
    if kind == "municipal":
        return build.municipal(info, frame, teryt or "", previous=previous,
                               indicators=indicators, small_cells=small_cells)
    if teryt:
        frame = build.of_gmina(frame, teryt)
        info.filters.append(f"gmina {teryt[:6]}")
    if kind == "raw":
        return build.raw(info, frame, small_cells=small_cells)
    return build.indicators_only(info, frame, indicators)


def _load(round_id: int, info: RoundInfo, survey: Survey, podregiony: Mapping[str, str],
          label: str) -> ReportFrame:
    session = db.session
    records = round_records(session, round_id)
    with click.progressbar(records, length=invitation_count(session, round_id),
                           label=label) as bar:
        return build_frame(bar, survey, podregiony, reporting_year=info.reporting_year)


def _indicators(survey: Survey) -> list[Indicator]:
    path = indicators_path(current_app.config["SURVEY_DEFS_DIR"], survey.key)
    if not path.exists():
        return []
    indicators, problems = load_indicators_file(path, survey)
    if problems:
        raise click.ClickException("Błędy w pliku wskaźników:\n" +
                                   "\n".join(str(p) for p in problems))
    return indicators


def _podregiony(session: Session, choice: str | None) -> dict[str, str]:
    """Powiat code → podregion: a division stored in the database, or a CSV file."""
    schemes = subregion_schemes(session)
    if choice is None:
        if len(schemes) > 1:
            raise click.UsageError("W bazie jest kilka podziałów na podregiony ("
                                   f"{', '.join(schemes)}) — wybierz jeden: --podregiony.")
        return podregion_mapping(session, schemes[0]) if schemes else {}
    if choice in schemes:
        return podregion_mapping(session, choice)
    path = Path(choice)
    if not path.is_file():
        raise click.UsageError(f"--podregiony: nie ma podziału „{choice}” w bazie ani takiego "
                               f"pliku (podziały w bazie: {', '.join(schemes) or 'brak'}).")
    rows = csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";")
    return {row[0].strip().zfill(4): row[1].strip() for row in rows
            if len(row) >= 2 and row[0].strip().isdigit()}
