"""Kluczbork's LPRES: the reporting form and the PES survey, and the 12 plan indicators
computed from a seeded set of answers equal a recount done here by hand."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from extensions import db
from forms.loader import load_survey_file
from models import Invitation, Response
from reports.indicators import load_indicators_file

from support import ROOT

DEFS = ROOT / "survey_defs"
ZERO_F2 = {"zam_liczba": 0, "zam_wartosc": "0.00", "zam_wartosc_od_130k": "0.00",
               "klauzule_liczba_ponizej_130k": 0, "klauzule_liczba_od_130k": 0,
               "przeszkoleni_klauzule": 0, "uslugi_liczba": 0, "uslugi_wartosc": "0.00",
               "uslugi_pes_liczba": 0}
#: the reporting form: three units of the town office and gmina, one OPS, one draft
FORMS = [
    ("komorka", "Wydział Zamówień Publicznych", "submitted", dict(
        ZERO_F2, zam_liczba=40, zam_wartosc="5200000.00", zam_wartosc_od_130k="4100000.00",
        klauzule_liczba_ponizej_130k=3, klauzule_liczba_od_130k=2,
        klauzule_wartosc_ponizej_130k="150000.00", klauzule_wartosc_od_130k="900000.00",
        przeszkoleni_klauzule=4)),
    ("komorka", "Wydział Spraw Społecznych", "accepted", dict(
        ZERO_F2, zam_liczba=6, zam_wartosc="300000.00", uslugi_liczba=8,
        uslugi_wartosc="640000.00", uslugi_pes_liczba=3, uslugi_pes_wartosc="210000.00",
        uslugi_ps_liczba=1, uslugi_ps_wartosc="90000.00", przeszkoleni_klauzule=1)),
    ("jednostka_gminy", "Kluczborski Dom Kultury", "submitted", dict(
        ZERO_F2, zam_liczba=10, zam_wartosc="410000.50", zam_wartosc_od_130k="150000.00",
        klauzule_liczba_ponizej_130k=1, klauzule_wartosc_ponizej_130k="20000.25",
        uslugi_liczba=2, uslugi_wartosc="60000.00", uslugi_pes_liczba=2,
        uslugi_pes_wartosc="60000.00")),
    ("ops", "Ośrodek Pomocy Społecznej w Kluczborku", "submitted", dict(
        ZERO_F2, zam_liczba=4, zam_wartosc="120000.00", uslugi_liczba=3,
        uslugi_wartosc="450000.00", uslugi_pes_liczba=1, uslugi_pes_wartosc="150000.00",
        ops_skierowani_do_pes=11, ops_podjeli_prace=6, ops_podjeli_prace_pes=4)),
    ("jednostka_gminy", "Ośrodek Sportu i Rekreacji", "draft", dict(
        ZERO_F2, zam_liczba=99, zam_wartosc="999999.00", klauzule_liczba_od_130k=5,
        klauzule_wartosc_od_130k="999999.00", przeszkoleni_klauzule=50)),
]
#: the PES survey: four answers that count, one returned for correction
PES = [
    ("pes", "Spółdzielnia Socjalna „Razem”", "submitted",
     {"forma_prawna": "spoldzielnia_socjalna", "status_ps": "yes", "przygotowani_do_pracy": 4}),
    ("pes", "Spółdzielnia Socjalna „Ogród”", "accepted",
     {"forma_prawna": "spoldzielnia_socjalna", "status_ps": "no", "przygotowani_do_pracy": 0}),
    ("cis", "Centrum Integracji Społecznej w Kluczborku", "submitted",
     {"forma_prawna": "cis", "status_ps": "no", "przygotowani_do_pracy": 23}),
    ("pes", "Fundacja „Szansa”", "submitted",
     {"forma_prawna": "fundacja", "status_ps": "yes", "przygotowani_do_pracy": 2}),
    ("pes", "Spółdzielnia Socjalna „Nowa”", "returned",
     {"forma_prawna": "spoldzielnia_socjalna", "status_ps": "yes", "przygotowani_do_pracy": 30}),
]


def _counted(seeded):
    return [answers for _kind, _name, status, answers in seeded
            if status in ("submitted", "accepted")]


def _sum(rows, key):
    return sum((Decimal(str(r.get(key, 0))) for r in rows), Decimal(0))


def recount() -> dict[str, Decimal]:
    """The 12 indicators of the plan, computed straight from the seeded answers."""
    form, pes = _counted(FORMS), _counted(PES)
    clauses_value = _sum(form, "klauzule_wartosc_ponizej_130k") + _sum(
        form, "klauzule_wartosc_od_130k")
    return {
        "zamowienia_z_klauzulami": _sum(form, "klauzule_liczba_ponizej_130k")
        + _sum(form, "klauzule_liczba_od_130k"),
        "wartosc_zamowien_spolecznych": clauses_value / _sum(form, "zam_wartosc") * 100,
        "wartosc_zamowien_spolecznych_od_130k": _sum(form, "klauzule_wartosc_od_130k")
        / _sum(form, "zam_wartosc_od_130k") * 100,
        "uslugi_spoleczne_zlecone_pes": _sum(form, "uslugi_pes_wartosc")
        / _sum(form, "uslugi_wartosc") * 100,
        "przeszkoleni_klauzule": _sum(form, "przeszkoleni_klauzule"),
        "sprawozdanie_zespolu": Decimal(1),
        "zlecenia_dla_pes": _sum(form, "uslugi_pes_liczba"),
        "podjeli_zatrudnienie": _sum(form, "ops_podjeli_prace"),
        "skierowani_przez_ops": _sum(form, "ops_skierowani_do_pes"),
        "spoldzielnie_socjalne": Decimal(sum(r["forma_prawna"] == "spoldzielnia_socjalna"
                                             for r in pes)),
        "przedsiebiorstwa_spoleczne": Decimal(sum(r["status_ps"] == "yes" for r in pes)),
        "przygotowani_do_pracy": _sum(pes, "przygotowani_do_pracy"),
    }


def test_the_plan_has_12_indicators_each_with_its_instrument_and_no_target_invented():
    ids = []
    for key in ("lpres-formularz", "lpres-ankieta-pes"):
        survey, problems = load_survey_file(DEFS / f"{key}.yaml")
        assert problems == []
        indicators, problems = load_indicators_file(DEFS / f"{key}.indicators.yaml", survey)
        assert problems == []
        for indicator in indicators:
            assert indicator.source.startswith("LPRES Gminy Kluczbork 2023–2028, priorytet ")
            assert " — " in indicator.source  # names the instrument it comes from
            if indicator.id != "sprawozdanie_zespolu":
                assert indicator.target is None
                assert indicator.baseline is None
        ids += [i.id for i in indicators]
    assert len(ids) == len(set(ids)) == 12
    assert set(ids) == set(recount())


def _seed(app, world, key, seeded) -> int:
    round_id = world.round(key)
    for kind, name, _status, _answers in seeded:
        world.invite(round_id, world.unit(kind, "160402", name=name))
    with app.app_context():
        for invitation in db.session.scalars(select(Invitation)
                                             .filter_by(round_id=round_id)):
            _kind, _name, status, answers = next(s for s in seeded
                                                 if s[1] == invitation.unit.name)
            db.session.add(Response(invitation=invitation, answers=answers, warnings={},
                                    status=status, sections_saved=[], carried_over=[],
                                    question_notes={}))
        db.session.commit()
    return round_id


@pytest.fixture
def kluczbork(app, world):
    return {"lpres-formularz": _seed(app, world, "lpres-formularz", FORMS),
            "lpres-ankieta-pes": _seed(app, world, "lpres-ankieta-pes", PES)}


def test_indicators_from_seeded_forms_equal_an_independent_recount(app, kluczbork, runner,
                                                                    tmp_path):
    expected = recount()
    achieved: dict[str, float] = {}
    for key, round_id in kluczbork.items():
        out = tmp_path / f"{key}.xlsx"
        result = runner.invoke(args=["reports", "export", "--round", str(round_id), "--kind",
                                     "indicators", "--teryt", "160402", "-o", str(out)])
        assert result.exit_code == 0, result.output
        book = openpyxl.load_workbook(out)
        sheet = book["Wskaźniki"]
        header = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2, values_only=True):
            if row[0] is None:
                continue
            record = dict(zip(header, row, strict=False))
            value = record["Osiągnięto"]
            achieved[record["id"]] = value * 100 if record["Jednostka"] == "%" else value
            expected_status = ("osiągnięty" if record["id"] == "sprawozdanie_zespolu"
                               else "brak wartości docelowej")
            assert record["Status"] == expected_status, record
        notes = [r[1] for r in book["Informacje"].iter_rows(min_row=2, values_only=True)
                 if r[0] == "Uwaga"]
        assert any(n.startswith("Wskaźniki bez wartości docelowej") for n in notes), notes
    assert set(achieved) == set(expected)
    for indicator_id, value in expected.items():
        assert achieved[indicator_id] == pytest.approx(float(value), rel=1e-9), indicator_id
