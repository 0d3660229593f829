"""The LPRES annual report as a document (DOCX, and PDF typeset by ``reports.typst_pdf``).

The team discusses it and the council receives it, so it reads as a report: a title page, the
contents, how the data were collected (both instruments, who answered, how), one chapter per
priority of the plan with a table of its indicators (baseline, value, target, status) and who
contributed, and a closing chapter on the targets the team still has to set. Sentences written
from the figures carry the "Tekst wygenerowany" style, as in every esmon document.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from l10n import N_
from l10n.polish import long_date
from reports.classes import format_value
from reports.document import _Writer
from reports.indicators import UNITS
from reports.lpres import (
    NO_TARGET_SAY,
    TITLE,
    LpresReport,
    LpresRow,
    baseline_text,
    target_text,
)
from reports.narrative import indicator_sentence
from reports.writer import ReportWriter
from reports.xlsx import MODE_LABELS, Translate, _unchanged

_FORMATS = {"count": "count", "PLN": "money", "%": "pct"}


def write_lpres_document(out: IO[bytes] | str | Path, report: LpresReport,
                         translate: Translate = _unchanged, locale: str = "pl_PL") -> None:
    """Write the report as DOCX to a path or a binary file object."""
    w = _Writer(translate, locale)
    _write_lpres(w, report)
    w.finish(out, *_properties(w, report))


def write_lpres_pdf(target: Path, report: LpresReport, translate: Translate = _unchanged,
                    locale: str = "pl_PL") -> None:
    """The same report as a tagged PDF whose contents give each chapter's page (Typst).

    :raise reports.typst_pdf.PdfError: Typst is missing or refused the document
    """
    from reports.typst_pdf import TypstWriter

    w = TypstWriter(translate, locale)
    _write_lpres(w, report)
    w.finish(target, *_properties(w, report))


def _properties(w: ReportWriter, report: LpresReport) -> tuple[str, str]:
    return f"{w.t(TITLE)} — {report.gmina} {report.year}", report.organisation


def _write_lpres(w: ReportWriter, report: LpresReport) -> None:
    """The report, in either document."""
    _title_page(w, report)
    contents_at = w.mark()
    _method(w, report)
    for priority in report.priorities:
        w.heading(w.t(priority.name))
        _priority_table(w, priority.name, priority.rows)
        for row in priority.rows:
            _indicator_text(w, row)
    _targets(w, report)
    w.contents(contents_at)


def _title_page(w: ReportWriter, report: LpresReport) -> None:
    w.title_block(w.t(TITLE), w.t(N_("%(gmina)s — rok %(year)s")) % {
        "gmina": report.gmina, "year": report.year})
    for label, value in ((N_("Rok sprawozdawczy"), str(report.year)),
                         (N_("Opracowanie"), report.organisation),
                         (N_("Data sporządzenia"), long_date(report.generated_at.date()))):
        w.labelled(w.t(label), value)
    w.page_break()


def _method(w: ReportWriter, report: LpresReport) -> None:
    w.heading(w.t(N_("Źródła danych")))
    w.text(w.t(N_("Zespół monitorujący ocenia realizację programu co roku na podstawie "
                  "formularzy sprawozdawczych komórek urzędu i jednostek organizacyjnych gminy "
                  "oraz ankiety lokalnych podmiotów ekonomii społecznej. Sprawozdanie łączy "
                  "rundy obu instrumentów za rok %(year)s.")) % {"year": report.year})
    rows = []
    for source in report.sources:
        rate = source.submitted / source.invited if source.invited else None
        modes = ", ".join(f"{w.t(label).removeprefix(w.t(N_('w tym')) + ' ')}: "
                          f"{source.by_mode.get(mode, 0)}"
                          for mode, label in MODE_LABELS.items())
        rows.append([source.title, source.period, str(source.invited), str(source.submitted),
                     format_value(rate, "share", w.locale), modes])
        w.generated(N_("%(title)s: dane złożyło %(submitted)s z %(invited)s zaproszonych "
                       "jednostek.", title=source.title, submitted=source.submitted,
                       invited=source.invited))
    w.table(w.t(N_("Instrumenty i odpowiedzi")),
            [w.t(N_("Instrument")), w.t(N_("Runda")), w.t(N_("Zaproszone")),
             w.t(N_("Złożone")), w.t(N_("Odsetek")), w.t(N_("Sposób"))], rows,
            [4.6, 1.5, 2.2, 1.8, 1.7, 4.7], text_columns=(0, 5))
    for key in report.missing:
        w.text(w.t(N_("Brak rundy instrumentu %(key)s za rok %(year)s — jego wskaźniki mają "
                      "status „brak danych”.")) % {"key": key, "year": report.year})


def _priority_table(w: ReportWriter, name: str, rows: tuple[LpresRow, ...]) -> None:
    body = []
    for row in rows:
        ind = row.indicator
        body.append([ind.name, w.t(UNITS[ind.unit]), baseline_text(row, w.t),
                     format_value(row.result.achieved, _FORMATS[ind.unit], w.locale),
                     target_text(row, w.t), w.t(row.result.status)])
    w.table(w.t(N_("%(priority)s: wskaźniki")) % {"priority": name},
            [w.t(N_("Wskaźnik")), w.t(N_("Jednostka")), w.t(N_("Wartość bazowa")),
             w.t(N_("Wartość w roku")), w.t(N_("Wartość docelowa")), w.t(N_("Status"))],
            body, [5.2, 1.9, 2.0, 2.0, 3.2, 2.2], text_columns=(0, 1, 4, 5))


def _indicator_text(w: ReportWriter, row: LpresRow) -> None:
    ind = row.indicator
    w.generated(indicator_sentence(ind.name, row.result.achieved, ind.target, ind.target_year,
                                   w.t(row.result.status), _FORMATS[ind.unit], w.locale))
    w.labelled(w.t(N_("Źródło")), ind.source or row.source.title)
    w.labelled(f"{w.t(N_('Dane złożyły'))} ({len(row.contributors)})",
               ", ".join(row.contributors) or w.t(N_("żadna jednostka")))


def _targets(w: ReportWriter, report: LpresReport) -> None:
    w.heading(w.t(N_("Wartości docelowe")))
    missing = report.without_target
    if not missing:
        w.text(w.t(N_("Każdy wskaźnik ma wartość docelową.")))
        return
    w.text(w.t(N_("%(count)s z %(all)s wskaźników nie ma wartości docelowej — %(say)s "
                  "(pola target i target_year; wartość bazowa: baseline i baseline_year):")) % {
        "count": len(missing), "all": len(report.rows), "say": w.t(NO_TARGET_SAY)})
    for row in missing:
        w.bullet(f"{row.indicator.name} — {row.source.indicators_file}")
