"""A respondent's page commits what the visit created, and only then."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from extensions import db
from models import Response

from support.valid_answers import VALID


@pytest.fixture
def commits(app) -> list[str]:
    """The paths of the requests that committed."""
    from flask import has_request_context, request

    done: list[str] = []

    def committed(session) -> None:
        if has_request_context():
            done.append(request.path)

    event.listen(db.session, "after_commit", committed)
    yield done
    event.remove(db.session, "after_commit", committed)


def test_a_page_that_changes_nothing_does_not_commit(app, world, client, commits):
    kind, teryt, _answers = VALID["jst-annual"]
    token = world.invite(world.round("jst-annual"), world.unit(kind, teryt))
    assert client.get(f"/r/{token}").status_code == 303  # the link is marked opened
    assert client.get("/ankieta").status_code == 200  # the response is made: committed
    assert commits == [f"/r/{token}", "/ankieta"]
    with app.app_context():
        assert db.session.scalars(select(Response)).one().status == "draft"
    for path in ("/ankieta", "/ankieta/sekcja/d1", "/ankieta/przeglad"):
        assert client.get(path).status_code == 200
    assert commits == [f"/r/{token}", "/ankieta"]  # nothing more to store
