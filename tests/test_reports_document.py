"""The DOCX/PDF report: numbers read back equal the aggregates, Polish plurals, a round with
no answers, the command and the download (audited), A4, page numbers, repeated headers."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader
from sqlalchemy import select

from extensions import db
from models import AuditEvent, Invitation, Response
from reports.aggregate import RATE, RESPONSE_RATE, SUM, TOTAL
from reports.classes import format_value
from reports.document import NO_ANSWERS, DocumentInfo, write_document
from reports.docx_parts import GENERATED_STYLE, TABLE_TEXT_STYLE
from reports.narrative import NOUNS, change_sentence, noun_for, plural_form, response_sentence

from support.opolskie import opolskie_frame, regional_content
from support.pdfs import contents_entries, page_lines
from support.valid_answers import JST

GMINAS = NOUNS["gmina"]


@pytest.mark.parametrize(("n", "sentence"), [
    (1, "Ankietę wypełniła 1 z 71 gmin (1,4%)."),
    (2, "Ankietę wypełniły 2 z 71 gmin (2,8%)."),
    (5, "Ankietę wypełniło 5 z 71 gmin (7,0%)."),
    (12, "Ankietę wypełniło 12 z 71 gmin (16,9%)."),
    (22, "Ankietę wypełniły 22 z 71 gmin (31,0%)."),
    (58, "Ankietę wypełniło 58 z 71 gmin (81,7%)."),
])
def test_response_sentence_agrees_with_the_number(n, sentence):
    assert response_sentence(n, 71, GMINAS) == sentence


def test_plural_rule_and_nouns():
    assert [plural_form(n) for n in (0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 24, 25, 102, 112)] == \
        [2, 0, 1, 1, 2, 2, 2, 2, 2, 1, 1, 2, 1, 2]
    assert response_sentence(1, 1, GMINAS) == "Ankietę wypełniła 1 z 1 gminy (100,0%)."
    assert response_sentence(1, 10, NOUNS["powiat"]) == "Ankietę wypełnił 1 z 10 powiatów (10,0%)."
    assert response_sentence(0, 5, GMINAS) == "Ankiety nie wypełniła jeszcze żadna z 5 gmin."
    assert noun_for({"gmina", "powiat"}).many == "JST"
    assert noun_for({"cis", "kis"}).many == "jednostek"


def test_change_sentences():
    assert change_sentence("Liczba uczestników CIS", Decimal(470), Decimal(420), 2024,
                           "count") == ("Liczba uczestników CIS: wzrost o 11,9% względem "
                                        "2024 r. (z 420 do 470).")
    assert change_sentence("Odsetek odpowiedzi", 0.5, 0.8, 2024, "share") == (
        "Odsetek odpowiedzi: spadek o 30 pp. względem 2024 r. (z 80,0% do 50,0%).")
    assert change_sentence("x", None, 3, 2024, "count") is None


def content_of(frame, levels=("powiat", "podregion")):
    return regional_content(frame, levels)


ABOUT = DocumentInfo("Regionalny Ośrodek Polityki Społecznej w Opolu", date(2026, 1, 15),
                     date(2026, 3, 31), 2024, {"gmina": (51, 33)})


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    frame = opolskie_frame()
    content = content_of(frame)
    path = tmp_path_factory.mktemp("doc") / "raport.docx"
    write_document(path, content, content.figures, ABOUT)
    return path, content


def tables(path) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows]
            for table in docx.Document(str(path)).tables]


def test_docx_numbers_equal_the_aggregates(document):
    path, content = document
    powiat = content.levels[0]
    found = tables(path)
    response = next(t for t in found if t[0][0] == "Powiat" and "odsetek odpowiedzi" in t[0])
    rows = {r[0]: r for r in response[1:]}
    for group in [*powiat.groups, TOTAL]:
        assert rows[group][-1] == format_value(powiat.value(RESPONSE_RATE, RATE, group),
                                               "share")
    assert rows[TOTAL][1:] == ["51", "33", "64,7%"]
    orders = next(t for t in found if t[0][0] == "Powiat" and any(
        h.startswith("Liczba udzielonych zamówień ogółem") for h in t[0]))
    col = next(i for i, h in enumerate(orders[0])
               if h.startswith("Liczba udzielonych zamówień ogółem"))
    by_group = {r[0]: r[col] for r in orders[1:]}
    assert by_group[TOTAL] == format_value(powiat.value("zam_ogolem_liczba", SUM), "count")
    assert by_group["1604 p1604"] == "120"  # 3 gminas × 40


def test_docx_is_a4_with_page_numbers_contents_and_repeated_headers(document):
    path, content = document
    doc = docx.Document(str(path))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer
    assert "NUMPAGES" in footer
    body = doc.element.body.xml
    assert ' TOC \\o "1-1"' in body
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "1. Opis badania"
    assert headings[1] == "2. Kto odpowiedział"
    assert headings[-1].endswith("Aneks: słownik danych")
    for table in doc.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    generated = [p.text for p in doc.paragraphs if p.style.name == GENERATED_STYLE]
    assert "Ankietę wypełniły 33 z 51 gmin (64,7%)." in generated
    pictures = doc.inline_shapes
    assert len(pictures) >= len(content.figures.maps)


def test_docx_tables_are_the_reports_wide_tables_and_its_figures_the_chapters(document):
    """Item 3 of issue 11: on screen, in xlsx and in the document, the same tables; the
    charts and maps are the chapters' own (a caption for each drawn block)."""
    from reports.document import cell_text
    from reports.figures import chart_title, map_title
    from reports.maps import GMINA_LAYER_MISSING
    from reports.model import ChartSpec, MapSpec, WideTable

    path, content = document
    found = tables(path)
    wide = list(content.report.blocks(WideTable))
    assert len(wide) >= 6
    for table in wide:
        columns = table.columns[:5]  # the first part of a table split over the page width
        header = [table.level_label,
                  *(c.label for c in columns)]
        matching = [t for t in found if t[0] == header]
        assert matching, header
        body = [[r.group, *(cell_text(v, c.fmt) if not isinstance(v, str) else v
                            for c, v in zip(columns, r.values[:5], strict=True))]
                for r in table.rows]
        assert any(t[1:] == body for t in matching), table.id
    captions = [p.text for p in docx.Document(str(path)).paragraphs
                if p.style.name == "Caption"]
    drawn = [chart_title(b, content.report.table(b.table).level)
             for b in content.report.blocks(ChartSpec)]
    drawn += [map_title(b) for b in content.report.blocks(MapSpec) if b.level != "gmina"]
    assert len(drawn) >= 3  # response rate: the chart, the maps by powiat and podregion
    # no gmina layer imported: the map by gmina is missing and the report says so
    assert [b.id for b in content.report.blocks(MapSpec) if b.id not in content.figures.drawn
            ] == ["odpowiedzi_mapa_gmin"]
    assert content.figures.notes == [GMINA_LAYER_MISSING]
    for title in drawn:
        assert any(c.endswith(str(title)) for c in captions), title
    # each picture's alternative text (Word's "Alt Text") is its caption and where its numbers
    # are: the same text as the PDF's (WCAG 1.1.1)
    described = [e.get("descr") for e in docx.Document(str(path)).element.body.iter(
        qn("wp:docPr"))]
    figures = [c for c in captions if c.startswith("Rycina ")]
    assert len(described) == len(figures) >= 3
    for text, caption in zip(described, figures, strict=True):
        assert text.startswith(f"{caption}. "), (text, caption)


