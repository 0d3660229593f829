"""Kluczbork's annual report: "Roczne sprawozdanie z działalności zespołu monitorującego LPRES".

Why a report of its own: the plan's 12 indicators come from two instruments filled by different
units in the same year — the reporting form of the office's departments and the gmina's units
(``lpres-formularz``) and the survey of local PES (``lpres-ankieta-pes``) — and the monitoring
team discusses them together, by priority of the plan: each indicator with its baseline, this
year's value, the target, the status and the units whose answers it was computed from. The plan
names no targets; an indicator without one says so plainly and where to fill it in.

Plain data in (one ``ReportFrame`` and its indicators per instrument), plain data out: no Flask,
no database. ``write_lpres_workbook`` and ``reports.lpres_document`` draw it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO

import pandas as pd

from forms.expressions import references
from l10n import N_, polish_sort_key
from reports.frame import ReportFrame
from reports.indicators import (
    INVITED,
    NO_TARGET,
    RESPONSES,
    UNITS,
    Indicator,
    IndicatorResult,
    evaluate_indicators,
)
from reports.xlsx import Translate, _Book, _unchanged, _width

TITLE = N_("Roczne sprawozdanie z działalności zespołu monitorującego LPRES")
#: what the report says where the plan names no target yet
NO_TARGET_SAY = N_("cel nie został ustalony — uzupełnij w pliku wskaźników")
OTHER_PRIORITY = N_("Pozostałe wskaźniki")
_FORMATS = {"count": "decimal", "PLN": "money", "%": "decimal"}


@dataclass(frozen=True)
class LpresSource:
    """One instrument's round of the year: its answers and the indicators computed from them."""

    key: str
    title: str
    period: str
    frame: ReportFrame
    indicators: Sequence[Indicator]
    #: the indicators file (``survey_defs/<key>.indicators.yaml``), named where a target is empty
    indicators_file: str


@dataclass(frozen=True)
class LpresRow:
    """One indicator of the plan this year, with the units whose answers it counts."""

    result: IndicatorResult
    source: LpresSource
    contributors: tuple[str, ...]

    @property
    def indicator(self) -> Indicator:
        return self.result.indicator

    @property
    def has_target(self) -> bool:
        return self.indicator.target is not None


@dataclass(frozen=True)
class LpresPriority:
    name: str
    rows: tuple[LpresRow, ...]


@dataclass(frozen=True)
class SourceSummary:
    """How one instrument's round went: invited, counted, by mode (web, phone, staff)."""

    key: str
    title: str
    period: str
    invited: int
    submitted: int
    by_mode: dict[str, int]


@dataclass
class LpresReport:
    year: int
    organisation: str
    gmina: str
    generated_at: datetime
    priorities: list[LpresPriority] = field(default_factory=list)
    sources: list[SourceSummary] = field(default_factory=list)
    #: keys of the instruments whose round of the year is missing
    missing: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[LpresRow]:
        return [row for priority in self.priorities for row in priority.rows]

    @property
    def without_target(self) -> list[LpresRow]:
        return [row for row in self.rows if not row.has_target]


def build_lpres(year: int, organisation: str, gmina: str, sources: Sequence[LpresSource],
                generated_at: datetime, missing: Sequence[str] = ()) -> LpresReport:
    """The report: every indicator of every instrument, grouped by the plan's priorities in
    the order the files give them (priorities in their own order, the rest last)."""
    report = LpresReport(year, organisation, gmina, generated_at, missing=list(missing))
    grouped: dict[str, list[LpresRow]] = {}
    for source in sources:
        frame = source.frame
        report.sources.append(SourceSummary(
            source.key, source.title, source.period, len(frame.data),
            int(frame.submitted.sum()), dict(frame.answers_by_mode())))
        for result in evaluate_indicators(source.indicators, frame):
            row = LpresRow(result, source, contributors(result.indicator, frame))
            grouped.setdefault(result.indicator.priority or OTHER_PRIORITY, []).append(row)
    order = sorted(grouped, key=lambda name: (name == OTHER_PRIORITY, polish_sort_key(name)))
    report.priorities = [LpresPriority(name, tuple(grouped[name])) for name in order]
    return report


def contributors(indicator: Indicator, frame: ReportFrame) -> tuple[str, ...]:
    """Units with a counted answer the formula uses (for ``pytanie__wartosc``: those that
    chose the value); a formula of counts only (``liczba_odpowiedzi``) — every counted unit."""
    data = frame.data[frame.submitted]
    names = references(indicator.formula) - {RESPONSES, INVITED}
    if not names:
        chosen = pd.Series(True, index=data.index)
    else:
        chosen = pd.Series(False, index=data.index)
        for name in names:
            if name in data.columns:
                chosen |= data[name].notna()
                continue
            column, _, value = name.rpartition("__")
            if column in data.columns:
                chosen |= data[column] == value
    return tuple(sorted({str(n) for n in data.loc[chosen, "unit_name"]}, key=polish_sort_key))


def target_text(row: LpresRow, translate: Translate = _unchanged) -> str:
    """The target as the report says it: value and year, or that the team has yet to set it."""
    ind = row.indicator
    if ind.target is None:
        return translate(NO_TARGET_SAY)
    return f"{_plain(ind.target)} ({ind.target_year})"


