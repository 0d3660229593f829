"""The monitoring report as an editable Word document (python-docx): what a team sends on.

Title page, contents, method (who was asked, when, how many answered), one chapter per level
with the response rate (table, chart, map), one per questionnaire section with the figures by
group, the indicators against their targets, year over year, and the codebook as an annex.
Sentences written from the numbers (``reports.narrative``) stand beside the table they sum
up, in the shaded "Tekst wygenerowany" style, so the team sees what to check and rewrite.

The document shows the same ``ReportContent`` and ``Figures`` as the workbook and the screen:
the numbers are the aggregates', formatted the Polish way. The PDF is written by the same
calls (``_write_report`` through a ``reports.writer.ReportWriter``) and typeset by Typst
(``reports.typst_pdf``).
"""

from __future__ import annotations

import io
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt

from l10n import N_
from l10n.periods import period_label, period_span
from l10n.polish import long_date
from reports.aggregate import (
    INVITED,
    LEVELS,
    RATE,
    RESPONSE_RATE,
    SUBMITTED,
    SUM,
    TOTAL,
)
from reports.charts import ChartSpec
from reports.classes import format_value
from reports.docx_parts import (
    GENERATED_STYLE,
    TABLE_TEXT_STYLE,
    a4,
    keep_with_next,
    page_numbers,
    table_of_contents,
    table_xml,
    update_fields_on_open,
)
from reports.figures import Figures
from reports.frame import EXPLANATION_LABEL
from reports.indicators import DIRECTIONS, UNITS, IndicatorResult
from reports.maps import MapSpec
from reports.model import CrossTable, IndicatorBlock, KeyFigure, Report, WideTable
from reports.narrative import (
    change_sentence,
    indicator_sentence,
    noun_for,
    response_sentence,
)
from reports.writer import ReportWriter, Translate, cell_text, column_widths
from reports.xlsx import ATTRIBUTE_LABELS, EXPLANATION_HINT, ReportContent, raw_columns

__all__ = ["DocumentInfo", "cell_text", "write_document", "write_pdf"]
#: columns of one results table (A4 portrait: a label column and this many figures)
COLUMNS_PER_TABLE = 5
_FORMATS = {"count": "count", "PLN": "money", "%": "pct", "": "decimal"}
NO_ANSWERS = N_("W tej rundzie nie złożono jeszcze żadnej ankiety, więc raport nie zawiera "
                "wyników — tylko opis badania i słownik danych. Wyniki pojawią się po "
                "złożeniu pierwszych ankiet.")
GENERATED_NOTE = N_("Akapity na żółtym tle zostały napisane automatycznie na podstawie liczb "
                    "z tabel obok (styl „Tekst wygenerowany”). Sprawdź je i przeredaguj przed "
                    "wysłaniem raportu; tabele, wykresy i mapy pokazują te same dane co plik "
                    "xlsx.")


def _same(text: str) -> str:
    return text


@dataclass
class DocumentInfo:
    """What the document says about itself beyond the workbook's information sheet."""

    organisation: str
    opens_on: date | None = None
    deadline: date | None = None
    previous_year: int | None = None
    #: unit kind → (invited, submitted)
    by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)


