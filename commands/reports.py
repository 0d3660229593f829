"""``flask reports export``: monitoring reports of a round as xlsx, DOCX or PDF (raw data: CSV).

Only the options' names are imported with the module: ``flask reports export --help`` needs
no database, models nor report services, so each command imports what it uses.
"""

from __future__ import annotations

import csv
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext, ngettext

from commands import collector
from reports.kinds import KINDS, LEVELS

group = AppGroup("reports",
                 help="Raporty monitoringowe: zestawienia xlsx, dokumenty DOCX i PDF, dane surowe.")


@group.command("export")
@click.option("--round", "round_id", type=int, required=True, help="Numer rundy.")
@click.option("--kind", type=click.Choice(KINDS), default="regional", show_default=True,
              help="Rodzaj raportu.")
@click.option("--level", "levels", type=click.Choice(list(LEVELS)), multiple=True,
              help="Poziom zestawienia regionalnego; można podać kilka (domyślnie powiat).")
@click.option("--teryt", help="Gmina (6 lub 7 cyfr TERYT) raportu gminnego lub wskaźników.")
@click.option("--format", "fmt",
              type=click.Choice(["xlsx", "csv", "docx", "pdf", "datapackage"]),
              default="xlsx", show_default=True,
              help="CSV tylko dla --kind raw; docx i pdf (dokument do edycji i druku) dla "
                   "regional, municipal, indicators, plan i half-year; datapackage: zestawienia "
                   "do publikacji (zip z CSV i datapackage.json, małe liczebności zawsze ukryte).")
@click.option("--small-cells/--no-small-cells", default=False, show_default=True,
              help="Ukryj liczebności 1–2 w grupach wrażliwych (do publikacji).")
@click.option("--podregiony", help="Podział na podregiony zapisany w bazie (np. nuts3) albo "
              "plik CSV z wierszami kod_powiatu;podregion. Domyślnie jedyny podział w bazie.")
@click.option("--labels/--codes", default=False, show_default=True,
              help="Dane surowe z etykietami: treść pytań w pierwszym wierszu nagłówka, kody "
              "w drugim, odpowiedzi z listy słowami (domyślnie kody, do programów "
              "statystycznych).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="Plik wynikowy.")
def export(round_id: int, kind: str, levels: tuple[str, ...], teryt: str | None, fmt: str,
           small_cells: bool, podregiony: str | None, labels: bool, output: Path) -> None:
    """Zapisz raport rundy do pliku xlsx, docx lub pdf (albo dane surowe do CSV)."""
    # the report code (pandas, xlsxwriter) only when a report is made: --help stays quick
    with collector.loading():
        from reports.csv import write_raw_csv
        from reports.xlsx import write_report
    from extensions import db
    from l10n.periods import period_label
    from l10n.web import translate
    from services.exports import (
        DOCUMENT_TYPES,
        TITLES,
        ExportError,
        ReportRequest,
        prepare_report,
        record_export,
        started_ahead,
        write_report_document,
    )
    from services.report_source import subregion_schemes

    if fmt == "csv" and kind != "raw":
        raise click.UsageError("--format csv jest tylko dla --kind raw.")
    if kind == "municipal" and not teryt:
        raise click.UsageError("Raport gminny wymaga --teryt (kod gminy, np. 160402).")
    if fmt == "datapackage":
        _open_data(round_id, levels, output)
        return
    request = ReportRequest(round_id, kind, levels or ("powiat",), teryt, small_cells,
                            labels=labels)
    if podregiony is not None and podregiony not in subregion_schemes(db.session):
        request.podregiony = _podregiony_file(podregiony)
    else:
        request.scheme = podregiony
    with started_ahead(fmt, kind):  # (the figures are drawn meanwhile)
        try:
            content, info = prepare_report(request, _progress_bar)
        except ExportError as err:
            raise click.ClickException(str(err)) from err
        if fmt == "csv":
            with output.open("w", encoding="utf-8", newline="") as out:
                rows = write_raw_csv(out, content.frame, exclude_sensitive=small_cells,
                                     labels=labels)
        elif fmt in DOCUMENT_TYPES:
            partial = output.with_name(output.name + ".part")
            try:
                with partial.open("wb") as out:
                    write_report_document(out, request, content, fmt)
            except ExportError as err:
                partial.unlink(missing_ok=True)
                raise click.ClickException(str(err)) from err
            partial.replace(output)
            rows = int(content.frame.submitted.sum())
        else:
            write_report(output, content)
            rows = int(content.frame.submitted.sum())
    record_export(request, info, fmt)
    db.session.commit()
    click.echo(f"Zapisano {output}: {TITLES[kind].lower()}, runda {round_id} "
               f"({translate(period_label(info.period))}), złożonych ankiet: {rows}.")


def _open_data(round_id: int, levels: tuple[str, ...], output: Path) -> None:
    """The open-data package: every level (or those asked for), suppression always on."""
    from extensions import db
    from l10n.periods import period_label
    from l10n.web import translate
    from services.exports import (
        ExportError,
        open_data_request,
        prepare_report,
        record_export,
        write_open_data,
    )

    request = open_data_request(round_id, levels)
    try:
        content, info = prepare_report(request, _progress_bar)
    except ExportError as err:
        raise click.ClickException(str(err)) from err
    with output.open("wb") as out:
        names = write_open_data(out, content, info)
    record_export(request, info, "datapackage")
    db.session.commit()
    click.echo(f"Zapisano {output}: pakiet danych otwartych, runda {round_id} "
               f"({translate(period_label(info.period))}), "
               f"pliki: {', '.join(names)}.")


def _progress_bar(records, length: int, label: str):
    with click.progressbar(records, length=length, label=label) as bar:
        yield from bar


def _podregiony_file(choice: str) -> dict[str, str]:
    """Powiat code → podregion from a CSV file of ``kod_powiatu;podregion`` rows."""
    from extensions import db
    from services.report_source import subregion_schemes

    path = Path(choice)
    if not path.is_file():
        raise click.UsageError(f"--podregiony: nie ma podziału „{choice}” w bazie ani takiego "
                               f"pliku (podziały w bazie: "
                               f"{', '.join(subregion_schemes(db.session)) or 'brak'}).")
    rows = csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";")
    return {row[0].strip().zfill(4): row[1].strip() for row in rows
            if len(row) >= 2 and row[0].strip().isdigit()}


