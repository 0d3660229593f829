"""Region-aware choices: every pick-list holds the deployment's territory only, names that
repeat are told apart (a gmina with its powiat, a powiat with its województwo), and the
long lists are a search that works without JavaScript."""

from __future__ import annotations

import re
from datetime import date

import pytest

from extensions import db
from models import Territory
from services.territory import pick_list, resolve_territory, territory_choices

#: two województwa with a "powiat brzeski" each and two "Baranów" gminas (real TERYT names)
REGISTER = [
    ("16", "wojewodztwo", "OPOLSKIE", "województwo", None),
    ("1601", "powiat", "brzeski", "powiat", None),
    ("160101", "gmina", "Brzeg", "gmina miejska", "1"),
    ("1604", "powiat", "kluczborski", "powiat", None),
    ("160402", "gmina", "Kluczbork", "gmina miejsko-wiejska", "3"),
    ("12", "wojewodztwo", "MAŁOPOLSKIE", "województwo", None),
    ("1202", "powiat", "brzeski", "powiat", None),
    ("120201", "gmina", "Brzesko", "gmina miejsko-wiejska", "3"),
    ("30", "wojewodztwo", "WIELKOPOLSKIE", "województwo", None),
    ("3008", "powiat", "kępiński", "powiat", None),
    ("300801", "gmina", "Baranów", "gmina wiejska", "2"),
    ("06", "wojewodztwo", "LUBELSKIE", "województwo", None),
    ("0614", "powiat", "puławski", "powiat", None),
    ("061401", "gmina", "Baranów", "gmina wiejska", "2"),
]


@pytest.fixture
def register(app):
    with app.app_context():
        for code, level, name, kind, rodz in REGISTER:
            db.session.add(Territory(code=code, level=level, name=name, kind_label=kind,
                                     rodz=rodz, valid_on=date(2025, 1, 1)))
        db.session.commit()


def test_a_region_sees_its_own_powiats_and_gminas_only(app, register):
    with app.test_request_context():
        assert [code for code, _ in pick_list("powiat")] == ["1601", "1604"]
        assert [label for _, label in pick_list("powiat")] == ["powiat brzeski",
                                                               "powiat kluczborski"]
        assert dict(pick_list("gmina")) == {
            "160101": "Brzeg (gmina miejska, powiat brzeski)",
            "160402": "Kluczbork (gmina miejsko-wiejska, powiat kluczborski)"}
        assert [c.value for c in territory_choices(("gmina",))] == ["160101", "160402"]


def test_a_national_deployment_tells_repeated_names_apart(app, register):
    app.config["ESMON_WOJEWODZTWO"] = ""
    with app.test_request_context():
        powiats = dict(pick_list("powiat"))
        gminas = dict(pick_list("gmina"))
    assert powiats["1601"] == "powiat brzeski (opolskie)"
    assert powiats["1202"] == "powiat brzeski (małopolskie)"
    assert powiats["3008"] == "powiat kępiński"  # unique: no województwo needed
    assert gminas["300801"] == "Baranów (gmina wiejska, powiat kępiński)"
    assert gminas["061401"] == "Baranów (gmina wiejska, powiat puławski)"


def test_a_gmina_is_found_by_name_or_code(app, register):
    with app.test_request_context():
        assert resolve_territory("gmina", "kluczbork") == ("160402", [])
        assert resolve_territory("gmina", "1604023") == ("160402", [])  # TERC with RODZ
        assert resolve_territory("gmina", "Brzesko") == (None, [])  # małopolskie: not ours
        code, candidates = resolve_territory("gmina", "Brz")
        assert code == "160101"  # the one gmina of the region that matches
        assert candidates == []


def test_staff_pick_lists_hold_the_region_only(app, register, login, world):
    staff = login("admin")
    world.unit("gmina", "120201", name="Gmina Brzesko", emails="brzesko@example.pl")
    world.unit("gmina", "160402", name="Gmina Kluczbork", emails="k@example.pl")
    round_form = staff.get("/admin/rundy/nowa").text
    offered = set(re.findall(r'name="powiats" type="checkbox" value="(\d+)"', round_form))
    assert {"1601", "1604"} <= offered
    assert all(code.startswith("16") for code in offered)  # not małopolskie's 1202
    assert 'data-select-all="Zaznacz wszystkie"' in round_form
    units = staff.get("/admin/jednostki/").text
    assert "Gmina Kluczbork" in units
    assert "Gmina Brzesko" not in units  # outside the territory
    assert set(re.findall(r'<option value="(\d{4})"', units)) == offered
    suggested = staff.get("/admin/podpowiedzi/gminy?q=brzeg").json
    assert [s["value"] for s in suggested] == ["160101"]
    assert staff.get("/admin/podpowiedzi/jednostki?q=brzesko").json == []
    exports = staff.get("/admin/zestawienia/").text
    assert 'data-suggest="/admin/podpowiedzi/gminy"' in exports
    assert "<select id=\"gmina\"" not in exports  # no list of every gmina any more


def test_the_report_picker_resolves_a_typed_gmina_without_javascript(app, register, login,
                                                                      world):
    staff = login("coordinator")
    round_id = world.round("jst-annual")
    page = staff.get(f"/admin/zestawienia/?runda={round_id}&rodzaj=municipal&gmina=Kluczbork"
                     "&pokaz=1")
    assert "Nie ma gminy" not in page.text
    assert "Pasuje kilka gmin" not in page.text
    wrong = staff.get(f"/admin/zestawienia/?runda={round_id}&rodzaj=municipal&gmina=Brzesko"
                      "&pokaz=1")
    assert wrong.status_code == 400
    assert "Nie ma gminy „Brzesko” w obszarze" in wrong.text
