"""axe-core finds no WCAG 2.1 A/AA violation on any kind of page, in a real Chromium.

Every page is also photographed into ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import re

import pytest

from browser.browser_helpers import assert_accessible, axe_violations

from support.valid_answers import VALID

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def _sections(site, key):
    from services.questionnaires import registry

    with site.app.app_context():
        return [s.id for s in registry().by_key[key].survey.sections]


@pytest.mark.parametrize("key", sorted(VALID))
def test_every_section_of_every_questionnaire(site, page, key):
    link = site.respondent(key)
    site.fill(link, key)  # answered: the questions that depend on others are shown too
    page.goto(link)
    assert_accessible(page, f"{key}-0-start")
    for index, section_id in enumerate(_sections(site, key), start=1):
        page.goto(f"/ankieta/sekcja/{section_id}")
        assert page.locator("h1").count() == 1
        assert_accessible(page, f"{key}-{index}-{section_id}")


def test_a_new_empty_section(site, page):
    page.goto(site.respondent("cis-annual"))
    page.goto(f"/ankieta/sekcja/{_sections(site, 'cis-annual')[0]}")
    assert_accessible(page, "cis-annual-empty-section")


def test_section_with_validation_errors(site, page):
    page.goto(site.respondent("jst-annual"))
    page.goto("/ankieta/sekcja/d1")
    page.get_by_role("button", name="Zapisz i przejdź dalej").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Błąd:")
    assert_accessible(page, "jst-annual-errors")


def test_table_section_with_an_error_in_a_cell(site, page):
    page.goto(site.respondent("cis-annual"))
    table_section = next(s for s in _sections(site, "cis-annual")
                         if _has_table(site, "cis-annual", s))
    page.goto(f"/ankieta/sekcja/{table_section}")
    page.locator("table.answer-table input").first.fill("dużo")
    page.get_by_role("button", name="Zapisz wersję roboczą").click()
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page, "cis-annual-table-error")


def _has_table(site, key, section_id):
    from services.questionnaires import registry

    with site.app.app_context():
        section = registry().by_key[key].survey.section(section_id)
        return any(q.type == "table" for q in section.questions)


def test_review_page_with_missing_answers(site, page):
    link = site.respondent("owes-annual")
    site.fill(link, "owes-annual", sections=2)
    page.goto(link)
    page.goto("/ankieta/przeglad")
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page, "review-with-issues")


def test_review_and_confirmation_pages(site, page):
    link = site.respondent("kis-annual")
    site.fill(link, "kis-annual")
    page.goto(link)
    page.goto("/ankieta/przeglad")
    assert page.get_by_role("link", name=re.compile("^Zmień")).count() > 10
    assert_accessible(page, "review")
    page.get_by_role("button", name="Wyślij sprawozdanie").click()
    page.wait_for_url(re.compile("/ankieta/potwierdzenie"))
    assert_accessible(page, "confirmation")
    page.goto("/ankieta/przeglad")
    assert_accessible(page, "review-submitted")


def test_token_error_pages(site, page):
    from extensions import db
    from models import Invitation
    from services.rounds import reissue_token

    reply = page.goto("/r/to-nie-jest-prawdziwy-link")
    assert reply.status == 404
    assert_accessible(page, "error-404")
    link = site.respondent("jst-annual")
    with site.app.app_context():
        reissue_token(db.session.get(Invitation, site.last_invitation_id))
        db.session.commit()
    reply = page.goto(link)
    assert reply.status == 410
    assert_accessible(page, "error-410")


def test_public_pages(site, page):
    page.goto("/")
    assert_accessible(page, "home")
    page.goto("/logowanie")
    assert_accessible(page, "login")
    page.fill("#email", "nikt@example.pl")
    page.fill("#password", "zle-haslo")
    page.get_by_role("button", name="Zaloguj").click()
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page, "login-error")
    page.goto("/deklaracja-dostepnosci")
    assert_accessible(page, "accessibility-declaration")


def test_staff_pages(site, staff_page):
    page = staff_page
    response_id = site.submit(site.respondent("jst-annual"), "jst-annual")
    paths = site.staff_paths(response_id)
    assert {"staff-admin-index", "staff-units-index", "staff-rounds-detail",
            "staff-review-detail", "staff-audit-index", "staff-rounds-replace_link",
            "staff-round_changes-withdraw"} <= set(paths)
    for name, path in sorted(paths.items()):
        reply = page.goto(path)
        assert reply.status == 200, path
        assert_accessible(page, name)
        tables = page.evaluate("""() => [...document.querySelectorAll('table')].map(t => ({
            caption: !!(t.caption && t.caption.textContent.trim()),
            headers: t.querySelectorAll('th').length}))""")
        assert all(t["caption"] and t["headers"] for t in tables), f"{path}: {tables}"


def test_staff_round_progress_bars_have_text(site, staff_page):
    """The response-rate bars are decoration: the same numbers are written beside them."""
    staff_page.goto(f"/admin/rundy/{site.rounds['jst-annual']}")
    bars = staff_page.locator("progress")
    assert bars.count() > 0
    for index in range(bars.count()):
        bar = bars.nth(index)
        cell_text = bar.locator("xpath=..").inner_text()
        assert re.search(r"\d+ z \d+ \(\d+,\d%\)", cell_text), cell_text


def test_exports_page(site, staff_page):
    if "exports.index" not in site.app.view_functions:
        pytest.skip("strony zestawień (endpoint exports.index) jeszcze nie ma")
    from flask import url_for

    with site.app.test_request_context():
        path = url_for("exports.index")
    assert staff_page.goto(path).status == 200
    assert_accessible(staff_page, "staff-exports")


def test_axe_is_not_blind(site, page):
    """The check itself can fail: a page with an unlabelled field and poor contrast."""
    page.goto("/")
    page.evaluate("""() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend', '<input type="text"><p id="pale">słaby kontrast</p>');
        document.getElementById('pale').style.color = '#aaa';
    }""")
    found = {v["id"] for v in axe_violations(page)}
    assert {"label", "color-contrast"} <= found


def test_report_on_screen_has_contents_and_collapsible_chapters(site, staff_page):
    """The regional report shown on the exports page: contents list, <details> chapters, axe."""
    from flask import url_for

    with site.app.test_request_context():
        path = url_for("exports.index", runda=site.rounds["jst-annual"], rodzaj="regional",
                       poziom="powiat", pokaz=1)
    assert staff_page.goto(path).status == 200
    contents = staff_page.locator("nav.report-contents a")
    assert contents.count() >= 3
    chapters = staff_page.locator("details.report-chapter")
    assert chapters.count() == contents.count()
    first = chapters.first
    assert first.get_attribute("open") is not None
    first.locator(":scope > summary").click()  # (its figures have summaries of their own)
    assert first.get_attribute("open") is None  # a chapter folds away
    first.locator(":scope > summary").click()
    assert staff_page.locator("table.wide caption").first.is_visible()
    assert_accessible(staff_page, "staff-report-on-screen")
def test_xlsform_upload_preview_and_problems(site, staff_page, tmp_path):
    from support.xlsforms import CASCADING, CIS_KOBO, workbook

    page = staff_page
    good = tmp_path / "monitoring-cis.xlsx"
    good.write_bytes(workbook(CIS_KOBO["survey"], CIS_KOBO["choices"], CIS_KOBO["settings"]))
    bad = tmp_path / "kaskada.xlsx"
    bad.write_bytes(workbook(CASCADING["survey"], CASCADING["choices"]))
    assert page.goto("/admin/ankiety/xlsform").status == 200
    assert_accessible(page, "staff-xlsform-upload")
    page.set_input_files("#upload-file", str(good))
    page.get_by_role("button", name="Pokaż podgląd").click()
    page.get_by_role("heading", name="Podgląd: Monitoring CIS (Kobo)").wait_for()
    assert_accessible(page, "staff-xlsform-preview")
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page, "staff-xlsform-preview-375")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.set_input_files("#upload-file", str(bad))
    page.get_by_role("button", name="Pokaż podgląd").click()
    page.locator("#error-summary").wait_for()
    assert "xlsform_unsupported" in page.locator("#error-summary").inner_text()
    assert_accessible(page, "staff-xlsform-problems")


def test_api_tokens_page(site, staff_page):
    from datetime import date, timedelta

    page = staff_page
    assert page.goto("/admin/tokeny").status == 200
    assert_accessible(page, "staff-api-tokens")
    page.fill("#name", "R — raport roczny")
    page.fill("#expires_on", (date.today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Utwórz token").click()
    page.get_by_role("heading", name="Nowy token — skopiuj go teraz").wait_for()
    assert page.input_value("#new-token").startswith("esmon_")
    assert_accessible(page, "staff-api-tokens-new")
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page, "staff-api-tokens-375")