def test_round_with_no_answers_gives_a_document_that_says_so(tmp_path):
    frame = opolskie_frame()
    empty = frame.subset(~frame.submitted)
    content = content_of(empty)
    path = tmp_path / "pusty.docx"
    write_document(path, content, content.figures, ABOUT)
    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    assert NO_ANSWERS in texts
    assert "Ankiety nie wypełniła jeszcze żadna z 18 gmin." in texts
    assert not any(t.startswith("2. Odpowiedzi na ankietę") for t in texts)
    assert any(t.endswith("Aneks: słownik danych") for t in texts)
    from reports.document import write_pdf

    write_pdf(tmp_path / "pusty.pdf", content, content.figures, ABOUT)  # the PDF too
    printed = " ".join(" ".join(p.extract_text() for p in PdfReader(
        str(tmp_path / "pusty.pdf")).pages).split())
    assert " ".join(NO_ANSWERS.split()) in printed
    assert "Aneks: słownik danych" in printed


@pytest.fixture
def report_pdf(document, tmp_path):
    """The opolskie report typeset as PDF (``write_pdf``: Typst), beside its DOCX."""
    from reports.document import write_pdf

    _, content = document
    pdf = tmp_path / "raport.pdf"
    write_pdf(pdf, content, content.figures, ABOUT)
    return pdf


