"""Maps of a round: the opolskie powiat map, podregions dissolved, classes, SVG and PNG."""

from __future__ import annotations

import re

import pytest

from reports import geo, images, maps, svg
from reports.aggregate import aggregate
from reports.classes import NO_DATA, fixed, quantiles

from support.opolskie import NUTS3, opolskie_frame

#: the class of each powiat's response rate under the fixed breaks 0–50–70–90–100 %
EXPECTED_CLASS = {"1601": 0, "1602": 0, "1603": 1, "1604": 1, "1605": 2, "1606": 2,
                  "1607": 3, "1608": 1, "1609": 3, "1610": 2, "1611": 1, "1661": 3}


@pytest.fixture(scope="module")
def frame():
    return opolskie_frame()


def test_opolskie_powiat_map_has_12_shapes_with_the_right_classes(frame):
    agg = aggregate(frame, "powiat")
    spec = maps.response_rate_map(agg, maps.wojewodztwa_of(frame.data["territory"]))
    assert len(spec.areas) == 12
    assert {a.code: a.klass for a in spec.areas} == EXPECTED_CLASS
    rates = {a.code: a.value for a in spec.areas}
    assert rates["1604"] == pytest.approx(0.6)
    assert rates["1601"] == 0.0
    assert [label for _, label in spec.legend()] == ["0–50%", "50–70%", "70–90%", "90–100%"]
    assert len(spec.outline) == 1  # the województwo
    assert ("strzelecki", "50,0%", "0–50%") not in spec.rows()  # 50% opens the next class
    assert ("strzelecki", "50,0%", "50–70%") in spec.rows()


def test_a_powiat_without_units_is_no_data_not_the_lowest_class(frame):
    sub = frame.subset(~frame.data["territory"].str.startswith("1608"))
    spec = maps.response_rate_map(aggregate(sub, "powiat"), ["16"])
    oleski = next(a for a in spec.areas if a.code == "1608")
    assert oleski.klass is None
    assert oleski.value is None
    assert spec.legend()[-1][1] == NO_DATA
    assert ("oleski", NO_DATA, "") in spec.rows()


def test_podregions_are_powiats_dissolved_by_the_stored_division(frame):
    agg = aggregate(frame, "podregion")
    spec = maps.response_rate_map(agg, ["16"], NUTS3)
    assert [a.code for a in spec.areas] == ["nyski", "opolski"]
    nyski = next(a for a in spec.areas if a.code == "nyski")
    assert nyski.value == pytest.approx(10 / 20)  # 0+1+2+4+3 of 4+4+4+4+4
    outlines = {a.code: a.geometry for a in geo.powiaty()}
    assert nyski.geometry.geom_type == "Polygon"  # one piece, no slivers between powiats
    assert nyski.geometry.area == pytest.approx(
        sum(outlines[c].area for c, p in NUTS3.items() if p == "nyski"), rel=0.01)


def test_key_figure_map_uses_quantile_classes(frame):
    agg = aggregate(frame, "powiat")
    values = maps.figure_by_group(agg, "zam_ogolem_liczba", "suma")
    spec = maps.aggregate_map("t", agg, values, "count", ["16"])
    assert spec.classes.method == "quantiles"
    counts = [sum(1 for a in spec.areas if a.klass == k) for k in range(spec.classes.count)]
    assert max(counts) - min(counts) <= 2  # about as many areas in each class
    highest = max(spec.areas, key=lambda a: a.value or -1)
    assert highest.klass == spec.classes.count - 1


def test_classes_edges():
    assert fixed().index(0.5) == 1
    assert fixed().index(1.0) == 3
    assert fixed().index(None) is None
    assert quantiles([7, 7, 7]).labels("count") == ["7"]
    assert quantiles([None]).breaks == ()


def test_svg_is_named_and_described_png_is_an_image(frame):
    spec = maps.response_rate_map(aggregate(frame, "powiat"), ["16"])
    drawn = svg.map_svg(spec, "Odsetek odpowiedzi wg powiatów", "mapa-1")
    assert re.match(r'<svg [^>]*viewBox="0 0 720 \d+" role="img" '
                    r'aria-label="Odsetek odpowiedzi wg powiatów" aria-describedby="mapa-1"',
                    drawn)
    assert not re.search(r"<svg[^>]* width=", drawn)
    assert drawn.count("<path d=") == 12 + 1  # the powiats and the województwo outline
    assert "<title>kluczborski: 60,0% (50–70%)</title>" in drawn
    assert ">90–100%</text>" in drawn  # the legend is text, in Polish notation
    png = images.png(images.map_figure(spec))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(png) > 20_000


def test_gmina_map_needs_the_imported_layer(frame, tmp_path):
    from support.opolskie import regional_content

    content = regional_content(frame, ("powiat",), gmina_maps_dir=tmp_path)
    assert content.figures.notes == [maps.GMINA_LAYER_MISSING]
    assert all(m.level != "gmina" for m in content.figures.maps)


def test_maps_colour_the_columns_of_the_chapters_tables(frame):
    """A map of a report definition's item draws the very column of the chapter's table."""
    from reports.model import MapSpec
    from reports.report_file import load_report_file

    from support.opolskie import ROOT, SURVEY, regional_content

    definition, problems = load_report_file(ROOT / "survey_defs" / "jst-annual.report.yaml",
                                            SURVEY)
    assert not problems
    content = regional_content(frame, ("powiat",), definition=definition)
    blocks = {b.id: b for b in content.report.blocks(MapSpec)}
    klauzule = content.figures.drawn["klauzule_mapa"]
    table = content.report.table(blocks["klauzule_mapa"].table)
    by_code = {row.code: v for row, v in table.series(blocks["klauzule_mapa"].column)}
    assert {a.code: a.value for a in klauzule.areas if a.value is not None} == \
        {c: pytest.approx(float(v)) for c, v in by_code.items() if v is not None}
    assert klauzule.classes.breaks == (0, 0.25, 0.5, 0.75, 1)  # the report file's breaks
    assert len(klauzule.areas) == 12
    rates = content.figures.drawn["odpowiedzi_mapa"]
    powiat = aggregate(frame, "powiat")
    for group in powiat.groups:
        value = next(a.value for a in rates.areas if a.code == group.split()[0])
        assert value == pytest.approx(powiat.value("_odpowiedzi", "odsetek odpowiedzi", group))


def test_a_division_of_another_wojewodztwo_gives_a_note_not_an_empty_map(frame):
    """Opolskie's round with only Śląskie's subregions stored: no outline-only map."""
    from reports.figures import draw

    from support.opolskie import regional_content

    content = regional_content(frame, ("powiat", "podregion"))
    assert content.report is not None
    figures = draw(content.report, ["16"], podregiony={"2401": "północny", "2461": "centralny"},
                   levels=content.levels)
    assert maps.NO_PODREGIONS_HERE in figures.notes
    assert all(m.level != "podregion" for m in figures.maps)
    assert any(m.level == "powiat" for m in figures.maps)
