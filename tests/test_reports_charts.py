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
from reports.indicators import ACHIEVED, Indicator, IndicatorResult
from reports.model import WideTable
from reports.xlsx import write_report

from support.opolskie import opolskie_frame, regional_content
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
    content = regional_content(frame, ("powiat", "podregion"), indicators=indicators)
    path = tmp_path / "r.xlsx"
    write_report(path, content)
    return path, content


def test_workbook_charts_read_the_chapters_tables_and_maps_sit_under_them(frame, tmp_path):
    """One figure model: a chapter's native chart reads the cells of the wide table above
    it (no second copy of the numbers); a map is the picture under the table it colours."""
    path, content = workbook(frame, tmp_path, [result("30", "40", "10").indicator])
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        charts_xml = [archive.read(n).decode() for n in names
                      if re.match(r"xl/charts/chart\d+\.xml", n)]
        media = [n for n in names if n.startswith("xl/media/")]
    assert "Wykresy" not in openpyxl.load_workbook(path).sheetnames  # no figure sheets
    assert "Mapy" not in openpyxl.load_workbook(path).sheetnames
    rate = next(c for c in charts_xml if "Odsetek odpowiedzi wg powiatów" in c)
    sheet_ref = re.search(r"<c:val><c:numRef><c:f>'?([^'!]+)'?!\$D\$(\d+):\$D\$(\d+)",
                          rate)
    assert sheet_ref, rate[:2000]
    book = openpyxl.load_workbook(path)
    sheet = book[sheet_ref.group(1)]
    first, last = int(sheet_ref.group(2)), int(sheet_ref.group(3))
    table = next(b for b in content.report.blocks(WideTable) if b.level == "powiat"
                 and b.id == "odpowiedzi")
    assert [sheet.cell(r, 1).value for r in range(first, last + 1)] == \
        [row.group for row in table.rows]  # the groups and the totals row, in the table
    assert [sheet.cell(r, 4).value for r in range(first, last + 1)] == \
        [pytest.approx(v) for _, v in table.series("_odpowiedzi:odsetek odpowiedzi")] + \
        [pytest.approx(table.value("_odpowiedzi:odsetek odpowiedzi"))]
    target = [c for c in charts_xml if "<c:lineChart>" in c]
    assert len(target) == 1  # the indicators chapter: value, target mark, baseline
    assert "<c:barDir val=\"col\"/>" in target[0]
    assert len(media) == len(content.figures.maps) == 2  # by powiat and by podregion
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


def test_exports_page_places_each_figure_in_its_chapter(login, round_with_answers):
    """As in the document: the response-rate chart and map sit in chapter 1, under its table,
    not in a gallery before the contents."""
    client = login("coordinator")
    page = client.get(f"/admin/zestawienia/?runda={round_with_answers}&rodzaj=regional"
                      "&poziom=powiat&pokaz=1").text
    chapters = re.split(r'<details class="report-chapter"', page)
    assert len(chapters) > 2
    before, first = chapters[0], chapters[1]
    assert "<svg" not in before
    assert 'aria-describedby="wykres-1"' in first
    assert 'aria-describedby="mapa-1"' in first
    assert first.index("<table class=\"data wide\"") < first.index('aria-describedby="wykres-1"')


def test_target_chart_ticks_stay_few_when_a_value_overshoots_its_target():
    from reports import svg

    spec = charts.target_chart([result("243", "10"), result("84", "10"), result("1", "10")])
    drawn = svg.chart_svg(spec, "Wskaźniki", "t")
    ticks = re.findall(r">(\d+)%</text>", drawn)
    assert 3 <= len(set(ticks)) <= 7, ticks