class _Writer(ReportWriter):
    """The report being written as an editable DOCX, with numbered tables and figures."""

    def __init__(self, translate: Translate, locale: str):
        super().__init__(translate, locale)
        self.doc = docx.Document()
        a4(self.doc)
        #: the figures' paragraphs waiting for their PNGs (``place_pictures``), with their
        #: alternative texts
        self.pictures: list[tuple[Any, ChartSpec | MapSpec, float, str]] = []

    def mark(self) -> int:
        return len(self.doc.paragraphs)

    def heading(self, text: str, level: int = 1) -> None:
        keep_with_next(self.doc.add_heading(self.numbered_heading(text, level), level))

    def text(self, text: str) -> None:
        self.doc.add_paragraph(text)

    def generated(self, text: str | None) -> None:
        if text:
            self.doc.add_paragraph(self.t(text), style=GENERATED_STYLE)

    def bullet(self, text: str) -> None:
        self.doc.add_paragraph(text, style="List Bullet")

    def labelled(self, label: str, value: str) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)

    def emphasised(self, text: str, value: str) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.add_run(text)
        paragraph.add_run(value).bold = True

    def title_block(self, title: str, subtitle: str, spaced: bool = True) -> None:
        for _ in range(6 if spaced else 0):
            self.doc.add_paragraph()
        self.doc.add_paragraph(title, style="Title")
        self.doc.add_paragraph(subtitle).runs[0].font.size = Pt(16)

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def caption(self, kind: str, title: str) -> str:
        """The numbered caption's paragraph; returns its text."""
        text = self.caption_text(kind, title)
        paragraph = self.doc.add_paragraph(text, style="Caption")
        if kind == "table":
            keep_with_next(paragraph)
        return text

    def table(self, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
              widths: Sequence[float] | None = None, notes: Sequence[str] = (),
              text_columns: Collection[int] = (0,), bold_rows: Collection[int] = ()) -> None:
        self.caption("table", title)
        # one XML element for the whole table (``table_xml``): python-docx's cell-by-cell
        # calls cost seconds on the national report; without widths the text width is
        # shared evenly, as ``add_table`` does
        self.doc.element.body._insert_tbl(table_xml(
            self.doc.styles[TABLE_TEXT_STYLE].style_id, header, rows,
            column_widths(len(header), widths), bool(widths), text_columns=text_columns,
            bold_rows=bold_rows))
        for note in notes:
            paragraph = self.doc.add_paragraph(self.t(note))
            paragraph.runs[0].font.size = Pt(8)
        self.doc.add_paragraph()

    def picture(self, figure: ChartSpec | MapSpec, title: str, width_cm: float = 16.5) -> None:
        """The figure's paragraph, centred over its caption; its PNG goes in by
        ``place_pictures`` when the rest is written (drawn meanwhile: ``write_document``)."""
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        keep_with_next(paragraph)
        caption = self.caption("figure", title)
        self.pictures.append((paragraph, figure, width_cm, self.alternative(figure, caption)))

    def place_pictures(self) -> None:
        for paragraph, figure, width_cm, alternative in self.pictures:
            png = self.drawn.png(figure, self.t, self.locale)
            shape = paragraph.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
            shape._inline.docPr.set("descr", alternative)  # Word's "Alt Text"
        self.pictures.clear()

    def contents(self, at: int) -> None:
        """A TOC field Word updates on opening, placed before paragraph ``at``."""
        anchor = self.doc.paragraphs[at]
        heading = anchor.insert_paragraph_before(self.t(N_("Spis treści")),
                                                 style="TOC Heading")
        heading.runs[0].font.size = Pt(16)
        entries = [anchor.insert_paragraph_before() for _ in self.chapters]
        table_of_contents(entries, self.chapters)
        anchor.insert_paragraph_before().add_run().add_break(WD_BREAK.PAGE)

    def finish(self, out: IO[bytes] | str | Path, title: str, author: str) -> None:
        """Pictures in, page numbers in the footer, the file's properties, saved."""
        self.place_pictures()
        page_numbers(self.doc, self.t(N_("Strona")), self.t(N_("z")))
        update_fields_on_open(self.doc)
        self.doc.core_properties.title = title
        self.doc.core_properties.author = author
        self.doc.core_properties.language = "pl-PL" if self.locale.startswith("pl") else "en"
        self.doc.save(out if not isinstance(out, Path) else str(out))


def write_pdf(target: Path, content: ReportContent, figures: Figures | None,
              about: DocumentInfo, translate: Translate = _same, locale: str = "pl_PL") -> None:
    """The report as a tagged PDF (PDF/UA-1), typeset by Typst from the same calls as the
    DOCX (``reports.typst_pdf``): the contents give each chapter's page.

    :raise reports.typst_pdf.PdfError: Typst is missing or refused the document
    """
    from reports.typst_pdf import TypstWriter

    w = TypstWriter(translate, locale)
    _write_report(w, content, figures, about)
    w.finish(target, *_properties(content, about))


def write_document(out: IO[bytes] | str | Path, content: ReportContent, figures: Figures | None,
                   about: DocumentInfo, translate: Translate = _same,
                   locale: str = "pl_PL") -> None:
    """Write the report as DOCX to a path or a binary file object."""
    w = _Writer(translate, locale)
    _write_report(w, content, figures, about)
    w.finish(out, *_properties(content, about))


def _properties(content: ReportContent, about: DocumentInfo) -> tuple[str, str]:
    """The file's title and author (what a screen reader announces first)."""
    return f"{content.info.title} — {content.info.round_label}", about.organisation


