"""The building blocks of the DOCX report that python-docx has no call for.

Fields (page numbers, the table of contents), a header row that repeats on every page a
table runs onto, the shaded style that marks generated sentences, A4 and the fonts. Kept
apart from ``reports.document`` (what the report says) so that one reads as the report.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import cast
from xml.sax.saxutils import escape

from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from reports.writer import CONTROL_CHARACTERS

#: Arial in the file (every Word has it); LibreOffice prints it with the metric-compatible
#: Liberation Sans, which has every Polish letter
FONT = "Arial"
GENERATED_STYLE = "Tekst wygenerowany"
GENERATED_FILL = "FFF4CE"
#: the paragraphs of every table's cells: single-spaced, nothing after (what Word's "Table
#: Grid" style gave them; ``table_xml`` says why no table style is used)
TABLE_TEXT_STYLE = "Tekst tabeli"


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
    table_text = styles.add_style(TABLE_TEXT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.line_spacing = 1.0


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




def table_of_contents(paragraphs: list[Paragraph], titles: list[str]) -> None:
    """A TOC field whose last result lists the chapters: Word refreshes it, with the pages,
    on opening (``update_fields_on_open``); the PDF has its own contents (Typst's)."""
    if not paragraphs:
        return
    first, last = paragraphs[0], paragraphs[-1]
    _char(first, "begin")
    run = first.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = ' TOC \\o "1-1" \\h \\z \\u '
    run._r.append(text)
    _char(first, "separate")
    for paragraph, title in zip(paragraphs, titles, strict=True):
        paragraph.add_run(title)
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


def keep_with_next(paragraph: Paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


#: twentieths of a point in a centimetre (the unit of Word's table widths)
_TWIPS_PER_CM = 1440 / 2.54
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _run(text: str, props: str) -> str:
    """One run: tabs and line breaks as Word's ``w:tab``/``w:br`` (as python-docx's
    ``run.text`` does), the rest escaped (control characters, which XML 1.0 cannot hold, left
    out), spaces at the ends kept."""
    parts = []
    for i, line in enumerate(text.translate(CONTROL_CHARACTERS).replace("\r\n", "\n")
                             .replace("\r", "\n").split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if piece:
                parts.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    return f"<w:r><w:rPr>{props}</w:rPr>{''.join(parts)}</w:r>"


#: the lines of "Table Grid" (a thin line round every cell) and its cells' margins
_LINES = ("<w:tblBorders>" + "".join(
    f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>")
_MARGINS = ('<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
    '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>')


def table_xml(text_style_id: str, header: Sequence[str], rows: Iterable[Sequence[object]],
              widths_cm: Sequence[float], fixed: bool, font_half_points: int = 17,
              fill: str = "DDEBF7", text_columns: Collection[int] = (0,),
              bold_rows: Collection[int] = ()) -> CT_Tbl:
    """A whole table as one XML element, parsed at once.

    Why not python-docx's ``add_row``/``cell`` calls: each of them looks its place up among
    the siblings, and the national report's tables (tens of thousands of cells) spent
    seconds in that. The XML is what those calls wrote: centred, the grid and each cell's
    width (LibreOffice reads the grid, Word the cells), the header row bold, shaded, repeated
    on every page and never split, the figures right-aligned (every column but the
    ``text_columns``, left as words are), the body rows ``bold_rows`` (subtotals) bold.
    ``None`` prints as an empty cell.

    Why no table style: LibreOffice resolves a table style cell by cell as it opens a DOCX
    (any style, even one of borders only) — half of its import of the national report. The
    lines and margins of "Table Grid" are the table's own properties instead and its
    paragraphs' spacing the paragraph style ``text_style_id`` (``TABLE_TEXT_STYLE``): the
    same print, and the team restyles every table's text by that one style.
    """
    twips = [str(round(w * _TWIPS_PER_CM)) for w in widths_cm]
    size = f'<w:sz w:val="{font_half_points}"/>'
    layout = '<w:tblLayout w:type="fixed"/>' if fixed else ""
    paragraph = f'<w:p><w:pPr><w:pStyle w:val="{escape(text_style_id)}"/>'
    out = [f'<w:tbl xmlns:w="{_W}"><w:tblPr>'
           f'<w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/>{_LINES}{layout}{_MARGINS}'
           '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
           'w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>',
           *(f'<w:gridCol w:w="{w}"/>' for w in twips), "</w:tblGrid>",
           '<w:tr><w:trPr><w:tblHeader w:val="true"/><w:cantSplit w:val="true"/></w:trPr>']
    for name, width in zip(header, twips, strict=True):
        out.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>'
                   f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/></w:tcPr>'
                   f"{paragraph}</w:pPr>{_run(str(name), '<w:b/>' + size)}</w:p></w:tc>")
    out.append("</w:tr>")
    cells = [(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr>{paragraph}'
              + ("" if c in text_columns else '<w:jc w:val="right"/>') + "</w:pPr>")
             for c, width in enumerate(twips)]
    for number, values in enumerate(rows):
        out.append("<w:tr>")
        props = f"<w:b/>{size}" if number in bold_rows else size
        for start, value in zip(cells, values, strict=True):
            text = "" if value is None else str(value)
            out.append(f"{start}{_run(text, props)}</w:p></w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return cast(CT_Tbl, parse_xml("".join(out)))
