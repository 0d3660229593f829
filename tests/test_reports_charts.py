"""Charts: one spec from the aggregates, drawn natively in xlsx, as SVG on screen (with its
table), and as images; the exports page shows them."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from extensions import db
from forms.expressions import parse
from models import Invitation, Response
from reports import charts
from reports.aggregate import RATE, RESPONSE_RATE, TOTAL, aggregate
from reports.figures import regional_figures
from reports.indicators import ACHIEVED, Indicator, IndicatorResult
from reports.xlsx import ReportContent, ReportInfo, write_report

from support.opolskie import NUTS3, opolskie_frame
from support.valid_answers import JST

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def frame():
    return opolskie_frame()


def result(value, target, baseline=None, unit="count") -> IndicatorResult:
    indicator = Indicator("w1", "Liczba PES", parse("1"), unit, "increase", Decimal(target),
                          2030, Decimal(baseline) if baseline is not None else None, 2023)
    return IndicatorResult(indicator, Decimal(value), ACHIEVED)


def test_response_rate_chart_shows_the_aggregate(frame):
    agg = aggregate(frame, "powiat")
    spec = charts.response_rate_chart(agg)
    assert spec.categories == [*agg.groups, TOTAL]
    values = dict(zip(spec.categories, spec.series[0].values, strict=True))
    for group in [*agg.groups, TOTAL]:
        assert values[group] == pytest.approx(agg.value(RESPONSE_RATE, RATE, group))
    rows = {r[0]: r[1] for r in spec.rows()}
    assert rows["1604 p1604"] == "60,0%"


def test_target_chart_puts_every_indicator_on_the_target_scale():
    spec = charts.target_chart([result("30", "40", "10"), result("1500000", "1000000",
                                                                  unit="PLN")])
    assert spec.series[0].values == [0.75, 1.5]
    assert spec.baselines == [0.25, None]
    assert spec.details[0][1] == ["30", "1\u00a0500\u00a0000,00 zł"]  # values in their own units


def workbook(frame, tmp_path, indicators=()):
    from datetime import datetime

    info = ReportInfo("Raport regionalny", "runda 1", "2025", "jst-annual", datetime(2026, 3, 1))
    content = ReportContent(info, frame, [aggregate(frame, "powiat"),
                                          aggregate(frame, "podregion")],
                            indicators=list(indicators))
    content.figures = regional_figures(content, NUTS3)
    path = tmp_path / "r.xlsx"
    write_report(path, content)
    return path, content


def test_workbook_has_native_charts_over_their_data_and_the_maps(frame, tmp_path):
    path, content = workbook(frame, tmp_path, [result("30", "40", "10")])
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        charts_xml = [xml for n in names if re.match(r"xl/charts/chart\d+\.xml", n)
                      if "Wykresy!" in (xml := archive.read(n).decode())]
        media = [n for n in names if n.startswith("xl/media/")]
    assert len(charts_xml) == len(content.figures.charts)
    assert all("<c:barChart>" in c or "<c:lineChart>" in c for c in charts_xml)
    target = [c for c in charts_xml if "<c:lineChart>" in c]
    assert len(target) == 1
    assert "<c:barDir val=\"col\"/>" in target[0]
    assert "Wykresy!$B$" in charts_xml[0]  # the chart reads the table beside it
    assert len(media) == len(content.figures.maps) >= 3  # powiat, podregion, key figure
    book = openpyxl.load_workbook(path)
    sheet = book["Wykresy"]
    assert sheet["A1"].value == "Odsetek odpowiedzi wg powiatów"
    first = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(3, 16)}
    assert first["1604 p1604"] == pytest.approx(0.6)
    assert first[TOTAL] == pytest.approx(33 / 51)
    maps_sheet = book["Mapy"]
    rows = {maps_sheet.cell(r, 1).value: maps_sheet.cell(r, 3).value for r in range(3, 15)}
    assert rows["strzelecki"] == "50–70%"
    assert sheet.page_setup.orientation == "landscape"


@pytest.fixture
def round_with_answers(app, world):
    round_id = world.round("jst-annual")
    for teryt, name in (("160402", "Gmina Kluczbork"), ("160403", "Gmina <b>Lasowice</b>")):
        world.invite(round_id, world.unit("gmina", teryt, name=name))
    world.invite(round_id, world.unit("gmina", "166101", name="Miasto Opole"))
    with app.app_context():
        for invitation in db.session.scalars(select(Invitation).order_by(Invitation.id)
                                             ).all()[:2]:
            db.session.add(Response(invitation=invitation, answers=dict(JST),
                                    status="submitted"))
        db.session.commit()
    return round_id


def test_exports_page_shows_each_figure_as_svg_described_by_its_table(login,
                                                                      round_with_answers):
    client = login("coordinator")
    page = client.get(f"/admin/zestawienia/?runda={round_with_answers}&rodzaj=regional"
                      "&poziom=powiat&pokaz=1")
    assert page.status_code == 200
    svgs = re.findall(r'<svg [^>]*role="img" aria-label="([^"]+)" aria-describedby="([^"]+)"',
                      page.text)
    assert ("Odsetek odpowiedzi wg powiatów", "wykres-1") in svgs
    assert ("Odsetek odpowiedzi wg powiatów", "mapa-1") in svgs
    for _, table_id in svgs:
        assert f'<table class="data" id="{table_id}">' in page.text
    table = page.text.split('id="mapa-1">')[1].split("</table>")[0]
    assert "<th scope=\"row\">kluczborski</th><td class=\"num\">100,0%</td>" in table
    assert "<th scope=\"row\">Opole</th><td class=\"num\">0,0%</td>" in table
    assert "brak danych" in table  # powiats of the województwo with no units
