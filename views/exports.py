"""Coordinators' exports: choose a report of a round, see its tables, download the file."""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask import Blueprint, render_template, request, send_file
from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from extensions import db
from l10n.web import current_language, money, number, percent, translate
from models import Round
from reports.kinds import LEVELS
from services.exports import (
    DOCUMENT_TYPES,
    TITLES,
    ExportError,
    ReportRequest,
    open_data_request,
    prepare_report,
    record_export,
    started_ahead,
    write_open_data,
    write_report_document,
    write_workbook,
)
from services.lpres_report import (
    FORMATS as LPRES_FORMATS,
)
from services.lpres_report import (
    lpres_years,
    prepare_lpres,
    record_lpres_export,
    write_lpres,
)
from services.reads import raw_data_viewed
from services.report_source import subregion_schemes
from services.territory import pick_list, resolve_territory
from views.access import staff
from views.numbers import bounded_id

if TYPE_CHECKING:
    from reports.figures import Figures

bp = Blueprint("exports", __name__, url_prefix="/admin/zestawienia")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _request_from(args: MultiDict) -> tuple[ReportRequest | None, list[str]]:
    """The report asked for in the query string, or the reasons it cannot be made."""
    errors = []
    round_id = bounded_id(args, "runda")
    if round_id is None or db.session.get(Round, round_id) is None:
        errors.append(gettext("Wybierz rundę."))
    kind = args.get("rodzaj", "regional")
    if kind not in TITLES:
        errors.append(gettext("Wybierz rodzaj raportu."))
    levels = tuple(v for v in args.getlist("poziom") if v in LEVELS) or ("powiat",)
    typed = " ".join((args.get("gmina") or "").split())[:100]
    teryt = None
    if typed:
        teryt, candidates = resolve_territory("gmina", typed)
        if teryt is None:
            errors.append(gettext("Pasuje kilka gmin do „%(text)s”: %(names)s — wybierz jedną "
                                  "z podpowiedzi albo wpisz kod TERYT.", text=typed,
                                  names="; ".join(label for _code, label in candidates[:8]))
                          if candidates else
                          gettext("Nie ma gminy „%(text)s” w obszarze — wpisz nazwę albo kod "
                                  "TERYT (np. 160402).", text=typed))
    if kind == "municipal" and not typed:
        errors.append(gettext("Raport gminny: wybierz gminę."))
    scheme = args.get("podzial") or None
    if errors:
        return None, errors
    return ReportRequest(round_id, kind, levels, teryt, args.get("male") == "1", scheme,
                         labels=args.get("etykiety") == "1"), []


@dataclass
class FigureView:
    """One chart or map as the page shows it: inline SVG and the table it is described by."""

    kind: str
    id: str
    title: str
    svg: Markup
    #: the report block it draws (``Figures.drawn`` key); ``None``: a year-over-year chart
    block: str | None
    header: list[str]
    rows: list[list[str]]
    notes: list[str]


def _figure_views(figures: Figures | None) -> list[FigureView]:
    """SVGs of the report's charts and maps in reading order (the same drawn figures as the
    workbook's and the document's)."""
    from reports import svg  # the report code only where a report is shown
    from reports.maps import MapSpec

    if figures is None:
        return []
    locale = "pl_PL" if current_language() == "pl" else "en"
    views = []
    counts = {"chart": 0, "map": 0}
    drawn_figures: list[tuple[str | None, Any]] = [*figures.drawn.items()]
    drawn_figures += [(None, extra) for extra in figures.extra]
    for block, drawn in drawn_figures:
        title = translate(drawn.title)
        if isinstance(drawn, MapSpec):
            counts["map"] += 1
            ident = f"mapa-{counts['map']}"
            views.append(FigureView("map", ident, title, Markup(svg.map_svg(  # noqa: S704  # the SVG writer escapes every text
                drawn, title, ident, translate, locale)), block,
                [gettext("Obszar"), gettext("Wartość"), gettext("Klasa")],
                [list(r) for r in drawn.rows(locale, translate)],
                [translate(n) for n in drawn.notes]))
        elif not drawn.empty:
            counts["chart"] += 1
            ident = f"wykres-{counts['chart']}"
            views.append(FigureView("chart", ident, title, Markup(svg.chart_svg(  # noqa: S704  # the SVG writer escapes every text
                drawn, title, ident, translate, locale)), block,
                drawn.header(translate), drawn.rows(locale), [translate(n) for n in drawn.notes]))
    return views


def _placed_figures(content: Any) -> dict[str, Any]:
    """Where the page shows each figure: in its chapter (as the document does), or after.

    ``figures_by_block``: block id → figure, drawn beside that block; ``other_figures``: the
    rest (the year-over-year charts) in a section after the chapters.
    """
    views = _figure_views(content.figures if content else None)
    report = getattr(content, "report", None)
    blocks = {block.id: type(block).__name__ for chapter in (report.chapters if report else ())
              for block in chapter.blocks}
    in_chapters = "IndicatorBlock" in blocks.values()
    placed = set(blocks) | ({"wskazniki"} if content and content.indicators else set())
    by_block = {view.block: view for view in views if view.block in placed}
    others = [view for view in views if view.block not in by_block]
    only_yoy = bool(others) and all(view.block is None for view in others)
    return {"figures_by_block": by_block, "other_figures": others,
            "other_figures_title": gettext("Rok do roku") if only_yoy
            else gettext("Wykresy i mapy"),
            "indicators_in_chapters": in_chapters}


