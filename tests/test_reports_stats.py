"""Statistics chosen by meaning and the wide tables built from them (issue 11, items 2–3).

A small questionnaire with one question of each value kind, eight hand-made responses in two
powiats; every expected figure is worked by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from forms.loader import load_survey_text
from reports.aggregate import (
    COUNT,
    EARLIEST,
    FEW,
    FEW_NOTE,
    LATEST,
    MEAN,
    MEDIAN,
    MULTI_NOTE,
    SUM,
    TOTAL,
    aggregate,
)
from reports.compose import compose
from reports.definition import default_definition
from reports.frame import build_frame
from reports.model import ChartSpec, CrossTable, MapSpec, WideTable
from reports.wide import cross_table, topic_table

DEFINITION = """\
format: 1
key: stat-test
version: "1"
title: Test statystyk
unit_kinds: [cis]
period: annual
sections:
  - id: a
    title: Liczby
    questions:
      - {id: uczestnicy, type: integer, label: Liczba uczestników}
      - {id: przychody, type: money, label: Przychody}
      - {id: udzial, type: percent, label: Udział przychodów z usług}
      - {id: rok_zalozenia, type: integer, grouping: false, label: Rok założenia}
      - {id: data_wpisu, type: date, label: Data wpisu}
  - id: b
    title: Wybory
    questions:
      - {id: dziala, type: yes_no, label: Czy działa?}
      - id: forma
        type: single_choice
        label: Forma prawna
        choices:
          - {value: st, label: Stowarzyszenie}
          - {value: sp, label: Spółdzielnia}
      - id: formy
        type: multiple_choice
        label: Formy wsparcia
        choices:
          - {value: szkolenia, label: Szkolenia}
          - {value: doradztwo, label: Doradztwo}
      - id: osoby
        type: table
        label: Osoby według płci
        rows:
          - {id: mlodzi, label: Do 30 lat}
          - {id: starsi, label: Powyżej 30 lat}
        columns:
          - {id: k, label: Kobiety}
          - {id: m, label: Mężczyźni}