def _write_report(w: ReportWriter, content: ReportContent, figures: Figures | None,
                  about: DocumentInfo) -> None:
    """The report, in either document: every figure, table and sentence of both comes from
    here. The figures are drawn in a child meanwhile; their PNGs go in at the end."""
    figures = figures or Figures()
    w.drawn = figures
    with figures.drawn_ahead(_printed(content, figures), w.t, w.locale):
        _title_page(w, content, about)
        contents_at = w.mark()
        _method(w, content, about)
        if not int(content.frame.submitted.sum()):
            w.heading(w.t(N_("Wyniki")))
            w.generated(NO_ANSWERS)
        else:
            if content.report is not None:
                _chapters(w, content.report, figures)
            if content.plan is not None:
                _plan(w, content.plan, figures)
            if content.municipal is not None:
                _municipal(w, content)
            if content.indicators and (content.report is None or not any(
                    True for _ in content.report.blocks(IndicatorBlock))):
                _indicators(w, content.indicators, figures.drawn.get("wskazniki"))
            if content.yoy:
                _year_over_year(w, content, figures, about)
        _codebook(w, content)
        w.contents(contents_at)
        w.place_pictures()


def _printed(content: ReportContent, figures: Figures) -> list[ChartSpec | MapSpec]:
    """The figures the document prints as pictures, in their order (a guess may miss one:
    it is drawn when printed)."""
    if not int(content.frame.submitted.sum()):
        return []
    return [*figures.drawn.values(), *figures.extra]


PLAN_CHAPTER = N_("Plan a wykonanie")
_PLAN_COLUMNS = (("obszar", N_("obszar"), ""), ("plan_liczba", N_("plan: liczba usług"), "count"),
                 ("wyk_liczba", N_("wykonanie: liczba"), "count"),
                 ("plan_wartosc", N_("plan: wartość (zł)"), "money"),
                 ("wyk_wartosc", N_("wykonanie: wartość (zł)"), "money"),
                 ("wykonanie_wartosci", N_("wykonanie wartości"), "share"))
_PLAN_REGIONS = ((N_("województwo"), ""), (N_("liczba JST"), "count"),
                 (N_("JST, które spełniły plan"), "count"),
                 (N_("odsetek JST, które spełniły plan"), "share"))


def _plan(w: ReportWriter, plan: Any, figures: Figures) -> None:
    """Plan against execution: the country by service area, the województwa (JST that met
    their plan), and the maps by województwo; the per-JST rows are in the workbook."""
    w.heading(w.t(PLAN_CHAPTER))
    w.text(w.t(N_("JST z wysłanym wykonaniem planu: %(count)s; plan spełniło: %(met)s (%(share)s).",
                  count=plan.jst_count, met=plan.met_count,
                  share=format_value(plan.met_share, "share", w.locale))))
    w.table(w.t(N_("Plan a wykonanie w kraju według obszarów usług")),
            [w.t(label) for _, label, _ in _PLAN_COLUMNS],
            [[w.value(record[name], fmt) if fmt else w.t(record[name])
              for name, _, fmt in _PLAN_COLUMNS]
             for record in plan.national.to_dict("records")],
            widths=[5.0, 2.0, 2.0, 2.6, 2.6, 2.0])
    regions = plan.by_wojewodztwo.drop_duplicates("wojewodztwo")
    w.table(w.t(N_("JST, które spełniły plan, według województw")),
            [w.t(label) for label, _ in _PLAN_REGIONS],
            [[str(r["wojewodztwo"]), w.value(r["jst"], "count"),
              w.value(r["jst_plan_spelniony"], "count"),
              w.value(r["odsetek_spelnionych"], "share")]
             for r in regions.to_dict("records")],
            widths=[6.0, 3.0, 3.5, 3.5])
    for spec in figures.maps:
        w.map(spec)
        w.table(w.t(spec.title), [w.t(N_("Obszar")), w.t(N_("Wartość")), w.t(N_("Klasa"))],
                spec.rows(w.locale, w.t), widths=[6.0, 3.0, 4.0])


def _title_page(w: ReportWriter, content: ReportContent, about: DocumentInfo) -> None:
    info = content.info
    w.title_block(info.title, info.round_label)
    lines = [
        (N_("Okres sprawozdawczy"), w.t(period_label(info.period))),
        (N_("Ankieta"), info.questionnaire),
        (N_("Opracowanie"), about.organisation),
        (N_("Data sporządzenia"), long_date(info.generated_at.date())),
    ]
    lines += [(N_("Zawężenie"), w.t(f)) for f in info.filters]
    for label, value in lines:
        w.labelled(w.t(label), str(value))
    w.page_break()


