"""Round pages in Chromium: a launch by keyboard alone, confirmation and preview pages under
axe-core, the unit autocomplete and "zaznacz wszystkie"."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from browser.browser_helpers import assert_accessible
from extensions import db

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def _draft(site, name: str) -> int:
    """A draft round of the JST questionnaire for the site's gminas, and a unit of its own."""
    from models import Questionnaire, Unit
    from services.rounds import RoundSelection, set_up_round

    with site.app.app_context():
        db.session.add(Unit(kind="gmina", teryt="160404", name=f"Gmina {name}",
                            emails=f"{name.lower()}@example.pl"))
        questionnaire = db.session.scalars(
            db.select(Questionnaire).filter_by(key="jst-annual")).first()
        today = date.today()
        round_, _ = set_up_round(
            questionnaire, [], period="2026", reporting_year=2026, opens_on=today,
            deadline=today + timedelta(days=30), title=f"Runda {name}", reminder_days=[7],
            allow_late=False, launch=False, selection=RoundSelection(kinds=("gmina",)))
        db.session.commit()
        return round_.id


def _tab_to(page, text: str, limit: int = 120) -> None:
    """Press Tab until the focused control's text (or value) starts with ``text``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("(document.activeElement.innerText || "
                                "document.activeElement.value || '').trim()")
        if focused.startswith(text):
            return
    raise AssertionError(f"Tab never reached „{text}”")


def test_a_round_is_launched_with_the_keyboard_alone(site, staff_page):
    page = staff_page
    page.goto("/admin/")
    _tab_to(page, "Nowa runda")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, "Utwórz szkic i sprawdź odbiorców")  # the form comes with sensible defaults
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/odbiorcy")
    _tab_to(page, "Uruchom i wyślij")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/uruchom")
    assert page.get_by_text("dostanie teraz e-mail z zaproszeniem").count() \
        + page.get_by_text("dostaną teraz e-mail z zaproszeniem").count() == 1
    _tab_to(page, "Tak, uruchom i wyślij")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/admin/rundy/\d+$", page.url)
    assert page.locator(".flash-success").inner_text().startswith("Runda otwarta. Zakolejkowano")
    assert "otwarta" in page.locator("dl.summary").inner_text()


def test_new_round_pages_pass_axe(site, staff_page):
    page = staff_page
    round_id = _draft(site, "Axe")
    page.goto("/admin/rundy/nowa")
    assert page.locator(".select-all input").count() == 2  # kinds and powiats
    assert_accessible(page, "round-new")
    page.goto("/admin/rundy/nowa")
    page.fill("#reporting_year", "1999")
    page.get_by_role("button", name="Utwórz szkic i sprawdź odbiorców").click()
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page, "round-new-errors")
    for name, path in (("round-recipients", f"/admin/rundy/{round_id}/odbiorcy"),
                       ("round-recipients-search",
                        f"/admin/rundy/{round_id}/odbiorcy?szukaj=Kluczb"),
                       ("round-invitation-preview",
                        f"/admin/rundy/{round_id}/podglad-zaproszenia"),
                       ("round-questionnaire-preview",
                        f"/admin/rundy/{round_id}/podglad-ankiety/d3"),
                       ("round-launch-confirmation", f"/admin/rundy/{round_id}/uruchom"),
                       ("round-delete-confirmation", f"/admin/rundy/{round_id}/usun"),
                       ("round-draft", f"/admin/rundy/{round_id}")):
        assert page.goto(path).status == 200, path
        assert_accessible(page, name)
    page.goto(f"/admin/rundy/{round_id}/uruchom")
    page.get_by_role("button", name=re.compile("Tak, uruchom")).click()
    page.wait_for_url(re.compile(rf"/admin/rundy/{round_id}$"))
    assert_accessible(page, "round-open-with-mail-progress")
    for name, path in (("round-close-confirmation", f"/admin/rundy/{round_id}/zamknij"),
                       ("round-remind-confirmation", f"/admin/rundy/{round_id}/przypomnij"),
                       ("round-deadline", f"/admin/rundy/{round_id}/termin"),
                       ("round-reminder-days", f"/admin/rundy/{round_id}/przypomnienia")):
        assert page.goto(path).status == 200, path
        assert_accessible(page, name)
    page.goto(f"/admin/rundy/{round_id}/zamknij")
    page.get_by_role("button", name="Tak, zamknij rundę").click()  # no reason given
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page, "round-close-confirmation-error")
    page.fill("#reason", "Koniec badania pilotażowego.")
    page.get_by_role("button", name="Tak, zamknij rundę").click()
    page.wait_for_url(re.compile(rf"/admin/rundy/{round_id}$"))
    assert "Koniec badania pilotażowego." in page.locator("dl.summary").inner_text()
    page.goto(f"/admin/rundy/{round_id}/otworz")
    assert_accessible(page, "round-reopen-confirmation")


def test_select_all_ticks_every_powiat(site, staff_page):
    page = staff_page
    page.goto("/admin/rundy/nowa")
    group = page.locator("fieldset#powiats")
    boxes = group.locator(".checkbox-list input[type=checkbox]")
    with site.app.app_context():
        from models import Territory

        powiats = db.session.scalars(db.select(Territory.code)
                                     .where(Territory.level == "powiat")).all()
    assert boxes.count() == len(powiats) > 1
    group.get_by_label("Zaznacz wszystkie").check()
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    boxes.first.uncheck()
    assert group.locator(".select-all input").evaluate("el => el.indeterminate")


def test_a_unit_is_added_through_the_autocomplete(site, staff_page):
    page = staff_page
    round_id = _draft(site, "Podpowiedzi")
    page.goto(f"/admin/rundy/{round_id}/odbiorcy")
    field = page.locator("#jednostka")
    assert field.get_attribute("role") == "combobox"  # the enhanced search box
    field.click()
    page.keyboard.type("Kluczbors")
    option = page.get_by_role("option", name=re.compile("Powiat Kluczborski"))
    option.wait_for()
    assert_accessible(page, "round-recipients-autocomplete")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Dodaj", exact=True).click()
    page.wait_for_url(re.compile(r"/odbiorcy$"))
    assert "Dodano do odbiorców: Powiat Kluczborski." in page.locator(".flash").inner_text()
    assert page.get_by_role("rowheader", name="Powiat Kluczborski").count() == 1