"""
SURVEY, PROBLEMS = load_survey_text(DEFINITION, "stat-test.yaml", "stat-test")

# unit, powiat, uczestnicy, przychody, udzial, rok, data, dziala, forma, formy, osoby
ROWS = [
    (1, "1604", 10, "100.00", "40", 2001, "2010-05-01", "yes", "st", ["szkolenia"],
     {"mlodzi": {"k": 1, "m": 2}, "starsi": {"k": 3, "m": 4}}),
    (2, "1604", 20, "200.00", "60", 2005, "2012-01-15", "no", "sp",
     ["szkolenia", "doradztwo"], {"mlodzi": {"k": 5, "m": 0}, "starsi": {"k": 1, "m": 1}}),
    (3, "1604", 30, "300.50", "80", 2010, "2020-03-03", "yes", "st", ["doradztwo"],
     {"mlodzi": {"k": 2}, "starsi": {"k": 2, "m": 2}}),
    (4, "1609", 5, "50.00", "90", 1999, "2001-02-02", "yes", "sp",
     ["szkolenia", "doradztwo"], None),
    (5, "1609", None, None, None, None, None, None, None, None, None),
]


def records() -> list[dict]:
    found = []
    for uid, powiat, n, money, share, year, day, works, form, forms, people in ROWS:
        answers = {"uczestnicy": n, "przychody": money, "udzial": share,
                   "rok_zalozenia": year, "data_wpisu": day, "dziala": works, "forma": form,
                   "formy": forms, "osoby": people}
        found.append({"unit_id": uid, "unit_name": f"CIS {uid}", "unit_kind": "cis",
                      "territory": powiat + "01", "rodz": "1",
                      "powiat_name": {"1604": "kluczborski", "1609": "opolski"}[powiat],
                      "wojewodztwo_name": "OPOLSKIE",
                      "status": "submitted" if uid != 5 else "invited",
                      "answers": {k: v for k, v in answers.items() if v is not None}})
    return found


@pytest.fixture
def frame():
    assert not PROBLEMS
    return build_frame(records(), SURVEY, {"1604": "północny", "1609": "opolski"})


K, OP = "1604 kluczborski", "1609 opolski"


def test_counts_and_amounts_are_summed_and_averaged(frame):
    agg = aggregate(frame, "powiat")
    assert agg.value("uczestnicy", SUM, K) == 60
    assert agg.value("uczestnicy", MEAN, K) == Decimal("20.00")
    assert agg.value("uczestnicy", MEDIAN, K) == 20
    assert agg.value("przychody", SUM) == Decimal("650.50")
    assert agg.value("przychody", MEDIAN) == Decimal("150.00")


def test_percent_is_never_summed(frame):
    agg = aggregate(frame, "powiat")
    with pytest.raises(KeyError):
        agg.value("udzial", SUM)
    assert agg.value("udzial", MEAN) == Decimal("67.50")
    assert agg.value("udzial", MEDIAN, K) == Decimal("60")
    table = topic_table("t", "Udział", agg, frame, ["udzial"])
    assert all(c.measure != SUM for c in table.columns)
    assert [c.measure for c in table.columns][:3] == [COUNT, MEAN, MEDIAN]


def test_years_and_dates_are_ordered_not_added(frame):
    agg = aggregate(frame, "powiat")
    measures = set(agg.table[agg.table["kolumna"] == "rok_zalozenia"]["miara"])
    assert measures == {COUNT, EARLIEST, LATEST}
    assert agg.value("rok_zalozenia", EARLIEST) == 1999
    assert agg.value("rok_zalozenia", LATEST, K) == 2010
    assert agg.value("data_wpisu", LATEST) == date(2020, 3, 3)
    assert agg.value("data_wpisu", EARLIEST, K) == date(2010, 5, 1)
    # a year prints as a year, not as 2 010
    assert agg.table[(agg.table["kolumna"] == "rok_zalozenia")
                     & (agg.table["miara"] == LATEST)]["format"].iloc[0] == "year"


def test_order_statistics_need_three_answers(frame):
    agg = aggregate(frame, "powiat")
    assert agg.value("uczestnicy", MEDIAN, OP) == FEW  # one answer in opolski
    assert agg.value("uczestnicy", MEAN, OP) == Decimal("5.00")
    assert agg.value("rok_zalozenia", LATEST, OP) == FEW
    table = topic_table("t", "Uczestnicy", agg, frame, ["uczestnicy"])
    assert table.value("uczestnicy:" + MEDIAN, OP) == FEW
    assert FEW_NOTE in table.notes


def test_multiple_choice_has_its_number_answering(frame):
    agg = aggregate(frame, "powiat")
    table = topic_table("t", "Formy", agg, frame, ["formy"])
    assert table.columns[0].measure == COUNT
    assert table.value("formy:" + COUNT) == 4
    assert table.value("formy:" + COUNT, K) == 3
    assert table.value("formy__szkolenia:odsetek wskazań") == pytest.approx(0.75)
    assert table.value("formy__doradztwo:odsetek wskazań") == pytest.approx(0.75)
    assert MULTI_NOTE in table.notes  # 150 % together: the table says why


def test_single_choice_and_yes_no(frame):
    agg = aggregate(frame, "powiat")
    table = topic_table("t", "Forma", agg, frame, ["forma"])
    assert table.value("forma:" + COUNT) == 4
    assert table.value("forma__st:liczba wskazań", K) == 2
    assert table.value("forma__sp:odsetek wskazań") == pytest.approx(0.5)
    yes = topic_table("t2", "Działa", agg, frame, ["dziala"])
    assert yes.value("dziala:odsetek „tak”") == pytest.approx(0.75)


def test_table_question_has_row_and_column_totals(frame):
    agg = aggregate(frame, "powiat")
    cross = cross_table("c", agg, frame, "osoby")
    assert cross.row_labels == ["Do 30 lat", "Powyżej 30 lat", "Razem"]
    assert cross.column_labels == ["Kobiety", "Mężczyźni", "Razem"]
    # units 1–3: k 1+5+2, m 2+0+0 ; k 3+1+2, m 4+1+2
    assert cross.cells == [[8, 2, 10], [6, 7, 13], [14, 9, 23]]
    assert cross.answered == 3
    by_powiat = topic_table("t", "Osoby", agg, frame, ["osoby"])
    assert by_powiat.value("osoby__mlodzi___razem:suma", K) == 10
    assert by_powiat.value("osoby___razem___razem:suma") == 23


def test_wide_table_has_groups_rows_a_totals_row_and_the_response_rate(frame):
    table = topic_table("t", "Uczestnicy", aggregate(frame, "powiat"), frame, ["uczestnicy"])
    assert [r.group for r in table.rows] == [K, OP, TOTAL]
    assert [r.code for r in table.rows] == ["1604", "1609", None]
    assert table.rows[-1].total
    assert table.value("_odpowiedzi:odsetek odpowiedzi", OP) == pytest.approx(0.5)
    assert table.value("uczestnicy:" + SUM) == 65


def test_default_report_has_a_chapter_per_section(frame):
    report = compose("regional", "Raport", frame, default_definition(SURVEY), "powiat")
    assert [c.id for c in report.chapters] == ["odpowiedzi", "a", "b"]  # no indicators
    assert (report.method.invited, report.method.submitted) == (5, 4)
    first = report.chapters[0].blocks
    assert isinstance(first[0], WideTable)
    assert isinstance(first[1], ChartSpec)
    assert first[1].kind == "response_rate"
    assert isinstance(first[2], MapSpec)
    assert first[2].level == "powiat"
    assert report.table(first[2].table) is first[0]
    assert isinstance(report.chapters[2].blocks[-1], CrossTable)
    by_podregion = compose("regional", "Raport", frame, default_definition(SURVEY),
                           "gmina_type")
    # no shapes for types of gmina: only the response rate by gmina (its own table)
    assert [m.level for m in by_podregion.blocks(MapSpec)] == ["gmina"]


@pytest.mark.parametrize("small_cells", [False, True])
def test_the_regional_report_aggregates_each_level_once(frame, monkeypatch, small_cells):
    """``build.regional`` hands its aggregates to ``compose``: the chapters read the same ones."""
    from datetime import datetime

    from reports import aggregate as aggregate_module
    from reports import build
    from reports import compose as compose_module
    from reports.xlsx import ReportInfo

    made: list[str] = []

    def counted(frame, level):
        made.append(level)
        return aggregate_module.aggregate(frame, level)

    monkeypatch.setattr(build, "aggregate", counted)
    monkeypatch.setattr(compose_module, "aggregate", counted)
    content = build.regional(ReportInfo("Raport", "Runda", "2025", "stat-test 1",
                                        datetime(2026, 1, 1)), frame, ["powiat", "wojewodztwo"],
                             small_cells=small_cells)
    assert made == ["powiat", "wojewodztwo"]
    assert content.report is not None
    table = content.report.chapters[0].blocks[0]
    assert table.value("_odpowiedzi:odsetek odpowiedzi", TOTAL) == pytest.approx(0.8)