def _method(w: ReportWriter, content: ReportContent, about: DocumentInfo) -> None:
    frame, info = content.frame, content.info
    w.heading(w.t(N_("Opis badania")))
    invited, submitted = len(frame.data), int(frame.submitted.sum())
    kinds = set(frame.data["unit_kind"].dropna())
    when = ""
    if about.opens_on and about.deadline:
        when = w.t(N_("Ankietę udostępniono %(start)s z terminem %(end)s.",
                      start=long_date(about.opens_on), end=long_date(about.deadline)))
    w.text(w.t(N_("Badanie „%(round)s” za %(period_span)s: ankieta %(questionnaire)s, "
                  "wypełniana przez jednostki przez osobisty link z e-maila.",
                  round=info.round_label, period_span=w.t(period_span(info.period)),
                  questionnaire=info.questionnaire)) + (f" {when}" if when else ""))
    w.generated(response_sentence(submitted, invited, noun_for(kinds), w.locale))
    if about.by_kind:
        rows = [(kind, str(n), str(done), format_value(done / n if n else None, "share",
                                                       w.locale))
                for kind, (n, done) in sorted(about.by_kind.items())]
        w.table(w.t(N_("Zaproszone jednostki i złożone ankiety wg rodzaju jednostki")),
                [w.t(N_("Rodzaj jednostki")), w.t(INVITED), w.t(SUBMITTED), w.t(RATE)], rows,
                [6, 3.5, 3.5, 3.5])
    _modes(w, frame)
    w.text(w.t(GENERATED_NOTE))
    if info.notes:
        w.heading(w.t(N_("Uwagi metodologiczne")), 2)
        for note in info.notes:
            w.bullet(w.t(note))


#: how answers came (``ReportFrame.answers_by_mode``; the names of ``models.response``)
MODE_NAMES = {"web": N_("przez internet"), "phone": N_("telefonicznie (CATI)"),
              "staff": N_("wpis pracownika")}


def _modes(w: ReportWriter, frame: Any) -> None:
    """The counted answers by how they came: web, phone interview, staff entry."""
    by_mode = frame.answers_by_mode()
    total = sum(by_mode.values())
    if not total:
        return
    w.text(w.t(N_("Złożone ankiety według sposobu udzielenia odpowiedzi: %(modes)s.")) % {
        "modes": ", ".join(f"{w.t(MODE_NAMES[m])} — {n}" for m, n in by_mode.items())})
    rows = [(w.t(MODE_NAMES[m]), str(n), format_value(n / total, "share", w.locale))
            for m, n in by_mode.items()]
    rows.append((w.t(TOTAL), str(total), format_value(1.0, "share", w.locale)))
    w.table(w.t(N_("Złożone ankiety według sposobu udzielenia odpowiedzi")),
            [w.t(N_("Sposób udzielenia odpowiedzi")), w.t(SUBMITTED),
             w.t(N_("udział w złożonych"))], rows, [7, 3.5, 3.5])


def _chapters(w: ReportWriter, report: Report, figures: Figures) -> None:
    """The report's chapters as the page and the workbook show them: the same wide tables,
    key figures, charts and maps, in the definition's order."""
    for chapter in report.chapters:
        w.heading(w.t(chapter.title))
        if chapter.intro:
            w.text(w.t(chapter.intro))
        for block in chapter.blocks:
            if isinstance(block, WideTable):
                _wide(w, block)
            elif isinstance(block, CrossTable):
                _cross(w, block)
            elif isinstance(block, KeyFigure):
                _key_figure(w, block)
            elif isinstance(block, IndicatorBlock):
                _indicators(w, block.results, figures.drawn.get(block.id), 2)
            else:
                drawn = figures.drawn.get(getattr(block, "id", ""))
                if isinstance(drawn, MapSpec):
                    w.map(drawn)
                elif isinstance(drawn, ChartSpec) and not drawn.empty:
                    w.chart(drawn)