def test_pdf_has_the_same_numbers_and_page_numbers(document, report_pdf):
    _, content = document
    reader = PdfReader(str(report_pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    pages = len(reader.pages)
    assert f"Strona 1 z {pages}" in text
    assert f"Strona {pages} z {pages}" in text
    assert "Ankietę wypełniły 33 z 51 gmin (64,7%)." in text
    powiat = content.levels[0]
    total = format_value(powiat.value("zam_ogolem_liczba", SUM), "count")
    assert re.search(r"Ogółem\s+51\s+33\s+64,7%", text)
    assert total.replace("\u00a0", " ") in text.replace("\u00a0", " ")


def test_pdf_contents_give_the_page_of_each_chapter(document, report_pdf):
    """The PDF's contents page lists every chapter of the DOCX with the page its heading is
    on (Typst numbers them from its own layout)."""
    pages = page_lines(report_pdf)
    assert "Spis treści" in pages[1][0]
    entries = contents_entries(pages[1])
    chapters = [p.text for p in docx.Document(str(document[0])).paragraphs
                if p.style.name == "Heading 1"]
    assert len(chapters) >= 8
    assert list(entries) == chapters, (entries, chapters)
    assert entries[chapters[0]] == 3  # after the title page and the contents
    for title, number in entries.items():
        assert title in [line.strip() for line in pages[number - 1]], (title, number)
    assert list(entries.values()) == sorted(entries.values())
    assert f"Strona {len(pages)} z {len(pages)}" in "\n".join(pages[-1])


def test_pdf_is_tagged_with_its_language_title_and_text_alternatives(document, report_pdf):
    """PDF/UA-1 (Typst refuses a document that would not conform): marked content, a
    structure tree, the language, the title shown in the window, and each chart and map a
    figure with its alternative text (WCAG 1.1.1)."""
    _, content = document
    reader = PdfReader(str(report_pdf))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"].startswith("pl")
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title == f"{content.info.title} — {content.info.round_label}"
    alternatives: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if isinstance(node, dict):
            if node.get("/S") == "/Figure":
                alternatives.append(str(node.get("/Alt", "")))
            kids = node.get("/K")
            for kid in (kids if isinstance(kids, list) else [kids] if kids is not None else []):
                if hasattr(kid, "get_object") or isinstance(kid, dict):
                    walk(kid)

    walk(root["/StructTreeRoot"])
    printed = [t for t in (p.extract_text() for p in reader.pages) if "Rycina" in t]
    assert alternatives
    assert all(a.startswith("Rycina ") for a in alternatives), alternatives
    assert len(alternatives) == sum(t.count("Rycina ") for t in printed)


def test_pdf_prints_what_people_typed_as_text_never_as_typesetting(tmp_path):
    """Names and answers reach Typst as strings, not markup: a unit called like a Typst
    command is printed as it is, and nothing of it runs."""
    from reports.typst_pdf import TypstWriter

    typed = '#pagebreak() *gruba* _kursywa_ $x^2$ #image("/etc/passwd") <etykieta> @ref \\'
    w = TypstWriter(lambda text: text, "pl_PL")
    w.heading(typed)
    w.text(typed)
    w.generated(typed)
    w.table(typed, [typed, "liczba"], [[typed, "1"]])
    w.labelled(typed, typed)
    target = tmp_path / "tekst.pdf"
    w.finish(target, typed, typed)
    reader = PdfReader(str(target))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())  # (lines wrap)
    # the heading, the text, the sentence, the caption, the header, the cell, the pair
    assert text.count("#pagebreak()") == 8
    assert text.count("*gruba* _kursywa_ $x^2$") == 8
    assert text.count('#image("/etc/') == 8
    assert reader.metadata.title == typed


def test_pdf_of_answers_with_control_characters_and_letters_no_font_has(tmp_path):
    """A control character pasted into an answer is left out; a script no installed font
    can show (here Chinese) still gives the PDF — tagged, without the PDF/UA-1 claim that
    Typst would refuse — rather than no PDF at all."""
    from reports.typst_pdf import TypstWriter

    w = TypstWriter(lambda text: text, "pl_PL")
    w.text("Fundacja\x00 „Razem”\x07 — 中文 — Україна")
    w.table("Jednostki", ["Nazwa\x1b", "liczba"], [["Spółdzielnia\x0c Ogród", "3"]])
    target = tmp_path / "znaki.pdf"
    w.finish(target, "Raport\x00", "ROPS")
    reader = PdfReader(str(target))
    text = reader.pages[0].extract_text()
    assert "Fundacja „Razem”" in text
    assert "Україна" in text
    assert "Spółdzielnia Ogród" in text
    assert reader.metadata.title == "Raport"
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]


