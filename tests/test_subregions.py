"""Subregions: mapping files are checked row by row, replace a scheme whole, presets load."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from extensions import db
from models import SubregionAssignment, Territory
from services.subregions import (
    PRESETS_DIR,
    import_subregions,
    mapping,
    preset_catalogue,
    presets,
    schemes,
    subregion_of,
    unassigned_powiats,
)
from services.tabular import RowProblem
from services.teryt import import_terc

REAL_TERC = Path("/work/shared/data/teryt/TERC_Urzedowy_2025-01-01.xml")
REAL_TERC_DATE = date(2025, 1, 1)
OPOLSKIE = {
    "1601": "nyski", "1602": "nyski", "1603": "nyski", "1607": "nyski", "1610": "nyski",
    "1604": "opolski", "1605": "opolski", "1606": "opolski", "1608": "opolski",
    "1609": "opolski", "1611": "opolski", "1661": "opolski",
}
#: sample territories (demo/terc_sample.csv) have powiats 1604, 1607, 1609 and 1661
GOOD_CSV = "\ufeffpowiat;podregion\r\n1604;północny\r\n1607;południowy\r\n1609;północny\r\n"


def _import(app, text: str, filename: str = "podregiony.csv", scheme: str | None = None):
    with app.app_context():
        result = import_subregions(text.encode("utf-8"), filename, scheme)
        db.session.commit()
        return result


def test_csv_with_bom_is_imported_and_looked_up(app, world):
    result = _import(app, GOOD_CSV, scheme="owes")
    assert result.ok
    assert result.assigned == 3
    assert result.unassigned == ["1661"]  # Opole left out: reported, not refused
    with app.app_context():
        assert mapping("owes") == {"1604": "północny", "1607": "południowy", "1609": "północny"}
        assert subregion_of("160402", "owes") == "północny"  # a gmina → its powiat's subregion
        assert subregion_of("1604023", "owes") == "północny"
        assert subregion_of("1661", "owes") is None
        assert mapping() == {}  # the default scheme ("nuts3") is a different division


def test_unknown_powiat_is_reported_with_row_and_column_and_nothing_changes(app, world):
    assert _import(app, GOOD_CSV).ok
    result = _import(app, "powiat;podregion\n1604;A\n1699;B\n16x7;B\n1661;\n")
    assert result.problems == [
        RowProblem(3, "powiat", "nie ma powiatu o kodzie 1699 w rejestrze TERYT "
                                "(czy wczytano plik TERC?)"),
        RowProblem(4, "powiat", "„16x7” nie jest kodem powiatu (4 cyfry)"),
        RowProblem(5, "podregion", "brak nazwy podregionu"),
    ]
    assert str(result.problems[0]).startswith("wiersz 3, kolumna powiat: nie ma powiatu")
    with app.app_context():
        assert mapping() == {"1604": "północny", "1607": "południowy", "1609": "północny"}


def test_a_powiat_twice_is_an_error(app, world):
    result = _import(app, "Kod powiatu,Podregion\n1604,A\n1607,B\n1604,B\n")
    assert result.problems == [
        RowProblem(4, "Kod powiatu", "powiat 1604 jest już przypisany w wierszu 2")]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SubregionAssignment)) == 0


def test_import_replaces_the_whole_scheme_and_leaves_other_schemes(app, world):
    _import(app, GOOD_CSV)
    _import(app, GOOD_CSV, scheme="owes")
    result = _import(app, "powiat;podregion;kod_podregionu\n1661;miasto;M\n1604;reszta;R\n")
    assert result.assigned == 2
    with app.app_context():
        assert mapping("nuts3") == {"1661": "miasto", "1604": "reszta"}
        assert len(mapping("owes")) == 3
        assert schemes() == ["nuts3", "owes"]


def test_default_scheme_comes_from_config(app, world):
    app.config["ESMON_SUBREGION_SCHEME"] = "owes"
    _import(app, GOOD_CSV)  # no scheme named: goes to the configured default
    with app.app_context():
        assert subregion_of("1607") == "południowy"
        assert schemes() == ["owes"]


def test_yaml_problems_point_at_the_line(app, world):
    text = ("scheme: test\nsubregions:\n  - code: X1\n    name: pierwszy\n"
            "    powiats: [\"1604\", \"1607\"]\n  - code: X2\n    name: drugi\n    powiats:\n"
            "      - \"1609\"\n      - \"1698\"\n")
    result = _import(app, text, "test.yaml")
    assert result.scheme == "test"
    assert result.problems == [RowProblem(10, "powiats", "nie ma powiatu o kodzie 1698 w "
                                                         "rejestrze TERYT (czy wczytano plik "
                                                         "TERC?)")]


def test_subregion_code_must_be_consistent(app, world):
    result = _import(app, "powiat;podregion;kod\n1604;A;PL1\n1607;A;PL2\n")
    assert [(p.row, p.column) for p in result.problems] == [(3, "podregion")]


def _territories_for_presets(app) -> None:
    """The powiats the shipped presets name, created from the codes alone."""
    with app.app_context():
        for code in ("08", "16", "24"):
            db.session.add(Territory(code=code, level="wojewodztwo", name=code, kind_label="",
                                     valid_on=REAL_TERC_DATE))
        for path in presets():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip().startswith('- "'):
                    code = line.split('"')[1]
                    db.session.add(Territory(code=code, level="powiat", name=code,
                                             kind_label="powiat", valid_on=REAL_TERC_DATE))
        db.session.commit()


def test_opolskie_preset_loads_as_the_nuts3_podregiony(app):
    _territories_for_presets(app)
    with app.app_context():
        result = import_subregions((PRESETS_DIR / "nuts3-16-opolskie.yaml").read_bytes(),
                                   "nuts3-16-opolskie.yaml")
        db.session.commit()
        assert result.ok, result.problems
        assert result.scheme == "nuts3"
        assert mapping() == OPOLSKIE
        codes = dict(db.session.execute(select(SubregionAssignment.subregion_name,
                                               SubregionAssignment.subregion_code)).all())
        assert codes == {"nyski": "PL523", "opolski": "PL524"}


@pytest.mark.skipif(not REAL_TERC.exists(),
                    reason=f"brak prawdziwego pliku TERC {REAL_TERC} (dane wspólne projektu)")
@pytest.mark.parametrize("preset", sorted(preset_catalogue()))
def test_each_preset_covers_every_powiat_of_its_wojewodztwo(app, preset):
    shipped = preset_catalogue()[preset]
    app.config["ESMON_WOJEWODZTWO"] = shipped.wojewodztwo
    with app.app_context():
        import_terc(REAL_TERC.read_bytes(), REAL_TERC.name, only_region=shipped.wojewodztwo)
        result = import_subregions(shipped.path.read_bytes(), shipped.path.name)
        assert result.ok, result.problems
        assert result.unassigned == []
        assert unassigned_powiats(result.scheme) == []


#: deployments.md §2: the four OWES subregions of woj. 24, by the names TERC gives the powiats
SLASKIE = {
    "północny": {"Częstochowa", "częstochowski", "kłobucki", "lubliniecki", "myszkowski"},
    "zachodni": {"Jastrzębie-Zdrój", "Rybnik", "Żory", "raciborski", "rybnicki",
                 "wodzisławski"},
    "południowy": {"Bielsko-Biała", "bielski", "cieszyński", "żywiecki"},
    "centralny": {"Bytom", "Chorzów", "Dąbrowa Górnicza", "Gliwice", "Jaworzno", "Katowice",
                  "Mysłowice", "Piekary Śląskie", "Ruda Śląska", "Siemianowice Śląskie",
                  "Sosnowiec", "Świętochłowice", "Tychy", "Zabrze", "będziński",
                  "bieruńsko-lędziński", "gliwicki", "mikołowski", "pszczyński", "tarnogórski",
                  "zawierciański"},
}


@pytest.mark.skipif(not REAL_TERC.exists(),
                    reason=f"brak prawdziwego pliku TERC {REAL_TERC} (dane wspólne projektu)")
def test_slaskie_preset_puts_each_of_the_36_powiats_in_exactly_one_subregion(app, runner):
    app.config["ESMON_WOJEWODZTWO"] = "24"
    with app.app_context():
        import_terc(REAL_TERC.read_bytes(), REAL_TERC.name, only_region="24")
        db.session.commit()
        terc = dict(db.session.execute(select(Territory.code, Territory.name)
                                       .where(Territory.level == "powiat")).all())
    assert len(terc) == 36  # 17 powiats and 19 cities with powiat rights (TERC 2025-01-01)
    result = runner.invoke(args=["subregions", "import", "--preset", "slaskie-subregiony"])
    assert result.exit_code == 0, result.output
    assert "Schemat „owes”: przypisano powiatów 36." in result.output
    assert "bez podregionu" not in result.output
    with app.app_context():
        rows = db.session.execute(select(SubregionAssignment.powiat_code,
                                         SubregionAssignment.subregion_name)
                                  .where(SubregionAssignment.scheme == "owes")).all()
    codes = [code for code, _ in rows]
    assert sorted(codes) == sorted(terc)  # every powiat of woj. 24, none twice, none foreign
    by_subregion: dict[str, set[str]] = {}
    for code, name in rows:
        by_subregion.setdefault(name, set()).add(terc[code])
    assert by_subregion == SLASKIE


def test_preset_option_loads_a_shipped_division_and_refuses_unknown_names(app, runner):
    _territories_for_presets(app)
    result = runner.invoke(args=["subregions", "import", "--preset", "slaskie-subregiony"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert len(mapping("owes")) == 36
        assert subregion_of("246901", "owes") == "centralny"  # Katowice
        assert subregion_of("2473", "owes") == "zachodni"  # Rybnik
    result = runner.invoke(args=["subregions", "import", "--preset", "mazowsze"])
    assert result.exit_code == 2
    assert "Nie ma gotowego podziału „mazowsze”" in result.output
    assert "slaskie-subregiony" in result.output
    result = runner.invoke(args=["subregions", "import"])
    assert result.exit_code == 2
    assert "Podaj plik albo --preset NAZWA" in result.output
    result = runner.invoke(args=["subregions", "presets"])
    assert "slaskie-subregiony\twoj. 24\towes-24-slaskie-subregiony.yaml" in result.output
    assert "nuts3-16-opolskie\twoj. 16" in result.output


def test_cli_import_and_list(app, world, runner, tmp_path):
    bad = tmp_path / "zle.csv"
    bad.write_text("powiat;podregion\n1604;A\n1699;B\n", encoding="utf-8")
    result = runner.invoke(args=["subregions", "import", str(bad)])
    assert result.exit_code == 1
    assert "zle.csv: wiersz 3, kolumna powiat: nie ma powiatu o kodzie 1699" in result.output
    good = tmp_path / "dobre.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    result = runner.invoke(args=["subregions", "import", str(good), "--scheme", "owes"])
    assert result.exit_code == 0, result.output
    assert "Schemat „owes”: przypisano powiatów 3." in result.output
    assert "bez podregionu: 1661" in result.output
    result = runner.invoke(args=["subregions", "list", "--scheme", "owes"])
    assert result.exit_code == 0
    assert "północny\t1604" in result.output
    assert "Schematy: owes; domyślny: nuts3." in result.output
