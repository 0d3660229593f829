"""Reviewing in Chromium: the list's filters and the response page (summary, last year, notes
on demand, the sticky bar) under axe-core; the bar stays in sight while the page scrolls."""

from __future__ import annotations

import re

import pytest

from browser.browser_helpers import assert_accessible, screenshot
from extensions import db

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def _response_with_a_warning_and_last_year(site) -> tuple[int, int]:
    """A sent JST response with a warning explained, and the unit's answers a year before."""
    from datetime import date, timedelta

    from models import Invitation, Questionnaire, Response
    from services.rounds import create_round, invite

    response_id = site.submit(site.respondent("jst-annual"), "jst-annual")
    with site.app.app_context():
        response = db.session.get(Response, response_id)
        response.warnings = {"zam_ogolem_liczba": {
            "messages": ["Liczba zamówień dużo wyższa niż rok wcześniej."],
            "comment": "Doszły zamówienia szpitala powiatowego."}}
        unit = response.invitation.unit
        questionnaire = db.session.scalars(
            db.select(Questionnaire).filter_by(key="jst-annual")).first()
        earlier = create_round(questionnaire, period="2024", reporting_year=2024,
                               opens_on=date.today() - timedelta(days=400),
                               deadline=date.today() - timedelta(days=300), status="closed")
        invitation, _token = invite(earlier, unit)
        db.session.add(Response(invitation=invitation, status="accepted",
                                answers={**response.answers, "zam_ogolem_liczba": 40}))
        db.session.commit()
        round_id = db.session.get(Invitation, response.invitation_id).round_id
    return round_id, response_id


def test_review_list_and_response_page_pass_axe(site, staff_page):
    page = staff_page
    round_id, response_id = _response_with_a_warning_and_last_year(site)
    page.goto(f"/admin/odpowiedzi/runda/{round_id}")
    assert_accessible(page, "review-list")
    page.locator(".filter-panel summary").click()
    page.get_by_label("z ostrzeżeniami").check()
    page.locator(".filter-panel").get_by_role("button", name="Pokaż").click()
    page.wait_for_url(re.compile(r"ostrzezenia=1"))
    assert page.locator("table.responses tbody tr").count() == 1
    assert_accessible(page, "review-list-filtered")
    page.get_by_role("link", name=re.compile("Jednostka testowa")).click()
    page.wait_for_url(re.compile(rf"/admin/odpowiedzi/{response_id}\?ostrzezenia=1"))
    summary = page.locator(".review-summary")
    assert "Doszły zamówienia szpitala powiatowego." in summary.inner_text()
    assert "2024:" in page.locator("#pytanie-zam_ogolem_liczba .last-year").inner_text()
    assert_accessible(page, "review-detail")
    note = page.locator("#pytanie-zam_ogolem_liczba details.add-note")
    note.locator("summary").click()
    page.fill("#n_zam_ogolem_liczba", "Proszę o rozbicie na umowy.")
    assert_accessible(page, "review-detail-note-open")
    bar = page.locator(".review-bar")
    page.mouse.wheel(0, 2000)
    box = bar.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 900 + 1  # still in the viewport after scrolling
    screenshot(page, "review-detail-scrolled")
    bar.get_by_role("button", name="Zwróć do korekty…").click()
    page.wait_for_url(re.compile(r"/zwroc"))
    assert "Proszę o rozbicie na umowy." in page.locator("details.affected").inner_text()
    assert_accessible(page, "review-return-confirmation")


def test_bulk_accept_confirmation_passes_axe(site, staff_page):
    page = staff_page
    site.submit(site.respondent("jst-annual"), "jst-annual")
    page.goto(f"/admin/odpowiedzi/runda/{site.rounds['jst-annual']}")
    page.get_by_role("link", name=re.compile("bez ostrzeżeń i uwag…")).click()
    page.wait_for_url(re.compile(r"/przyjmij-bez-uwag"))
    assert_accessible(page, "review-bulk-accept-confirmation")
