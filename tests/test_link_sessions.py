"""A respondent's session lives no longer than the link that opened it (and 12 h at most).

"Wymień link" must end the sessions the old link opened, on every page and JSON endpoint of
the questionnaire, not only refuse the old link itself.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from extensions import db
from models import Invitation
from services.rounds import reissue_token

from support import STAFF_PASSWORD
from support.confirming import confirm
from support.respondent import section_post
from support.valid_answers import JST

#: every respondent request after the link was opened: (method, path)
RESPONDENT_REQUESTS = [
    ("GET", "/ankieta"),
    ("GET", "/ankieta/sekcja/d1"),
    ("POST", "/ankieta/sekcja/d1"),
    ("POST", "/ankieta/sekcja/d1/autozapis"),
    ("POST", "/ankieta/sesja"),
    ("GET", "/ankieta/przeglad"),
    ("POST", "/ankieta/wyslij"),
    ("POST", "/ankieta/kontakt"),
    ("GET", "/ankieta/potwierdzenie"),
]


def _opened(app, world, client) -> tuple[int, int]:
    round_id = world.round("jst-annual")
    token = world.invite(round_id, world.unit(contact_person="Anna Nowak"))
    assert client.get(f"/r/{token}").status_code == 303
    assert client.get("/ankieta/sekcja/d1").status_code == 200
    with app.app_context():
        invitation_id = db.session.scalars(select(Invitation.id)).one()
    return round_id, invitation_id


def _reissue_as_admin(app, staff_user, round_id: int, invitation_id: int) -> None:
    staff_user("admin@rops.example.pl", "admin")
    admin = app.test_client()
    admin.post("/logowanie", data={"email": "admin@rops.example.pl",
                                   "password": STAFF_PASSWORD})
    page = confirm(admin, f"/admin/rundy/{round_id}/zaproszenia/{invitation_id}/wymien")
    assert page.status_code == 302


def _send(client, method: str, path: str, survey=None):
    if method == "GET":
        return client.get(path)
    data = {"version": "1"}
    if path == "/ankieta/sekcja/d1" and survey is not None:
        data.update(section_post(survey, "d1", JST))
    return client.post(path, data=data)


@pytest.mark.parametrize(("method", "path"), RESPONDENT_REQUESTS)
def test_reissuing_the_link_ends_the_session_it_opened(app, world, client, staff_user,
                                                       method, path):
    from services.questionnaires import registry

    round_id, invitation_id = _opened(app, world, client)
    _reissue_as_admin(app, staff_user, round_id, invitation_id)
    with app.app_context():
        survey = registry().by_key["jst-annual"].survey
    page = _send(client, method, path, survey)
    assert page.status_code == 410, (path, page.status_code)
    if "autozapis" in path or path.endswith("/sesja"):
        assert "zastąpiony nowym" in page.json["message"]
    else:
        assert "Ten link został zastąpiony nowym" in page.text
    # the session is forgotten: the next request is simply "not opened"
    assert client.get("/ankieta").status_code == 401


def test_the_new_link_opens_a_working_session(app, world, client):
    _round_id, invitation_id = _opened(app, world, client)
    with app.app_context():
        token = reissue_token(db.session.get(Invitation, invitation_id))
        db.session.commit()
    assert client.get("/ankieta").status_code == 410
    fresh = app.test_client()
    assert fresh.get(f"/r/{token}").status_code == 303
    assert fresh.get("/ankieta/sekcja/d1").status_code == 200
    assert fresh.post("/ankieta/sesja").status_code == 200


def test_resending_without_replacing_keeps_the_session(app, world, client, staff_user):
    round_id, invitation_id = _opened(app, world, client)
    staff_user("admin@rops.example.pl", "admin")
    admin = app.test_client()
    admin.post("/logowanie", data={"email": "admin@rops.example.pl",
                                   "password": STAFF_PASSWORD})
    assert admin.post(
        f"/admin/rundy/{round_id}/zaproszenia/{invitation_id}/wyslij").status_code == 302
    assert client.get("/ankieta/sekcja/d1").status_code == 200


def test_session_ends_twelve_hours_after_opening_however_active(app, world, client):
    _opened(app, world, client)
    assert app.config["ESMON_SESSION_MAX_SECONDS"] == 12 * 3600
    with client.session_transaction() as session:
        session["opened_at"] = int(time.time()) - 12 * 3600 + 60
    assert client.post("/ankieta/sesja").status_code == 200  # activity does not extend it
    with client.session_transaction() as session:
        session["opened_at"] = int(time.time()) - 12 * 3600 - 1
    page = client.get("/ankieta/sekcja/d1")
    assert page.status_code == 401
    assert "12 h po otwarciu linku" in page.text
    reply = client.post("/ankieta/sesja")
    assert reply.status_code == 401
    assert reply.json["status"] == "expired"


def test_session_lifetime_is_configurable(app, world, client):
    app.config["ESMON_SESSION_MAX_SECONDS"] = 3600
    _opened(app, world, client)
    with client.session_transaction() as session:
        session["opened_at"] = int(time.time()) - 3601
    assert client.get("/ankieta").status_code == 401


def test_a_session_without_its_opening_record_is_expired_not_replaced(app, world, client):
    _opened(app, world, client)
    with client.session_transaction() as session:
        del session["link_generation"]
    page = client.get("/ankieta")
    assert page.status_code == 401
    assert "Sesja wygasła" in page.text


# --- staff sessions --------------------------------------------------------------------------

def _staff_login(app, staff_user):
    staff_user("admin@rops.example.pl", "admin")
    client = app.test_client()
    page = client.post("/logowanie", data={"email": "admin@rops.example.pl",
                                           "password": STAFF_PASSWORD})
    assert page.status_code == 302
    return client


def _copy_cookie(source, target) -> None:
    cookie = source.get_cookie("session")
    target.set_cookie("session", cookie.value)


def test_logout_ends_a_copied_session_cookie(app, staff_user):
    staff = _staff_login(app, staff_user)
    thief = app.test_client()
    _copy_cookie(staff, thief)
    assert thief.get("/admin/").status_code == 200  # the copy works while the owner is in
    assert staff.post("/wyloguj").status_code == 302
    page = thief.get("/admin/")
    assert page.status_code == 302
    assert "/logowanie" in page.headers["Location"]
    with app.app_context():
        from models import AuditEvent

        assert db.session.scalars(select(AuditEvent.action)).all()[-1] == "logout"
    # logging in again works, with a new session; the stolen copy stays dead
    fresh = app.test_client()
    assert fresh.post("/logowanie", data={"email": "admin@rops.example.pl",
                                          "password": STAFF_PASSWORD}).status_code == 302
    assert fresh.get("/admin/").status_code == 200
    assert thief.get("/admin/").status_code == 302


def test_login_starts_a_clean_session_but_keeps_the_language(app, world, staff_user):
    token = world.invite(world.round("jst-annual"), world.unit(contact_person="Anna Nowak"))
    staff_user("admin@rops.example.pl", "admin")
    client = app.test_client()
    client.get("/jezyk/en")
    assert client.get(f"/r/{token}").status_code == 303  # a respondent session first
    with client.session_transaction() as session:
        session["planted"] = "przez napastnika"
    client.post("/logowanie", data={"email": "admin@rops.example.pl",
                                    "password": STAFF_PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "invitation_id" not in session
        assert session["lang"] == "en"
        assert session["_user_id"].endswith(":1")


def test_pages_are_not_kept_in_a_browser_cache(app, world, client, staff_user):
    _opened(app, world, client)
    for path in ("/ankieta", "/ankieta/sekcja/d1", "/ankieta/przeglad"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    assert client.post("/ankieta/sesja").headers["Cache-Control"] == "no-store"
    staff = _staff_login(app, staff_user)
    for path in ("/admin/", "/admin/jednostki/", "/admin/poczta/", "/logowanie"):
        page = staff.get(path)
        assert page.headers["Cache-Control"] == "no-store", (path, page.status_code)
    static = client.get("/static/css/esmon.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
