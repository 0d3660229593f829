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


def test_a_draft_saved_again_unchanged_sends_no_update(app, world, client):
    world.territories()
    token = world.invite(world.round("jst-annual"), world.unit("gmina", "160402"))
    client.get(f"/r/{token}")
    updates: list[str] = []
    flushes: list[int] = []  # a flush with something to do (a clean session skips it)
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda conn, cursor, statement, *args: updates.append(statement)
                     if statement.startswith("UPDATE responses") else None)

    def flushed_something(session, context) -> None:
        flushes.append(1)

    event.listen(db.session, "after_flush", flushed_something)
    try:
        _save_thrice(app, client, updates, flushes)
    finally:
        event.remove(db.session, "after_flush", flushed_something)


def _save_thrice(app, client, updates: list[str], flushes: list[int]) -> None:
    """The same draft twice, then a changed one."""

    def save(value: str) -> int:
        reply = client.post("/ankieta/sekcja/d6", data={
            "action": "draft", "q_pracownicy_przeszkoleni": value})
        assert reply.status_code == 302
        with app.app_context():
            return db.session.scalars(select(Response)).one().version

    first = save("4")
    assert len(updates) == 1
    flushed = len(flushes)
    assert save("4") == first  # the same answers: the response stays as it was
    assert len(updates) == 1
    assert len(flushes) == flushed  # nothing was even marked changed
    assert save("5") == first + 1  # a change is stored, with its version
    assert len(updates) == 2


def test_a_draft_saved_again_unchanged_commits_nothing(app, world, client, commits):
    world.territories()
    token = world.invite(world.round("jst-annual"), world.unit("gmina", "160402"))
    client.get(f"/r/{token}")
    client.get("/ankieta")
    path = "/ankieta/sekcja/d6"

    def save(value: str) -> None:
        reply = client.post(path, data={"action": "draft", "q_pracownicy_przeszkoleni": value})
        assert reply.status_code == 302

    save("4")
    assert commits[-1] == path  # a change: committed
    done = len(commits)
    save("4")
    assert len(commits) == done  # the same draft: nothing to commit
    save("5")
    assert commits[-1] == path
    assert len(commits) == done + 1
    with app.app_context():
        assert db.session.scalars(select(Response)).one().answers[
            "pracownicy_przeszkoleni"] == 5
