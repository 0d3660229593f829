"""The report workbook (xlsxwriter): a real spreadsheet for coordinators, not a dump.

Sheets: "Informacje" (what the file is), "Wskaźniki" (targets with a native chart), "Gmina"
(municipal report), one sheet per level (and its year-over-year sheet), "Dane" (one row per
unit, one header row of column ids) and "Słownik" (codebook). Numbers are numeric cells with
Polish formats, every table has one frozen header row and an autofilter, no merged cells.

Safety: the workbook is opened with ``strings_to_formulas``, ``strings_to_numbers`` and
``strings_to_urls`` off, and answers are written with ``write_string``/``write_number`` only,
so ``=HYPERLINK(…)`` typed into a questionnaire stays text; such text also gets Excel's quote
prefix so editing the cell later does not turn it into a formula.

Language: every fixed text (sheet names, headers, labels, notes) is a Polish msgid marked with
``N_``; ``write_report`` takes a ``translate`` callable (the Flask side passes
``l10n.web.translate``), so this module needs no Flask and the default workbook is Polish.

Memory: ``constant_memory`` writes each row to disk as it is finished, so a 60 000-row "Dane"
sheet never sits in memory; every sheet is therefore written strictly top to bottom.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from l10n import N_
from l10n.periods import period_label
from reports import collection
from reports.aggregate import LEVELS, TOTAL, Aggregate
from reports.frame import ATTRIBUTES, EXPLANATION_LABEL, Column, ReportFrame
from reports.half_year import HalfYearReport
from reports.indicators import DIRECTIONS, UNITS, IndicatorResult
from reports.model import Report
from reports.municipal import COLUMNS as MUNICIPAL_COLUMNS
from reports.municipal import MunicipalReport
from reports.xlsx_chapters import write_chapters
from reports.xlsx_rows import FORMULA_START, Cells, write_rows
from reports.yoy import COLUMNS as YOY_COLUMNS

MONEY = '#,##0.00 "zł"'
COUNT = "#,##0"
DECIMAL = "#,##0.00"
PERCENT = "0.0%"
_MAX_WIDTH, _MIN_WIDTH = 60, 8
ATTRIBUTE_LABELS = {
    "unit_id": N_("Identyfikator jednostki w rejestrze"),
    "unit_name": N_("Nazwa jednostki"),
    "unit_kind": N_("Rodzaj jednostki (cis, kis, owes, gmina, powiat, …)"),
    "teryt": N_("Kod TERYT (TERC) jednostki: gmina 7 cyfr (z RODZ), powiat 4 cyfry"),
    "gmina_type": N_("Rodzaj JST: miejska, wiejska, miejsko-wiejska, powiat, miasto na "
                     "prawach powiatu"),
    "powiat": N_("Powiat (kod i nazwa)"),
    "podregion": N_("Podregion"),
    "wojewodztwo": N_("Województwo (kod i nazwa)"),
    "status": N_("Status odpowiedzi: invited, draft, submitted, returned, accepted"),
}
#: counted answers by how they came (``ReportFrame.answers_by_mode``), on "Informacje"
MODE_LABELS = {"web": N_("w tym przez internet"),
               "phone": N_("w tym telefonicznie (CATI)"),
               "staff": N_("w tym wpisane przez pracownika (papier, e-mail)")}
#: sheet names
INFORMATION, INDICATORS, MUNICIPAL = N_("Informacje"), N_("Wskaźniki"), N_("Gmina")
RAW, CODEBOOK, YEAR_OVER_YEAR = N_("Dane"), N_("Słownik"), N_("%(level)s rok do roku")
CONTENTS = N_("Spis treści")
#: columns of the raw sheet printed side by side on one page width
RAW_COLUMNS_PER_PAGE = 18
Translate = Callable[[str], str]


def _unchanged(text: str) -> str:
    return text


@dataclass
class ReportInfo:
    """What the information sheet says about the file."""

    title: str
    round_label: str
    period: str
    questionnaire: str
    generated_at: datetime
    filters: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ReportContent:
    """Everything one workbook shows; parts left empty are left out."""

    info: ReportInfo
    frame: ReportFrame
    levels: Sequence[Aggregate] = ()
    yoy: dict[str, pd.DataFrame] = field(default_factory=dict)
    indicators: Sequence[IndicatorResult] = ()
    municipal: MunicipalReport | None = None
    #: the half-year framework report: progress and the missing units
    half_year: HalfYearReport | None = None
    raw: bool = True
    #: small-cell suppression is on: sensitive columns are left out of "Dane"
    suppressed: bool = False
    #: charts and maps (``reports.figures.Figures``), drawn on sheets of their own
    figures: Any = None
    #: "Dane" with question texts over the codes and answer labels in the cells
    labels: bool = False
    #: the report's chapters (``reports.model``): a sheet each
    report: Report | None = None
    #: plan against execution (``reports.plan.PlanReport``), its sheets first
    plan: Any = None


def write_report(out: IO[bytes] | str | Path, content: ReportContent,
                 translate: Translate = _unchanged) -> None:
    """Write the workbook to a path or a binary file-like object (a web view streams it).

    :param translate: turns each Polish label (a msgid, or an ``l10n.Message``) into
        the reader's language; by default the workbook is in Polish
    """
    book = _Book(out, translate, content.info.title)
    # the maps' PNGs are drawn in a child meanwhile (the charts are the workbook's own)
    ahead = (content.figures.drawn_ahead(content.figures.maps, book.t, "pl_PL")
             if content.figures is not None else contextlib.nullcontext())
    with ahead:
        try:
            _information(book, content)
            contents = book.sheet(CONTENTS)
            if content.half_year is not None:
                _half_year(book, content.half_year)
            if content.plan is not None:
                from reports.plan import write_plan

                write_plan(book, content.plan)
            if content.figures is not None:
                import reports.chart_xlsx  # noqa: F401 - registers the chapters' chart and map drawers

                book.figures = content.figures
            if content.indicators:
                # with figures, the chart against the targets (marks, baseline) is drawn by the
                # indicators chapter, or on "Wykresy" in a report without chapters
                _indicators(book, content.indicators, with_chart=content.figures is None)
            if content.municipal is not None:
                _municipal(book, content.municipal)
            if content.report is not None:
                write_chapters(book, content.report)
            if content.report is None:  # the chapters hold the same figures, as wide tables
                for agg in content.levels:
                    _level(book, agg)
            for level, table in content.yoy.items():
                _yoy(book, level, table)
            if content.figures is not None:
                _figures(book, content.figures, content.report)
            if content.raw:
                with collection.paused():  # millions of cells, none in a cycle
                    _raw(book, content.frame, content.suppressed, content.labels)
            _codebook(book, content.frame)
            _contents(book, contents)
        finally:
            book.close()


class _Book:
    """The workbook with its formats and a writer that never lets text become a formula."""

    def __init__(self, out: IO[bytes] | str | Path, translate: Translate = _unchanged,
                 title: str = ""):
        self.t = translate
        self.title = title
        #: (sheet name, what it holds) in the order of the workbook, for the contents sheet
        self.listed: list[tuple[str, str]] = []
        #: wide table id → (sheet, first row of its groups, column key → column index)
        self.placed: dict[str, tuple[str, int, dict[str, int]]] = {}
        #: the report's drawn charts and maps (``reports.figures.Figures``) or ``None``
        self.figures: Any = None
        #: sheet → its columns' widths (``header_row``), and the heights given to its rows
        self.widths: dict[str, Sequence[float]] = {}
        self.heights: dict[tuple[str, int], float] = {}
        self.wb = xlsxwriter.Workbook(out if not isinstance(out, Path) else str(out), {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        })
        add = self.wb.add_format
        self.header = add({"bold": True, "text_wrap": True, "valign": "top",
                           "bg_color": "#DDEBF7", "border": 1})
        # a header from the data (a subregion's or a choice's name) may look like a formula
        self.quoted_header = add({"bold": True, "text_wrap": True, "valign": "top",
                                  "bg_color": "#DDEBF7", "border": 1, "quote_prefix": True})
        #: the row of codes under a labelled header
        self.codes = add({"italic": True, "font_color": "#444444", "bg_color": "#F2F2F2",
                          "border": 1})
        self.text = add({"valign": "top"})
        self.wrapped = add({"valign": "top", "text_wrap": True})
        self.quoted = add({"quote_prefix": True, "valign": "top"})
        self.quoted_wrapped = add({"quote_prefix": True, "valign": "top", "text_wrap": True})
        number_formats = {
            "money": MONEY.replace("zł", translate(N_("zł"))), "count": COUNT,
            "decimal": DECIMAL, "share": PERCENT, "pct": PERCENT,
            "date": "dd.mm.yyyy hh:mm", "day": "dd.mm.yyyy", "year": "0",
        }
        #: figures at the top of their cell, level with wrapped text beside them
        self.formats = {k: add({"num_format": v, "valign": "top"})
                        for k, v in number_formats.items()}
        #: totals rows of the chapters' tables
        self.bold_formats = {k: add({"num_format": v, "bold": True, "top": 1})
                             for k, v in number_formats.items()}
        self.bold_text = add({"bold": True, "top": 1, "align": "right"})
        self.chapter_title = add({"bold": True, "font_size": 14})
        self.caption = add({"bold": True, "font_size": 11})
        self.note = add({"italic": True, "font_size": 9})
        self.total_label = add({"bold": True, "top": 1})

    def sheet(self, name: str, about: str = "") -> Worksheet:
        """A new sheet, set up to print (``name`` is a msgid, the sheet gets its translation).

        Every sheet prints landscape on A4, fitted to the page width, with the report's title
        and the sheet's name in the header and "page n of m" in the footer; ``header_row``
        adds its header row as the print title repeated on every page.
        """
        title = _sheet_name(self.t(name), {n for n, _ in self.listed})
        ws = self.wb.add_worksheet(title)
        self.listed.append((title, about or name))
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        ws.fit_to_pages(1, 0)
        ws.set_header(f"&L&8{_escape_amp(self.title)}&R&8&A", {"margin": 0.3})
        page = _escape_amp(self.t(N_("strona %(page)s z %(pages)s")))
        ws.set_footer("&C&8" + page % {"page": "&P", "pages": "&N"}, {"margin": 0.3})
        return ws

    def label(self, text: str) -> str:
        """A header or label in the reader's language (``powiat — mediana`` part by part)."""
        return " — ".join(self.t(part) for part in text.split(" — "))

    def value(self, ws: Worksheet, row: int, col: int, value: Any, fmt: str | None = None,
              bold: bool = False) -> None:
        """One cell: numbers as numbers (``pct`` values 0–100 become fractions), text as text."""
        formats = self.bold_formats if bold else self.formats
        if value is None or (isinstance(value, float) and value != value):
            if bold:
                ws.write_blank(row, col, None, formats["count"])
            return
        if isinstance(value, str):
            if bold and value[:1] not in FORMULA_START:
                ws.write_string(row, col, value, self.bold_text)
            else:
                self.string(ws, row, col, value)
        elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            number = float(value) / 100 if fmt == "pct" else float(value)
            ws.write_number(row, col, number, formats.get(fmt or "decimal"))
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, value.replace(tzinfo=None), formats["date"])
        elif isinstance(value, date):
            ws.write_datetime(row, col, datetime.combine(value, time()), formats["day"])
        else:
            self.string(ws, row, col, str(value))

    def column(self, values: list[Any], number_format: Format | None) -> Cells:
        """A column's cells for ``write_rows``: numbers in ``number_format``, or (without one)
        text, never read as a formula."""
        if number_format is not None:
            return Cells(values, True, number_format)
        return Cells(values, False, self.text, self.quoted)

    def string(self, ws: Worksheet, row: int, col: int, text: str, wrap: bool = False) -> None:
        if text[:1] in FORMULA_START:
            fmt = self.quoted_wrapped if wrap else self.quoted
        else:
            fmt = self.wrapped if wrap else self.text
        ws.write_string(row, col, text, fmt)
        widths = self.widths.get(ws.get_name(), ())
        if wrap and col < len(widths):  # (a sheet whose widths ``columns`` did not set:
            self.fit_row(ws, row, text, widths[col] * TEXT_PER_WIDTH)  # rows keep height)

    def columns(self, ws: Worksheet, widths: Sequence[float]) -> None:
        """Set the columns' widths (characters), remembered to fit wrapped rows' heights."""
        self.widths[ws.get_name()] = list(widths)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)

    def fit_row(self, ws: Worksheet, row: int, text: str, width: float) -> None:
        """Make ``row`` tall enough for ``text`` wrapped at ``width`` characters.

        Why: a workbook stores no heights for rows it did not set, and LibreOffice prints
        such a row one line high — a wrapped header then runs over the first row of data.
        """
        lines = wrapped_lines(text, width)
        key = (ws.get_name(), row)
        height = LINE_HEIGHT * lines + ROW_PADDING
        if lines > 1 and height > self.heights.get(key, 0.0):
            self.heights[key] = height
            ws.set_row(row, min(409.0, height))

    def header_row(self, ws: Worksheet, names: Sequence[str], widths: Sequence[float],
                   last_row: int, freeze_cols: int = 0, translated: bool = False) -> None:
        """Header in row 0 (names translated), frozen; autofilter over the table; widths.

        :param translated: the names are final texts (question texts): not looked up again
        """
        self.columns(ws, widths)
        for col, (name, width) in enumerate(zip(names, widths, strict=True)):
            label = name if translated else self.label(name)
            ws.write_string(0, col, label,
                            self.quoted_header if label[:1] in FORMULA_START else self.header)
            self.fit_row(ws, 0, label, width * BOLD_PER_WIDTH)
        ws.freeze_panes(1, freeze_cols)
        ws.autofilter(0, 0, max(last_row, 1), len(names) - 1)
        ws.repeat_rows(0)
        if freeze_cols:
            ws.repeat_columns(0, freeze_cols - 1)

    def close(self) -> None:
        self.wb.close()


