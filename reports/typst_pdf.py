"""The report's PDF, typeset by Typst: tagged (PDF/UA-1), its contents with real page numbers.

Why Typst and not LibreOffice's print of the DOCX (what esmon did first): the national
report's DOCX took LibreOffice over a second to open, lay out and export, after a start of
another second with its own profile folder, and its contents had to be refreshed over a UNO
bridge. Typst (a pip package, no program to install) lays out the same report in a few tenths
of a second, numbers the contents from its own layout, repeats table headers on every page and
writes a tagged PDF that conforms to PDF/UA-1 (it refuses one that would not, e.g. a picture
without its text alternative). It runs in a short-lived child (``reports/typst_compile.py``).

The document is not a second report: ``reports.document._write_report`` writes the same
chapters, tables, figures and sentences through ``TypstWriter`` as through the DOCX writer;
this writer only records them as data (``data.json``), which the fixed template
``reports/typst/report.typ`` lays out. No text of a report is ever Typst markup — names and
answers are strings to the template — so nothing a respondent typed can change the layout.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

from l10n import N_
from reports.charts import ChartSpec
from reports.maps import MapSpec
from reports.typst_compile import NO_TYPST as NO_TYPST_EXIT
from reports.writer import CONTROL_CHARACTERS, ReportWriter, Translate, column_widths

TEMPLATE = Path(__file__).with_name("typst") / "report.typ"
#: the child that typesets (``reports/typst_compile.py``), and how long it may take
COMPILER = Path(__file__).with_name("typst_compile.py")
TIMEOUT_SECONDS = 240
#: the body font: Arial's metric twin where installed (the DOCX names Arial), else DejaVu
#: Sans; Typst's own Libertinus Serif last (every one has the Polish letters)
FONTS = ("Liberation Sans", "Arial", "DejaVu Sans", "Libertinus Serif")
NO_TYPST = N_("Do zapisu PDF potrzebny jest pakiet Pythona typst; DOCX można pobrać bez niego.")
FAILED = N_("Nie udało się złożyć PDF: %(reason)s")
TOO_LONG = N_("Składanie PDF trwało dłużej niż %(seconds)s s i zostało przerwane.")


class PdfError(Exception):
    """The PDF could not be made; the message (a Polish msgid) says why."""


class TypstWriter(ReportWriter):
    """The report recorded as blocks for the Typst template (``finish`` typesets them)."""

    def __init__(self, translate: Translate, locale: str):
        super().__init__(translate, locale)
        self.blocks: list[dict[str, Any]] = []
        #: the pictures, in order: the block to fill and its figure (``place_pictures``)
        self.pictures: list[tuple[dict[str, Any], ChartSpec | MapSpec]] = []
        #: the pictures' blocks with their PNGs
        self.pngs: list[tuple[dict[str, Any], bytes]] = []

    def mark(self) -> int:
        return len(self.blocks)

    def heading(self, text: str, level: int = 1) -> None:
        self.blocks.append({"k": "heading", "level": level,
                            "text": self.numbered_heading(text, level)})

    def text(self, text: str) -> None:
        self.blocks.append({"k": "text", "text": text})

    def generated(self, text: str | None) -> None:
        if text:
            self.blocks.append({"k": "generated", "text": self.t(text)})

    def bullet(self, text: str) -> None:
        self.blocks.append({"k": "bullet", "text": text})

    def labelled(self, label: str, value: str) -> None:
        self.blocks.append({"k": "labelled", "label": f"{label}: ", "value": value})

    def emphasised(self, text: str, value: str) -> None:
        self.blocks.append({"k": "emphasised", "text": text, "value": value})

    def title_block(self, title: str, subtitle: str, spaced: bool = True) -> None:
        self.blocks.append({"k": "title", "title": title, "subtitle": subtitle,
                            "spaced": spaced})

    def page_break(self) -> None:
        self.blocks.append({"k": "break"})

    def table(self, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
              widths: Sequence[float] | None = None, notes: Sequence[str] = (),
              text_columns: Collection[int] = (0,), bold_rows: Collection[int] = ()) -> None:
        columns = len(header)
        sizes = column_widths(columns, widths)
        self.blocks.append({
            "k": "table", "caption": self.caption_text("table", title),
            "header": [str(name) for name in header],
            "cells": ["" if value is None else str(value) for row in rows for value in row],
            "widths": sizes, "right": [c not in text_columns for c in range(columns)],
            "bold": sorted(bold_rows), "notes": [self.t(note) for note in notes]})

    def picture(self, figure: ChartSpec | MapSpec, title: str, width_cm: float = 16.5) -> None:
        caption = self.caption_text("figure", title)
        block = {"k": "picture", "width": width_cm, "caption": caption,
                 "alt": self.alternative(figure, caption)}
        self.blocks.append(block)
        self.pictures.append((block, figure))

    def place_pictures(self) -> None:
        """Take each figure's PNG (drawn meanwhile: ``reports.figures.Figures.drawn_ahead``);
        ``finish`` writes them beside the data."""
        for block, figure in self.pictures:
            self.pngs.append((block, self.drawn.png(figure, self.t, self.locale)))
        self.pictures.clear()

    def contents(self, at: int) -> None:
        """Typst's outline of the chapters, numbered from its own layout."""
        self.blocks[at:at] = [{"k": "contents", "title": self.t(N_("Spis treści"))},
                              {"k": "break"}]

    def finish(self, target: Path, title: str, author: str) -> None:
        """Typeset the blocks into ``target``: the PNGs and the data beside the template,
        compiled in a child (``reports/typst_compile.py`` says why).

        :raise PdfError: without Typst, when it refuses the document or takes longer than
            ``TIMEOUT_SECONDS``
        """
        with tempfile.TemporaryDirectory(prefix="esmon-typst-") as tmp:
            root = Path(tmp)
            self.place_pictures()  # (any left)
            for number, (block, png) in enumerate(self.pngs, start=1):
                block["src"] = f"rycina-{number}.png"
                (root / block["src"]).write_bytes(png)
            data = {"title": title, "author": author, "lang": self.locale[:2],
                    "fonts": list(FONTS), "page": self.t(N_("Strona")), "of": self.t(N_("z")),
                    "blocks": self.blocks}
            (root / "data.json").write_text(json.dumps(_printable(data), ensure_ascii=False),
                                            encoding="utf-8")
            shutil.copyfile(TEMPLATE, root / "report.typ")
            _compile(root)
            shutil.move(str(root / "report.pdf"), target)


