"""A section's changes are written with one UPDATE, under the response's optimistic lock."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm.exc import StaleDataError

from extensions import db
from models import Response
from services.response_row import WRITTEN_KEY, write_changes


@pytest.fixture
def response_id(app, world) -> int:
    world.territories()
    token = world.invite(world.round("jst-annual"), world.unit("gmina", "160402"))
    client = app.test_client()
    client.get(f"/r/{token}")
    assert client.get("/ankieta").status_code == 200  # the response is made
    with app.app_context():
        return db.session.scalars(select(Response.id)).one()


def _statements(app) -> list[str]:
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *args: seen.append(statement))
    return seen


def test_changes_are_one_update_with_the_next_version_and_the_object_is_clean(app,
                                                                              response_id):
    with app.test_request_context():
        seen = _statements(app)
        response = db.session.get(Response, response_id)
        version, saved_at = response.version, response.updated_at
        seen.clear()
        write_changes(response, {"answers": {"liczba": 5}, "sections_saved": ["d1"]})
        assert [s.split()[0] for s in seen] == ["UPDATE"]
        assert "version" in seen[0].split("WHERE")[1]  # (the optimistic lock)
        assert response.version == version + 1
        assert response.answers == {"liczba": 5}
        assert response.updated_at >= saved_at
        assert not db.session.dirty  # nothing left for the ORM to write
        assert db.session.info[WRITTEN_KEY]
        db.session.commit()
    with app.app_context():
        stored = db.session.get(Response, response_id)
        assert (stored.answers, stored.sections_saved, stored.version) == (
            {"liczba": 5}, ["d1"], version + 1)


def test_a_save_that_lost_the_race_is_stale_and_writes_nothing(app, response_id):
    with app.test_request_context():
        response = db.session.get(Response, response_id)
        read = response.version
        # another save wins between this request's read and its write
        with db.engine.begin() as other:
            other.execute(update(Response.__table__).where(Response.id == response_id)
                          .values(version=read + 1, answers={"inne": 1}))
        with pytest.raises(StaleDataError):
            write_changes(response, {"answers": {"liczba": 5}})
        db.session.rollback()
    with app.app_context():
        stored = db.session.get(Response, response_id)
        assert (stored.answers, stored.version) == ({"inne": 1}, read + 1)


def test_a_response_changed_otherwise_too_is_written_by_the_orm_at_once(app, response_id):
    with app.test_request_context():
        response = db.session.get(Response, response_id)
        version = response.version
        response.review_comment = "do poprawy"  # (changed by something else this request)
        write_changes(response, {"answers": {"liczba": 7}})
        db.session.commit()
    with app.app_context():
        stored = db.session.get(Response, response_id)
        assert (stored.answers, stored.review_comment, stored.version) == (
            {"liczba": 7}, "do poprawy", version + 1)


def test_no_changes_write_nothing(app, response_id):
    with app.test_request_context():
        seen = _statements(app)
        response = db.session.get(Response, response_id)
        seen.clear()
        write_changes(response, {})
        assert seen == []
        assert WRITTEN_KEY not in db.session.info