def test_pdf_that_cannot_be_typeset_is_a_pdf_error_in_polish(tmp_path):
    """A picture Typst cannot read: the export gets ``PdfError`` with its Polish message,
    and no file is left half-written."""
    from reports.charts import ChartSpec
    from reports.typst_pdf import FAILED, PdfError, TypstWriter

    w = TypstWriter(lambda text: text, "pl_PL")
    w.text("Przed ryciną")
    w.picture(ChartSpec(kind="bars", title="Zepsuta", categories=[], series=[], fmt="count"),
              "Zepsuta")
    w.pictures.clear()
    w.pngs.append((w.blocks[-1], b"to nie jest PNG"))
    target = tmp_path / "zepsuty.pdf"
    with pytest.raises(PdfError) as raised:
        w.finish(target, "tytuł", "autor")
    assert raised.value.args[0].msgid == FAILED
    assert raised.value.args[0].startswith("Nie udało się złożyć PDF: ")
    assert not target.exists()


@pytest.fixture
def answered_round(app, world):
    round_id = world.round("jst-annual")
    for teryt, name in (("160402", "Gmina Kluczbork"), ("160403", "Gmina Lasowice Wielkie")):
        world.invite(round_id, world.unit("gmina", teryt, name=name))
    with app.app_context():
        invitation = db.session.scalars(select(Invitation).order_by(Invitation.id)).first()
        db.session.add(Response(invitation=invitation, answers=dict(JST), status="submitted"))
        db.session.commit()
    return round_id


def test_command_writes_docx_and_refuses_raw(app, runner, answered_round, tmp_path):
    out = tmp_path / "raport.docx"
    result = runner.invoke(args=["reports", "export", "--round", str(answered_round),
                                 "--kind", "regional", "--format", "docx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert "Ankietę wypełniła 1 z 2 gmin (50,0%)." in texts
    refused = runner.invoke(args=["reports", "export", "--round", str(answered_round),
                                  "--kind", "raw", "--format", "docx", "-o",
                                  str(tmp_path / "raw.docx")])
    assert refused.exit_code == 1
    assert "Dokument (DOCX, PDF) jest dla raportu regionalnego" in refused.output
    assert not (tmp_path / "raw.docx").exists()
    assert not (tmp_path / "raw.docx.part").exists()
    with app.app_context():
        formats = [e.after["format"] for e in db.session.scalars(
            select(AuditEvent).filter_by(action="export"))]
    assert formats == ["docx"]


def test_docx_download_from_the_exports_page_is_audited(app, login, answered_round):
    client = login("coordinator")
    page = client.get(f"/admin/zestawienia/plik?runda={answered_round}&rodzaj=regional"
                      "&poziom=powiat&format=docx")
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert page.headers["Content-Disposition"].endswith(".docx")
    doc = docx.Document(io.BytesIO(page.data))
    assert any(p.text == "Ankietę wypełniła 1 z 2 gmin (50,0%)." for p in doc.paragraphs)
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).filter_by(action="export")).one()
        assert event.after["format"] == "docx"
        assert event.actor == "coordinator@rops.example.pl"
    raw = client.get(f"/admin/zestawienia/plik?runda={answered_round}&rodzaj=raw&format=pdf")
    assert raw.status_code == 400
    assert "Dokument (DOCX, PDF) jest dla raportu regionalnego" in raw.text


