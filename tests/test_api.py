"""The read-only data API: personal tokens (shown once, hashed, expiry, revoke), the calls,
their audit, the OpenAPI document, the rate limit; answers equal the raw export."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select

from extensions import db
from models import ApiToken, AuditEvent, Invitation, Response, User
from reports.csv import decimal_comma
from reports.frame import to_minor_units
from services.questionnaires import registry

from support import make_config
from support.valid_answers import JST


@pytest.fixture
def round_id(app, world):
    """A jst-annual round: two submitted responses, one draft, one unit without an answer."""
    rid = world.round("jst-annual")
    for teryt, name in (("160402", "Gmina Kluczbork"), ("160403", '=HYPERLINK("x")'),
                        ("160401", "Gmina Byczyna"), ("160404", "Gmina Wołczyn")):
        world.invite(rid, world.unit("gmina", teryt, name=name))
    with app.app_context():
        invitations = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
        for invitation, value, status in zip(
                invitations[:3], ("200000.00", "100000.00", "5.00"),
                ("submitted", "submitted", "draft"), strict=True):
            db.session.add(Response(invitation=invitation, status=status,
                                    answers=dict(JST, zadania_zlecone_wartosc=value)))
        db.session.commit()
    return rid


def _token(client, name: str = "R — raport roczny", days: int = 30) -> str:
    page = client.post("/admin/tokeny", data={
        "name": name, "expires_on": (date.today() + timedelta(days=days)).isoformat()})
    assert page.status_code == 200, page.text
    found = re.search(r'id="new-token" type="text" readonly value="(esmon_[^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def _get(client, path: str, token: str | None, **headers):
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.get(path, headers=headers)


def test_token_is_shown_once_and_kept_hashed(app, login):
    client = login("coordinator")
    assert client.get("/admin/tokeny").status_code == 200
    token = _token(client)
    with app.app_context():
        row = db.session.scalars(select(ApiToken)).one()
        assert row.token_hash != token
        assert token not in row.token_hash
        assert token.startswith(row.prefix)
        assert db.session.scalars(select(AuditEvent).filter_by(
            action="api_token_create")).one().object_id == row.id
    again = client.get("/admin/tokeny")
    assert token not in again.text
    assert f"{token[:12]}…" in again.text


def test_revoked_expired_unknown_and_missing_tokens_get_401(app, login, round_id):
    client = login("coordinator")
    token, other = _token(client), _token(client, "drugi")
    assert _get(client, "/api/v1/rounds", token).status_code == 200
    for bad in (None, "esmon_nieznany", token.upper(), "Basic abc"):
        reply = _get(client, "/api/v1/rounds", bad)
        assert reply.status_code == 401
        assert reply.headers["WWW-Authenticate"].startswith("Bearer")
        assert "Brak ważnego tokenu" in reply.get_json()["error"]
    with app.app_context():
        first = db.session.scalars(select(ApiToken).filter_by(name="R — raport roczny")).one()
        first_id = first.id
    assert client.post(f"/admin/tokeny/{first_id}/uniewaznij").status_code == 302
    assert _get(client, "/api/v1/rounds", token).status_code == 401
    assert _get(client, "/api/v1/rounds", other).status_code == 200
    with app.app_context():
        second = db.session.scalars(select(ApiToken).filter_by(name="drugi")).one()
        second.expires_on = date.today() - timedelta(days=1)
        db.session.commit()
    assert _get(client, "/api/v1/rounds", other).status_code == 401


def test_a_token_dies_with_its_account_and_only_its_owner_revokes_it(app, login, client,
                                                                    staff_user):
    owner = login("coordinator")
    token = _token(owner)
    with app.app_context():
        token_id = db.session.scalars(select(ApiToken)).one().id
    other = app.test_client()
    staff_user("inny@rops.example.pl", "coordinator")
    other.post("/logowanie", data={"email": "inny@rops.example.pl",
                                   "password": "bardzo-tajne-haslo-123"})
    assert other.post(f"/admin/tokeny/{token_id}/uniewaznij").status_code == 404
    assert _get(other, "/api/v1/rounds", token).status_code == 200
    with app.app_context():
        user = db.session.scalars(select(User).filter_by(email="coordinator@rops.example.pl")
                                  ).one()
        user.is_enabled = False
        db.session.commit()
    assert _get(other, "/api/v1/rounds", token).status_code == 401


def test_every_api_route_but_its_description_needs_a_token(app, client, login):
    session_only = login("admin")  # a staff session cookie is no substitute for a token
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")]
    assert len(rules) >= 5
    for rule in rules:
        url = rule.rule.replace("<int:round_id>", "1")
        expected = 200 if rule.endpoint == "api.openapi" else 401
        assert session_only.get(url).status_code == expected, url


def test_too_long_or_past_expiry_is_refused_at_the_field(app, login):
    client = login("admin")
    for days in (0, 400):
        page = client.post("/admin/tokeny", data={
            "name": "x", "expires_on": (date.today() + timedelta(days=days)).isoformat()})
        assert page.status_code == 422
        assert "Data ważności" in page.text
    with app.app_context():
        assert db.session.scalars(select(ApiToken)).all() == []


def _raw_csv(client, round_id: int) -> list[dict[str, str]]:
    page = client.get(f"/admin/zestawienia/plik?runda={round_id}&rodzaj=raw&format=csv")
    assert page.status_code == 200
    return list(csv.DictReader(io.StringIO(page.data.decode("utf-8-sig")), delimiter=";"))


def test_responses_equal_the_raw_export(app, login, round_id):
    client = login("coordinator")
    token = _token(client)
    reply = _get(client, f"/api/v1/rounds/{round_id}/responses?status=submitted", token)
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["total"] == 2
    items = {str(item["unit"]["id"]): item for item in body["items"]}
    rows = _raw_csv(client, round_id)
    assert {row["unit_id"] for row in rows} == set(items)
    with app.app_context():
        survey = registry().by_key["jst-annual"].survey
    compared = 0
    for row in rows:
        answers = items[row["unit_id"]]["answers"]
        for name, text in row.items():
            if not survey.has_question(name) or isinstance(answers.get(name), list | dict):
                continue
            question = survey.question(name)
            value = answers.get(name)
            if question.is_numeric and value is not None:
                places = question.kind.places(question)
                assert decimal_comma(to_minor_units(value, places), places) == text, name
            else:
                assert ("" if value is None else str(value)) == text.removeprefix("'"), name
            compared += 1
    assert compared > 20
    first = next(iter(items.values()))
    single = next(q for q in survey.questions if q.choices and not q.multiple
                  and isinstance(first["answers"].get(q.id), str))
    assert first["labels"][single.id] == single.choice_label(first["answers"][single.id])


def test_filters_paging_and_incremental_pulls(app, login, round_id):
    client = login("coordinator")
    token = _token(client)
    base = f"/api/v1/rounds/{round_id}/responses"
    drafts = _get(client, f"{base}?status=draft", token).get_json()
    assert [i["unit"]["teryt"] for i in drafts["items"]] == ["160401"]
    one = _get(client, f"{base}?teryt=160403", token).get_json()
    assert [i["unit"]["name"] for i in one["items"]] == ['=HYPERLINK("x")']
    first = _get(client, f"{base}?per_page=2", token)
    assert first.get_json()["total"] == 3
    assert "page=2" in first.get_json()["next"]
    second = _get(client, first.get_json()["next"], token).get_json()
    assert len(second["items"]) == 1
    assert "next" not in second
    modified = first.headers["Last-Modified"]
    assert _get(client, base, token, **{"If-Modified-Since": modified}).status_code == 304
    later = quote((datetime.now(UTC) + timedelta(minutes=5)).isoformat())
    assert _get(client, f"{base}?updated_since={later}", token).get_json()["total"] == 0
    with app.app_context():
        response = db.session.scalars(select(Response).filter_by(status="draft")).one()
        response.answers = dict(response.answers, zadania_zlecone_wartosc="7.00")
        response.updated_at = datetime.now(UTC) + timedelta(minutes=10)
        db.session.commit()
    changed = _get(client, f"{base}?updated_since={later}", token).get_json()
    assert [i["answers"]["zadania_zlecone_wartosc"] for i in changed["items"]] == ["7.00"]
    for bad in ("status=wyslane", "teryt=16x", "per_page=0", "page=-1", "updated_since=wczoraj"):
        reply = _get(client, f"{base}?{bad}", token)
        assert reply.status_code == 400, bad


def test_aggregates_codebook_and_unknown_rounds(app, login, round_id):
    client = login("coordinator")
    token = _token(client)
    table = _get(client, f"/api/v1/rounds/{round_id}/aggregates?level=powiat", token)
    assert table.status_code == 200
    body = table.get_json()
    assert body["small_cells_hidden"] is True
    wartosc = [r for r in body["rows"] if r["kolumna"] == "zadania_zlecone_wartosc"
               and r["miara"] == "suma"]
    assert wartosc[0]["values"]["Ogółem"] in ("300000", "300000.00", 300000)
    assert _get(client, f"/api/v1/rounds/{round_id}/aggregates?level=gmina",
                token).status_code == 400
    book = _get(client, f"/api/v1/rounds/{round_id}/codebook", token).get_json()
    ids = {q["id"] for q in book["questions"]}
    assert "zadania_zlecone_wartosc" in ids
    assert book["key"] == "jst-annual"
    for path in ("responses", "aggregates?level=powiat", "codebook"):
        assert _get(client, f"/api/v1/rounds/99999/{path}", token).status_code == 404


def test_every_call_is_audited(app, login, round_id):
    client = login("coordinator")
    token = _token(client)
    _get(client, "/api/v1/rounds", token)
    _get(client, f"/api/v1/rounds/{round_id}/codebook", token)
    _get(client, "/api/v1/rounds/99999/codebook", token)
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).filter_by(action="api_call")
                                    .order_by(AuditEvent.id)).all()
        assert [e.summary for e in events] == [
            "200 /api/v1/rounds", f"200 /api/v1/rounds/{round_id}/codebook",
            "404 /api/v1/rounds/99999/codebook"]
        assert {e.actor for e in events} == {"coordinator@rops.example.pl"}
        assert db.session.scalars(select(ApiToken)).one().last_used_at is not None


def test_openapi_document_describes_every_route(app, client):
    reply = client.get("/api/v1/openapi.json")
    assert reply.status_code == 200
    spec = reply.get_json()
    assert spec["openapi"].startswith("3.")
    documented = set(spec["paths"])
    routes = {rule.rule.removeprefix("/api/v1").replace("<int:round_id>", "{round_id}")
              for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi"}
    assert documented == routes
    responses = spec["paths"]["/rounds/{round_id}/responses"]["get"]
    assert {p["name"] for p in responses["parameters"]} >= {"status", "teryt", "updated_since",
                                                            "page", "per_page"}
    assert spec["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    for ref in re.findall(r'"\$ref": "#/components/schemas/(\w+)"', reply.get_data(True)):
        assert ref in spec["components"]["schemas"]


def test_calls_are_rate_limited_per_token(database_url, tmp_path):
    from app import create_app

    app = create_app(make_config(database_url, tmp_path, RATELIMIT_ENABLED=True,
                                 ESMON_RATELIMIT_API="3/minute",
                                 RATELIMIT_STORAGE_URI="memory://"), read_environment=False)
    with app.app_context():
        db.create_all()
        try:
            user = User(email="r@rops.example.pl", role="coordinator")
            user.set_password("bardzo-tajne-haslo-123")
            db.session.add(user)
            db.session.flush()
            from services.api_tokens import create_token

            _, token = create_token(user, "R", date.today() + timedelta(days=5))
            db.session.commit()
            client = app.test_client()
            codes = [_get(client, "/api/v1/rounds", token).status_code for _ in range(4)]
            assert codes == [200, 200, 200, 429]
        finally:
            db.session.remove()
            if db.engine.dialect.name == "postgresql":
                from support.scratch_db import truncate_all

                with db.engine.begin() as connection:
                    truncate_all(connection, db.metadata)
            db.engine.dispose()


def test_a_token_reads_only_its_organisations_data(app, world):
    from support.organisations import two_organisations

    a, b = two_organisations(app)
    with app.app_context():
        from services.api_tokens import create_token

        owner = db.session.scalars(select(User).filter_by(email=a.admin_email)).one()
        _, token = create_token(owner, "R", date.today() + timedelta(days=5))
        db.session.commit()
    client = app.test_client()
    ids = {r["id"] for r in _get(client, "/api/v1/rounds", token).get_json()["rounds"]}
    assert a.round_id in ids
    assert b.round_id not in ids
    assert _get(client, f"/api/v1/rounds/{a.round_id}/responses", token).status_code == 200
    for path in ("responses", "codebook", "aggregates?level=powiat"):
        assert _get(client, f"/api/v1/rounds/{b.round_id}/{path}", token).status_code == 404


def test_etag_gives_304_until_an_answer_changes(app, login, round_id):
    client = login("coordinator")
    token = _token(client)
    base = f"/api/v1/rounds/{round_id}/responses"
    first = _get(client, base, token)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-store"  # personal data: the script keeps it
    same = _get(client, base, token, **{"If-None-Match": etag})
    assert same.status_code == 304
    assert same.data == b""
    assert same.headers["ETag"] == etag
    # another page, filter or endpoint is another representation with its own tag
    assert _get(client, f"{base}?status=draft", token,
                **{"If-None-Match": etag}).status_code == 200
    book = _get(client, f"/api/v1/rounds/{round_id}/codebook", token)
    assert _get(client, f"/api/v1/rounds/{round_id}/codebook", token,
                **{"If-None-Match": book.headers["ETag"]}).status_code == 304
    with app.app_context():
        response = db.session.scalars(select(Response).filter_by(status="draft")).one()
        response.answers = dict(response.answers, zadania_zlecone_wartosc="7.00")
        db.session.commit()
    changed = _get(client, base, token, **{"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    # If-None-Match decides alone: an If-Modified-Since beside it filters nothing
    both = _get(client, base, token, **{"If-None-Match": '"stary"',
                                        "If-Modified-Since": first.headers["Last-Modified"]})
    assert both.get_json()["total"] == 3
    with app.app_context():
        calls = db.session.scalars(select(AuditEvent).filter_by(action="api_call")).all()
        assert any(e.summary.startswith("304 ") for e in calls)
    assert "ETag" not in _get(client, "/api/v1/rounds/99999/codebook", token).headers


def test_aggregates_give_the_previous_rounds_figure(app, world, login, round_id):
    client = login("coordinator")
    token = _token(client)
    alone = _get(client, f"/api/v1/rounds/{round_id}/aggregates?level=powiat", token).get_json()
    assert alone["previous_round"] is None
    assert "previous" not in alone["rows"][0]
    later = world.round("jst-annual", year=2026)
    with app.app_context():
        units = [i.unit_id for i in db.session.scalars(
            select(Invitation).where(Invitation.round_id == round_id).order_by(Invitation.id))]
    for unit_id in units[:2]:
        world.invite(later, unit_id)
    with app.app_context():
        new = db.session.scalars(select(Invitation).where(Invitation.round_id == later)
                                 .order_by(Invitation.id)).all()
        for invitation, value in zip(new, ("250000.00", "200000.00"), strict=True):
            db.session.add(Response(invitation=invitation, status="submitted",
                                    answers=dict(JST, zadania_zlecone_wartosc=value)))
        db.session.commit()
    body = _get(client, f"/api/v1/rounds/{later}/aggregates?level=powiat", token).get_json()
    assert body["previous_round"]["id"] == round_id
    assert body["previous_round"]["reporting_year"] == 2025
    row = next(r for r in body["rows"] if r["kolumna"] == "zadania_zlecone_wartosc"
               and r["miara"] == "suma")
    assert float(row["values"]["Ogółem"]) == 450000
    assert float(row["previous"]["Ogółem"]) == 300000  # the 2025 round's two submitted
    assert float(row["change"]["Ogółem"]) == 150000
    assert row["note"] == ""
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "previous_round" in spec["components"]["schemas"]["Aggregate"]["properties"]


def test_openapi_document_lists_every_endpoint_with_its_conditional_reads(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi"}
    operations = {op["operationId"]: op for path in spec["paths"].values()
                  for op in path.values()}
    assert set(operations) == endpoints
    for name, op in operations.items():
        assert "304" in op["responses"], name
        assert "If-None-Match" in {p["name"] for p in op["parameters"]}, name
        assert "ETag" in op["responses"]["200"]["headers"], name


def test_year_over_year_never_reaches_into_another_organisation(app, world):
    """B's 2024 round precedes A's 2025 round in time and key, but A's token compares with
    nothing: the predecessor is looked up within the token's organisation scope."""
    from support.organisations import two_organisations

    a, b = two_organisations(app)
    with app.app_context():
        from models import Organisation
        from services.api_tokens import create_token
        from services.questionnaires import sync_questionnaires
        from services.rounds import create_round
        from services.scoping import act_as, unscoped

        act_as(db.session.get(Organisation, b.organisation_id), db.session)
        jst = next(q for q in sync_questionnaires() if q.key == "jst-annual")
        earlier = create_round(jst, period="2024", reporting_year=2024,
                               opens_on=date(2024, 1, 2), deadline=date(2024, 3, 1),
                               title="Runda TajnaB 2024", status="closed")
        db.session.flush()
        earlier_id = earlier.id
        unscoped()
        tokens = {}
        for seeded in (a, b):
            owner = db.session.scalars(select(User).filter_by(email=seeded.admin_email)).one()
            _, tokens[seeded.round_id] = create_token(owner, "R", date.today() + timedelta(days=5))
        db.session.commit()
    client = app.test_client()
    mine = _get(client, f"/api/v1/rounds/{a.round_id}/aggregates?level=powiat",
                tokens[a.round_id]).get_json()
    assert mine["previous_round"] is None
    assert "TajnaB" not in json.dumps(mine, ensure_ascii=False)
    theirs = _get(client, f"/api/v1/rounds/{b.round_id}/aggregates?level=powiat",
                  tokens[b.round_id]).get_json()
    assert theirs["previous_round"]["id"] == earlier_id
