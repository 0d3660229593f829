"""Preparing a round's report: the one path the CLI and the exports page share.

It loads the round (and the previous round of the same questionnaire), builds the frames and
assembles the ``ReportContent`` that ``reports.xlsx`` draws; callers only choose and write.

The report code (pandas, xlsxwriter) is imported by the functions that make a report, not by
this module: a web worker that never builds one does not carry it
(``tests/test_light_imports.py``).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import gettext

from extensions import db
from forms.model import Survey
from l10n import N_
from l10n.clock import now_in_poland
from l10n.periods import period_label
from l10n.web import current_language, translate
from models import Round
from models.unit import UNIT_KINDS
from reports.kinds import LEVELS
from services.audit import record
from services.maps import maps_dir
from services.report_source import (
    RoundInfo,
    invitation_count,
    podregion_mapping,
    previous_round_id,
    round_info,
    round_records,
    round_survey,
    subregion_schemes,
)

if TYPE_CHECKING:
    from reports.definition import ReportDefinition
    from reports.document import DocumentInfo
    from reports.figures import Figures
    from reports.frame import ReportFrame
    from reports.indicators import Indicator
    from reports.xlsx import ReportContent, ReportInfo

#: report kind → its title (a Polish msgid; shown through ``translate``)
TITLES = {
    "regional": N_("Raport regionalny"),
    "municipal": N_("Raport gminny"),
    "raw": N_("Dane surowe"),
    "indicators": N_("Wskaźniki"),
    "half-year": N_("Raport ramowy za półrocze"),
    "plan": N_("Plan a wykonanie"),
}
#: wraps the stream of records (a progress bar on the command line); gets a label and a length
Progress = Callable[[Iterable[dict[str, Any]], int, str], Iterator[dict[str, Any]]]


class ExportError(Exception):
    """The report cannot be made as asked; the message says why (in the user's language)."""


@dataclass
class ReportRequest:
    round_id: int
    kind: str = "regional"
    levels: tuple[str, ...] = ("powiat",)
    teryt: str | None = None
    small_cells: bool = False
    #: a subregion division stored in the database; ``None``: the only one there
    scheme: str | None = None
    #: powiat code → podregion given directly (a CSV file on the command line)
    podregiony: dict[str, str] | None = None
    filters: list[str] = field(default_factory=list)
    #: raw data with question texts and answer labels (codes in a second header row)
    labels: bool = False


def _plain(records: Iterable[dict[str, Any]], length: int, label: str
           ) -> Iterator[dict[str, Any]]:
    yield from records


def podregiony_for(scheme: str | None) -> dict[str, str]:
    """Powiat code → podregion under a stored division (the only one when none is named)."""
    schemes = subregion_schemes(db.session)
    if scheme is None:
        if len(schemes) > 1:
            raise ExportError(gettext("W bazie jest kilka podziałów na podregiony "
                                      "(%(schemes)s) — wybierz jeden.",
                                      schemes=", ".join(schemes)))
        return podregion_mapping(db.session, schemes[0]) if schemes else {}
    if scheme not in schemes:
        raise ExportError(gettext("Nie ma podziału na podregiony „%(scheme)s” (w bazie: "
                                  "%(schemes)s).", scheme=scheme,
                                  schemes=", ".join(schemes) or gettext("brak")))
    return podregion_mapping(db.session, scheme)


def indicators_for(survey: Survey) -> list[Indicator]:
    from reports.indicators import indicators_path, load_indicators_file

    path = indicators_path(current_app.config["SURVEY_DEFS_DIR"], survey.key)
    if not path.exists():
        return []
    indicators, problems = load_indicators_file(path, survey)
    if problems:
        raise ExportError(gettext("Błędy w pliku wskaźników:") + "\n"
                          + "\n".join(str(p) for p in problems))
    return indicators


def definition_for(survey: Survey) -> ReportDefinition | None:
    """The questionnaire's report file, or ``None`` (the default report is built)."""
    from reports.report_file import load_report_file, report_path

    path = report_path(current_app.config["SURVEY_DEFS_DIR"], survey.key)
    if not path.exists():
        return None
    definition, problems = load_report_file(path, survey)
    if problems:
        raise ExportError(gettext("Błędy w pliku raportu:") + "\n"
                          + "\n".join(str(p) for p in problems))
    return definition


def _frame(round_id: int, info: RoundInfo, survey: Survey, podregiony: dict[str, str],
           label: str, progress: Progress) -> ReportFrame:
    from reports.frame import build_frame

    records = round_records(db.session, round_id)
    stream = progress(records, invitation_count(db.session, round_id), label)
    return build_frame(stream, survey, podregiony, reporting_year=info.reporting_year)


def prepare_report(request: ReportRequest, progress: Progress = _plain
                   ) -> tuple[ReportContent, RoundInfo]:
    """Everything the workbook (or the CSV of raw data) of a request shows.

    :raise ExportError: unknown round, a gmina without units, broken indicators file, …
    """
    from reports.xlsx import ReportInfo

    if request.kind not in TITLES:
        raise ExportError(gettext("Nieznany rodzaj raportu „%(kind)s”.", kind=request.kind))
    if request.kind == "municipal" and not request.teryt:
        raise ExportError(gettext("Raport gminny wymaga kodu gminy (TERYT, np. 160402)."))
    try:
        info = round_info(db.session, request.round_id)
    except LookupError as err:
        raise ExportError(str(err)) from err
    survey = round_survey(db.session, request.round_id)
    podregiony = (request.podregiony if request.podregiony is not None
                  else podregiony_for(request.scheme))
    frame = _frame(request.round_id, info, survey, podregiony, gettext("Odpowiedzi"),
                   progress)
    previous, before = None, None
    if request.kind in ("regional", "municipal"):
        previous_id = previous_round_id(db.session, request.round_id)
        if previous_id is not None:
            before = round_info(db.session, previous_id)
            previous = _frame(previous_id, before, round_survey(db.session, previous_id),
                              podregiony, gettext("Poprzednia runda (%(period)s)",
                                                  period=before.period), progress)
    report_info = ReportInfo(translate(TITLES[request.kind]), info.label, info.period,
                             gettext("%(key)s wersja %(version)s", key=info.key,
                                     version=info.version),
                             now_in_poland(),
                             filters=list(request.filters))
    if before is not None:
        report_info.notes.append(gettext("Rok do roku: porównanie z rundą „%(round)s”.",
                                         round=before.label))
    with_indicators = request.kind in ("regional", "municipal", "indicators", "half-year")
    indicators = indicators_for(survey) if with_indicators else []
    if indicators:
        from reports.indicators import for_report

        # a gmina is judged by its own plan, the region by its own and the national one
        indicators = for_report(indicators, frame, request.teryt
                                if request.kind in ("municipal", "indicators") else None)
    try:
        content = _content(request, report_info, frame, previous, indicators)
    except LookupError as err:
        raise ExportError(str(err)) from err
    content.figures = _figures(request, content, podregiony)
    content.labels = request.labels
    return content, info


def _figures(request: ReportRequest, content: ReportContent, podregiony: dict[str, str]
             ) -> Figures | None:
    """Charts and maps of the report, drawn from its chapters (raw data has none)."""
    if request.kind == "plan" and content.plan is not None:
        from reports.figures import Figures
        from reports.plan_maps import plan_maps

        return Figures(drawn=dict(plan_maps(content.frame, content.plan)))
    if request.kind not in ("regional", "municipal", "indicators"):
        return None  # raw data: nor matplotlib nor shapely imported
    from reports.figures import draw
    from reports.maps import wojewodztwa_of

    figures = draw(content.report, wojewodztwa_of(content.frame.data["territory"]),
                   podregiony=podregiony, gmina_maps_dir=maps_dir(),
                   indicators=content.indicators, yoy=content.yoy, levels=content.levels)
    content.info.notes += figures.notes
    return figures


def _content(request: ReportRequest, info: ReportInfo, frame: ReportFrame,
             previous: ReportFrame | None, indicators: list[Indicator]) -> ReportContent:
    from reports import build

    if request.kind == "regional":
        return build.regional(info, frame, request.levels or ("powiat",), previous=previous,
                              indicators=indicators, small_cells=request.small_cells,
                              definition=definition_for(frame.survey))
    if request.kind == "municipal":
        return build.municipal(info, frame, request.teryt or "", previous=previous,
                               indicators=indicators, small_cells=request.small_cells)
    if request.kind == "half-year":
        return build.half_year(info, frame, indicators,
                               {kind: translate(name) for kind, name in UNIT_KINDS.items()})
    if request.teryt:
        frame = build.of_gmina(frame, request.teryt)
        info.filters.append(gettext("gmina %(code)s", code=request.teryt[:6]))
    if request.kind == "raw":
        return build.raw(info, frame, small_cells=request.small_cells)
    if request.kind == "plan":
        return build.plan(info, frame)
    return build.indicators_only(info, frame, indicators)


#: the document formats and their MIME types
DOCUMENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
DOCUMENT_KINDS = ("regional", "municipal", "indicators", "plan", "half-year")


def document_info(request: ReportRequest, content: ReportContent) -> DocumentInfo:
    """Round dates, the previous year and who answered, for the document's method chapter."""
    from reports.document import DocumentInfo

    round_ = db.session.get(Round, request.round_id)
    previous_id = previous_round_id(db.session, request.round_id)
    previous = db.session.get(Round, previous_id) if previous_id is not None else None
    data = content.frame.data
    done = content.frame.submitted.groupby(data["unit_kind"]).sum()
    invited = data.groupby("unit_kind").size()
    return DocumentInfo(
        organisation=current_app.config.get("ESMON_ORGANISATION") or "",
        opens_on=round_.opens_on if round_ else None,
        deadline=round_.deadline if round_ else None,
        previous_year=previous.reporting_year if previous else None,
        by_kind={str(k): (int(invited[k]), int(done.get(k, 0))) for k in invited.index})


def write_report_document(out: Any, request: ReportRequest, content: ReportContent,
                          file_format: str) -> None:
    """The report as DOCX, or as PDF typeset from the same content, in the request's language.

    :raise ExportError: a kind without a document, or the PDF could not be made.
    """
    from reports.document import write_document, write_pdf
    from reports.typst_pdf import PdfError

    if request.kind not in DOCUMENT_KINDS:
        raise ExportError(gettext("Dokument (DOCX, PDF) jest dla raportu regionalnego, "
                                  "gminnego, wskaźników, planu a wykonania i ramowego za "
                                  "półrocze; dane surowe "
                                  "pobierz jako xlsx albo CSV."))
    locale = "pl_PL" if current_language() == "pl" else "en"
    if request.kind == "half-year":
        _write_half_year(out, request, content, file_format, locale)
        return
    about = document_info(request, content)
    if file_format == "docx":
        write_document(out, content, content.figures, about, translate, locale)
        return
    with tempfile.TemporaryDirectory(prefix="esmon-doc-") as tmp:
        target = Path(tmp) / "raport.pdf"
        try:
            write_pdf(target, content, content.figures, about, translate, locale)
        except PdfError as err:
            raise ExportError(translate(err.args[0])) from err
        with target.open("rb") as pdf:
            shutil.copyfileobj(pdf, out)


def _write_half_year(out: Any, request: ReportRequest, content: ReportContent,
                     file_format: str, locale: str) -> None:
    """The framework report's own short document (``reports.half_year_document``)."""
    from reports.half_year_document import write_half_year_document, write_half_year_pdf
    from reports.typst_pdf import PdfError

    round_ = db.session.get(Round, request.round_id)
    # the round's owner (a ROPS, its OWES partner …) signs its report
    organisation = (round_.organisation.name if round_ and round_.organisation else
                    current_app.config.get("ESMON_ORGANISATION") or "")
    if file_format == "docx":
        write_half_year_document(out, content, organisation, translate, locale)
        return
    with tempfile.TemporaryDirectory(prefix="esmon-doc-") as tmp:
        target = Path(tmp) / "raport.pdf"
        try:
            write_half_year_pdf(target, content, organisation, translate, locale)
        except PdfError as err:
            raise ExportError(translate(err.args[0])) from err
        with target.open("rb") as pdf:
            shutil.copyfileobj(pdf, out)


#: the kinds whose document has charts or maps (``_figures``), and those whose workbook
#: has maps (pictures; its charts are the workbook's own)
FIGURE_KINDS, MAPPED_KINDS = ("regional", "municipal", "indicators", "plan"), ("regional", "plan")


@contextmanager
def started_ahead(file_format: str | None, kind: str | None) -> Iterator[None]:
    """Start now what writing the file will wait for, to come up while the report's tables
    are computed: the child drawing the figures (``reports.figure_fork``: a document's
    charts and maps, a workbook's maps — its charts are its own)."""
    from reports import figure_fork

    with contextlib.ExitStack() as ahead:
        if (kind in FIGURE_KINDS and file_format in DOCUMENT_TYPES
                or kind in MAPPED_KINDS and file_format == "xlsx"):
            ahead.enter_context(figure_fork.started_early())
        yield


def write_workbook(out: Any, content: ReportContent) -> None:
    """The report's workbook in the language of the request (Polish on the command line)."""
    from reports.xlsx import write_report

    write_report(out, content, translate=translate)


def open_data_request(round_id: int, levels: tuple[str, ...] = ()) -> ReportRequest:
    """What a data package holds: the regional tables, small cells always hidden."""
    return ReportRequest(round_id, "regional", levels or tuple(LEVELS), small_cells=True)


def write_open_data(out: Any, content: ReportContent, info: RoundInfo) -> list[str]:
    """The round's aggregates as a Frictionless data package (zip) for dane.gov.pl."""
    from reports.datapackage import PackageInfo, write_package

    package = PackageInfo(
        name=f"esmon-{info.key}-{info.period}-runda-{info.id}".lower(),
        title=f"{info.title} — {translate(period_label(info.period))}",
        description=gettext("Zestawienia odpowiedzi rundy „%(round)s” (ankieta %(key)s, wersja "
                            "%(version)s): sumy, średnie, mediany i udziały wg obszarów i "
                            "rodzajów jednostek. Małe liczebności w grupach wrażliwych "
                            "ukryte; bez danych pojedynczych jednostek.", round=info.label,
                            key=info.key, version=info.version),
        source=gettext("esmon — %(round)s", round=info.label),
        created=now_in_poland())
    return write_package(out, package, content.levels, suppressed=content.suppressed,
                         translate=translate)


def record_export(report: ReportRequest, info: RoundInfo, file_format: str) -> None:
    """A report left the system (a download or a file from the CLI): the audit log says so."""
    record("export", None, summary=f"{TITLES[report.kind]} — {info.label}",
           after={"round": report.round_id, "kind": report.kind, "levels": list(report.levels),
                  "teryt": report.teryt, "small_cells": report.small_cells,
                  "labels": report.labels, "format": file_format})
