"""The on-screen report's charts and maps: axe finds nothing, each SVG has a text alternative,
and they fit a phone's width (screenshots at 1280 and 375 px)."""

from __future__ import annotations

import pytest

from browser.browser_helpers import SCREENSHOTS, WCAG_TAGS, describe

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


@pytest.fixture(scope="module")
def answered(site):
    for _ in range(2):
        site.submit(site.respondent("jst-annual"), "jst-annual")
    return site.rounds["jst-annual"]


@pytest.mark.parametrize("width", [1280, 375])
def test_regional_report_figures_are_accessible(site, staff_page, answered, width):
    page = staff_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/admin/zestawienia/?runda={answered}&rodzaj=regional&poziom=powiat"
              "&poziom=podregion&pokaz=1")
    figures = page.locator("svg.figure")
    assert figures.count() >= 4
    for i in range(figures.count()):
        svg = figures.nth(i)
        assert svg.get_attribute("role") == "img"
        assert svg.get_attribute("aria-label")
        described = svg.get_attribute("aria-describedby")
        assert page.locator(f"table#{described} tbody tr").count() >= 1
        box = svg.bounding_box()
        assert box["width"] <= width  # scales with the column, no sideways scrolling
    # each figure sits in its chapter, under the table it draws
    page.locator(".report-figure summary").first.click()
    assert page.locator("table#wykres-1").is_visible()
    section = page.locator("details.report-chapter", has=page.locator("table#wykres-1"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(SCREENSHOTS / f"report-figures-{width}.png"), timeout=60_000)
    # the report's tables make the whole page long: axe checks the figures
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    violations = Axe().run(page, context=".report-figure", options=options
                           ).response["violations"]
    assert not violations, describe(violations)