#: the control characters, and DEL, C1 and the non-characters U+FFFE/F: never text a person
#: meant, and PDF/UA-1 refuses a document that holds one
_NOT_PRINTABLE = {**CONTROL_CHARACTERS,
                  **dict.fromkeys([*range(0x7F, 0xA0), 0xFFFE, 0xFFFF])}


def _printable(value: Any) -> Any:
    """``value`` (the data for the template) with ``_NOT_PRINTABLE`` taken out of its texts."""
    if isinstance(value, str):
        return value.translate(_NOT_PRINTABLE)
    if isinstance(value, dict):
        return {key: _printable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_printable(item) for item in value]
    return value


def _compile(root: Path) -> None:
    """``root/report.typ`` → ``root/report.pdf`` by ``reports/typst_compile.py`` in a child.

    :raise PdfError: it failed (its message), has no Typst, or ran out of time
    """
    try:
        done = subprocess.run([sys.executable, str(COMPILER), str(root)],  # noqa: S603  # our own script and folder
                              capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                              check=False)
    except subprocess.TimeoutExpired as err:  # (the child is killed)
        raise PdfError(N_(TOO_LONG, seconds=TIMEOUT_SECONDS)) from err
    if done.returncode == NO_TYPST_EXIT:
        raise PdfError(NO_TYPST)
    if done.returncode or not (root / "report.pdf").exists():
        reason = (done.stderr or "").strip().splitlines()[-1:] or ["?"]
        raise PdfError(N_(FAILED, reason=reason[0][:200]))