def _page(errors: list[str], content=None, info=None, status: int = 200):
    rounds = db.session.scalars(select(Round).order_by(Round.created_at.desc())).unique().all()
    typed = (request.args.get("gmina") or "").strip()
    gmina_label = dict(pick_list("gmina")).get(typed[:6] if len(typed) == 7 else typed, "")
    return render_template("exports/index.html", rounds=rounds, gmina_label=gmina_label,
                           lpres_years=lpres_years(),
                           levels=LEVELS,
                           titles=TITLES, schemes=subregion_schemes(db.session),
                           args=request.args, errors=errors, content=content, info=info,
                           cell=_cell, block_kind=_block_kind,
                           **_placed_figures(content),
                           figure_notes=[translate(n) for n in (
                               content.figures.notes if content and content.figures else ())]
                           ), status


def _prepared():
    """The report the query string asks for: ``(content, info, request)``, or an error page."""
    report, errors = _request_from(request.args)
    if report is None:
        return None, _page(errors, status=400)
    try:
        content, info = prepare_report(report)
    except ExportError as err:
        return None, _page([str(err)], status=400)
    return (content, info, report), None


@bp.get("/")
@staff
def index():
    """The choice of report; with ``pokaz`` the same tables the file has, on screen."""
    if "pokaz" not in request.args:
        return _page([])
    prepared, error_page = _prepared()
    if prepared is None:
        return error_page
    content, info, report = prepared
    if report.kind == "raw":
        raw_data_viewed(report, info)
        db.session.commit()
    return _page([], content, info)


@bp.get("/plik")
@staff
def download():
    """The workbook (or raw data as CSV, or the open-data package), from a temporary file."""
    if request.args.get("format") == "datapackage":
        return _open_data()
    # the figures' drawing starts while the tables are made
    with started_ahead(request.args.get("format"), request.args.get("rodzaj", "regional")):
        return _download()


def _download() -> Any:
    prepared, error_page = _prepared()
    if prepared is None:
        return error_page
    content, info, report = prepared
    chosen = request.args.get("format")
    as_csv = chosen == "csv" and report.kind == "raw"
    name = f"esmon-{report.kind}-runda{report.round_id}-{info.period}"
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - sent
    if chosen in DOCUMENT_TYPES:
        try:
            write_report_document(spool, report, content, chosen)
        except ExportError as err:
            spool.close()
            return _page([str(err)], status=400)
        record_export(report, info, chosen)
        db.session.commit()
        spool.seek(0)
        return send_file(spool, mimetype=DOCUMENT_TYPES[chosen], as_attachment=True,
                         download_name=f"{name}.{chosen}")
    record_export(report, info, "csv" if as_csv else "xlsx")
    db.session.commit()
    if as_csv:
        from reports.csv import write_raw_csv  # the report code only where a file is made

        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        write_raw_csv(text, content.frame, exclude_sensitive=report.small_cells,
                      labels=report.labels, translate=translate)
        text.flush()
        text.detach()
        mimetype, name = "text/csv; charset=utf-8", name + ".csv"
    else:
        write_workbook(spool, content)
        mimetype, name = XLSX, name + ".xlsx"
    spool.seek(0)
    return send_file(spool, mimetype=mimetype, as_attachment=True, download_name=name)


@bp.get("/lpres")
@staff
def lpres():
    """The LPRES annual report of a year (both instruments' rounds) as xlsx, DOCX or PDF."""
    fmt = request.args.get("format", "docx")
    try:
        year = int(request.args.get("rok", ""))
    except ValueError:
        year = 0
    if fmt not in LPRES_FORMATS or not 2000 <= year <= 2100:
        return _page([gettext("Sprawozdanie LPRES: wybierz rok i format (xlsx, docx, pdf).")],
                     status=400)
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - sent
    try:
        report = prepare_lpres(year)
        write_lpres(spool, report, fmt)
    except ExportError as err:
        spool.close()
        return _page([str(err)], status=400)
    record_lpres_export(report, fmt)
    db.session.commit()
    spool.seek(0)
    mimetype = XLSX if fmt == "xlsx" else DOCUMENT_TYPES[fmt]
    return send_file(spool, mimetype=mimetype, as_attachment=True,
                     download_name=f"esmon-sprawozdanie-lpres-{year}.{fmt}")


def _block_kind(block: Any) -> str:
    """Which kind of report block the template draws (``reports.model`` class name)."""
    return type(block).__name__


def _open_data():
    """The round's aggregates as a data package: every level chosen (or all), small cells
    always hidden, whatever the page's other choices."""
    report, errors = _request_from(request.args)
    if report is None:
        return _page(errors, status=400)
    chosen = tuple(v for v in request.args.getlist("poziom") if v in LEVELS)
    package_request = open_data_request(report.round_id, chosen)
    try:
        content, info = prepare_report(package_request)
    except ExportError as err:
        return _page([str(err)], status=400)
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - sent
    write_open_data(spool, content, info)
    record_export(package_request, info, "datapackage")
    db.session.commit()
    spool.seek(0)
    return send_file(spool, mimetype="application/zip", as_attachment=True,
                     download_name=f"esmon-dane-otwarte-runda{report.round_id}-{info.period}.zip")


def _cell(value: Any, fmt: str) -> str:
    """A figure of an aggregate table as the workbook shows it, in the user's notation."""
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if fmt == "year":
        return str(int(value))
    if fmt == "share":
        return percent(float(value))
    if fmt == "pct":  # a percent answer, 0–100
        return percent(float(value) / 100)
    if fmt == "money":
        return money(Decimal(str(value)))
    if fmt == "count":
        return number(Decimal(str(value)), 0)
    figure = Decimal(str(value))
    return number(figure, 2 if figure != figure.to_integral_value() else 0)


