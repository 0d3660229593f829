"""``flask reports export`` on a database made with the ``world`` fixture."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from extensions import db
from tests.support.workbooks import chapter_tables


def jst_answers(value: str, clauses: str = "yes", **extra) -> dict:
    answers = {"zam_ogolem_wartosc": value, "zam_ogolem_liczba": 4,
               "klauzule_stosowane": clauses, "lpres_status": "odrebny",
               "klauzule_liczba_ponizej_130k": 1, "klauzule_liczba_od_130k": 1,
               "klauzule_wartosc_ponizej_130k": "1000.00",
               "klauzule_wartosc_od_130k": "150000.00", "pracownicy_przeszkoleni": 3,
               "jednostka_wypelniajaca": ["urzad"], "uwagi": "=HYPERLINK(\"http://x\")"}
    answers.update(extra)
    return answers


def respond(world, round_id: int, unit_id: int, answers: dict | None,
            status: str = "submitted") -> None:
    from models import Invitation, Response

    world.invite(round_id, unit_id)
    if answers is None:
        return
    with world.app.app_context():
        invitation = db.session.scalars(db.select(Invitation).filter_by(
            round_id=round_id, unit_id=unit_id)).one()
        db.session.add(Response(invitation=invitation, answers=answers, status=status))
        db.session.commit()


@pytest.fixture
def rounds(world):
    """Two years of the JST questionnaire in powiat kluczborski, nyski and Opole."""
    units = {
        "kluczbork": world.unit("gmina", "160402", "Gmina Kluczbork"),
        "byczyna": world.unit("gmina", "160401", "=Byczyna"),
        "glucholazy": world.unit("gmina", "160701", "Gmina Głuchołazy"),
        "opole": world.unit("gmina", "166101", "Miasto Opole"),
        "kamiennik": world.unit("gmina", "160702", "Gmina Kamiennik"),
    }
    before = world.round("jst-annual", year=2024, status="closed")
    respond(world, before, units["kluczbork"], jst_answers("800000.00"))
    respond(world, before, units["byczyna"], jst_answers("100000.00", "no"))
    now = world.round("jst-annual", year=2025)
    respond(world, now, units["kluczbork"], jst_answers("1000000.00"))
    respond(world, now, units["byczyna"], jst_answers("200000.50", "no"))
    respond(world, now, units["glucholazy"], jst_answers("300000.00"))
    respond(world, now, units["opole"], jst_answers("5000000.00"), status="accepted")
    respond(world, now, units["kamiennik"], None)
    return before, now


def export(runner, *args: str):
    result = runner.invoke(args=["reports", "export", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def test_regional_report_by_powiat(runner, rounds, tmp_path):
    out = tmp_path / "regional.xlsx"
    result = export(runner, "--round", str(rounds[1]), "--kind", "regional", "--level",
                    "powiat", "--level", "gmina_type", "-o", str(out))
    assert "złożonych ankiet: 4" in result.output
    book = openpyxl.load_workbook(out)
    names = book.sheetnames
    assert names[:4] == ["Informacje", "Spis treści", "Wskaźniki", "1. Kto odpowiedział"]
    # the chapters draw their charts and maps; "Wykresy" has the year-over-year charts
    assert names[-6:] == ["7. Wskaźniki", "Powiat rok do roku", "Rodzaj JST rok do roku",
                          "Wykresy", "Dane", "Słownik"]
    tables = chapter_tables(book)
    header, rows = tables[("1. Kto odpowiedział", "Odpowiedzi na ankietę — Powiat")]
    assert header == ["Powiat", "zaproszone", "złożone", "odsetek odpowiedzi"]
    assert list(rows) == ["1604 kluczborski", "1607 nyski", "1661 Opole", "Ogółem"]
    assert rows["1607 nyski"][1:] == [2, 1, pytest.approx(0.5)]
    # chapters and tables as survey_defs/jst-annual.report.yaml lists them
    chapter = "3. Zamówienia publiczne i klauz"
    header, rows = tables[(chapter, "Zamówienia ogółem i z klauzulami — Powiat")]
    column = header.index("Łączna wartość udzielonych zamówień (netto) — suma")
    assert rows["1604 kluczborski"][column] == pytest.approx(1200000.50)
    assert rows["Ogółem"][column] == pytest.approx(6500000.50)
    sheet = book[chapter]
    money = [c for r in sheet.iter_rows() for c in r if c.value == pytest.approx(1200000.50)]
    assert money[0].number_format == '#,##0.00 "zł"'
    # year over year: the groups across, each (column, measure) a block of rows —
    # this round, the previous one, the change, the change in percent
    sheet = book["Powiat rok do roku"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["kolumna", "etykieta", "miara", "porównanie"]
    assert header[4:] == ["1604 kluczborski", "1607 nyski", "1661 Opole", "Ogółem", "uwagi"]
    yoy = {(r[0].value, r[2].value, r[3].value): [c.value for c in r[4:8]]
           for r in sheet.iter_rows(min_row=2)}
    block = {name: yoy[("zam_ogolem_wartosc", "suma", name)][0]
             for name in ("bieżąca runda", "poprzednia runda", "zmiana", "zmiana %")}
    assert block == {"bieżąca runda": pytest.approx(1200000.50),
                     "poprzednia runda": pytest.approx(900000.0),
                     "zmiana": pytest.approx(300000.50),
                     "zmiana %": pytest.approx(300000.50 / 900000)}
    assert yoy[("zam_ogolem_wartosc", "suma", "bieżąca runda")][3] == pytest.approx(6500000.50)
    # each answer's headline figure only (a sum for an amount), not all its statistics
    assert {m for (c, m, _s) in yoy if c == "zam_ogolem_wartosc"} == {"suma"}
    assert {m for (c, m, _s) in yoy if c == "klauzule_stosowane"} == {"odsetek „tak”"}
    # a wrapped header ("Wartość bazowa" in 14 characters) is given the height of its
    # lines: LibreOffice prints a row one line high otherwise, over the first row of figures
    indicators = book["Wskaźniki"]
    assert indicators.cell(1, 5).value == "Wartość bazowa"
    assert indicators.column_dimensions["E"].width < len("Wartość bazowa") + 1
    assert indicators.row_dimensions[1].height >= 2 * 12.75
    raw = book["Dane"]
    assert raw["D1"].value == "teryt"
    assert {raw.cell(r, 4).value for r in range(2, 6)} == {"1604023", "1604013", "1607013",
                                                          "1661011"}
    assert all(raw.cell(r, 4).data_type == "s" for r in range(2, 6))


def test_municipal_report(runner, rounds, tmp_path):
    out = tmp_path / "gmina.xlsx"
    export(runner, "--round", str(rounds[1]), "--kind", "municipal", "--teryt", "160402",
           "-o", str(out))
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Informacje", "Spis treści", "Wskaźniki", "Gmina", "Wykresy",
                               "Dane", "Słownik"]
    rows = {r[0].value: [c.value for c in r] for r in book["Gmina"].iter_rows(min_row=2)}
    header = [c.value for c in book["Gmina"][1]]
    row = dict(zip(header, rows["zam_ogolem_wartosc"], strict=True))
    assert row["gmina"] == pytest.approx(1000000.0)
    assert row["poprzednia runda"] == pytest.approx(800000.0)
    assert row["powiat — mediana"] == pytest.approx((1000000 + 200000.50) / 2)
    assert book["Dane"].max_row == 2
    indicators = {r[0].value: r for r in book["Wskaźniki"].iter_rows(min_row=2)}
    assert indicators["zamowienia_z_klauzulami"][9].value == 2
    assert indicators["zamowienia_z_klauzulami"][10].value == "nieosiągnięty"
    assert indicators["pracownicy_przeszkoleni_klauzule"][9].value == 3
    # the gmina's own plan (LPRES Kluczbork), not the national or regional targets
    assert not [i for i in indicators if i.startswith("kpres_")]


def test_raw_csv_and_indicators(runner, rounds, tmp_path):
    out = tmp_path / "dane.csv"
    export(runner, "--round", str(rounds[1]), "--kind", "raw", "--format", "csv", "-o",
           str(out))
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\ufeffunit_id;unit_name;unit_kind;teryt;")
    assert ";'=Byczyna;" in text
    assert "200000,50" in text
    out = tmp_path / "wskazniki.xlsx"
    export(runner, "--round", str(rounds[1]), "--kind", "indicators", "-o", str(out))
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Informacje", "Spis treści", "Wskaźniki", "Wykresy", "Słownik"]
    status = {r[0].value: r[10].value for r in book["Wskaźniki"].iter_rows(min_row=2)}
    # (4 × 1000 + 4 × 150000) / 6 500 000.50 ≈ 9.3% ≥ 5%
    assert status["kpres_zamowienia_spolecznie_odpowiedzialne"] == "osiągnięty"
    assert status["kpres_uslugi_spoleczne_pes"] == "brak danych"
    # the region is never judged against one gmina's (Kluczbork's) LPRES targets
    assert set(status) == {"kpres_zamowienia_spolecznie_odpowiedzialne",
                           "kpres_uslugi_spoleczne_pes", "kpres_jst_z_programem_es"}


def test_podregiony_from_the_database(runner, rounds, world, tmp_path):
    from models import SubregionAssignment

    with world.app.app_context():
        for code, name in (("1604", "opolski"), ("1661", "opolski"), ("1607", "nyski")):
            db.session.add(SubregionAssignment(scheme="nuts3", powiat_code=code,
                                               subregion_name=name))
        db.session.commit()
    out = tmp_path / "podregiony.xlsx"
    export(runner, "--round", str(rounds[1]), "--level", "podregion", "-o", str(out))
    tables = chapter_tables(openpyxl.load_workbook(out))
    _, rows = tables[("1. Kto odpowiedział", "Odpowiedzi na ankietę — Podregion")]
    assert list(rows) == ["nyski", "opolski", "Ogółem"]


def test_errors_are_reported_in_polish(runner, rounds, tmp_path):
    out = str(tmp_path / "x.xlsx")
    result = runner.invoke(args=["reports", "export", "--round", "999", "-o", out])
    assert result.exit_code != 0
    assert "Nie ma rundy o numerze 999" in result.output
    result = runner.invoke(args=["reports", "export", "--round", str(rounds[1]), "--kind",
                                 "municipal", "-o", out])
    assert "wymaga --teryt" in result.output
    result = runner.invoke(args=["reports", "export", "--round", str(rounds[1]), "--kind",
                                 "municipal", "--teryt", "160901", "-o", out])
    assert "nie ma jednostek z gminy" in result.output
    result = runner.invoke(args=["reports", "export", "--round", str(rounds[1]), "--format",
                                 "csv", "-o", out])
    assert "tylko dla --kind raw" in result.output


def test_money_stays_exact_through_the_database(world, rounds):
    from reports.aggregate import SUM, aggregate
    from reports.frame import build_frame
    from services.report_source import round_records, round_survey

    with world.app.app_context():
        frame = build_frame(round_records(db.session, rounds[1], chunk_size=2),
                            round_survey(db.session, rounds[1]))
    assert aggregate(frame, "wojewodztwo").value("zam_ogolem_wartosc", SUM) == Decimal(
        "6500000.50")


def test_check_indicators(runner):
    result = runner.invoke(args=["reports", "check-indicators"])
    assert result.exit_code == 0, result.output
    assert "OK   jst-annual.indicators.yaml: 13 wskaźników" in result.output


def test_check_indicators_lists_problems(tmp_path):
    from app import create_app

    defs = tmp_path / "defs"
    shutil.copytree(Path(__file__).resolve().parent.parent / "survey_defs", defs)
    path = defs / "jst-annual.indicators.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "${pracownicy_przeszkoleni}", "${pracownicy_przeszkolen}"), encoding="utf-8")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "SURVEY_DEFS_DIR": str(defs)}, read_environment=False)
    result = app.test_cli_runner().invoke(args=["reports", "check-indicators"])
    assert result.exit_code == 1
    assert "jst-annual.indicators.yaml:" in result.output
    assert "unknown_name: Nieznane pytanie 'pracownicy_przeszkolen'" in result.output


def test_warning_explanations_are_raw_data_columns(runner, world, tmp_path):
    """Item 9 of issue 11: a soft warning's explanation is the column
    ``<id>__wyjasnienie`` beside the answer, in xlsx and CSV, formula-safe."""
    from models import Invitation, Response

    round_id = world.round("jst-annual", year=2025)
    explained = world.unit("gmina", "160402", "Gmina Kluczbork")
    silent = world.unit("gmina", "160701", "Gmina Głuchołazy")
    for unit, warnings in (
            (explained, {"zadania_zlecone_wartosc": {
                "messages": ["Wartość różni się o ponad 50%"],
                "comment": "=Nowy program, dwa razy więcej zadań"}}),
            (silent, {})):
        world.invite(round_id, unit)
        with world.app.app_context():
            invitation = db.session.scalars(db.select(Invitation).filter_by(
                round_id=round_id, unit_id=unit)).one()
            db.session.add(Response(invitation=invitation, status="submitted",
                                    answers=jst_answers("1000.00", zadania_zlecone_liczba=2,
                                                        zadania_zlecone_wartosc="9000.00"),
                                    warnings=warnings))
            db.session.commit()
    column = "zadania_zlecone_wartosc__wyjasnienie"
    out = tmp_path / "dane.xlsx"
    export(runner, "--round", str(round_id), "--kind", "raw", "-o", str(out))
    book = openpyxl.load_workbook(out)
    rows = list(book["Dane"].iter_rows(values_only=True))
    header = list(rows[0])
    at = header.index(column)
    assert header[at - 1] == "zadania_zlecone_wartosc"  # beside its answer
    cells = {r[header.index("unit_name")]: r[at] for r in rows[1:]}
    assert cells == {"Gmina Kluczbork": "=Nowy program, dwa razy więcej zadań",
                     "Gmina Głuchołazy": None}
    assert all(c.data_type == "s" for r in book["Dane"].iter_rows() for c in r
               if c.value == cells["Gmina Kluczbork"])  # text, never a formula
    codebook = {r[0]: r[2] for r in book["Słownik"].iter_rows(values_only=True)}
    assert codebook[column] == "wyjaśnienie ostrzeżenia"
    csv_out = tmp_path / "dane.csv"
    export(runner, "--round", str(round_id), "--kind", "raw", "--format", "csv", "-o",
           str(csv_out))
    lines = csv_out.read_text(encoding="utf-8-sig").splitlines()
    names = lines[0].split(";")
    assert column in names
    kluczbork = next(line for line in lines if "Gmina Kluczbork" in line)
    assert "'=Nowy program, dwa razy więcej zadań" in kluczbork
    labelled = tmp_path / "etykiety.csv"
    export(runner, "--round", str(round_id), "--kind", "raw", "--format", "csv", "--labels",
           "-o", str(labelled))
    assert "— wyjaśnienie ostrzeżenia" in labelled.read_text(encoding="utf-8-sig")
