"""Organisation scopes: a staff member of A finds nothing of B on any staff URL (both databases).

Every rule of the URL map is opened as A's admin: rules with ids get B's ids and must answer
404 (no existence leak), every other page and export must not show any of B's texts. The
same walk as B's admin proves the pages do show an organisation its own data, so the test
fails if scoping hides or leaks.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from flask import Flask

from support import STAFF_PASSWORD
from support.organisations import Seeded, two_organisations

#: endpoints outside the staff panel: their own authority (a link, an API token) or none; the
#: API's scope is walked with a token in tests/test_api.py
SKIPPED_BLUEPRINTS = {"pages", "respond", "autosave", "health", "static", "api"}
SKIPPED = {"static", "auth.login", "auth.logout"}
#: a rule argument → which of B's ids it takes
IDS = {"round_id": "round_id", "response_id": "response_id", "unit_id": "unit_id",
       "message_id": "message_id", "invitation_id": "invitation_id", "change_id": "change_id"}


def _login(app: Flask, email: str):
    client = app.test_client()
    page = client.post("/logowanie", data={"email": email, "password": STAFF_PASSWORD})
    assert page.status_code == 302, page.text
    return client


def _text(page) -> str:
    """The body as text; a workbook's XML parts unpacked, so an export is searched too."""
    data = page.get_data()
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "".join(archive.read(name).decode("utf-8", "replace")
                           for name in archive.namelist())
    return data.decode("utf-8", "replace")


def _rules(app: Flask):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED or rule.endpoint.split(".")[0] in SKIPPED_BLUEPRINTS:
            continue
        yield rule


def _build(app: Flask, rule, other: Seeded) -> str:
    values = {}
    for name, converter in rule._converters.items():  # noqa: SLF001
        items = getattr(converter, "items", None)
        if items:
            values[name] = sorted(items)[0]
        elif name in IDS:
            values[name] = getattr(other, IDS[name])
        else:
            values[name] = "1"
    return app.url_map.bind("localhost").build(rule.endpoint, values)


#: pages without ids that take the other organisation's objects from the query string
QUERIES = [
    "/admin/zestawienia/?pokaz=1&runda={round_id}&rodzaj=raw",
    "/admin/zestawienia/plik?runda={round_id}&rodzaj=raw",
    "/admin/zestawienia/plik?runda={round_id}&rodzaj=raw&format=csv",
    "/admin/zestawienia/plik?runda={round_id}&rodzaj=regional&poziom=powiat",
    "/admin/podpowiedzi/jednostki?q=Tajna&runda={round_id}",
    "/admin/podpowiedzi/jednostki?q=Gmina",
    "/admin/podpowiedzi/gminy?q=Kato",
    "/admin/jednostki/?q=Tajna",
    "/admin/dziennik/?q=Tajna",
    "/admin/odpowiedzi/kontakty",
]


def _walk(app: Flask, client, own: Seeded, other: Seeded) -> list[str]:
    """Every staff URL opened by ``client``; returns the problems found."""
    problems = []
    for rule in _rules(app):
        methods = ["GET"] if "GET" in rule.methods else ["POST"]
        url = _build(app, rule, other)
        for method in methods:
            page = client.open(url, method=method)
            text = _text(page)
            if rule.arguments & set(IDS) and page.status_code != 404:
                problems.append(f"{method} {url}: {page.status_code}, not 404")
            leaked = [m for m in other.markers if m in text]
            if leaked:
                problems.append(f"{method} {url} shows {leaked}")
            if page.status_code >= 500:
                problems.append(f"{method} {url}: {page.status_code}")
    for template in QUERIES:
        url = template.format(round_id=other.round_id)
        page = client.get(url)
        leaked = [m for m in other.markers if m in _text(page)]
        if leaked or page.status_code >= 500:
            problems.append(f"GET {url}: {page.status_code} shows {leaked}")
    return problems


@pytest.fixture
def organisations(app, world) -> tuple[Seeded, Seeded]:
    return two_organisations(app)


def test_a_staff_member_of_a_finds_nothing_of_b_on_any_staff_url(app, organisations):
    a, b = organisations
    problems = _walk(app, _login(app, a.admin_email), a, b)
    assert problems == []


def test_and_b_finds_nothing_of_a(app, organisations):
    a, b = organisations
    assert _walk(app, _login(app, b.admin_email), b, a) == []


def test_each_sees_its_own_data_on_the_same_pages(app, organisations):
    a, b = organisations
    for own, other in ((a, b), (b, a)):
        client = _login(app, own.admin_email)
        for url in ("/admin/", "/admin/jednostki/", f"/admin/rundy/{own.round_id}",
                    f"/admin/odpowiedzi/runda/{own.round_id}",
                    f"/admin/odpowiedzi/{own.response_id}", "/admin/poczta/",
                    f"/admin/poczta/{own.message_id}", "/admin/odpowiedzi/kontakty",
                    f"/admin/jednostki/{own.unit_id}"):
            page = client.get(url)
            assert page.status_code == 200, (url, page.status_code)
            assert any(m in page.text for m in own.markers), url
            assert not any(m in page.text for m in other.markers), url
        export = client.get(f"/admin/zestawienia/plik?runda={own.round_id}&rodzaj=raw&format=csv")
        assert export.status_code == 200
        assert any(m in _text(export) for m in own.markers)


def test_another_organisations_response_cannot_be_accepted_by_url(app, organisations):
    from extensions import db
    from models import Response

    a, b = organisations
    client = _login(app, a.admin_email)
    assert client.post(f"/admin/odpowiedzi/{b.response_id}/przyjmij").status_code == 404
    with app.app_context():
        assert db.session.get(Response, b.response_id).status == "submitted"