def test_pdf_is_typeset_in_a_child_that_is_stopped_when_too_long(tmp_path, monkeypatch):
    """Typst never runs in the exporting process (its cache would grow a web worker by each
    report: ``reports/typst_compile.py``), and a compilation that takes too long is stopped
    and told in Polish."""
    import sys

    from reports import typst_pdf
    from reports.typst_pdf import TOO_LONG, PdfError, TypstWriter

    sys.modules.pop("typst", None)
    w = TypstWriter(lambda text: text, "pl_PL")
    w.text("Akapit")
    w.finish(tmp_path / "raport.pdf", "tytuł", "autor")
    assert PdfReader(str(tmp_path / "raport.pdf")).pages[0].extract_text().startswith("Akapit")
    assert "typst" not in sys.modules
    monkeypatch.setattr(typst_pdf, "TIMEOUT_SECONDS", 0.001)
    with pytest.raises(PdfError) as raised:
        w.finish(tmp_path / "za-dlugo.pdf", "tytuł", "autor")
    assert raised.value.args[0].msgid == TOO_LONG
    assert not (tmp_path / "za-dlugo.pdf").exists()


def test_pdf_download_from_the_exports_page_in_english(app, login, answered_round):
    """The exports page's PDF: typeset in the coordinator's language, audited as a PDF."""
    client = login("coordinator")
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = client.get(f"/admin/zestawienia/plik?runda={answered_round}&rodzaj=regional"
                      "&poziom=powiat&format=pdf")
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "application/pdf"
    assert page.headers["Content-Disposition"].endswith(".pdf")
    reader = PdfReader(io.BytesIO(page.data))
    pages = [p.extract_text() for p in reader.pages]
    assert pages[1].startswith("Contents")
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert reader.trailer["/Root"]["/Lang"].startswith("en")
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).filter_by(action="export")).one()
        assert event.after["format"] == "pdf"


def test_with_an_imported_gmina_layer_the_document_has_the_map_by_gmina(tmp_path):
    import json

    from shapely.geometry import box, mapping

    frame = opolskie_frame()
    codes = sorted({t for t in frame.data["territory"] if len(t) == 6})
    features = [{"type": "Feature", "properties": {"teryt": f"{code}2", "nazwa": code},
                 "geometry": mapping(box(17 + i * 0.05, 50, 17.05 + i * 0.05, 50.05))}
                for i, code in enumerate(codes)]
    (tmp_path / "gminy.geojson").write_text(json.dumps(
        {"type": "FeatureCollection", "features": features}), encoding="utf-8")
    content = regional_content(frame, ("powiat",), gmina_maps_dir=tmp_path)
    gmina = next(m for m in content.figures.maps if m.level == "gmina")
    assert len(gmina.areas) == len(codes)
    path = tmp_path / "raport.docx"
    write_document(path, content, content.figures, ABOUT)
    captions = [p.text for p in docx.Document(str(path)).paragraphs
                if p.style.name == "Caption"]
    assert any(c.endswith("Odsetek odpowiedzi wg gmin") for c in captions)


def test_cells_print_years_and_dates_the_polish_way():
    from reports.document import cell_text

    assert cell_text(2024, "year") == "2024"
    assert cell_text(date(2026, 3, 31), "day") == "31.03.2026"
    assert cell_text(1234567, "count") == "1\u00a0234\u00a0567"
    assert cell_text(None, "year") == "—"


