"""The LPRES annual report ("Roczne sprawozdanie z działalności zespołu monitorującego LPRES"):
both instruments' rounds of a year combined, each of the 12 indicators by priority with its
value equal to a recount done here from the seeded answers, the units that contributed, the
empty targets said plainly, in the workbook and in the document's text."""

from __future__ import annotations

import io
from decimal import Decimal

import docx
import openpyxl
import pytest
from test_lpres import FORMS, PES, _seed, recount

from forms.loader import load_survey_file
from reports.indicators import load_indicators_file

from support import ROOT, STAFF_PASSWORD
from support.pdfs import contents_entries, page_lines

NO_TARGET = "cel nie został ustalony — uzupełnij w pliku wskaźników"
#: the answers each indicator reads (for ``pytanie__wartosc``: units that chose the value)
READS = {
    "zamowienia_z_klauzulami": ["klauzule_liczba_ponizej_130k", "klauzule_liczba_od_130k"],
    "skierowani_przez_ops": ["ops_skierowani_do_pes"],
    "podjeli_zatrudnienie": ["ops_podjeli_prace"],
}


@pytest.fixture
def kluczbork(app, world):
    return {"lpres-formularz": _seed(app, world, "lpres-formularz", FORMS),
            "lpres-ankieta-pes": _seed(app, world, "lpres-ankieta-pes", PES)}


def _counted(seeded):
    return [(name, answers) for _kind, name, status, answers in seeded
            if status in ("submitted", "accepted")]


def _contributors(indicator_id: str) -> set[str]:
    """Who the recount says contributed: counted units with an answer the indicator reads."""
    if indicator_id in READS:
        return {name for name, answers in _counted(FORMS)
                if any(answers.get(key) is not None for key in READS[indicator_id])}
    if indicator_id == "spoldzielnie_socjalne":
        return {name for name, answers in _counted(PES)
                if answers["forma_prawna"] == "spoldzielnia_socjalna"}
    if indicator_id == "przedsiebiorstwa_spoleczne":
        return {name for name, answers in _counted(PES) if answers["status_ps"] == "yes"}
    raise KeyError(indicator_id)


