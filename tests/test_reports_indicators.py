"""Indicators: checked at load with file/line messages, evaluated against targets."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from forms.loader import load_survey_file
from reports.frame import build_frame
from reports.indicators import (
    ACHIEVED,
    NO_DATA,
    NOT_ACHIEVED,
    evaluate_indicators,
    for_report,
    indicators_path,
    load_indicators_file,
    load_indicators_text,
)

ROOT = Path(__file__).resolve().parent.parent
SURVEY, _ = load_survey_file(ROOT / "survey_defs" / "jst-annual.yaml")

GOOD = """\
format: 1
key: jst-annual
indicators:
  - id: odsetek_klauzul
    name: Wartość (%) zamówień z klauzulami od 130 tys. zł
    formula: ${klauzule_wartosc_od_130k} div ${zam_ogolem_wartosc} * 100
    unit: "%"
    baseline: 1
    target: 5
    target_year: 2028
    direction: increase
  - id: przeszkoleni
    name: Przeszkoleni pracownicy
    formula: ${pracownicy_przeszkoleni}
    unit: count
    target: 10
    target_year: 2028
    direction: increase
  - id: uslugi_pes
    name: Usługi społeczne zlecone PES (%)
    formula: ${uslugi_spoleczne_wartosc_pes} div ${uslugi_spoleczne_wartosc_ogolem} * 100
    unit: "%"
    target: 2
    target_year: 2030
    direction: increase
  - id: bez_programu
    name: JST bez programu ES
    formula: ${lpres_status__nie}
    unit: count
    target: 1
    target_year: 2030
    direction: decrease
level: rpres
territory: "16"
"""


def frame():
    answers = [
        {"zam_ogolem_wartosc": "1000000.00", "klauzule_wartosc_od_130k": "40000.00",
         "pracownicy_przeszkoleni": 4, "lpres_status": "nie"},
        {"zam_ogolem_wartosc": "1000000.00", "klauzule_wartosc_od_130k": "160000.00",
         "pracownicy_przeszkoleni": 2, "lpres_status": "odrebny"},
    ]
    return build_frame([
        {"unit_id": i, "unit_name": f"G{i}", "unit_kind": "gmina", "territory": f"16040{i}",
         "rodz": "3", "powiat_name": "kluczborski", "wojewodztwo_name": "OPOLSKIE",
         "status": "submitted", "answers": a} for i, a in enumerate(answers, start=1)], SURVEY)


def test_achieved_not_achieved_and_no_data():
    indicators, problems = load_indicators_text(GOOD, "jst-annual.indicators.yaml", SURVEY)
    assert problems == []
    results = {r.indicator.id: r for r in evaluate_indicators(indicators, frame())}
    # (40 000 + 160 000) / 2 000 000 × 100 = 10% ≥ 5%
    assert results["odsetek_klauzul"].achieved == Decimal(10)
    assert results["odsetek_klauzul"].status == ACHIEVED
    assert results["odsetek_klauzul"].progress == pytest.approx((10 - 1) / (5 - 1))
    assert results["przeszkoleni"].achieved == 6
    assert results["przeszkoleni"].status == NOT_ACHIEVED
    assert results["przeszkoleni"].progress == pytest.approx(0.6)
    assert results["uslugi_pes"].achieved is None
    assert results["uslugi_pes"].status == NO_DATA
    assert results["bez_programu"].achieved == 1
    assert results["bez_programu"].status == ACHIEVED


def test_no_responses_means_no_data():
    indicators, _ = load_indicators_text(GOOD, "x.indicators.yaml", SURVEY)
    empty = frame()
    empty = empty.subset(empty.data["unit_id"] < 0)
    assert {r.status for r in evaluate_indicators(indicators, empty)} == {NO_DATA}


def test_shipped_indicators_load_cleanly():
    indicators, problems = load_indicators_file(indicators_path(ROOT / "survey_defs",
                                                                "jst-annual"), SURVEY)
    assert problems == []
    ids = {i.id for i in indicators}
    assert {"zamowienia_z_klauzulami", "wartosc_zamowien_spolecznych_ponizej_130k",
            "wartosc_zamowien_spolecznych_od_130k", "zlecenia_dla_pes", "spoldzielnie_socjalne",
            "osoby_zatrudnione_w_pes", "osoby_skierowane_przez_ops",
            "pracownicy_przeszkoleni_klauzule"} <= ids
    assert sum(1 for i in ids if i.startswith("kpres_")) == 3
    levels = {(i.level, i.territory) for i in indicators}
    assert levels == {("lpres", "160402"), ("kpres", ""), ("rpres", "16")}
    assert {i.id for i in indicators if i.level != "lpres"} == {
        "kpres_zamowienia_spolecznie_odpowiedzialne", "kpres_uslugi_spoleczne_pes",
        "kpres_jst_z_programem_es"}


def test_each_report_is_judged_by_its_own_plan():
    """Regional: the region's RPRES and the KPRES, never Kluczbork's LPRES; municipal: its own."""
    indicators, _ = load_indicators_file(indicators_path(ROOT / "survey_defs", "jst-annual"),
                                         SURVEY)
    frame = build_frame([{"unit_id": 1, "unit_name": "G", "unit_kind": "gmina",
                          "territory": "160402", "rodz": "3", "powiat_name": "kluczborski",
                          "wojewodztwo_name": "OPOLSKIE", "status": "submitted",
                          "answers": {}}], SURVEY)
    regional = for_report(indicators, frame)
    assert {i.level for i in regional} == {"rpres", "kpres"}
    assert {i.id for i in regional} == {"kpres_zamowienia_spolecznie_odpowiedzialne",
                                        "kpres_uslugi_spoleczne_pes", "kpres_jst_z_programem_es"}
    assert {i.level for i in for_report(indicators, frame, "1604022")} == {"lpres"}
    assert for_report(indicators, frame, "160403") == []  # Lasowice has no plan of its own
    elsewhere = build_frame([{"unit_id": 2, "unit_name": "G", "unit_kind": "gmina",
                              "territory": "240101", "rodz": "1", "powiat_name": "x",
                              "wojewodztwo_name": "ŚLĄSKIE", "status": "submitted",
                              "answers": {}}], SURVEY)
    assert {i.level for i in for_report(indicators, elsewhere)} == {"kpres"}


@pytest.mark.parametrize(("extra", "line", "code"), [
    ('level: gminny\n', 3, "unknown_level"),
    ('level: lpres\n', 3, "bad_value"),            # a gmina's plan names its gmina
    ('level: rpres\nterritory: "1604"\n', 4, "bad_value"),
    ("", 4, "missing_key"),                          # no level anywhere
])
def test_plan_level_and_territory_are_checked(extra, line, code):
    text = ("format: 1\nkey: jst-annual\nindicators:\n  - id: a\n    name: A\n"
            "    formula: ${pracownicy_przeszkoleni}\n    unit: count\n    target: 1\n"
            "    target_year: 2030\n    direction: increase\n")
    lines = text.splitlines(True)
    text = "".join(lines[:2] + [extra] + lines[2:])
    _, problems = load_indicators_text(text, "jst-annual.indicators.yaml", SURVEY)
    assert [(p.line, p.code) for p in problems] == [(line, code)], [str(p) for p in problems]


BROKEN = """\
format: 1
key: cis-annual
indicators:
  - id: pierwszy
    name: Pierwszy
    formula: ${zam_ogolem_wartosc} div ${nie_ma_takiego}
    unit: sztuki
    target: pięć
    target_year: 1999
    direction: increase
  - id: pierwszy
    name: Drugi
    formula: ${zam_ogolem_wartosc} +
    unit: count
    target: 1
    target_year: 2030
    direction: up
    kolor: zielony
  - name: Trzeci
    formula: prev(${zam_ogolem_wartosc})
    unit: PLN
    target: 1
    target_year: 2030
    direction: decrease
