"""The building blocks of the DOCX report that python-docx has no call for.

Fields (page numbers, the table of contents), a header row that repeats on every page a
table runs onto, the shaded style that marks generated sentences, A4 and the fonts. Kept
apart from ``reports.document`` (what the report says) so that one reads as the report.
"""

from __future__ import annotations

from collections.abc import Mapping

from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

#: Arial in the file (every Word has it); LibreOffice prints it with the metric-compatible
#: Liberation Sans, which has every Polish letter
FONT = "Arial"
GENERATED_STYLE = "Tekst wygenerowany"
GENERATED_FILL = "FFF4CE"


def a4(document: Document) -> None:
    """A4 portrait, 2 cm margins, the body font, headings in the same family."""
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.0)
        section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for name, size in (("Title", 26), ("Heading 1", 16), ("Heading 2", 13),
                       ("Heading 3", 11), ("Caption", 9)):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
    generated = styles.add_style(GENERATED_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    generated.base_style = normal
    generated.font.italic = True
    generated.font.color.rgb = RGBColor(0x33, 0x33, 0x33)
    p_pr = generated.element.get_or_add_pPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), GENERATED_FILL)
    p_pr.append(shading)


def field(paragraph: Paragraph, instruction: str, shown: str = "") -> None:
    """A Word field (``PAGE``, ``NUMPAGES``, ``TOC …``) with ``shown`` as its last result."""
    def char(kind: str) -> None:
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")  # Word refreshes it when the file is opened
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    char("separate")
    paragraph.add_run(shown)
    char("end")


def _char(paragraph: Paragraph, kind: str) -> None:
    run = paragraph.add_run()
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        element.set(qn("w:dirty"), "true")
    run._r.append(element)


#: A4 less the 2 cm margins: where the contents' page numbers stand
TEXT_WIDTH_CM = 17.0


def table_of_contents(paragraphs: list[Paragraph], titles: list[str],
                      pages: Mapping[str, int] | None = None) -> None:
    """A TOC field whose last result lists the chapters (Word refreshes it on opening;
    LibreOffice prints the list as it is) — with each chapter's page after a dotted leader
    when ``pages`` are known (``reports.document.write_pdf`` reads them from a first print)."""
    if not paragraphs:
        return
    if pages:
        for paragraph in paragraphs:
            paragraph.paragraph_format.tab_stops.add_tab_stop(
                Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    first, last = paragraphs[0], paragraphs[-1]
    _char(first, "begin")
    run = first.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = ' TOC \\o "1-1" \\h \\z \\u '
    run._r.append(text)
    _char(first, "separate")
    for paragraph, title in zip(paragraphs, titles, strict=True):
        page = (pages or {}).get(title)
        paragraph.add_run(title if page is None else f"{title}\t{page}")
    _char(last, "end")


def page_numbers(document: Document, label: str, of: str) -> None:
    """``Strona 3 z 12`` centred in every footer."""
    for section in document.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = 1
        paragraph.add_run(f"{label} ")
        field(paragraph, "PAGE", "1")
        paragraph.add_run(f" {of} ")
        field(paragraph, "NUMPAGES", "1")


def update_fields_on_open(document: Document) -> None:
    """Ask Word to refresh the contents and page numbers when the file is opened."""
    settings = document.settings.element
    element = OxmlElement("w:updateFields")
    element.set(qn("w:val"), "true")
    settings.append(element)


def repeat_header(table: Table) -> None:
    """The first row is repeated on each page the table continues on, and never split."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        tr_pr.append(element)


def shade(cell, fill: str = "DDEBF7") -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc_pr.append(shading)


def keep_with_next(paragraph: Paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True