def test_method_counts_answers_by_mode_read_back_from_the_docx(tmp_path):
    """The method section says how many answers came by web, by phone (CATI) and by staff
    entry — the counts of the frame, read back from the document."""
    from reports.frame import build_frame

    from support.opolskie import NUTS3, SURVEY, opolskie_records

    records = opolskie_records()
    submitted = [r for r in records if r["status"] == "submitted"]
    for record in submitted[:4]:
        record["mode"] = "phone"
    submitted[4]["mode"] = "staff"
    frame = build_frame(records, SURVEY, NUTS3, reporting_year=2025)
    assert frame.answers_by_mode() == {"web": 28, "phone": 4, "staff": 1}
    content = regional_content(frame, ("powiat",))
    path = tmp_path / "tryby.docx"
    write_document(path, content, content.figures, ABOUT)
    doc = docx.Document(str(path))
    table = next(t for t in tables(path) if t[0][0] == "Sposób udzielenia odpowiedzi")
    assert table[1:] == [["przez internet", "28", "84,8%"],
                         ["telefonicznie (CATI)", "4", "12,1%"],
                         ["wpis pracownika", "1", "3,0%"], ["Ogółem", "33", "100,0%"]]
    assert ("Złożone ankiety według sposobu udzielenia odpowiedzi: przez internet — 28, "
            "telefonicznie (CATI) — 4, wpis pracownika — 1.") in [p.text for p in doc.paragraphs]
    # in the method chapter, before the first chapter of results
    headings = [i for i, p in enumerate(doc.paragraphs) if p.style.name == "Heading 1"]
    sentence = next(i for i, p in enumerate(doc.paragraphs)
                    if p.text.startswith("Złożone ankiety według"))
    assert doc.paragraphs[headings[0]].text == "1. Opis badania"
    assert headings[0] < sentence < headings[1]


def test_table_written_as_xml_reads_back_cell_for_cell(tmp_path):
    """``table_xml`` writes what python-docx's calls did: every cell's text (tabs, line
    breaks, ``<&>`` and spaces at the ends kept; ``None`` empty), the header row repeated and
    shaded, the figures right-aligned, the widths given."""
    from reports.document import _Writer

    w = _Writer(lambda text: text, "pl_PL")
    rows = [["a <b> & c", "1\u00a0234", None], [" lead", "x\ty", "line\nbreak"]]
    w.table("Próba", ["Grupa", "liczba", "uwagi"], rows, widths=[6, 3, 4])
    w.table("Bez szerokości", ["a", "b"], [["1", "2"]])
    w.table("Słowa", ["a", "b", "c"], [["x", "1", "brak celu"]], text_columns=(0, 2))
    path = tmp_path / "t.docx"
    w.doc.save(str(path))
    first, second, words = docx.Document(str(path)).tables
    assert [[c.text for c in r.cells] for r in first.rows] == [
        ["Grupa", "liczba", "uwagi"], ["a <b> & c", "1\u00a0234", ""],
        [" lead", "x\ty", "line\nbreak"]]
    header = first.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)
    assert header.cells[0]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "DDEBF7"
    assert [round(c.width.cm, 1) for c in first.columns] == [6.0, 3.0, 4.0]
    assert first.rows[1].cells[1].paragraphs[0].alignment == 2  # right
    assert first.rows[1].cells[0].paragraphs[0].alignment is None
    # the lines of "Table Grid" as the table's own, its spacing by the table text style
    lines = first._tbl.tblPr.find(qn("w:tblBorders"))
    assert [(e.tag.split("}")[1], e.get(qn("w:val"))) for e in lines] == [
        (edge, "single") for edge in ("top", "left", "bottom", "right", "insideH", "insideV")]
    assert {p.style.name for r in first.rows for c in r.cells for p in c.paragraphs} == {
        TABLE_TEXT_STYLE}
    table_text = first.rows[1].cells[0].paragraphs[0].style.paragraph_format
    assert (table_text.space_after, table_text.line_spacing) == (0, 1.0)
    assert [round(c.width.cm, 1) for c in second.columns] == [8.5, 8.5]
    assert [c.paragraphs[0].alignment for c in words.rows[1].cells] == [None, 2, None]
