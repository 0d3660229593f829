"""Staff pages as people read them: no codes in labels, the audit log's letters as typed,
the long lists scroll in their own region on a phone instead of widening the page."""

from __future__ import annotations

import re

import pytest

from extensions import db
from services.audit import record

from support import STAFF_PASSWORD


def _admin(app, staff_user):
    staff_user("admin@rops.example.pl", "admin")
    client = app.test_client()
    assert client.post("/logowanie", data={"email": "admin@rops.example.pl",
                                           "password": STAFF_PASSWORD}).status_code == 302
    return client


def test_the_new_round_form_asks_for_the_reporting_year_without_a_code(app, staff_user):
    page = _admin(app, staff_user).get("/admin/rundy/nowa").text
    label = re.search(r'<label for="reporting_year">([^<]*)</label>', page).group(1)
    assert label.strip() == "Rok sprawozdawczy"


def test_the_audit_log_shows_polish_letters_not_escapes(app, staff_user):
    admin = _admin(app, staff_user)
    with app.app_context():
        record("organisation_create", summary="Ośrodek",
               after={"name": "Regionalny Ośrodek Polityki Społecznej Województwa Śląskiego",
                      "note": "<b>"})
        db.session.commit()
    page = admin.get("/admin/dziennik/").text
    assert "Regionalny Ośrodek Polityki Społecznej Województwa Śląskiego" in page
    assert "\\u015b" not in page
    assert "&lt;b&gt;" in page  # still escaped as text
    assert "<b>" not in page


@pytest.mark.parametrize("path", ["/admin/jednostki/", "/admin/poczta/", "/admin/dziennik/"])
def test_long_staff_lists_scroll_in_their_own_region(app, staff_user, path):
    page = _admin(app, staff_user).get(path).text
    tables = page.count('<table class="data"')
    assert tables >= 1
    wrapped = re.findall(r'<div class="table-wrap" role="region" aria-label="[^"]+" '
                         r'tabindex="0">\s*<table class="data"', page)
    assert len(wrapped) == tables, path


def test_the_exports_round_list_names_the_period_once(app, staff_user, world):
    world.round("jst-annual", year=2025)
    admin = _admin(app, staff_user)
    page = admin.get("/admin/zestawienia/").text
    options = re.findall(r'<select id="runda" name="runda">(.*?)</select>', page, re.S)[0]
    labels = re.findall(r">([^<]+)</option>", options)
    assert labels
    for label in labels:
        assert not re.search(r"(\d{4}).*\(\1\)$", label), label
