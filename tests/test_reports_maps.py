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
    from reports.figures import gmina_response_map

    assert gmina_response_map(frame, ["16"], tmp_path) == maps.GMINA_LAYER_MISSING


def test_tables_by_wojewodztwo_still_get_maps_by_powiat_with_the_aggregate_figures(frame):
    from datetime import datetime

    from reports.figures import regional_figures
    from reports.xlsx import ReportContent, ReportInfo

    content = ReportContent(ReportInfo("t", "r", "2025", "q", datetime(2026, 1, 1)), frame,
                            [aggregate(frame, "wojewodztwo")])
    found = {m.title: m for m in regional_figures(content, NUTS3).maps}
    assert len(found["Odsetek odpowiedzi wg województw"].areas) == 1
    powiat = aggregate(frame, "powiat")
    rates = {a.code: a.value for a in found["Odsetek odpowiedzi wg powiatów"].areas}
    sums = next(m for t, m in found.items() if t.startswith("Liczba udzielonych zamówień"))
    for group in powiat.groups:
        code = group.split()[0]
        assert rates[code] == pytest.approx(powiat.value("_odpowiedzi", "odsetek odpowiedzi",
                                                         group))
        expected = powiat.value("zam_ogolem_liczba", "suma", group)
        value = next(a.value for a in sums.areas if a.code == code)
        assert value == (None if expected is None else pytest.approx(float(expected)))
