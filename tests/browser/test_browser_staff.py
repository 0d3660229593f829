"""Staff pages with the keyboard: every control reachable with Tab, focus always visible."""

from __future__ import annotations

import re

import pytest

from browser.browser_helpers import ADMIN_EMAIL, ADMIN_PASSWORD, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
        key: el.tagName + '|' + (el.id || el.name || '') + '|' + (el.getAttribute('href') || '')
             + '|' + (el.textContent || '').trim().slice(0, 40),
        text: (el.textContent || '').trim(),
        outline: style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0,
        shadow: style.boxShadow !== 'none',
        visible: box.width > 0 && box.height > 0,
    };
}"""
#: every control a keyboard user can reach; inside a closed <details> only its summary is
CONTROLS = """() => [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary')]
    .filter(el => !el.disabled && el.getClientRects().length &&
            getComputedStyle(el).visibility !== 'hidden' &&
            !(el.closest('details:not([open])') && !el.matches('summary')))
    .length"""


def _tab_through(page) -> list[dict]:
    """Tab from the top of the page until focus comes back round; what got focus, in order."""
    page.locator("body").focus()
    seen: list[dict] = []
    for _ in range(400):
        page.keyboard.press("Tab")
        here = page.evaluate(FOCUSED)
        if here["key"].startswith("BODY") or (seen and here["key"] == seen[0]["key"]):
            break
        if not seen or here["key"] != seen[-1]["key"]:  # a date field has a stop a part
            seen.append(here)
    return seen


def test_login_and_navigation_by_keyboard(site, page):
    page.goto("/logowanie")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["text"] == "Przejdź do treści"
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    page.keyboard.type(ADMIN_EMAIL)
    page.keyboard.press("Tab")
    page.keyboard.type(ADMIN_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/admin/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED)["text"].startswith("Ankieta JST"):
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/admin/rundy/\d+$", page.url)


@pytest.mark.parametrize("path", ["/admin/", "/admin/jednostki/", "/admin/rundy/{round}",
                                  "/admin/odpowiedzi/runda/{round}", "/admin/dziennik/"])
def test_every_control_is_reachable_and_focus_is_visible(site, staff_page, path):
    page = staff_page
    page.goto(path.format(round=site.rounds["jst-annual"]))
    focused = _tab_through(page)
    assert len(focused) >= page.evaluate(CONTROLS)
    invisible = [f["key"] for f in focused if not (f["outline"] >= 2 or f["shadow"])]
    assert not invisible, f"fokus niewidoczny na: {invisible}"
    assert all(f["visible"] for f in focused)


def test_focus_indicator_is_drawn(site, staff_page):
    page = staff_page
    page.goto(f"/admin/rundy/{site.rounds['jst-annual']}")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    screenshot(page, "staff-focus-visible")
    style = page.evaluate("""() => {
        const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, s.outlineColor, s.outlineWidth];
    }""")
    assert style == ["solid", "rgb(255, 191, 71)", "3px"]


def test_staff_pages_at_200_percent_zoom(site, browser):
    """A 1280 px window at 200 % zoom is 640 CSS px wide: no page scrolls sideways."""
    response_id = site.submit(site.respondent("jst-annual"), "jst-annual")
    context = browser.new_context(base_url=site.base_url, viewport={"width": 640, "height": 800})
    page = context.new_page()
    page.goto("/logowanie")
    page.fill("#email", ADMIN_EMAIL)
    page.fill("#password", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/"))
    wide = {}
    for name, path in site.staff_paths(response_id).items():
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 640:
            wide[name] = width
            screenshot(page, f"zoom-200-{name}")
    context.close()
    assert not wide, f"strony szersze niż 640 px: {wide}"
