"""The LPRES annual report of a year: both instruments' rounds found, read and combined.

It spans two rounds (the reporting form and the PES survey of the same reporting year), so it
is asked for by year, not by round; the organisation scope decides whose rounds those are (a
staff member's own; a command acting for ``--organisation``). The CLI and the exports page
share this path; the report code is imported only when a report is made.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select

from extensions import db
from l10n.clock import now_in_poland
from l10n.web import current_language, translate
from models import Questionnaire, Round, Territory
from services.audit import record
from services.exports import ExportError, _frame, _plain, indicators_for
from services.report_source import round_info, round_survey
from services.scoping import current_scope, organisation_name

if TYPE_CHECKING:
    from reports.lpres import LpresReport

#: the two instruments of the plan, in the order the report reads them
LPRES_KEYS = ("lpres-formularz", "lpres-ankieta-pes")
FORMATS = ("xlsx", "docx", "pdf")


@dataclass(frozen=True)
class LpresYear:
    """A reporting year with a round of at least one instrument, for choosing on a page."""

    year: int
    rounds: dict[str, int]


def lpres_years() -> list[LpresYear]:
    """Years with launched LPRES rounds the acting organisation sees, newest first."""
    rows = db.session.execute(
        select(Round.reporting_year, Questionnaire.key, Round.id).join(Round.questionnaire)
        .where(Questionnaire.key.in_(LPRES_KEYS), Round.status != "draft")
        .order_by(Round.id)).all()
    years: dict[int, dict[str, int]] = {}
    for year, key, round_id in rows:
        years.setdefault(year, {})[key] = round_id  # the latest round of the year wins
    return [LpresYear(year, years[year]) for year in sorted(years, reverse=True)]


def prepare_lpres(year: int, organisation: str | None = None) -> LpresReport:
    """The year's report from the rounds the scope sees.

    :raise ExportError: no round of either instrument in that year, or a broken indicators file
    """
    from reports.indicators import indicators_path
    from reports.lpres import LpresSource, build_lpres

    found = next((y.rounds for y in lpres_years() if y.year == year), {})
    if not found:
        raise ExportError(gettext(
            "Nie ma rund formularza sprawozdawczego ani ankiety PES LPRES za rok %(year)s — "
            "najpierw uruchom rundy lpres-formularz i lpres-ankieta-pes.", year=year))
    sources = []
    for key in LPRES_KEYS:
        if key not in found:
            continue
        info = round_info(db.session, found[key])
        survey = round_survey(db.session, info.id)
        frame = _frame(info.id, info, survey, {}, gettext("Odpowiedzi"), _plain)
        indicators = [i for i in indicators_for(survey) if i.level == "lpres"]
        path = indicators_path(current_app.config["SURVEY_DEFS_DIR"], key)
        sources.append(LpresSource(key, info.title, info.period, frame, indicators,
                                   f"survey_defs/{path.name}"))
    territory = next((i.territory for s in sources for i in s.indicators if i.territory), "")
    return build_lpres(year, organisation or _organisation(), _gmina(territory), sources,
                       now_in_poland(), missing=[k for k in LPRES_KEYS if k not in found])


def _organisation() -> str:
    from flask_login import current_user

    scope = current_scope()
    if scope is not None and current_user and current_user.is_authenticated:
        return organisation_name(current_user.organisation)
    return organisation_name(None)


def _gmina(code: str) -> str:
    """„Gmina Kluczbork” for the plan's territory (its code when the register lacks it)."""
    name = db.session.scalar(select(Territory.name).where(Territory.code == code[:6])) \
        if code else None
    return gettext("Gmina %(name)s", name=name) if name else code


def write_lpres(out: Any, report: LpresReport, file_format: str) -> None:
    """The report as xlsx, DOCX or PDF (printed from that DOCX) in the request's language.

    :raise ExportError: an unknown format, or no LibreOffice for the PDF
    """
    from reports.lpres import write_lpres_workbook
    from reports.lpres_document import write_lpres_document, write_lpres_pdf
    from reports.typst_pdf import PdfError

    locale = "pl_PL" if current_language() == "pl" else "en"
    if file_format == "xlsx":
        write_lpres_workbook(out, report, translate)
    elif file_format == "docx":
        write_lpres_document(out, report, translate, locale)
    elif file_format == "pdf":
        with tempfile.TemporaryDirectory(prefix="esmon-lpres-") as tmp:
            target = Path(tmp) / "sprawozdanie.pdf"
            try:  # the contents give each chapter's page, as in the regional report
                write_lpres_pdf(target, report, translate, locale)
            except PdfError as err:
                raise ExportError(translate(err.args[0])) from err
            with target.open("rb") as pdf:
                shutil.copyfileobj(pdf, out)
    else:
        raise ExportError(gettext("Sprawozdanie LPRES zapisuje się jako xlsx, docx albo pdf."))


def record_lpres_export(report: LpresReport, file_format: str) -> None:
    """The report left the system: the audit log says so."""
    record("export", None, summary=f"Sprawozdanie LPRES {report.year} — {report.gmina}",
           after={"kind": "lpres", "year": report.year, "format": file_format,
                  "rounds": [s.key + " " + s.period for s in report.sources]})
