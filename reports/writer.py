"""What a printed report is written through: headings, paragraphs, captioned tables, figures.

The report's content (``reports.document``: title page, method, chapters, indicators, year over
year, codebook) is written once, in calls to a writer; the DOCX writer
(``reports.document._Writer``) turns them into an editable Word document and the PDF writer
(``reports.typst_pdf.TypstWriter``) into a typeset, tagged PDF. Both number their chapters,
tables and figures here, and format every cell here, so the two documents cannot say
different things.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from l10n import N_
from reports.charts import ChartSpec
from reports.classes import format_value
from reports.figures import Figures
from reports.maps import MapSpec

Translate = Callable[[str], str]
Picture = ChartSpec | MapSpec
#: A4 less the 2 cm margins: the width the tables share (cm), in both documents
TEXT_WIDTH_CM = 17.0
#: control characters but tab and line breaks (C0): no text a person meant, and neither XML
#: 1.0 (the DOCX) nor PDF/UA-1 takes them; for ``str.translate``
CONTROL_CHARACTERS = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


class ReportWriter:
    """The numbering and formatting both documents share; the output is the subclass's."""

    def __init__(self, translate: Translate, locale: str):
        self.t, self.locale = translate, locale
        self.tables = self.figures = 0
        self.chapters: list[str] = []
        #: the drawn figures; each PNG is rendered once (``Figures.png``)
        self.drawn = Figures()

    # -- numbering --------------------------------------------------------------------------

    def numbered_heading(self, text: str, level: int) -> str:
        """A chapter's heading gets its number (``3. Wskaźniki``) and a line in the contents."""
        if level == 1:
            text = f"{len(self.chapters) + 1}. {text}"
            self.chapters.append(text)
        return text

    def caption_text(self, kind: str, title: str) -> str:
        """``Tabela 4. …`` or ``Rycina 2. …``, numbered in order."""
        if kind == "table":
            self.tables += 1
            return f"{self.t(N_('Tabela'))} {self.tables}. {title}"
        self.figures += 1
        return f"{self.t(N_('Rycina'))} {self.figures}. {title}"

    def alternative(self, figure: Picture, caption: str) -> str:
        """What a screen reader says for a picture (WCAG 1.1.1): its caption, and where its
        numbers are. The same text in both documents."""
        if isinstance(figure, MapSpec):
            return self.t(N_("%(caption)s. Mapa; wartości obszarów podają tabele tego rozdziału.",
                             caption=caption))
        return self.t(N_("%(caption)s. Wykres; jego liczby podają tabele tego rozdziału.",
                         caption=caption))

    # -- formatting -------------------------------------------------------------------------

    def label(self, text: str) -> str:
        """A header in the reader's language (``Tak — odsetek wskazań`` part by part)."""
        return " — ".join(self.t(part) for part in text.split(" — "))

    def value(self, value: Any, fmt: str) -> str:
        if isinstance(value, str):
            return self.t(value)
        return cell_text(value, fmt, self.locale)

    # -- what the report is made of (each writer's own output) -------------------------------

    def mark(self) -> int:
        """Where the next block goes (the contents are placed there later: ``contents``)."""
        raise NotImplementedError

    def heading(self, text: str, level: int = 1) -> None:
        raise NotImplementedError

    def text(self, text: str) -> None:
        raise NotImplementedError

    def generated(self, text: str | None) -> None:
        """A sentence written from the numbers, marked so the team checks and rewrites it."""
        raise NotImplementedError

    def bullet(self, text: str) -> None:
        raise NotImplementedError

    def labelled(self, label: str, value: str) -> None:
        """``Label: value`` with the label in bold (the title page, sources)."""
        raise NotImplementedError

    def emphasised(self, text: str, value: str) -> None:
        """``text`` followed by ``value`` in bold (a key figure)."""
        raise NotImplementedError

    def title_block(self, title: str, subtitle: str, spaced: bool = True) -> None:
        """The title and subtitle; ``spaced``: low on a title page of its own, else at the
        top of the first page (a report of a few pages)."""
        raise NotImplementedError

    def page_break(self) -> None:
        raise NotImplementedError

    def table(self, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
              widths: Sequence[float] | None = None, notes: Sequence[str] = (),
              text_columns: Collection[int] = (0,), bold_rows: Collection[int] = ()) -> None:
        """A captioned table: bold shaded header repeated on each page, figures right, the
        ``text_columns`` (words: names, statuses) left; ``widths`` in cm; the body rows
        ``bold_rows`` (subtotals) in bold."""
        raise NotImplementedError

    def picture(self, figure: Picture, title: str, width_cm: float = 16.5) -> None:
        """A chart or map, centred over its caption (its PNG may still be drawing)."""
        raise NotImplementedError

    def place_pictures(self) -> None:
        """Put in the figures' PNGs (drawn meanwhile: ``Figures.drawn_ahead``)."""
        raise NotImplementedError

    def contents(self, at: int) -> None:
        """The contents (the chapters with their pages), put at ``at`` (``mark``)."""
        raise NotImplementedError

    # -- shared on top of those -------------------------------------------------------------

    def chart(self, spec: ChartSpec) -> None:
        self.picture(spec, self.t(spec.title))

    def map(self, spec: MapSpec) -> None:
        self.picture(spec, self.t(spec.title), 15.5)
        for note in spec.notes:
            self.text(self.t(note))


def column_widths(columns: int, widths: Sequence[float] | None) -> list[float]:
    """Each column's width (cm): the given ones, the text width shared evenly by the rest."""
    even = TEXT_WIDTH_CM / columns
    sizes = [*(widths or ())[:columns]]
    return sizes + [even] * (columns - len(sizes))


def cell_text(value: Any, fmt: str, locale: str = "pl_PL") -> str:
    """A table cell the Polish way: figures by ``format_value``, a year as ``2024`` (no
    thousands separator), a date as ``31.03.2026``."""
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y")
    if fmt == "year" and value is not None and not isinstance(value, str):
        return str(int(value))
    return format_value(value, fmt, locale)