#: a row's height per line of text and its padding (points); how many characters of text a
#: column holds per unit of its width (the unit is the digit 0, wider than most letters:
#: measured on LibreOffice's print), and of a bold header
LINE_HEIGHT, ROW_PADDING, TEXT_PER_WIDTH, BOLD_PER_WIDTH = 12.75, 2.5, 1.2, 1.0


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped at word ends, ``width`` characters a line."""
    room = max(1, int(width) - 1)
    lines = 0
    for paragraph in str(text).split("\n"):
        used = 0
        lines += 1
        for word in paragraph.split():
            if used and used + 1 + len(word) > room:
                lines += 1
                used = 0
            if used:
                used += 1
            used += len(word)
            while used > room:  # a word longer than the column breaks inside
                lines += 1
                used -= room
    return lines


def _sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no ``[]:*?/\\``, at most 31 characters."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip() or "Arkusz"
    candidate, n = clean[:31], 2
    while candidate in taken:
        suffix = f" ({n})"
        candidate, n = clean[:31 - len(suffix)] + suffix, n + 1
    return candidate


def _escape_amp(text: str) -> str:
    """Header/footer text: ``&`` starts a code there, so a literal one is doubled."""
    return text.replace("&", "&&")


def _contents(book: _Book, ws: Worksheet) -> None:
    """The sheet of contents: each sheet with a link to it and what it holds."""
    t = book.t
    rows = [(name, about) for name, about in book.listed if name != ws.get_name()]
    book.header_row(ws, [N_("Arkusz"), N_("Zawartość")], [34, 90], len(rows))
    for r, (name, about) in enumerate(rows, start=1):
        ws.write_url(r, 0, f"internal:'{name.replace(chr(39), chr(39) * 2)}'!A1",
                     string=name)
        book.string(ws, r, 1, t(about), wrap=True)


def _width(texts: Iterable[Any], floor: int = _MIN_WIDTH) -> float:
    longest = max((len(str(t)) for t in texts if t is not None), default=0)
    return float(min(_MAX_WIDTH, max(floor, longest + 2)))


def _information(book: _Book, content: ReportContent) -> None:
    info, frame = content.info, content.frame
    invited = len(frame.data)
    submitted = int(frame.submitted.sum())
    t = book.t
    rows: list[tuple[str, Any, str | None]] = [
        (N_("Raport"), info.title, None),
        (N_("Runda"), info.round_label, None),
        (N_("Okres sprawozdawczy"), t(period_label(info.period)), None),
        (N_("Ankieta"), info.questionnaire, None),
        (N_("Filtry"), "; ".join(t(f) for f in info.filters)
         or t(N_("brak (wszystkie jednostki rundy)")), None),
        (N_("Wygenerowano"), info.generated_at, None),
        (N_("Zaproszone jednostki"), invited, "count"),
        (N_("Złożone ankiety"), submitted, "count"),
        (N_("Odsetek odpowiedzi"), submitted / invited if invited else None, "share"),
    ]
    by_mode = frame.answers_by_mode()
    rows += [(label, by_mode[mode], "count") for mode, label in MODE_LABELS.items()]
    rows += [(N_("Uwaga"), t(note), None) for note in info.notes]
    ws = book.sheet(INFORMATION, N_("Co zawiera plik: runda, okres, filtry, uwagi o liczeniu"))
    book.header_row(ws, [N_("Pole"), N_("Wartość")], [30, 100], len(rows))
    for r, (name, value, fmt) in enumerate(rows, start=1):
        book.string(ws, r, 0, t(name))
        if isinstance(value, str):
            book.string(ws, r, 1, value, wrap=True)
        else:
            book.value(ws, r, 1, value, fmt)


_INDICATOR_HEADER = ["id", N_("Wskaźnik"), N_("Źródło"), N_("Jednostka"), N_("Wartość bazowa"),
                     N_("Rok bazowy"), N_("Wartość docelowa"), N_("Rok docelowy"),
                     N_("Kierunek"), N_("Osiągnięto"), N_("Status"), N_("Realizacja celu")]


def _indicators(book: _Book, results: Sequence[IndicatorResult], with_chart: bool = True
                ) -> None:
    t = book.t
    ws = book.sheet(INDICATORS, N_("Wskaźniki planu: wartość bazowa, osiągnięta, docelowa, status"))
    sheet_name = ws.get_name()
    names = [r.indicator.name for r in results]
    widths = [_width([r.indicator.id for r in results]), _width(names, 30),
              _width([r.indicator.source for r in results], 14), 10, 14, 11, 14, 12, 10, 14,
              14, 14]
    book.header_row(ws, _INDICATOR_HEADER, widths, len(results), freeze_cols=2)
    for r, result in enumerate(results, start=1):
        ind = result.indicator
        fmt = {"count": "count", "PLN": "money", "%": "pct"}[ind.unit]
        cells = [ind.id, ind.name, ind.source, t(UNITS[ind.unit]), ind.baseline,
                 ind.baseline_year, ind.target, ind.target_year, t(DIRECTIONS[ind.direction]),
                 result.achieved, t(result.status), result.progress]
        formats = [None] * 4 + [fmt, "year", fmt, "year", None, fmt, None, "share"]
        for c, (value, cell_fmt) in enumerate(zip(cells, formats, strict=True)):
            if c == 1:
                book.string(ws, r, c, str(value or ""), wrap=True)
            else:
                book.value(ws, r, c, value, cell_fmt)
    if not with_chart:
        return
    chart = book.wb.add_chart({"type": "bar"})
    chart.add_series({
        "name": t(N_("Realizacja celu")),
        "categories": [sheet_name, 1, 1, len(results), 1],
        "values": [sheet_name, 1, 11, len(results), 11],
        "data_labels": {"value": True, "num_format": PERCENT},
    })
    chart.set_title({"name": t(N_("Stopień realizacji celu (100% = cel osiągnięty)"))})
    chart.set_x_axis({"num_format": "0%"})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"none": True})
    chart.set_size({"width": 900, "height": 60 + 28 * len(results)})
    ws.insert_chart(len(results) + 3, 1, chart)


def _figures(book: _Book, figures: Any, report: Report | None) -> None:
    """Year-over-year charts, and the indicators' chart of a report without chapters (the
    chapters draw their own charts and maps)."""
    from reports.chart_xlsx import FigureSheets  # matplotlib only when there are figures

    shown = list(figures.extra) if report is not None else list(figures.charts)
    sheets = FigureSheets(book.wb, book.header, book.string, book.t, new_sheet=book.sheet)
    if shown:
        sheets.charts(shown)
    if report is None and figures.maps:  # the chapters draw their own maps
        sheets.maps(figures.maps, lambda spec: figures.png(spec, book.t, "pl_PL"))


PROGRESS, MISSING = N_("Postęp"), N_("Brakujące jednostki")
_PROGRESS_HEADER = [N_("Podregion"), N_("Rodzaj jednostki"), N_("Zaproszone jednostki"),
                    N_("Złożone ankiety"), N_("Brakuje"), N_("Odsetek odpowiedzi")]
_MISSING_HEADER = [N_("Jednostka"), N_("Rodzaj jednostki"), N_("Powiat"), N_("Podregion"),
                   N_("Stan")]


def _half_year(book: _Book, report: HalfYearReport) -> None:
    """Progress by subregion and kind, then the units still missing (one row each)."""
    t = book.t
    ws = book.sheet(PROGRESS, N_("Postęp półrocza wg podregionu i rodzaju; brakujące jednostki"))
    labels = [(t(r.subregion), t(r.kind)) for r in report.progress]
    book.header_row(ws, _PROGRESS_HEADER,
                    [_width([a for a, _ in labels], 14), _width([b for _, b in labels], 18),
                     12, 12, 10, 12], len(report.progress))
    for r, (row, (subregion, kind)) in enumerate(zip(report.progress, labels, strict=True),
                                                 start=1):
        book.string(ws, r, 0, subregion)
        book.string(ws, r, 1, kind)
        book.value(ws, r, 2, row.invited, "count")
        book.value(ws, r, 3, row.counted, "count")
        book.value(ws, r, 4, row.missing, "count")
        book.value(ws, r, 5, row.rate, "share")
    ws = book.sheet(MISSING)
    missing = report.missing
    book.header_row(ws, _MISSING_HEADER,
                    [_width([m.name for m in missing], 24), _width([m.kind for m in missing]),
                     _width([m.powiat for m in missing]), _width([m.subregion for m in missing]),
                     _width([t(m.state) for m in missing], 14)], len(missing))
    for r, unit in enumerate(missing, start=1):
        for col, text in enumerate((unit.name, unit.kind, unit.powiat, unit.subregion,
                                    t(unit.state))):
            book.string(ws, r, col, text)


def _municipal(book: _Book, report: MunicipalReport) -> None:
    ws = book.sheet(MUNICIPAL, N_("Gmina na tle powiatu, podregionu i województwa"))
    table = report.table
    header = [c for c in MUNICIPAL_COLUMNS if c != "format"]
    widths = [_width(table["kolumna"]), _width(table["pytanie"]), 50] + [14] * (len(header) - 3)
    book.header_row(ws, header, widths, len(table), freeze_cols=3)
    formats = table["format"].tolist()
    for r, record in enumerate(table[header].itertuples(index=False), start=1):
        fmt = formats[r - 1]
        for c, value in enumerate(record):
            name = header[c]
            if c < 3:
                book.value(ws, r, c, value)
                continue
            cell_fmt = "share" if name == "zmiana %" else fmt
            if fmt == "count" and ("mediana" in name or "średnia" in name):
                cell_fmt = "decimal"
            book.value(ws, r, c, value, cell_fmt)


def _level(book: _Book, agg: Aggregate) -> None:
    ws = book.sheet(LEVELS[agg.level])
    table = agg.table
    header = ["kolumna", "pytanie", "etykieta", "miara", *agg.groups, TOTAL]
    widths = [_width(table["kolumna"]), _width(table["pytanie"]), 50, 18] + [
        _width([g], 12) for g in [*agg.groups, TOTAL]]
    book.header_row(ws, header, widths, len(table), freeze_cols=4)
    formats = table["format"].tolist()
    for r, record in enumerate(table[header].itertuples(index=False), start=1):
        fmt = formats[r - 1]
        for c, value in enumerate(record):
            if c in (2, 3) and isinstance(value, str):
                value = book.t(value)  # "Odpowiedzi na ankietę", the measure
            book.value(ws, r, c, value, fmt if c >= 4 else None)


#: the comparison's figures, one row each under a (column, measure): header, cell format
#: (``None``: the measure's own; "zmiana" of a share is in percentage points)
YOY_SERIES = ((N_("bieżąca runda"), None), (N_("poprzednia runda"), None),
              (N_("zmiana"), None), (N_("zmiana %"), "share"))
YOY_SERIES_LABEL = N_("porównanie")
#: more groups than this and the comparison stays one row per group (a page cannot show the
#: groups side by side, e.g. the 380 powiats of the country)
YOY_WIDE_GROUPS = 24


def _yoy(book: _Book, level: str, table: pd.DataFrame) -> None:
    """The year-over-year comparison, printable: groups across, each (column, measure) a
    block of rows — this round, the previous one, the change, the change in percent (rows
    that are empty everywhere, as the change of a year, are left out).

    Why not one row per (column, measure, group): a regional report's comparison ran to
    600 rows, nine printed pages; across, the groups fit the width of one landscape page and
    the same figures take two or three.
    """
    groups = list(dict.fromkeys(table["grupa"]))
    if len(groups) > YOY_WIDE_GROUPS:
        _yoy_long(book, level, table)
        return
    t = book.t
    ws = book.sheet(t(YEAR_OVER_YEAR) % {"level": t(LEVELS[level])},
                    N_("Porównanie z poprzednią rundą"))
    rows = []
    for (column, measure), block in table.groupby(["kolumna", "miara"], sort=False):
        by_group = dict(zip(block["grupa"], block.to_dict("records"), strict=True))
        first = block.iloc[0]
        fmt = first["format"]
        for name, series_fmt in YOY_SERIES:
            values = [by_group[g][name] if g in by_group else None for g in groups]
            if all(v is None or (isinstance(v, float) and v != v) for v in values):
                continue
            rows.append((column, t(first["etykieta"]), t(measure), t(name), values,
                         series_fmt or fmt, t(first["uwagi"]) if first["uwagi"] else ""))
    labels = [t(g) for g in groups]  # "Ogółem"
    header = [N_("kolumna"), N_("etykieta"), N_("miara"), YOY_SERIES_LABEL, *labels,
              N_("uwagi")]
    figures = [max((_printed_length(r[4][i], r[5]) for r in rows), default=0)
               for i in range(len(groups))]
    widths = [_width([r[0] for r in rows], 12), 36, 16, 15,
              *(max(11.0, min(16.0, len(g) + 2.0), n + 2.0)
                for g, n in zip(labels, figures, strict=True)), 16]
    book.header_row(ws, header, widths, len(rows), freeze_cols=4)
    for r, (column, label, measure, name, values, fmt, note) in enumerate(rows, start=1):
        book.string(ws, r, 0, column)
        book.string(ws, r, 1, label)
        book.string(ws, r, 2, measure)
        book.string(ws, r, 3, name)
        for c, value in enumerate(values, start=4):
            book.value(ws, r, c, value, fmt)
        if note:
            book.string(ws, r, 4 + len(values), note)


def _printed_length(value: Any, fmt: str) -> int:
    """About how many characters a figure prints in (so that no column shows "###")."""
    if not isinstance(value, int | float | Decimal) or isinstance(value, bool):
        return len(str(value)) if isinstance(value, str) else 0
    if fmt in ("share", "pct"):
        return 8
    digits = len(f"{abs(float(value)):,.0f}") + (1 if value < 0 else 0)
    return digits + {"money": 6, "decimal": 3}.get(fmt, 0)


def _yoy_long(book: _Book, level: str, table: pd.DataFrame) -> None:
    """The comparison one row per (column, measure, group): for many groups."""
    ws = book.sheet(book.t(YEAR_OVER_YEAR) % {"level": book.t(LEVELS[level])},
                    N_("Porównanie z poprzednią rundą"))
    header = [c for c in YOY_COLUMNS if c != "format"]
    widths = [_width(table["kolumna"]), _width(table["pytanie"]), 40, 18, 18, 14, 14, 14, 12,
              16]
    book.header_row(ws, header, widths, len(table), freeze_cols=4)
    formats = table["format"].tolist()
    for r, record in enumerate(table[header].itertuples(index=False), start=1):
        fmt = formats[r - 1]
        for c, value in enumerate(record):
            name = header[c]
            cell_fmt = "share" if name == "zmiana %" else fmt
            if c in (2, 3, 4, 9) and isinstance(value, str):
                value = book.t(value)  # label, measure, group "Ogółem", remark
            book.value(ws, r, c, value, cell_fmt if 5 <= c <= 8 else None)


def raw_columns(frame: ReportFrame, exclude_sensitive: bool = False) -> list[Column]:
    """Columns of the raw sheet: every answer, multiple choices as their joined values."""
    return [c for c in frame.columns
            if c.kind != "option" and not (exclude_sensitive and c.sensitive)]


def raw_values(frame: ReportFrame, column: Column) -> list[Any]:
    """A column's final cell values: numbers as floats in their own unit, text as text."""
    series = frame.data[column.name]
    if column.kind == "number":
        scaled = series.astype("Float64") / 10 ** column.places if column.places else series
        return scaled.to_numpy(dtype=object, na_value=None).tolist()
    return series.to_numpy(dtype=object, na_value=None).tolist()


