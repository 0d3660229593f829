"""Phone follow-up pages in Chromium: the call list and a unit's call page, with errors and a
booked call-back, at desktop and phone widths; axe finds nothing on any of them."""

from __future__ import annotations

import pytest

from browser.browser_helpers import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def _pending_invitation(site) -> int:
    from sqlalchemy import select

    from extensions import db
    from models import Invitation, Unit

    site.respondent("jst-annual", name="Gmina do telefonu")
    with site.app.app_context():
        invitation = db.session.get(Invitation, site.last_invitation_id)
        db.session.get(Unit, invitation.unit_id).phones = "77 418 00 00"
        db.session.commit()
        assert db.session.scalars(select(Invitation.id)).first() is not None
        return invitation.id


@pytest.mark.parametrize("width", [1280, 375])
def test_call_pages(site, staff_page, width):
    page = staff_page
    page.set_viewport_size({"width": width, "height": 900})
    invitation_id = _pending_invitation(site)
    round_id = site.rounds["jst-annual"]
    page.goto(f"/admin/rundy/{round_id}")
    page.get_by_role("link", name="Telefony do jednostek bez odpowiedzi").click()
    assert page.locator("h1").inner_text() == "Telefony do jednostek"
    assert page.locator('a[href="tel:774180000"]').count() >= 1
    assert_accessible(page, f"calls-list-{width}")
    page.goto(f"/admin/rundy/{round_id}/telefony/{invitation_id}")
    page.get_by_label("prośba o kontakt później").check()
    page.get_by_label("Notatka").fill("Sekretariat: kierownik wraca jutro")
    page.get_by_role("button", name="Zapisz rozmowę").click()
    page.locator("#error-summary").wait_for()  # (the click does not wait for the answer)
    assert page.locator("#error-summary").is_visible()
    assert page.get_by_label("Notatka").input_value() == "Sekretariat: kierownik wraca jutro"
    assert_accessible(page, f"calls-unit-error-{width}")
    page.get_by_label("Oddzwonić (data i godzina)").fill("2099-03-14T10:30")
    page.get_by_role("button", name="Zapisz rozmowę").click()
    assert "rozmowa zapisana" in page.locator(".flashes").inner_text()
    later = page.get_by_role("region", name="Umówione na później")
    assert "Gmina do telefonu" in later.inner_text()
    assert_accessible(page, f"calls-list-booked-{width}")
