"""No dead ends (issue 12, item 3): 404/410 pages carry the ROPS contact and a "send me a new
link" form that answers the same for any address, sends only to the registered one, is
rate-limited per address and per client, and is audited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app import create_app
from extensions import db
from models import AuditEvent, OutboxMessage

from support import World


@pytest.fixture
def app_config(app_config):
    """Keep messages in the outbox: the tests read what was queued."""
    app_config["MAIL_SEND_INLINE"] = False
    return app_config


def _messages(app) -> list[OutboxMessage]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _body(page) -> str:
    """The page's main content, without what differs per request (the CSRF token)."""
    main = re.search(r"<main.*?</main>", page.text, re.S).group(0)
    return re.sub(r'name="csrf_token"[^>]*', "", main)


def test_unknown_link_page_has_the_contact_and_the_new_link_form(client):
    page = client.get("/r/" + "x" * 43)
    assert page.status_code == 404
    assert "monitoring@rops.example.pl" in page.text
    assert "+48 77 000 00 01" in page.text
    assert 'action="/nowy-link"' in page.text
    assert "Wyślij mi nowy link" in page.text


def test_a_replaced_link_page_offers_a_new_link(app, world, client):
    from models import Invitation
    from services.rounds import reissue_token

    token = world.invite(world.round("jst-annual"), world.unit())
    with app.app_context():
        reissue_token(db.session.scalars(select(Invitation)).one())
        db.session.commit()
    page = client.get(f"/r/{token}")
    assert page.status_code == 410
    assert 'action="/nowy-link"' in page.text
    assert "Anna Kowalska" in page.text


def test_staff_404_has_the_contact_but_no_new_link_form(client):
    page = client.get("/panel/nie-ma-takiej-strony")
    assert page.status_code == 404
    assert "monitoring@rops.example.pl" in page.text
    assert 'action="/nowy-link"' not in page.text


def test_known_and_unknown_addresses_get_the_same_answer_and_only_the_known_a_link(
        app, world, client):
    unit = world.unit(emails="sekretariat@gmina.example.pl, es@gmina.example.pl")
    old_token = world.invite(world.round("jst-annual"), unit)
    known = client.post("/nowy-link", data={"email": " ES@gmina.example.pl "})
    unknown = client.post("/nowy-link", data={"email": "ES@gminb.example.pl"})
    assert known.status_code == unknown.status_code == 200
    assert _body(known).replace("gmina", "gminb") == _body(unknown)
    (message,) = _messages(app)
    assert message.kind == "invitation"
    assert message.recipients == ["sekretariat@gmina.example.pl", "es@gmina.example.pl"]
    assert client.get(f"/r/{old_token}").status_code == 303, "earlier links keep working"
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "new_link_request").order_by(AuditEvent.id)).all()
        assert [e.after["matched"] for e in events] == [1, 0]
        assert events[0].summary == "es@gmina.example.pl"
        assert events[1].summary.startswith("sha256:")
        assert "gminb" not in events[1].summary


def test_no_link_for_a_closed_round_or_a_withdrawn_unit(app, world, client):
    closed = world.unit(emails="zamknieta@example.pl")
    world.invite(world.round("jst-annual", status="closed"), closed)
    withdrawn = world.unit(emails="wycofana@example.pl")
    world.invite(world.round("cis-annual"), withdrawn)
    with app.app_context():
        from models import Invitation
        from models.types import utcnow

        invitation = db.session.scalars(select(Invitation).where(
            Invitation.unit_id == withdrawn)).one()
        invitation.withdrawn_at = utcnow()
        db.session.commit()
    for address in ("zamknieta@example.pl", "wycofana@example.pl"):
        assert client.post("/nowy-link", data={"email": address}).status_code == 200
    assert _messages(app) == []


def test_a_malformed_address_is_told_at_its_field(client):
    page = client.post("/nowy-link", data={"email": "jan.kowalski@"})
    assert page.status_code == 400
    assert 'id="email-error"' in page.text
    assert "Wpisz poprawny adres e-mail" in page.text
    assert 'value="jan.kowalski@"' in page.text


def test_requests_are_limited_per_address_and_per_client(app_config):
    app = create_app({**app_config, "RATELIMIT_ENABLED": True,
                      "ESMON_RATELIMIT_NEW_LINK": "5/hour",
                      "ESMON_RATELIMIT_NEW_LINK_ADDRESS": "3/hour"}, read_environment=False)
    with app.app_context():
        db.create_all()
    world = World(app)
    world.territories()
    world.invite(world.round("jst-annual"), world.unit(emails="es@gmina.example.pl"))
    client = app.test_client()
    for _ in range(3):
        assert client.post("/nowy-link", data={"email": "es@gmina.example.pl"}).status_code == 200
    refused = client.post("/nowy-link", data={"email": "ES@gmina.example.pl"},
                          environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert refused.status_code == 429, "the address has its own count, whatever the client"
    assert "Zbyt wiele prób" in refused.text
    assert len(_messages(app)) == 3
    assert client.post("/nowy-link", data={"email": "inny@example.pl"}).status_code == 200
    assert client.post("/nowy-link", data={"email": "trzeci@example.pl"}).status_code == 200
    assert client.post("/nowy-link", data={"email": "czwarty@example.pl"}).status_code == 429
    with app.app_context():
        db.session.remove()
        db.drop_all()