def baseline_text(row: LpresRow, translate: Translate = _unchanged) -> str:
    ind = row.indicator
    if ind.baseline is None:
        return translate(N_("brak"))
    return f"{_plain(ind.baseline)} ({ind.baseline_year})" if ind.baseline_year \
        else _plain(ind.baseline)


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


SHEET = N_("Wskaźniki LPRES")
UNITS_SHEET = N_("Jednostki")
ABOUT = N_("Informacje")
HEADER = [N_("Priorytet"), N_("Wskaźnik"), N_("Jednostka miary"), N_("Wartość bazowa"),
          N_("Wartość w roku"), N_("Wartość docelowa"), N_("Status"), N_("Źródło"),
          N_("Jednostki, które złożyły dane"), N_("Liczba jednostek"), "id"]


def write_lpres_workbook(out: IO[bytes] | str | Path, report: LpresReport,
                         translate: Translate = _unchanged) -> None:
    """The report as a workbook: information, the indicators by priority, the units."""
    title = f"{translate(TITLE)} — {report.gmina} {report.year}"
    book = _Book(out, translate, title)
    try:
        _about_sheet(book, report, title)
        ws = book.sheet(SHEET, N_("Wskaźniki planu po priorytetach: wartość bazowa, w roku, "
                                  "docelowa, status i jednostki"))
        rows = report.rows
        texts = [[r.indicator.name, ", ".join(r.contributors)] for r in rows]
        book.header_row(ws, HEADER, [22, _width([t[0] for t in texts], 40), 10, 14, 12, 24, 20,
                                     30, _width([t[1] for t in texts], 40), 10, 24],
                        len(rows))
        line = 1
        for priority in report.priorities:
            for row in priority.rows:
                ind = row.indicator
                book.string(ws, line, 0, translate(priority.name), wrap=True)
                book.string(ws, line, 1, ind.name, wrap=True)
                book.string(ws, line, 2, translate(UNITS[ind.unit]))
                book.string(ws, line, 3, baseline_text(row, translate))
                book.value(ws, line, 4, row.result.achieved, _FORMATS[ind.unit])
                book.string(ws, line, 5, target_text(row, translate), wrap=True)
                book.string(ws, line, 6, translate(row.result.status))
                book.string(ws, line, 7, ind.source or row.source.title, wrap=True)
                book.string(ws, line, 8, ", ".join(row.contributors), wrap=True)
                book.value(ws, line, 9, len(row.contributors), "count")
                book.string(ws, line, 10, ind.id)
                line += 1
        _units_sheet(book, report)
    finally:
        book.close()


def _about_sheet(book: _Book, report: LpresReport, title: str) -> None:
    t = book.t
    ws = book.sheet(ABOUT, N_("Co zawiera plik: rok, gmina, rundy obu instrumentów"))
    lines: list[tuple[str, object]] = [
        (t(N_("Raport")), title), (t(N_("Rok sprawozdawczy")), report.year),
        (t(N_("Gmina")), report.gmina), (t(N_("Opracowanie")), report.organisation),
        (t(N_("Wygenerowano")), report.generated_at.replace(tzinfo=None))]
    for source in report.sources:
        lines.append((source.title, t(N_("runda %(period)s: zaproszone %(invited)s, złożone "
                                         "%(submitted)s")) % {
            "period": source.period, "invited": source.invited,
            "submitted": source.submitted}))
    for key in report.missing:
        lines.append((key, t(N_("brak rundy tego instrumentu za ten rok"))))
    if report.without_target:
        lines.append((t(N_("Uwaga")), t(N_("%(count)s z %(all)s wskaźników nie ma wartości "
                                           "docelowej: %(say)s.")) % {
            "count": len(report.without_target), "all": len(report.rows),
            "say": t(NO_TARGET_SAY)}))
    book.columns(ws, [40, 80])
    for r, (label, value) in enumerate(lines):
        book.string(ws, r, 0, str(label), wrap=True)
        if isinstance(value, str):
            book.string(ws, r, 1, value, wrap=True)
        else:
            book.value(ws, r, 1, value, "year" if isinstance(value, int) else "date")


def _units_sheet(book: _Book, report: LpresReport) -> None:
    """Each unit and the indicators its answers went into."""
    t = book.t
    ws = book.sheet(UNITS_SHEET, N_("Jednostki i wskaźniki, do których weszły ich dane"))
    by_unit: dict[str, list[str]] = {}
    for row in report.rows:
        for name in row.contributors:
            by_unit.setdefault(name, []).append(row.indicator.id)
    names = sorted(by_unit, key=polish_sort_key)
    book.header_row(ws, [N_("Jednostka"), N_("Wskaźniki")], [_width(names, 40), 80],
                    len(names))
    for r, name in enumerate(names, start=1):
        book.string(ws, r, 0, name)
        book.string(ws, r, 1, ", ".join(by_unit[name]), wrap=True)
    if not names:
        book.string(ws, 1, 0, t(N_("Żadna jednostka nie złożyła jeszcze danych.")))


__all__ = ["NO_TARGET", "TITLE", "LpresReport", "LpresSource", "build_lpres",
           "write_lpres_workbook"]
