"""Personal links: wrong, replaced, expired and not-yet-open links get a clear page."""

from __future__ import annotations

from sqlalchemy import select

from extensions import db
from models import Invitation, InvitationToken, Round
from services.rounds import reissue_token
from services.tokens import hash_token


def test_wrong_token_is_404_in_polish(client, world):
    page = client.get("/r/nie-ma-takiego-linku")
    assert page.status_code == 404
    assert "Nie znaleziono strony" in page.text
    assert 'lang="pl"' in page.text


def test_overlong_token_is_404(client, world):
    assert client.get("/r/" + "x" * 5000).status_code == 404


def test_replaced_token_is_410_and_new_one_works(app, client, world):
    unit = world.unit()
    old = world.invite(world.round("jst-annual"), unit)
    with app.app_context():
        invitation = db.session.scalars(select(Invitation)).one()
        new = reissue_token(invitation)
        db.session.commit()
        assert db.session.get(InvitationToken, hash_token(new)).revoked_at is None
        assert db.session.get(InvitationToken, hash_token(old)).revoked_at is not None
    page = client.get(f"/r/{old}")
    assert page.status_code == 410
    assert "zastąpiony nowym" in page.text
    assert client.get(f"/r/{new}").status_code == 303


def test_closed_round_is_410(app, client, world):
    token = world.invite(world.round("jst-annual", status="closed"), world.unit())
    page = client.get(f"/r/{token}")
    assert page.status_code == 410
    assert "Badanie zostało zakończone" in page.text


def test_round_not_yet_open_is_403(client, world):
    token = world.invite(world.round("jst-annual", status="draft"), world.unit())
    page = client.get(f"/r/{token}")
    assert page.status_code == 403
    assert "jeszcze się nie rozpoczęło" in page.text


def test_closing_the_round_stops_an_open_session(app, client, world):
    round_id = world.round("jst-annual")
    token = world.invite(round_id, world.unit())
    assert client.get(f"/r/{token}").status_code == 303
    with app.app_context():
        db.session.get(Round, round_id).status = "closed"
        db.session.commit()
    page = client.get("/ankieta/sekcja/d1")
    assert page.status_code == 410


def test_questionnaire_pages_need_an_opened_link(client, world):
    page = client.get("/ankieta")
    assert page.status_code == 401
    assert "Otwórz ankietę ponownie" in page.text


def test_unknown_section_is_404(client, world):
    token = world.invite(world.round("jst-annual"), world.unit())
    client.get(f"/r/{token}")
    assert client.get("/ankieta/sekcja/nie-ma").status_code == 404
