"""Drafts keep everything typed, in Chromium (issue 12, item 1): a refused REGON does not cost
the answers typed after it, and it comes back as typed, with its message."""

from __future__ import annotations

import re

import pytest

from browser.browser_helpers import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

STATUS = "#autosave-status"
#: the ten answers typed after the REGON (a1 of the CIS questionnaire), as typed and as stored
TEXTS = {
    "q_cis_nazwa": ("Centrum Integracji Społecznej w Opolu",) * 2,
    "q_cis_adres": ("ul. Kowalska 3, 45-001 Opole",) * 2,
    "q_instytucja_tworzaca_nazwa": ("Stowarzyszenie Razem",) * 2,
    "q_instytucja_tworzaca_krs": ("123-456", "0000123456"),
    "q_status_data_nadania": ("15.03.2021", "2021-03-15"),
    "q_status_data_waznosci": ("15.03.2026", "2026-03-15"),
    "q_data_rozpoczecia_dzialalnosci": ("01.01.2010", "2010-01-01"),
    "q_okres_dzialalnosci_uwagi": ("Przerwa w lipcu (remont).",) * 2,
}


def test_an_invalid_regon_costs_none_of_the_ten_answers_typed_after_it(site, page):
    page.goto(site.respondent("cis-annual"))
    page.goto("/ankieta/sekcja/a1")
    page.fill("#q_cis_regon", "531 234 567")  # wrong check digit
    page.select_option("#q_cis_gmina_teryt", "166101")
    page.locator("#pytanie-instytucja_tworzaca_rodzaj").get_by_label(
        "Organizacja pozarządowa").check()
    page.locator("#pytanie-dzialal_caly_rok").get_by_label("Nie").check()
    for selector, (typed, _stored) in TEXTS.items():
        page.fill(f"#{selector}", typed)
    page.wait_for_function(
        "s => document.querySelector(s).textContent.includes('Do poprawienia')",
        arg=STATUS, timeout=15_000)
    status = page.locator(STATUS).inner_text()
    assert "REGON" in status
    assert "cyfra kontrolna" in status
    screenshot(page, "draft-held-regon-status")
    page.reload()
    assert page.input_value("#q_cis_regon") == "531 234 567"
    regon_error = page.locator("#q_cis_regon-error").inner_text()
    assert "Nieprawidłowa cyfra kontrolna REGON" in regon_error
    assert page.locator("#q_cis_regon").get_attribute("aria-invalid") == "true"
    assert page.input_value("#q_cis_gmina_teryt") == "166101"
    assert page.locator("#pytanie-instytucja_tworzaca_rodzaj").get_by_label(
        "Organizacja pozarządowa").is_checked()
    assert page.locator("#pytanie-dzialal_caly_rok").get_by_label("Nie").is_checked()
    for selector, (_typed, stored) in TEXTS.items():
        shown = page.input_value(f"#{selector}")
        assert shown in (stored, _typed), (selector, shown)
    answers = site.answers()
    assert "cis_regon" not in answers  # held in the draft, never an answer
    assert answers["instytucja_tworzaca_krs"] == "0000123456"
    assert answers["cis_gmina_teryt"] == "166101"
    assert answers["dzialal_caly_rok"] == "no"
    for selector, (_typed, stored) in TEXTS.items():
        assert answers[selector[2:]] == stored, selector
    screenshot(page, "draft-held-regon-reloaded")
    assert_accessible(page, "draft-held-regon")


def test_submit_waits_on_the_review_page_until_the_regon_is_fixed(site, page):
    link = site.respondent("cis-annual")
    site.fill(link, "cis-annual")
    page.goto(link)
    page.goto("/ankieta/sekcja/a1")
    page.fill("#q_cis_regon", "53123456")
    page.get_by_role("button", name="Zapisz wersję roboczą").click()
    page.wait_for_load_state()
    assert page.input_value("#q_cis_regon") == "53123456"
    page.goto("/ankieta/przeglad")
    assert page.get_by_role("button", name="Wyślij sprawozdanie").count() == 0
    blocked = page.locator("#send-blocked")
    assert "Nie można jeszcze wysłać: zostało 1 pytanie" in blocked.inner_text()
    screenshot(page, "review-send-blocked")
    issue = blocked.get_by_role("link", name=re.compile("REGON"))
    assert "9 albo 14 cyfr" in issue.inner_text()
    issue.click()
    page.wait_for_load_state()
    assert re.search(r"/ankieta/sekcja/a1\?powrot=przeglad#q_cis_regon$", page.url), page.url
    page.fill("#q_cis_regon", "531-234-563")
    page.get_by_role("button", name="Zapisz i wróć do przeglądu").click()
    page.wait_for_load_state()
    assert re.search(r"/ankieta/przeglad(#.*)?$", page.url), page.url
    assert page.get_by_role("button", name="Wyślij sprawozdanie").is_enabled()
    assert page.locator("#send-blocked").count() == 0
    assert site.answers()["cis_regon"] == "531234563"


def test_change_on_the_review_page_comes_back_to_the_review(site, page):
    link = site.respondent("cis-annual")
    site.fill(link, "cis-annual")
    page.goto(link)
    page.goto("/ankieta/przeglad")
    page.get_by_role("link", name=re.compile("Zmień odpowiedź: Adres siedziby")).click()
    page.wait_for_load_state()
    assert re.search(r"/ankieta/sekcja/a1\?powrot=przeglad#q_cis_adres$", page.url), page.url
    assert page.evaluate("document.activeElement.id") == "q_cis_adres"
    page.fill("#q_cis_adres", "ul. Nowa 5, 45-002 Opole")
    page.get_by_role("button", name="Zapisz i wróć do przeglądu").click()
    page.wait_for_load_state()
    assert re.search(r"/ankieta/przeglad(#.*)?$", page.url), page.url
    assert "ul. Nowa 5, 45-002 Opole" in page.locator("main").inner_text()
