"""A regional partner's admin manages its own part, never what the whole deployment shares.

The questionnaire catalogue (XLSForm upload), the login locks and the subregion mapping
belong to every organisation of a deployment; an OWES partner of a ROPS must neither see
them in its menu nor reach them by URL.
"""

from __future__ import annotations

import pytest

from extensions import db

from support import STAFF_PASSWORD


@pytest.fixture
def accounts(app):
    from services.organisations import create_organisation, create_user

    from support.organisations import add_slaskie

    with app.app_context():
        add_slaskie()
        rops = create_organisation("ROPS Śląskie", "woj:24")
        owes = create_organisation("Partner Śląskie", "woj:24", partner_of=rops)
        create_user("owes@owes.example.pl", "admin", owes, password=STAFF_PASSWORD)
        create_user("admin@rops.example.pl", "admin", rops, password=STAFF_PASSWORD)
        db.session.commit()


def _log_in(client, email):
    page = client.post("/logowanie", data={"email": email, "password": STAFF_PASSWORD})
    assert page.status_code == 302, page.text
    return client


def _urls(app):
    """The shared pages' URLs, from the views themselves (so a renamed route fails here)."""
    from flask import url_for

    with app.test_request_context():
        return {"xlsform": url_for("xlsform.upload"), "locks": url_for("auth.login_locks"),
                "unlock": url_for("auth.unlock_login"),
                "subregions": url_for("register.upload_subregions")}


def test_a_partner_admin_is_refused_the_deployments_shared_pages(app, client, accounts):
    urls = _urls(app)
    owes = _log_in(client, "owes@owes.example.pl")
    assert owes.get(urls["xlsform"]).status_code == 403
    assert owes.get(urls["locks"]).status_code == 403
    assert owes.post(urls["unlock"]).status_code == 403
    assert owes.post(urls["subregions"]).status_code == 403
    menu = owes.get("/admin/").text
    assert urls["xlsform"] not in menu
    assert urls["locks"] not in menu
    subregions = owes.get(urls["subregions"])
    assert subregions.status_code == 200  # the mapping itself stays readable
    assert "Wczytaj podział z pliku" not in subregions.text


def test_the_deployments_admin_keeps_them(app, client, accounts):
    urls = _urls(app)
    rops = _log_in(client, "admin@rops.example.pl")
    assert rops.get(urls["xlsform"]).status_code == 200
    assert rops.get(urls["locks"]).status_code == 200
    menu = rops.get("/admin/").text
    assert urls["xlsform"] in menu
    assert urls["locks"] in menu
    assert "Wczytaj podział z pliku" in rops.get(urls["subregions"]).text