def _wide(w: ReportWriter, table: WideTable) -> None:
    """A wide table, its statistics split over as many tables as fit the page's width."""
    by = w.t(table.level_label)
    if any(c.key == f"{RESPONSE_RATE}:{SUBMITTED}" for c in table.columns):
        w.generated(_extremes(w, table))
    parts = range(0, len(table.columns), COLUMNS_PER_TABLE)
    for start in parts:
        columns = table.columns[start:start + COLUMNS_PER_TABLE]
        header = [by, *(w.label(c.label) for c in columns)]
        body = []
        for row in table.rows:
            values = row.values[start:start + COLUMNS_PER_TABLE]
            body.append([w.t(row.group) if row.total else row.group,
                         *(w.value(v, c.fmt) for c, v in zip(columns, values, strict=True))])
        title = f"{w.label(table.title)} — {by.lower()}"
        if len(parts) > 1:
            title += f" ({start // COLUMNS_PER_TABLE + 1})"
        notes = table.notes if start == parts[-1] else ()
        w.table(title, header, body, [4.5] + [12.5 / len(columns)] * len(columns), notes)


def _extremes(w: ReportWriter, table: WideTable) -> str | None:
    """``Najwyższy odsetek odpowiedzi: 1604 kluczborski (100,0%); najniższy: … (20,0%).``"""
    known = [(v, row.group) for row, v in table.series(f"{RESPONSE_RATE}:{RATE}")
             if isinstance(v, int | float) and v == v]
    if len(known) < 2:
        return None
    high, low = max(known), min(known)
    if high[0] == low[0]:
        return N_("We wszystkich grupach odsetek odpowiedzi jest taki sam: %(rate)s.",
                  rate=format_value(high[0], "share", w.locale))
    return N_("Najwyższy odsetek odpowiedzi: %(high)s (%(high_rate)s); najniższy: %(low)s "
              "(%(low_rate)s).", high=high[1], high_rate=format_value(high[0], "share",
                                                                       w.locale),
              low=low[1], low_rate=format_value(low[0], "share", w.locale))


def _cross(w: ReportWriter, table: CrossTable) -> None:
    """A table question's cells over all units, with row and column totals."""
    title = w.t(N_("%(title)s — wszystkie jednostki (odpowiedzi: %(n)s)")) % {
        "title": table.title, "n": table.answered}
    body = [[w.t(label), *(w.value(v, table.fmt) for v in cells)]
            for label, cells in zip(table.row_labels, table.cells, strict=True)]
    columns = len(table.column_labels)
    w.table(title, ["", *(w.t(c) for c in table.column_labels)], body,
            [5] + [12 / max(1, columns)] * columns, table.notes)


def _key_figure(w: ReportWriter, figure: KeyFigure) -> None:
    value = w.value(figure.value, figure.fmt)
    if figure.of is not None:
        value += " " + w.t(N_("z %(of)s")) % {"of": figure.of}
    w.emphasised(f"{w.t(figure.label)}: ", value)


def _municipal(w: ReportWriter, content: ReportContent) -> None:
    report = content.municipal
    if report is None:
        return
    w.heading(w.t(N_("Gmina na tle obszarów")))
    table = report.table
    columns = [("etykieta", N_("Pytanie")), ("gmina", N_("gmina")),
               ("poprzednia runda", N_("poprzednia runda")), ("zmiana %", N_("zmiana %")),
               ("powiat — mediana", "powiat — mediana"),
               ("województwo — mediana", "województwo — mediana")]
    body = []
    for record in table.to_dict("records"):
        fmt = record["format"]
        cells = [record["etykieta"]]
        for key, _ in columns[1:]:
            cell_fmt = "share" if key == "zmiana %" else (
                "decimal" if fmt == "count" and "mediana" in key else fmt)
            cells.append(w.value(record.get(key), cell_fmt))
        body.append(cells)
    for label, n in report.areas.values():
        w.text(w.t(N_("Porównanie z gminami: %(area)s — %(count)s gmin z odpowiedziami.",
                      area=label, count=n)))
    w.table(w.t(N_("%(name)s na tle obszarów", name=report.name)),
            [" — ".join(w.t(p) for p in label.split(" — ")) for _, label in columns], body,
            [6, 2.2, 2.2, 2, 2.3, 2.3])


