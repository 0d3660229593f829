"""Frame and aggregates on 13 hand-made JST responses; every expected figure worked by hand."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from forms.loader import load_survey_file
from reports.aggregate import (
    ACCEPTED,
    CHOSEN,
    COUNT,
    FEW,
    INVITED,
    MEAN,
    MEDIAN,
    MIN,
    RATE,
    SHARE,
    SUBMITTED,
    SUM,
    TOTAL,
    YES_SHARE,
    aggregate,
)
from reports.frame import NO_PODREGION, build_frame, to_minor_units
from reports.municipal import municipal_report

ROOT = Path(__file__).resolve().parent.parent
SURVEY, _ = load_survey_file(ROOT / "survey_defs" / "jst-annual.yaml")
PODREGIONY = {"1604": "opolski", "1609": "opolski", "1661": "opolski", "1607": "nyski"}
POWIATS = {"1604": "kluczborski", "1607": "nyski", "1609": "opolski", "1661": "Opole"}

# id, territory, rodz, kind, status, zam_ogolem_wartosc, zam_ogolem_liczba, klauzule_stosowane,
# jednostka_wypelniajaca, lpres_status
UNITS = [
    (1, "160401", "3", "gmina", "submitted", "1000.10", 10, "yes", ["urzad"], "odrebny"),
    (2, "160402", "3", "gmina", "accepted", "2000.20", 20, "no", ["urzad", "ops"], "nie"),
    (3, "160403", "2", "gmina", "submitted", "0.05", 1, "no", ["ops"], "nie"),
    (4, "160404", "3", "gmina", "draft", "999.99", 5, "yes", ["urzad"], "odrebny"),
    (5, "160701", "3", "gmina", "submitted", "500.00", 4, "yes", ["urzad"], "w_strategii"),
    (6, "160702", "2", "gmina", "invited", None, None, None, None, None),
    (7, "160901", "2", "gmina", "submitted", "300.00", 2, "no", ["inne"], "nie"),
    (8, "160902", "2", "gmina", "submitted", None, 3, "yes", ["urzad"], "w_przygotowaniu"),
    (9, "160903", "2", "gmina", "submitted", "700.35", 7, "yes", ["urzad", "ops", "pcpr"],
     "odrebny"),
    (10, "160904", "2", "gmina", "returned", "1.00", 1, "no", ["urzad"], "nie"),
    (11, "166101", "1", "gmina", "submitted", "10000.00", 100, "yes", ["urzad"], "odrebny"),
    # Opole again as a powiat unit: one JST, counted once (its gmina response is submitted)
    (12, "1661", None, "powiat", "draft", "5.00", 1, "no", ["urzad"], "nie"),
    (13, "1604", None, "powiat", "submitted", "5000.00", 50, "yes", ["urzad"], "nie"),
]


def records(units=UNITS, overrides: dict | None = None) -> list[dict]:
    found = []
    for uid, territory, rodz, kind, status, value, number, clauses, who, lpres in units:
        answers = {"zam_ogolem_wartosc": value, "zam_ogolem_liczba": number,
                   "klauzule_stosowane": clauses, "jednostka_wypelniajaca": who,
                   "lpres_status": lpres}
        answers.update((overrides or {}).get(uid, {}))
        found.append({
            "unit_id": uid, "unit_name": f"Jednostka {uid}", "unit_kind": kind,
            "territory": territory, "rodz": rodz, "powiat_name": POWIATS[territory[:4]],
            "wojewodztwo_name": "OPOLSKIE", "status": status,
            "answers": {k: v for k, v in answers.items() if v is not None},
        })
    return found


@pytest.fixture
def frame():
    return build_frame(records(), SURVEY, PODREGIONY, reporting_year=2025, chunk_size=4)


def test_frame_has_unit_attributes_and_exact_numbers(frame):
    data = frame.data.set_index("unit_id")
    assert len(data) == 12  # the Opole powiat unit is folded into the Opole gmina
    assert 12 not in data.index
    assert data.at[2, "teryt"] == "1604023"
    assert data.at[13, "teryt"] == "1604"
    assert data.at[2, "gmina_type"] == "miejsko-wiejska"
    assert data.at[3, "gmina_type"] == "wiejska"
    assert data.at[11, "gmina_type"] == "miasto na prawach powiatu"
    assert data.at[13, "gmina_type"] == "powiat"
    assert data.at[2, "powiat"] == "1604 kluczborski"
    assert data.at[5, "podregion"] == "nyski"
    assert data.at[2, "wojewodztwo"] == "16 opolskie"
    assert data.at[6, "status"] == "invited"
    # money as exact grosze; a draft's answers are not read
    assert data.at[1, "zam_ogolem_wartosc"] == 100010
    assert data.isna().at[4, "zam_ogolem_wartosc"]
    assert data.at[2, "jednostka_wypelniajaca"] == "urzad;ops"
    assert data.at[2, "jednostka_wypelniajaca__ops"] == 1
    assert data.at[1, "jednostka_wypelniajaca__ops"] == 0
    assert "{rok}" not in frame.column("klauzule_stosowane").label


def test_unmapped_powiat_has_no_podregion():
    frame = build_frame(records(), SURVEY, {"1604": "opolski"})
    assert set(frame.data.loc[frame.data["powiat"] == "1607 nyski", "podregion"]) == {
        NO_PODREGION}


def test_city_keeps_the_powiat_response_when_it_is_further_along():
    units = [u if u[0] != 12 else (*u[:4], "accepted", *u[5:]) for u in UNITS]
    data = build_frame(records(units), SURVEY).data
    assert 12 in set(data["unit_id"])
    assert 11 not in set(data["unit_id"])


@pytest.mark.parametrize(("value", "places", "expected"), [
    ("1234.50", 2, 123450), ("-0.05", 2, -5), (7, 2, 700), ("12.5", 2, 1250),
    ("0.125", 2, 13), (None, 2, None), ("abc", 2, None), ("3", 0, 3), (1.1, 2, 110),
])
def test_minor_units_are_exact(value, places, expected):
    assert to_minor_units(value, places) == expected


def test_numbers_by_powiat(frame):
    agg = aggregate(frame, "powiat")
    assert agg.groups == ["1604 kluczborski", "1607 nyski", "1609 opolski", "1661 Opole"]
    k = "1604 kluczborski"
    # kluczborski: units 1, 2, 3 and the powiat 13 (4 is a draft)
    assert agg.value("zam_ogolem_wartosc", COUNT, k) == 4
    assert agg.value("zam_ogolem_wartosc", SUM, k) == Decimal("8000.35")
    assert agg.value("zam_ogolem_wartosc", MEAN, k) == Decimal("2000.09")  # 2000.0875
    assert agg.value("zam_ogolem_wartosc", MEDIAN, k) == Decimal("1500.15")
    # amounts: sum, mean and median — no extremes
    with pytest.raises(KeyError):
        agg.value("zam_ogolem_wartosc", MIN, k)
    assert agg.value("zam_ogolem_liczba", MEDIAN, k) == 15
    assert agg.value("zam_ogolem_liczba", MEAN, k) == Decimal("20.25")
    # opolski: unit 8 left the value empty
    assert agg.value("zam_ogolem_wartosc", COUNT, "1609 opolski") == 2
    assert agg.value("zam_ogolem_wartosc", MEAN, "1609 opolski") == Decimal("500.18")
    # two answers: the median would be one unit's own figure
    assert agg.value("zam_ogolem_wartosc", MEDIAN, "1609 opolski") == FEW
    assert agg.value("zam_ogolem_wartosc", SUM, TOTAL) == Decimal("19500.70")
    assert agg.value("zam_ogolem_wartosc", COUNT, TOTAL) == 8


def test_response_rates_by_powiat(frame):
    agg = aggregate(frame, "powiat")
    assert agg.value("_odpowiedzi", INVITED, "1604 kluczborski") == 5
    assert agg.value("_odpowiedzi", SUBMITTED, "1604 kluczborski") == 4
    assert agg.value("_odpowiedzi", ACCEPTED, "1604 kluczborski") == 1
    assert agg.value("_odpowiedzi", RATE, "1604 kluczborski") == pytest.approx(0.8)
    assert agg.value("_odpowiedzi", RATE, "1607 nyski") == pytest.approx(0.5)
    assert agg.value("_odpowiedzi", INVITED, "1661 Opole") == 1
    assert agg.value("_odpowiedzi", INVITED) == 12
    assert agg.value("_odpowiedzi", RATE) == pytest.approx(0.75)


def test_choices_and_yes_no(frame):
    agg = aggregate(frame, "powiat")
    assert agg.value("klauzule_stosowane", YES_SHARE, "1604 kluczborski") == pytest.approx(0.5)
    assert agg.value("klauzule_stosowane", YES_SHARE) == pytest.approx(6 / 9)
    assert agg.value("jednostka_wypelniajaca__ops", CHOSEN) == 3
    assert agg.value("jednostka_wypelniajaca__ops", SHARE) == pytest.approx(3 / 9)
    assert agg.value("jednostka_wypelniajaca__ops", SHARE, "1604 kluczborski") == 0.5
    assert agg.value("lpres_status__odrebny", CHOSEN) == 3
    assert agg.value("lpres_status__odrebny", SHARE) == pytest.approx(3 / 9)
    assert agg.value("lpres_status__w_strategii", CHOSEN, "1607 nyski") == 1
    # a group whose only unit has not answered shows 0 answers, not a gap
    assert agg.value("zam_ogolem_wartosc", COUNT, "1607 nyski") == 1


def test_other_levels(frame):
    by_type = aggregate(frame, "gmina_type")
    assert by_type.groups == ["wiejska", "miejsko-wiejska", "miasto na prawach powiatu",
                              "powiat"]
    assert by_type.value("zam_ogolem_wartosc", SUM, "wiejska") == Decimal("1000.40")
    assert by_type.value("_odpowiedzi", INVITED, "wiejska") == 6
    by_podregion = aggregate(frame, "podregion")
    assert by_podregion.value("_odpowiedzi", SUBMITTED, "opolski") == 8
    by_kind = aggregate(frame, "unit_kind")
    assert by_kind.value("zam_ogolem_wartosc", SUM, "powiat") == Decimal("5000.00")
    by_region = aggregate(frame, "wojewodztwo")
    assert by_region.groups == ["16 opolskie"]
    with pytest.raises(ValueError, match="Nieznany poziom"):
        aggregate(frame, "gmina")


def test_municipal_report_against_areas_and_previous_round(frame):
    previous = build_frame(records(overrides={2: {"zam_ogolem_wartosc": "1500.00"}}), SURVEY,
                           PODREGIONY)
    report = municipal_report(frame, "1604023", previous)
    row = report.table.set_index("kolumna").loc["zam_ogolem_wartosc"]
    assert row["gmina"] == Decimal("2000.20")
    assert row["poprzednia runda"] == Decimal("1500.00")
    assert row["zmiana"] == Decimal("500.20")
    assert row["zmiana %"] == pytest.approx(500.20 / 1500)
    # gminas of powiat kluczborski (the starostwo is not a gmina): 1000.10, 2000.20, 0.05
    assert row["powiat — mediana"] == Decimal("1000.10")
    assert row["powiat — średnia"] == Decimal("1000.12")
    # every gmina of the region with a value: 0.05 300 500 700.35 1000.10 2000.20 10000
    assert row["województwo — mediana"] == Decimal("700.35")
    assert row["województwo — średnia"] == Decimal("2071.53")
    assert report.areas["powiat"] == ("powiat 1604 kluczborski", 3)
    yes = report.table.set_index("kolumna").loc["klauzule_stosowane"]
    assert yes["gmina"] == 0.0
    assert yes["powiat — średnia"] == pytest.approx(1 / 3)
    with pytest.raises(LookupError):
        municipal_report(frame, "169999")


@pytest.mark.parametrize(("values", "dtype", "name"), [
    ([1, None, 2 ** 40, -5, 0], "int64", "Int64"),
    ([0, 1, None, 1], "int8", "Int8"),
    ([None, None], "int64", "Int64"),
    ([], "int8", "Int8"),
])
def test_the_frame_makes_nullable_integers_as_pandas_does(values, dtype, name):
    import numpy as np
    import pandas as pd

    from reports.frame import _nullable_integers

    made = _nullable_integers(values, getattr(np, dtype))
    expected = pd.array(values, dtype=name)
    assert made.dtype == expected.dtype
    assert made.equals(expected)