def _raw(book: _Book, frame: ReportFrame, exclude_sensitive: bool, labels: bool = False
         ) -> None:
    """The "Dane" sheet: one row a submitted response, written row by row (constant memory).

    With ``labels`` the first row holds the question texts, the second the codes, and choice
    cells their labels (``reports.labels``).
    """
    from reports.labels import code_labels, header_labels, labelled

    ws = book.sheet(RAW, N_("Dane surowe: jedna jednostka w wierszu, kolumny jak w słowniku"))
    data = frame.data[frame.submitted]
    columns = raw_columns(frame, exclude_sensitive)
    subset = ReportFrame(data, frame.columns, frame.survey, frame.year)
    header = [*ATTRIBUTES, *(c.name for c in columns)]
    n = len(data)
    cells: list[Cells] = []
    for name in ATTRIBUTES:
        values = data[name].to_numpy(dtype=object, na_value=None).tolist()
        cells.append(book.column(values, book.formats["count"] if name == "unit_id" else None))
    for column in columns:
        fmt = {"PLN": "money", "count": "count", "year": "year"}.get(column.unit, "decimal")
        values = raw_values(subset, column)
        choice_labels = code_labels(frame, column) if labels else None
        if choice_labels:
            values = labelled(values, column, choice_labels)
        cells.append(book.column(values, book.formats[fmt] if column.kind == "number" else None))
    widths = [_width([name, *column_cells.values[:200]], 10) for name, column_cells in
              zip(header, cells, strict=True)]
    first = 1
    if labels:
        texts = header_labels(ATTRIBUTES, columns, ATTRIBUTE_LABELS, book.t)
        widths = [max(w, min(_width([t]) / 2, 30.0)) for w, t in zip(widths, texts, strict=True)]
        # constant memory: a row's height is set before the row is written; wrapped texts
        # need it (neither Excel nor LibreOffice grows the row when they open the file)
        lines = max(math.ceil(len(t) / max(w - 1, 1)) for t, w in zip(texts, widths, strict=True))
        ws.set_row(0, 15 * min(lines, 8))
        book.header_row(ws, texts, widths, n + 1, freeze_cols=2, translated=True)
        for col, name in enumerate(header):
            ws.write_string(1, col, name, book.codes)
        ws.freeze_panes(2, 2)
        ws.autofilter(1, 0, max(n + 1, 2), len(header) - 1)
        ws.repeat_rows(0, 1)
        first = 2
    else:
        book.header_row(ws, header, widths, n, freeze_cols=2)
    # one row per unit across many columns: pages side by side rather than unreadably small
    ws.fit_to_pages(max(1, -(-len(header) // RAW_COLUMNS_PER_PAGE)), 0)
    write_rows(ws, first, cells)


EXPLANATION_HINT = N_("tekst respondenta: dlaczego wartość, przy której pojawiło się "
                      "ostrzeżenie, jest poprawna; puste — bez ostrzeżenia")


def _codebook(book: _Book, frame: ReportFrame) -> None:
    t = book.t
    ws = book.sheet(CODEBOOK, N_("Słownik kolumn: pytania, typy, kody odpowiedzi"))
    rows: list[tuple[str, str, str, str, str]] = [
        (name, t(label), t(N_("atrybut jednostki")), "", "")
        for name, label in ATTRIBUTE_LABELS.items()]
    for column in raw_columns(frame):
        question = frame.survey.question(column.question_id)
        kind = question.type + (f" ({column.unit})" if column.unit else "")
        choices = "; ".join(f"{c.value} = {c.label}" for c in question.choices)
        if column.kind == "explanation":
            kind, choices = t(EXPLANATION_LABEL), t(EXPLANATION_HINT)
        elif column.kind == "multi":
            choices = t(N_("wartości rozdzielone „;”: %(choices)s", choices=choices))
        rows.append((column.name, column.label, kind, choices, column.section))
    header = ["id", N_("etykieta"), N_("typ"), N_("odpowiedzi"), N_("sekcja")]
    widths = [_width([r[0] for r in rows]), 60, 22, 50, 30]
    book.header_row(ws, header, widths, len(rows))
    for r, record in enumerate(rows, start=1):
        for c, value in enumerate(record):
            if value:
                book.string(ws, r, c, value, wrap=c in (1, 3))