@group.command("lpres")
@click.option("--year", type=int, required=True, help="Rok sprawozdawczy (np. 2025).")
@click.option("--organisation", help="Organizacja, której rundy czytać (np. „Gmina Kluczbork”); "
              "domyślnie rundy LPRES z całej bazy.")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "docx", "pdf"]), default=None,
              help="Domyślnie z rozszerzenia pliku wynikowego (xlsx, docx, pdf).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="Plik wynikowy.")
def lpres(year: int, organisation: str | None, fmt: str | None, output: Path) -> None:
    """Roczne sprawozdanie zespołu monitorującego LPRES: formularz sprawozdawczy i ankieta PES
    z jednego roku, 12 wskaźników planu po priorytetach (xlsx, docx albo pdf)."""
    from commands._acting import act_as_named, organisation_named
    from extensions import db
    from services.exports import ExportError
    from services.lpres_report import FORMATS, prepare_lpres, record_lpres_export, write_lpres

    fmt = fmt or output.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise click.UsageError("Podaj --format xlsx, docx albo pdf (albo plik z takim "
                               "rozszerzeniem).")
    if organisation:
        organisation = organisation_named(organisation).name
        act_as_named(organisation)
    partial = output.with_name(output.name + ".part")
    try:
        report = prepare_lpres(year, organisation)
        with partial.open("wb") as out:
            write_lpres(out, report, fmt)
    except ExportError as err:
        partial.unlink(missing_ok=True)
        raise click.ClickException(str(err)) from err
    partial.replace(output)
    record_lpres_export(report, fmt)
    db.session.commit()
    empty = len(report.without_target)
    click.echo(f"Zapisano {output}: sprawozdanie LPRES za {year} ({report.gmina}), wskaźników: "
               f"{len(report.rows)}, bez wartości docelowej: {empty}; rundy: "
               + (", ".join(f"{s.key} {s.period} (złożonych: {s.submitted})"
                            for s in report.sources)) + ".")


@group.command("check")
def check() -> None:
    """Sprawdź pliki raportów (survey_defs/*.report.yaml) i wskaźników; wypisz problemy."""
    from reports.indicators import indicators_path, load_indicators_file
    from reports.report_file import load_report_file, report_path

    defs_dir = current_app.config["SURVEY_DEFS_DIR"]
    problems, checked = [], 0
    for loaded in current_app.extensions["esmon_surveys"]:
        survey = loaded.survey
        path = report_path(defs_dir, survey.key)
        if path.exists():
            checked += 1
            definition, found = load_report_file(path, survey)
            problems += found
            if definition is not None:
                click.echo(f"OK   {path.name}: " + ngettext(
                    "%(num)d rozdział", "%(num)d rozdziały", len(definition.chapters)))
        path = indicators_path(defs_dir, survey.key)
        if path.exists():
            checked += 1
            indicators, found = load_indicators_file(path, survey)
            problems += found
            if not found:
                click.echo(f"OK   {path.name}: " + ngettext(
                    "%(num)d wskaźnik", "%(num)d wskaźniki", len(indicators)))
    for problem in problems:
        click.echo(str(problem))
    click.echo(ngettext("Sprawdzono %(num)d plik raportów i wskaźników",
                        "Sprawdzono %(num)d pliki raportów i wskaźników", checked)
               + f"; problemów: {len(problems)}.")
    if problems:
        raise SystemExit(1)


@group.command("check-indicators")
def check_indicators() -> None:
    """Sprawdź pliki wskaźników (survey_defs/*.indicators.yaml) i wypisz wszystkie problemy."""
    from reports.indicators import indicators_path, load_indicators_file

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
            click.echo(f"OK   {path.name}: "
                       + ngettext("%(num)d wskaźnik", "%(num)d wskaźniki", len(indicators)))
    for problem in problems:
        click.echo(str(problem))
    click.echo(ngettext("Sprawdzono %(num)d plik wskaźników", "Sprawdzono %(num)d pliki wskaźników",
                        checked) + "; " + gettext("problemów: %(count)d.", count=len(problems)))
    if problems:
        raise SystemExit(1)
