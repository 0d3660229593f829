"""Autosave and keep-alive endpoints (views/autosave.py), in the test client.

The browser side (status line, debounce, session dialog) is in tests/browser/.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

from extensions import db
from models import Response


def _start(world, client, key="jst-annual", kind="gmina", teryt="160402") -> None:
    unit_id = world.unit(kind, teryt, contact_person="Anna Nowak")
    token = world.invite(world.round(key), unit_id)
    assert client.get(f"/r/{token}").status_code == 303


def _response(app) -> Response:
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        db.session.expunge(response)
        return response


def _open(app, client, section="d3") -> int:
    """Open a section page (creates the response); returns the version the page carries."""
    page = client.get(f"/ankieta/sekcja/{section}")
    assert page.status_code == 200
    version = int(re.search(r'name="version" value="(\d+)"', page.text).group(1))
    assert version == _response(app).version
    return version


def test_saves_a_draft_section_without_required_answers(app, world, client):
    _start(world, client)
    version = _open(app, client)
    reply = client.post("/ankieta/sekcja/d3/autozapis",
                        data={"version": version, "q_zam_ogolem_liczba": "12"})
    assert reply.status_code == 200, reply.json
    assert reply.json["status"] == "saved"
    assert re.fullmatch(r"\d\d:\d\d", reply.json["savedAt"])
    assert reply.json["version"] == version + 1
    assert reply.json["sessionSeconds"] == 7200
    stored = _response(app)
    assert stored.answers["zam_ogolem_liczba"] == 12
    assert stored.version == version + 1
    assert stored.status == "draft"


def test_hidden_answers_are_dropped_as_on_a_normal_save(app, world, client):
    _start(world, client)
    version = _open(app, client)
    reply = client.post("/ankieta/sekcja/d3/autozapis", data={
        "version": version, "q_klauzule_stosowane": "no", "q_klauzule_liczba_od_130k": "3"})
    assert reply.status_code == 200
    answers = _response(app).answers
    assert answers["klauzule_stosowane"] == "no"
    assert "klauzule_liczba_od_130k" not in answers


def test_a_stale_page_gets_409_and_changes_nothing(app, world, client):
    _start(world, client)
    version = _open(app, client)
    first = client.post("/ankieta/sekcja/d3/autozapis",
                        data={"version": version, "q_zam_ogolem_liczba": "1"})
    assert first.status_code == 200
    stale = client.post("/ankieta/sekcja/d3/autozapis",
                        data={"version": version, "q_zam_ogolem_liczba": "999"})
    assert stale.status_code == 409
    assert stale.json["status"] == "conflict"
    assert stale.json["version"] == version + 1
    assert "Zapisz wersję roboczą" in stale.json["message"]
    assert _response(app).answers["zam_ogolem_liczba"] == 1


def test_one_bad_value_is_held_and_the_others_are_stored(app, world, client):
    _start(world, client)
    version = _open(app, client)
    reply = client.post("/ankieta/sekcja/d3/autozapis", data={
        "version": version, "q_zam_ogolem_liczba": "sporo", "q_zam_ogolem_wartosc": "100"})
    assert reply.status_code == 200, reply.json
    assert reply.json["status"] == "saved"
    (problem,) = reply.json["problems"]
    assert problem["question"] == "zam_ogolem_liczba"
    assert problem["field"] == "q_zam_ogolem_liczba"
    assert "liczba" in problem["message"].lower()
    stored = _response(app)
    assert stored.answers["zam_ogolem_wartosc"] == "100.00"
    assert "zam_ogolem_liczba" not in stored.answers  # held in the draft, not an answer
    held = stored.held_values["q_zam_ogolem_liczba"]
    assert held["text"] == ["sporo"]
    assert held["question"] == "zam_ogolem_liczba"
    assert stored.version == version + 1
    page = client.get("/ankieta/sekcja/d3")
    assert 'value="sporo"' in page.text
    assert problem["message"] in page.text
    fixed = client.post("/ankieta/sekcja/d3/autozapis", data={
        "version": version + 1, "q_zam_ogolem_liczba": "7", "q_zam_ogolem_wartosc": "100"})
    assert fixed.json["problems"] == []
    stored = _response(app)
    assert stored.answers["zam_ogolem_liczba"] == 7
    assert stored.held_values == {}


def test_without_a_session_the_answer_is_json_not_a_page(client):
    reply = client.post("/ankieta/sekcja/d3/autozapis", data={"version": "1"})
    assert reply.status_code == 401
    assert reply.json["status"] == "expired"
    assert "link" in reply.json["message"]
    keepalive = client.post("/ankieta/sesja")
    assert keepalive.status_code == 401
    assert keepalive.json["status"] == "expired"


def test_unknown_section_and_submitted_response(app, world, client):
    _start(world, client)
    version = _open(app, client)
    assert client.post("/ankieta/sekcja/nie-ma/autozapis").status_code == 404
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        response.status = "submitted"
        db.session.commit()
    reply = client.post("/ankieta/sekcja/d3/autozapis",
                        data={"version": version + 1, "q_zam_ogolem_liczba": "5"})
    assert reply.status_code == 409
    assert reply.json["status"] == "submitted"
    assert "zam_ogolem_liczba" not in _response(app).answers


def test_keepalive_renews_the_session_cookie(app, world, client):
    _start(world, client)
    reply = client.post("/ankieta/sesja")
    assert reply.status_code == 200
    assert reply.json == {"status": "alive", "sessionSeconds": 7200}
    cookie = next(h for h in reply.headers.getlist("Set-Cookie") if h.startswith("session="))
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1))
    assert timedelta(hours=1, minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=2)


def test_session_lifetime_is_enforced_by_the_server(app, world, client, monkeypatch):
    """An idle session older than its lifetime is refused even if the browser kept the cookie;
    any request before that (autosave, keep-alive) starts the lifetime again."""
    _start(world, client)
    real = TimestampSigner.get_timestamp

    def later(seconds):
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + seconds)

    later(7200 - 60)
    assert client.post("/ankieta/sesja").status_code == 200  # renewed: signed "now + 7140 s"
    later(2 * 7200 - 120)
    assert client.post("/ankieta/sesja").status_code == 200
    later(4 * 7200)
    reply = client.post("/ankieta/sesja")
    assert reply.status_code == 401
    assert reply.json["status"] == "expired"


def test_csrf_is_required(app_config, request):
    app_config["WTF_CSRF_ENABLED"] = True
    world, client = request.getfixturevalue("world"), request.getfixturevalue("client")
    _start(world, client)
    page = client.get("/ankieta/sekcja/d3")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    refused = client.post("/ankieta/sekcja/d3/autozapis",
                          data={"version": version, "q_zam_ogolem_liczba": "7"})
    assert refused.status_code == 400
    assert refused.json["status"] == "csrf"
    assert client.post("/ankieta/sesja").status_code == 400
    saved = client.post("/ankieta/sekcja/d3/autozapis",
                        data={"csrf_token": token, "version": version,
                              "q_zam_ogolem_liczba": "7"})
    assert saved.status_code == 200, saved.json
    alive = client.post("/ankieta/sesja", headers={"X-CSRFToken": meta})
    assert alive.status_code == 200
    # the section's own save: the form has no token field, the app checks every POST
    posted = {"version": str(int(version) + 1), "action": "draft", "q_zam_ogolem_liczba": "8"}
    assert client.post("/ankieta/sekcja/d3", data=posted).status_code == 400
    assert client.post("/ankieta/sekcja/d3",
                       data={**posted, "csrf_token": token}).status_code == 302


def test_section_page_carries_what_the_script_needs(app, world, client):
    _start(world, client)
    page = client.get("/ankieta/sekcja/d3").text
    assert 'data-autosave-url="/ankieta/sekcja/d3/autozapis"' in page
    assert re.search(r'id="autosave-status"[^>]*role="status"[^>]*aria-live="polite"', page)
    assert re.search(r'<dialog id="session-warning"[^>]*', page)
    assert 'data-lifetime="7200"' in page
    assert 'data-warn="300"' in page
    assert 'data-keepalive-url="/ankieta/sesja"' in page
    assert '/static/js/autosave.js' in page
    # no inline script (CSP script-src 'self'): scripts are files, data is JSON
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    texts = json.loads(re.search(r'<script type="application/json" id="autosave-texts">(.*?)'
                                 r"</script>", page, re.S).group(1))
    assert texts["saved"] == "Zapisano {}"
    assert {"held", "conflict", "failed", "offline", "extended", "extendFailed",
            "expired"} <= set(texts)
