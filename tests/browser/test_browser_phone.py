"""Phones (issue 12, item 7): at 375 px a wide answer table says there is more to the side (or
shows its last column) and scrolls to it, and the header stays compact."""

from __future__ import annotations

import pytest

from browser.browser_helpers import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

BOX = "(s) => { const r = document.querySelector(s).getBoundingClientRect(); " \
      "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }"


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 375, "height": 740})
    return page


def test_a_wide_table_at_375_px_shows_its_last_column_or_a_cue(site, phone):
    phone.goto(site.respondent("cis-annual"))
    phone.goto("/ankieta/sekcja/a3")
    table = "#pytanie-uczestnicy_wg_przeslanki"
    last_header = f"{table} thead th:last-child"
    phone.locator(table).scroll_into_view_if_needed()
    screenshot(phone, "table-375")
    last = phone.evaluate(BOX, last_header)
    cue = phone.locator(f"{table} .scroll-cue")
    assert last["right"] <= 375 or cue.is_visible(), "the last column is hidden with no cue"
    if last["right"] > 375:  # the wrapper scrolls to the last column
        phone.evaluate("s => { document.querySelector(s).scrollLeft = 10000; }",
                       f"{table} .table-wrap")
        assert phone.evaluate(BOX, last_header)["right"] <= 376
        screenshot(phone, "table-375-scrolled")
    assert_accessible(phone, "table-375")


def test_the_header_is_compact_on_a_phone(site, phone):
    phone.goto(site.respondent("cis-annual"))
    phone.goto("/ankieta/sekcja/a1")
    header = phone.evaluate(BOX, ".site-header")
    assert header["bottom"] - header["top"] <= 110, header
    assert phone.locator(".site-org").is_hidden()
    assert phone.locator(".respondent").is_visible()  # which unit and questionnaire this is
    screenshot(phone, "header-375")