def _indicators(w: ReportWriter, results: Sequence[IndicatorResult],
                chart: Any = None, level: int = 1) -> None:
    """Baseline, value and target of each indicator, a sentence on each, the chart."""
    if not results:
        return
    w.heading(w.t(N_("Wskaźniki względem celów")), level)
    body = []
    for result in results:
        ind = result.indicator
        fmt = {"count": "count", "PLN": "money", "%": "pct"}[ind.unit]
        baseline = (f"{format_value(ind.baseline, fmt, w.locale)} ({ind.baseline_year})"
                    if ind.baseline is not None else "—")
        body.append([ind.name, w.t(UNITS[ind.unit]), baseline,
                     format_value(result.achieved, fmt, w.locale),
                     f"{format_value(ind.target, fmt, w.locale)} ({ind.target_year})"
                     if ind.target is not None else "—",
                     w.t(DIRECTIONS[ind.direction]), w.t(result.status)])
        w.generated(indicator_sentence(ind.name, result.achieved, ind.target,
                                       ind.target_year, w.t(result.status), fmt, w.locale))
    w.table(w.t(N_("Wskaźniki: wartość bazowa, osiągnięta i docelowa")),
            [w.t(N_("Wskaźnik")), w.t(N_("Jednostka")), w.t(N_("Wartość bazowa")),
             w.t(N_("Osiągnięto")), w.t(N_("Wartość docelowa")), w.t(N_("Kierunek")),
             w.t(N_("Status"))], body, [5.5, 1.6, 2.2, 2.2, 2.2, 1.6, 1.8],
            text_columns=(0, 1, 5, 6))
    if isinstance(chart, ChartSpec):
        w.chart(chart)


def _year_over_year(w: ReportWriter, content: ReportContent, figures: Figures,
                    about: DocumentInfo) -> None:
    w.heading(w.t(N_("Rok do roku")))
    year = about.previous_year or 0
    for level, table in content.yoy.items():
        by = w.t(LEVELS[level])
        totals = table[table["grupa"] == TOTAL]
        keys = [(RESPONSE_RATE, RATE, w.t(N_("Odsetek odpowiedzi")), "share")]
        for column in content.frame.of_kind("number"):
            if column.name == column.question_id and column.value_kind in ("count", "amount"):
                keys.append((column.name, SUM, column.label, _FORMATS[column.unit]))
        body = []
        for name, measure, label, fmt in keys[:8]:
            found = totals[(totals["kolumna"] == name) & (totals["miara"] == measure)]
            if found.empty:
                continue
            record = found.iloc[0]
            now, before = record["bieżąca runda"], record["poprzednia runda"]
            change = record["zmiana %"] if fmt != "share" else record["zmiana"]
            body.append([label, w.value(before, fmt), w.value(now, fmt),
                         format_value(change, "share", w.locale) if change is not None
                         and change == change else "—"])
            w.generated(change_sentence(label, _num(now), _num(before), year, fmt, w.locale))
        w.table(w.t(N_("Rok do roku — ogółem (%(level)s)", level=by.lower())),
                [w.t(N_("Pytanie")), w.t(N_("poprzednia runda")), w.t(N_("bieżąca runda")),
                 w.t(N_("zmiana"))], body, [8, 3, 3, 2.5],
                [N_("Zmiana odsetka odpowiedzi w punktach procentowych, pozostałych — "
                    "w procentach.")])
    for spec in figures.extra:
        w.chart(spec)


def _num(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value


def _codebook(w: ReportWriter, content: ReportContent) -> None:
    w.heading(w.t(N_("Aneks: słownik danych")))
    w.text(w.t(N_("Kolumny arkusza „Dane” pliku xlsx i pliku CSV: identyfikator, pytanie, "
                  "typ i dopuszczalne odpowiedzi.")))
    body = [[name, w.t(label), w.t(N_("atrybut jednostki")), ""]
            for name, label in ATTRIBUTE_LABELS.items()]
    frame = content.frame
    for column in raw_columns(frame):
        question = frame.survey.question(column.question_id)
        kind = question.type + (f" ({column.unit})" if column.unit else "")
        choices = "; ".join(f"{c.value} = {c.label}" for c in question.choices)
        if column.kind == "explanation":
            kind, choices = w.t(EXPLANATION_LABEL), w.t(EXPLANATION_HINT)
        body.append([column.name, column.label, kind, choices])
    w.table(w.t(N_("Słownik danych")), ["id", w.t(N_("etykieta")), w.t(N_("typ")),
                                        w.t(N_("odpowiedzi"))], body, [4.5, 6, 2.5, 4],
            text_columns=(0, 1, 2, 3))