def test_the_workbook_has_every_indicator_by_priority_equal_to_a_recount(app, kluczbork,
                                                                        runner, tmp_path):
    out = tmp_path / "sprawozdanie.xlsx"
    result = runner.invoke(args=["reports", "lpres", "--year", "2025", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "wskaźników: 12, bez wartości docelowej: 11" in result.output
    book = openpyxl.load_workbook(out)
    sheet = book["Wskaźniki LPRES"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2,
                                                                       values_only=True)]
    expected = recount()
    assert {r["id"] for r in rows} == set(expected)
    priorities = [r["Priorytet"] for r in rows]
    assert priorities == sorted(priorities)  # grouped, in the plan's order
    assert priorities[0].startswith("Priorytet 1.")
    assert priorities[-1].startswith("Priorytet 3.")
    for row in rows:
        assert row["Wartość w roku"] == pytest.approx(float(expected[row["id"]]), rel=1e-9), row
        if row["id"] == "sprawozdanie_zespolu":
            assert row["Wartość docelowa"] == "1 (2028)"
            assert row["Status"] == "osiągnięty"
        else:
            assert row["Wartość docelowa"] == NO_TARGET
            assert row["Status"] == "brak wartości docelowej"
        named = set(row["Jednostki, które złożyły dane"].split(", "))
        if row["id"] in (*READS, "spoldzielnie_socjalne", "przedsiebiorstwa_spoleczne"):
            assert named == _contributors(row["id"]), row["id"]
        assert row["Liczba jednostek"] == len(named)
    # the returned PES and the draft form are not counted, nor named
    assert not any("Nowa" in r["Jednostki, które złożyły dane"]
                   or "Rekreacji" in r["Jednostki, które złożyły dane"] for r in rows)
    about = {r[0]: r[1] for r in book["Informacje"].iter_rows(values_only=True)}
    assert about["Rok sprawozdawczy"] == 2025
    assert "11 z 12 wskaźników nie ma wartości docelowej" in about["Uwaga"]


def _figure(value: Decimal) -> str:
    """A value as the document writes it (Polish decimal comma, one place for shares)."""
    if value == value.to_integral_value():
        return f"{int(value):,}".replace(",", "\u00a0")
    return f"{value:.1f}".replace(".", ",")


def test_the_document_text_has_the_figures_and_says_the_targets_are_missing(app, kluczbork,
                                                                           runner, tmp_path):
    out = tmp_path / "sprawozdanie.docx"
    result = runner.invoke(args=["reports", "lpres", "--year", "2025", "-o", str(out)])
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Roczne sprawozdanie z działalności zespołu monitorującego LPRES" in text
    for chapter in ("Priorytet 1. Kooperacja gminy z ekonomią społeczną",
                    "Priorytet 2. Warunki rozwoju ekonomii społecznej",
                    "Priorytet 3. Włączenie mieszkańców", "Wartości docelowe"):
        assert chapter in text
    cells = {}
    for table in document.tables:
        for row in table.rows[1:]:
            values = [c.text for c in row.cells]
            cells[values[0]] = values
    expected = recount()
    names = {}
    for key in ("lpres-formularz", "lpres-ankieta-pes"):
        survey, _ = load_survey_file(ROOT / "survey_defs" / f"{key}.yaml")
        indicators, _ = load_indicators_file(ROOT / "survey_defs" / f"{key}.indicators.yaml",
                                             survey)
        names.update({i.id: (i.name, i.unit) for i in indicators})
    for indicator_id, value in expected.items():
        name, unit = names[indicator_id]
        row = cells[name]
        shown = _figure(value) + ("%" if unit == "%" else "")
        assert row[3] == shown, (indicator_id, row[3], shown)
        assert row[4] == (NO_TARGET if indicator_id != "sprawozdanie_zespolu" else "1 (2028)")
    assert "11 z 12 wskaźników nie ma wartości docelowej" in text
    # who contributed, named under each indicator
    assert "Dane złożyły (1): Ośrodek Pomocy Społecznej w Kluczborku" in text
    # the method chapter counts both rounds
    assert "dane złożyło 4 z 5 zaproszonych jednostek" in text


def test_the_pdf_contents_give_the_page_of_each_chapter(app, kluczbork, runner, tmp_path):
    """Typeset as the regional report is: the contents list every chapter with the page its
    heading is on."""
    out = tmp_path / "sprawozdanie.pdf"
    result = runner.invoke(args=["reports", "lpres", "--year", "2025", "-o", str(out)])
    assert result.exit_code == 0, result.output
    pages = page_lines(out)
    assert "Spis treści" in pages[1][0]
    entries = contents_entries(pages[1])
    assert list(entries)[0] == "1. Źródła danych"
    assert "5. Wartości docelowe" in entries
    assert len(entries) == 5  # the sources, three priorities, the targets
    assert entries["1. Źródła danych"] == 3  # after the title page and the contents
    for title, number in entries.items():  # (a long heading takes two lines)
        assert title in " ".join(" ".join(pages[number - 1]).split()), (title, number)
    assert list(entries.values()) == sorted(entries.values())


def test_the_report_is_the_organisations_own_and_on_the_exports_page(app, world, kluczbork,
                                                                    staff_user):
    staff_user("koordynator@rops.example.pl", "coordinator")
    client = app.test_client()
    client.post("/logowanie", data={"email": "koordynator@rops.example.pl",
                                    "password": STAFF_PASSWORD})
    page = client.get("/admin/zestawienia/").text
    assert "Roczne sprawozdanie z działalności zespołu monitorującego LPRES" in page
    assert '<option value="2025">2025</option>' in page
    got = client.get("/admin/zestawienia/lpres?rok=2025&format=docx")
    assert got.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(got.data)).paragraphs)
    assert "Priorytet 3. Włączenie mieszkańców" in text
    workbook = client.get("/admin/zestawienia/lpres?rok=2025&format=xlsx")
    assert workbook.status_code == 200
    assert len(list(openpyxl.load_workbook(io.BytesIO(workbook.data))["Wskaźniki LPRES"]
                    .iter_rows(min_row=2))) == 12
    missing = client.get("/admin/zestawienia/lpres?rok=2019&format=docx")
    assert missing.status_code == 400
    assert "Nie ma rund formularza sprawozdawczego ani ankiety PES LPRES za rok 2019" in \
        missing.text
    assert client.get("/admin/zestawienia/lpres?rok=abc&format=exe").status_code == 400
    # another organisation sees no LPRES rounds, so no report of Kluczbork's
    with app.app_context():
        from extensions import db
        from services.organisations import create_organisation, create_user

        other = create_organisation("ROPS Katowice", "woj:16")
        create_user("inny@rops.example.pl", "coordinator", other, password=STAFF_PASSWORD)
        db.session.commit()
    stranger = app.test_client()
    stranger.post("/logowanie", data={"email": "inny@rops.example.pl",
                                      "password": STAFF_PASSWORD})
    assert "zespołu monitorującego LPRES" not in stranger.get("/admin/zestawienia/").text
    assert stranger.get("/admin/zestawienia/lpres?rok=2025&format=docx").status_code == 400
