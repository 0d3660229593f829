"""Half-year rounds and the framework report: progress by subregion and kind, the missing units."""

from __future__ import annotations

import openpyxl
import pytest
from sqlalchemy import select

from extensions import db
from models import Invitation, Response
from models.types import utcnow
from reports.frame import build_frame
from reports.half_year import ALL_KINDS, TOTAL, half_year_report
from services.questionnaires import registry

from support import STAFF_PASSWORD

#: sample territories (demo/terc_sample.csv): powiat 1604 → północny, 1607 and 1661 → południowy
OWES = "powiat;podregion\n1604;północny\n1607;południowy\n1609;północny\n1661;południowy\n"
UNITS = [  # teryt, kind, name, state of its response
    ("160402", "gmina", "Gmina Kluczbork", "submitted"),
    ("160401", "gmina", "Gmina Byczyna", "accepted"),
    ("160403", "gmina", "Gmina Lasowice Wielkie", "draft"),
    ("160404", "gmina", "Gmina Wołczyn", "returned"),
    ("1604", "powiat", "Powiat Kluczborski", None),  # invited, never opened
    ("160701", "gmina", "Gmina Głuchołazy", "submitted"),
    ("160702", "gmina", "Gmina Kamiennik", None),
    ("166101", "gmina", "Miasto Opole", "withdrawn"),
]
MISSING = {"Gmina Lasowice Wielkie", "Gmina Wołczyn", "Powiat Kluczborski", "Gmina Kamiennik"}


@pytest.fixture
def half_year_round(app, world):
    from services.subregions import import_subregions

    with app.app_context():
        assert import_subregions(OWES.encode(), "owes.csv", "owes").ok
        db.session.commit()
    round_id = world.round("jst-annual", period="2025-H1")
    for teryt, kind, name, _state in UNITS:
        world.invite(round_id, world.unit(kind, teryt, name=name))
    with app.app_context():
        for invitation in db.session.scalars(select(Invitation)):
            state = next(s for t, k, n, s in UNITS if n == invitation.unit.name)
            if state == "withdrawn":
                invitation.withdrawn_at = utcnow()
            elif state is not None:
                db.session.add(Response(invitation=invitation, answers={}, warnings={},
                                        status=state, sections_saved=[], carried_over=[],
                                        question_notes={}))
        db.session.commit()
    return round_id