level: kpres
"""


def test_problems_name_file_line_and_code_in_polish():
    indicators, problems = load_indicators_text(BROKEN, "jst-annual.indicators.yaml", SURVEY)
    assert indicators == []
    found = {(p.line, p.code) for p in problems}
    assert found == {
        (2, "key_mismatch"), (6, "unknown_name"), (7, "bad_value"), (8, "bad_value"),
        (9, "bad_value"), (11, "duplicate_id"), (13, "expr_syntax"), (17, "bad_value"),
        (18, "unknown_key"), (19, "missing_key"), (20, "bad_value"),
    }
    unknown = next(p for p in problems if p.code == "unknown_name")
    assert unknown.column == 27
    assert "nie_ma_takiego" in unknown.message
    assert str(unknown).startswith("jst-annual.indicators.yaml:6:27 [pierwszy] unknown_name")
    assert "prev()" in next(p.message for p in problems if p.line == 20)
    assert "Nieznane pole 'kolor'" in next(p.message for p in problems if p.line == 18)


@pytest.mark.parametrize(("text", "code"), [
    ("format: 1\nkey: [\n", "yaml_syntax"),
    ("- a\n- b\n", "not_a_mapping"),
    ("format: 2\nkey: jst-annual\nindicators: []\n", "bad_format_version"),
    ("format: 1\nkey: jst-annual\nindicators: []\n", "bad_value"),
    ("format: 1\nkey: jst-annual\n", "missing_key"),
    ("format: 1\nformat: 1\nkey: jst-annual\nindicators: []\n", "duplicate_key"),
])
def test_broken_files(text, code):
    _, problems = load_indicators_text(text, "w.indicators.yaml", SURVEY)
    assert code in {p.code for p in problems}
