"""The small holes: huge ids and page numbers, login timing, locks per account and address."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from extensions import db
from models import AuditEvent, LoginAttempt

from support import STAFF_PASSWORD

HUGE = "99999999999999999999"


def _admin(app, staff_user, email="admin@rops.example.pl"):
    staff_user(email, "admin")
    client = app.test_client()
    assert client.post("/logowanie", data={"email": email,
                                           "password": STAFF_PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("path", [
    f"/admin/poczta/{HUGE}", f"/admin/rundy/{HUGE}", f"/admin/jednostki/{HUGE}",
    f"/admin/poczta/{2**31}",
])
def test_ids_beyond_the_database_integers_are_404(app, staff_user, path):
    admin = _admin(app, staff_user)
    assert admin.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/admin/poczta/", "/admin/dziennik/", "/admin/jednostki/"])
def test_huge_page_numbers_are_clamped(app, staff_user, path):
    admin = _admin(app, staff_user)
    for page in (HUGE, "-5", "abc", str(2**40)):
        reply = admin.get(f"{path}?strona={page}")
        assert reply.status_code == 200, (path, page, reply.status_code)


def test_an_export_for_a_huge_round_id_is_a_message(app, staff_user):
    admin = _admin(app, staff_user)
    reply = admin.get(f"/admin/zestawienia/?runda={HUGE}")
    assert reply.status_code in (200, 400)


def _fail(client, email, times):
    for _ in range(times):
        client.post("/logowanie", data={"email": email, "password": "zle-haslo-123"},
                    environ_base={"REMOTE_ADDR": client.address})


def _client(app, address):
    client = app.test_client()
    client.address = address
    return client


def test_a_guesser_locks_only_the_account_from_their_own_address(app, staff_user):
    staff_user("admin@rops.example.pl", "admin")
    guesser = _client(app, "203.0.113.9")
    _fail(guesser, "admin@rops.example.pl", 5)
    page = guesser.post("/logowanie", data={"email": "admin@rops.example.pl",
                                            "password": STAFF_PASSWORD},
                        environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert page.status_code == 429  # even the right password is not checked now
    owner = app.test_client()
    page = owner.post("/logowanie", data={"email": "admin@rops.example.pl",
                                          "password": STAFF_PASSWORD},
                      environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert page.status_code == 302  # the real user, elsewhere, still gets in


def test_an_admin_lifts_a_lock(app, staff_user):
    staff_user("koordynator@rops.example.pl", "coordinator")
    colleague = _client(app, "192.0.2.44")
    _fail(colleague, "koordynator@rops.example.pl", 5)
    admin = _admin(app, staff_user)
    page = admin.get("/admin/logowanie/blokady")
    assert page.status_code == 200
    assert "koordynator@rops.example.pl" in page.text
    assert "192.0.2.44" in page.text
    reply = admin.post("/admin/logowanie/blokady/odblokuj",
                       data={"remote_addr": "192.0.2.44",
                             "email": "koordynator@rops.example.pl"})
    assert reply.status_code == 302
    assert "Żadne logowanie nie jest teraz zablokowane" in admin.get(
        "/admin/logowanie/blokady").text
    page = colleague.post("/logowanie", data={"email": "koordynator@rops.example.pl",
                                              "password": STAFF_PASSWORD},
                          environ_base={"REMOTE_ADDR": "192.0.2.44"})
    assert page.status_code == 302
    with app.app_context():
        assert "login_unlock" in db.session.scalars(select(AuditEvent.action)).all()
        assert db.session.scalars(select(LoginAttempt.cleared_at)
                                  .where(LoginAttempt.succeeded.is_(False))).all()


def test_coordinators_cannot_lift_locks(app, login):
    coordinator = login("coordinator")
    assert coordinator.get("/admin/logowanie/blokady").status_code == 403
    assert coordinator.post("/admin/logowanie/blokady/odblokuj",
                            data={"remote_addr": "1.2.3.4"}).status_code == 403


def test_an_unknown_email_costs_as_much_as_a_wrong_password(app, staff_user, monkeypatch):
    """A dummy hash is checked for unknown accounts: the same work, counted here."""
    import werkzeug.security

    import services.auth

    staff_user("admin@rops.example.pl", "admin")
    checked = []
    real = werkzeug.security.check_password_hash
    monkeypatch.setattr(services.auth, "check_password_hash",
                        lambda stored, password: checked.append(stored) or real(stored,
                                                                              password))
    client = app.test_client()
    client.post("/logowanie", data={"email": "nikt@rops.example.pl", "password": "x" * 12})
    assert len(checked) == 1  # (how long it takes is a benchmark's business, not a test's)
    assert checked[0].startswith("scrypt:")


def test_reads_of_personal_data_are_in_the_audit_log(app, world, staff_user):
    from models import OutboxMessage, Response

    from support.smtp import queue_invitations

    round_id = world.round("jst-annual")
    token = world.invite(round_id, world.unit(contact_person="Anna Nowak"))
    respondent = app.test_client()
    respondent.get(f"/r/{token}")
    respondent.get("/ankieta")
    queue_invitations(app, world, 1)
    with app.app_context():
        response_id = db.session.scalar(select(Response.id))
        message_id = db.session.scalar(select(OutboxMessage.id))
    admin = _admin(app, staff_user)
    assert admin.get(f"/admin/odpowiedzi/{response_id}").status_code == 200
    assert admin.get(f"/admin/poczta/{message_id}").status_code == 200
    assert admin.get(f"/admin/zestawienia/?runda={round_id}&rodzaj=raw&pokaz=1"
                     ).status_code == 200
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
        summaries = dict(db.session.execute(select(AuditEvent.action, AuditEvent.summary)).all())
    assert {"response_view", "mail_view", "raw_data_view"} <= set(actions)
    assert "admin@rops.example.pl" not in summaries["response_view"]
    page = admin.get("/admin/dziennik/?akcja=response_view")
    assert "wgląd w odpowiedź jednostki" in page.text