def test_framework_report_lists_exactly_the_missing_units(app, half_year_round, runner,
                                                          tmp_path):
    out = tmp_path / "polrocze.xlsx"
    result = runner.invoke(args=["reports", "export", "--round", str(half_year_round),
                                 "--kind", "half-year", "--podregiony", "owes", "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:4] == ["Informacje", "Spis treści", "Postęp", "Brakujące jednostki"]
    assert "Dane" not in book.sheetnames  # short by design: no raw data
    missing = [list(row) for row in book["Brakujące jednostki"].iter_rows(
        min_row=2, values_only=True)]
    assert {row[0] for row in missing} == MISSING
    assert len(missing) == len(MISSING)  # each once; Opole (withdrawn) is not missing
    states = {row[0]: row[4] for row in missing}
    assert states == {"Gmina Lasowice Wielkie": "wersja robocza",
                      "Gmina Wołczyn": "zwrócona do korekty",
                      "Powiat Kluczborski": "nie otworzyła linku",
                      "Gmina Kamiennik": "nie otworzyła linku"}
    progress = {(r[0], r[1]): r[2:] for r in book["Postęp"].iter_rows(min_row=2,
                                                                        values_only=True)}
    assert progress[("północny", "Gmina")] == (4, 2, 2, 0.5)
    assert progress[("północny", "Powiat")] == (1, 0, 1, 0)
    assert progress[("północny", "wszystkie rodzaje")] == (5, 2, 3, 0.4)
    assert progress[("południowy", "wszystkie rodzaje")] == (2, 1, 1, 0.5)
    assert progress[("Ogółem", "wszystkie rodzaje")] == (7, 3, 4, pytest.approx(3 / 7))
    info = {r[0]: r[1] for r in book["Informacje"].iter_rows(min_row=2, values_only=True)}
    assert info["Raport"] == "Raport ramowy za półrocze"
    assert info["Okres sprawozdawczy"] == "I półrocze 2025"  # in words, never the code


def test_progress_rows_add_up_to_the_frame(app):
    with app.app_context():
        survey = registry().by_key["jst-annual"].survey
    records = [{"unit_id": i, "unit_name": f"J{i}", "unit_kind": kind, "territory": teryt,
                "rodz": "2", "powiat_name": "p", "wojewodztwo_name": "W", "status": status,
                "answers": {}}
               for i, (kind, teryt, status) in enumerate([
                   ("gmina", "160402", "submitted"), ("gmina", "160403", "invited"),
                   ("powiat", "1607", "accepted")])]
    frame = build_frame(records, survey, {"1604": "A", "1607": "B"}, reporting_year=2025)
    report = half_year_report(frame, {"gmina": "Gmina", "powiat": "Powiat"})
    assert [(r.subregion, r.kind, r.invited, r.counted) for r in report.progress] == [
        ("A", "Gmina", 2, 1), ("A", ALL_KINDS, 2, 1), ("B", "Powiat", 1, 1),
        ("B", ALL_KINDS, 1, 1), (TOTAL, ALL_KINDS, 3, 2)]
    assert [m.name for m in report.missing] == ["J1"]
    assert report.by_mode == {"web": 2, "phone": 0, "staff": 0}


@pytest.fixture
def half_year_defs(app_config, tmp_path):
    """The questionnaires dir with a half-year variant of the JST questionnaire beside it."""
    from pathlib import Path

    source = Path(app_config["SURVEY_DEFS_DIR"])
    defs = tmp_path / "defs"
    defs.mkdir()
    text = (source / "jst-annual.yaml").read_text(encoding="utf-8")
    (defs / "jst-annual.yaml").write_text(text, encoding="utf-8")
    (defs / "jst-polrocze.yaml").write_text(
        text.replace("key: jst-annual", "key: jst-polrocze")
        .replace("period: annual", "period: half_year"), encoding="utf-8")
    app_config["SURVEY_DEFS_DIR"] = str(defs)


@pytest.mark.usefixtures("half_year_defs")
def test_a_half_year_questionnaire_needs_a_half_and_an_annual_one_refuses_it(app, world,
                                                                             staff_user):
    from models import Questionnaire, Round

    staff_user("admin@rops.example.pl", "admin")
    client = app.test_client()
    client.post("/logowanie", data={"email": "admin@rops.example.pl",
                                    "password": STAFF_PASSWORD})
    world.unit("gmina", "160402", name="Gmina Kluczbork")
    assert client.get("/admin/rundy/nowa").status_code == 200
    with app.app_context():
        ids = dict(db.session.execute(select(Questionnaire.key, Questionnaire.id)).all())
    form = {"reporting_year": "2025", "opens_on": "2026-01-05", "deadline": "2026-02-05",
            "reminder_days": "7"}
    page = client.post("/admin/rundy/nowa", data={**form, "half": "H1",
                                                   "questionnaire_id": ids["jst-annual"]})
    assert page.status_code == 200
    assert "Ta ankieta jest roczna — wybierz „cały rok”." in page.text
    page = client.post("/admin/rundy/nowa", data={**form, "half": "",
                                                   "questionnaire_id": ids["jst-polrocze"]})
    assert page.status_code == 200
    assert "Ta ankieta jest półroczna — wybierz I albo II półrocze." in page.text
    with app.app_context():
        assert db.session.scalars(select(Round)).all() == []
    page = client.post("/admin/rundy/nowa", data={**form, "half": "H1",
                                                   "questionnaire_id": ids["jst-polrocze"]})
    assert page.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Round.period)).one() == "2025-H1"


