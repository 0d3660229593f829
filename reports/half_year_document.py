"""The half-year framework report as a document (DOCX, and PDF typeset by ``reports.typst_pdf``).

The voivodeship ES team reads it between annual reports, so it stays a few A4 pages: a title
block (round, the half-year as people say it, organisation, date), a sentence or two written
from the figures, the key figures, response progress by subregion and kind, and the units
still missing. The same ``HalfYearReport`` and indicator results as the workbook, so the two
files cannot disagree. No Flask, no database.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from l10n import N_, Message
from l10n.periods import period_label
from l10n.polish import long_date
from reports.classes import format_value
from reports.document import _Writer
from reports.indicators import UNITS
from reports.narrative import NOUNS, response_sentence
from reports.writer import ReportWriter
from reports.xlsx import MODE_LABELS, ReportContent, Translate, _unchanged

_FORMATS = {"count": "count", "PLN": "money", "%": "pct"}
STILL_MISSING = N_("Brakuje jeszcze odpowiedzi %(n)s %(noun)s (%(states)s).")
NONE_MISSING = N_("Odpowiedź, która się liczy, złożyła każda zaproszona jednostka.")
#: the subregion's name stays in the nominative (a name from a file cannot be declined)
_WEAKEST = N_("Najmniej odpowiedzi ma podregion %(subregion)s: %(counted)s z %(invited)s "
              "(%(share)s).")


def write_half_year_document(out: IO[bytes] | str | Path, content: ReportContent,
                             organisation: str, translate: Translate = _unchanged,
                             locale: str = "pl_PL") -> None:
    """Write the framework report of ``content`` (``reports.build.half_year``) as DOCX."""
    w = _Writer(translate, locale)
    _write_half_year(w, content, organisation)
    w.finish(out, *_properties(w, content, organisation))


def write_half_year_pdf(target: Path, content: ReportContent, organisation: str,
                        translate: Translate = _unchanged, locale: str = "pl_PL") -> None:
    """The same report as a tagged PDF (Typst).

    :raise reports.typst_pdf.PdfError: Typst is missing or refused the document
    """
    from reports.typst_pdf import TypstWriter

    w = TypstWriter(translate, locale)
    _write_half_year(w, content, organisation)
    w.finish(target, *_properties(w, content, organisation))


def _properties(w: ReportWriter, content: ReportContent, organisation: str) -> tuple[str, str]:
    return f"{content.info.title} — {w.t(period_label(content.info.period))}", organisation


def _write_half_year(w: ReportWriter, content: ReportContent, organisation: str) -> None:
    """The report, in either document."""
    report = content.half_year
    if report is None:
        raise ValueError("not a half-year report")
    locale = w.locale
    info = content.info
    period = w.t(period_label(info.period))
    _title(w, info.title, info.round_label, period, organisation,
           long_date(info.generated_at.date()))
    total = report.progress[-1]
    w.heading(w.t(N_("Najważniejsze liczby półrocza")))
    w.generated(response_sentence(total.counted, total.invited, NOUNS["unit"], locale))
    w.generated(_missing_sentence(report.missing, w))
    subtotals = [r for r in report.progress[:-1] if r.kind == report.progress[-1].kind]
    if len(subtotals) > 1:
        weakest = min(subtotals, key=lambda r: (r.rate if r.rate is not None else 2.0))
        w.generated(N_(_WEAKEST, subregion=weakest.subregion, counted=weakest.counted,
                       invited=weakest.invited,
                       share=format_value(weakest.rate, "share", locale)))
    rows = [[w.t(N_("Zaproszone jednostki")), str(total.invited)],
            [w.t(N_("Złożone ankiety")), str(total.counted)],
            *[[w.t(label), str(report.by_mode.get(mode, 0))]
              for mode, label in MODE_LABELS.items()],
            [w.t(N_("Brakuje")), str(total.missing)],
            [w.t(N_("Odsetek odpowiedzi")), format_value(total.rate, "share", locale)]]
    w.table(w.t(N_("Odpowiedzi półrocza")), [w.t(N_("Liczba")), w.t(N_("Wartość"))], rows,
            [10.0, 4.0])
    if content.indicators:
        w.table(w.t(N_("Wskaźniki z odpowiedzi złożonych do dnia raportu")),
                [w.t(N_("Wskaźnik")), w.t(N_("Jednostka")), w.t(N_("Wartość")),
                 w.t(N_("Wartość docelowa")), w.t(N_("Status"))],
                [[r.indicator.name, w.t(UNITS[r.indicator.unit]),
                  format_value(r.achieved, _FORMATS[r.indicator.unit], locale),
                  format_value(r.indicator.target, _FORMATS[r.indicator.unit], locale)
                  if r.indicator.target is not None else "—", w.t(r.status)]
                 for r in content.indicators], [6.6, 2.4, 2.6, 2.6, 2.8],
                text_columns=(0, 1, 4))
    w.heading(w.t(N_("Postęp zbierania odpowiedzi")))
    w.table(w.t(N_("Postęp według podregionu i rodzaju jednostki")),
            [w.t(N_("Podregion")), w.t(N_("Rodzaj jednostki")), w.t(N_("Zaproszone")),
             w.t(N_("Złożone")), w.t(N_("Brakuje")), w.t(N_("Odsetek"))],
            [[w.t(r.subregion), w.t(r.kind), str(r.invited), str(r.counted), str(r.missing),
              format_value(r.rate, "share", locale)] for r in report.progress],
            [3.4, 4.6, 2.2, 2.2, 2.2, 2.4], text_columns=(0, 1),
            # the subtotals: all kinds of a subregion, and the total
            bold_rows=[i for i, r in enumerate(report.progress) if r.kind == total.kind])
    w.heading(w.t(N_("Jednostki, których odpowiedzi brakuje")))
    if report.missing:
        w.table(w.t(N_("Brakujące jednostki")),
                [w.t(N_("Jednostka")), w.t(N_("Rodzaj jednostki")), w.t(N_("Powiat")),
                 w.t(N_("Podregion")), w.t(N_("Stan"))],
                [[m.name, m.kind, m.powiat, m.subregion, w.t(m.state)]
                 for m in report.missing], [5.4, 3.0, 3.0, 2.6, 3.0],
                text_columns=range(5))
    else:
        w.text(w.t(NONE_MISSING))


def _title(w: ReportWriter, title: str, round_label: str, period: str, organisation: str,
           made_on: str) -> None:
    """A title block on the first page, not a page of its own: the report is a few pages."""
    w.title_block(title, period, spaced=False)
    for label, value in ((N_("Runda"), round_label),
                         (N_("Opracowanie"), organisation),
                         (N_("Data sporządzenia"), made_on)):
        if value:
            w.labelled(w.t(label), value)


def _missing_sentence(missing: list, w: ReportWriter) -> Message | str:
    """``Brakuje jeszcze odpowiedzi 4 jednostek (nie otworzyła linku: 2, …).``"""
    if not missing:
        return NONE_MISSING
    by_state: dict[str, int] = {}
    for unit in missing:
        by_state[unit.state] = by_state.get(unit.state, 0) + 1
    states = ", ".join(f"{w.t(state)}: {count}" for state, count in by_state.items())
    return N_(STILL_MISSING, n=len(missing), noun=Message(NOUNS["unit"].of(len(missing))),
              states=states)
