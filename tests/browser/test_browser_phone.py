"""Phones (issue 12, item 7): at 375 px a wide answer table says there is more to the side (or
shows its last column) and scrolls to it with its row labels fixed, the header stays compact,
"w tym" questions sit under their whole, and the declaration is a checkbox."""

from __future__ import annotations

import re

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
        # the first column (the row labels) stays where it was: position sticky
        first_row = phone.evaluate(BOX, f"{table} tbody th[scope=row]")
        wrap = phone.evaluate(BOX, f"{table} .table-wrap")
        assert abs(first_row["left"] - wrap["left"]) <= 1, (first_row, wrap)
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


def test_w_tym_questions_sit_under_their_whole_for_eyes_and_screen_readers(site, page):
    for width, phone_name in ((1280, "w-tym-1280"), (375, "w-tym-375")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site.respondent("cis-annual"))
        page.goto("/ankieta/sekcja/a2")
        whole = page.evaluate(BOX, "#q_kadra_ogolem")
        part = page.evaluate(BOX, "#q_kadra_umowa_o_prace")
        assert part["left"] >= whole["left"] + 8, (whole, part)  # indented under it
        described = page.get_attribute("#q_kadra_umowa_o_prace", "aria-describedby").split()
        texts = [page.locator(f"#{ref}").inner_text() for ref in described]
        assert "Część pytania: Liczba osób zatrudnionych w CIS ogółem" in texts
        assert_accessible(page, phone_name)


def test_the_declaration_is_a_checkbox_required_before_sending(site, page):
    page.goto(site.respondent("cis-annual"))
    page.goto("/ankieta/sekcja/z")
    box = page.locator("#q_oswiadczenie")
    assert box.get_attribute("type") == "checkbox"
    assert page.locator("input[name=q_oswiadczenie]").count() == 1  # no "Nie" to pick
    assert page.locator("label[for=q_oswiadczenie]").inner_text().startswith("Oświadczam")
    with page.expect_navigation():
        page.locator("button[value=draft]").click()
    page.goto("/ankieta/przeglad")
    summary = page.locator("#error-summary").inner_text()
    assert "Aby wysłać sprawozdanie, potwierdź zgodność danych ze stanem faktycznym." in summary
    page.goto("/ankieta/sekcja/z")
    box.check()
    with page.expect_navigation():
        page.locator("button[value=draft]").click()
    assert site.answers().get("oswiadczenie") == "yes"
    assert_accessible(page, "declaration-1280")
    page.set_viewport_size({"width": 375, "height": 740})
    assert_accessible(page, "declaration-375")


STYLE = """(s) => { const c = getComputedStyle(document.querySelector(s));
  return {border: c.borderTopWidth + ' ' + c.borderTopStyle + ' ' + c.borderTopColor,
          font: c.fontSize, padding: c.paddingLeft}; }"""


def test_every_input_type_is_styled_like_a_text_box(site, page):
    """Password, number and date inputs look like the text boxes, not the browser's default."""
    page.goto("/logowanie")
    text_box = page.evaluate(STYLE, "#email")
    assert page.evaluate(STYLE, "#password") == text_box
    page.fill("#email", "admin@rops.example.pl")
    page.fill("#password", "bardzo-tajne-haslo-123")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/"))
    page.goto("/admin/rundy/nowa")
    for selector in ("input[type=number]", "input[type=date]"):
        assert page.locator(selector).count(), selector
        assert page.evaluate(STYLE, selector) == text_box, selector
    screenshot(page, "inputs-1280")