def test_framework_report_on_the_exports_page(app, half_year_round, staff_user):
    staff_user("admin@rops.example.pl", "admin")
    client = app.test_client()
    client.post("/logowanie", data={"email": "admin@rops.example.pl",
                                    "password": STAFF_PASSWORD})
    page = client.get(f"/admin/zestawienia/?runda={half_year_round}&rodzaj=half-year"
                      "&podzial=owes&pokaz=1")
    assert page.status_code == 200, page.text[:500]
    assert "Postęp według podregionów i rodzajów jednostek" in page.text
    missing = page.text.split("Brakujące jednostki (4)")[1]
    for name in MISSING:
        assert name in missing
    assert "Miasto Opole" not in missing


def _docx_text(path) -> tuple[str, list[list[list[str]]]]:
    import docx

    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = [[[cell.text for cell in row.cells] for row in table.rows]
              for table in document.tables]
    return text, tables


def test_framework_report_as_docx_and_pdf_says_what_the_workbook_says(
        app, half_year_round, runner, tmp_path):

    out = tmp_path / "polrocze.docx"
    result = runner.invoke(args=["reports", "export", "--round", str(half_year_round),
                                 "--kind", "half-year", "--podregiony", "owes",
                                 "--format", "docx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text, tables = _docx_text(out)
    assert "I półrocze 2025" in text
    assert "2025-H1" not in text
    # the sentence agrees in number with its count: 4 → „jednostek”
    assert "Ankietę wypełniły 3 z 7 jednostek (42,9%)." in text
    assert "Brakuje jeszcze odpowiedzi 4 jednostek (" in text
    assert "nie otworzyła linku: 2" in text
    assert "Najmniej odpowiedzi ma podregion północny: 2 z 5 (40,0%)." in text
    missing = next(t for t in tables if t[0][0] == "Jednostka")
    assert {row[0] for row in missing[1:]} == MISSING
    assert len(missing) == len(MISSING) + 1
    assert {row[0]: row[4] for row in missing[1:]}["Gmina Wołczyn"] == "zwrócona do korekty"
    progress = next(t for t in tables if t[0][0] == "Podregion")
    rows = {(r[0], r[1]): r[2:] for r in progress[1:]}
    xlsx = tmp_path / "polrocze.xlsx"
    assert runner.invoke(args=["reports", "export", "--round", str(half_year_round), "--kind",
                               "half-year", "--podregiony", "owes", "-o", str(xlsx)]
                         ).exit_code == 0
    for r in openpyxl.load_workbook(xlsx)["Postęp"].iter_rows(min_row=2, values_only=True):
        assert rows[(r[0], r[1])][:3] == [str(r[2]), str(r[3]), str(r[4])]
    assert rows[("Ogółem", "wszystkie rodzaje")] == ["7", "3", "4", "42,9%"]
    figures = next(t for t in tables if t[0][0] == "Liczba")
    assert dict(figures[1:])["Złożone ankiety"] == "3"
    from pypdf import PdfReader

    pdf = tmp_path / "polrocze.pdf"
    result = runner.invoke(args=["reports", "export", "--round", str(half_year_round),
                                 "--kind", "half-year", "--podregiony", "owes",
                                 "--format", "pdf", "-o", str(pdf)])
    assert result.exit_code == 0, result.output
    reader = PdfReader(str(pdf))
    printed = "\n".join(page.extract_text() for page in reader.pages)
    assert "Gmina Lasowice Wielkie" in printed
    assert "I półrocze 2025" in printed
    assert f"Strona 1 z {len(reader.pages)}" in printed
    assert len(reader.pages) <= 4  # short by design


def test_framework_report_document_downloads_from_the_exports_page(app, half_year_round,
                                                                   staff_user):
    import io

    import docx

    staff_user("admin@rops.example.pl", "admin")
    client = app.test_client()
    client.post("/logowanie", data={"email": "admin@rops.example.pl",
                                    "password": STAFF_PASSWORD})
    reply = client.get(f"/admin/zestawienia/plik?runda={half_year_round}&rodzaj=half-year"
                       "&podzial=owes&format=docx")
    assert reply.status_code == 200, reply.text[:500]
    assert reply.mimetype.endswith("wordprocessingml.document")
    assert "esmon-half-year-runda" in reply.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(reply.data))
    missing = next(t for t in document.tables if t.rows[0].cells[0].text == "Jednostka")
    assert {row.cells[0].text for row in missing.rows[1:]} == MISSING
