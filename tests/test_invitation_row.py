"""The respondent's invitation read as one SQL row: the same objects as the ORM's query."""

from __future__ import annotations

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import joinedload

from extensions import db
from models import Invitation, Response, Round
from services.invitation_row import _LEFT_OUT, load_invitation


def _invitation_id(world) -> int:
    world.territories()
    world.invite(world.round("jst-annual"), world.unit("gmina", "160402"))
    with world.app.app_context():
        return db.session.scalars(select(Invitation.id)).one()


def _statements(app) -> list[str]:
    seen: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda conn, cursor, statement, *args: seen.append(statement))
    return seen


def _columns(instance) -> dict:
    return {attr.key: getattr(instance, attr.key) for attr in inspect(instance).mapper.column_attrs
            if not attr.deferred}


def test_the_row_gives_the_objects_the_orm_gives(app, world):
    invitation_id = _invitation_id(world)
    with app.app_context():
        response = Response(invitation_id=invitation_id, answers={"a": 1}, warnings={},
                            sections_saved=["d1"], carried_over=[], status="draft",
                            question_notes={})
        db.session.add(response)
        db.session.commit()
    with app.app_context():
        orm = db.session.scalars(select(Invitation).where(Invitation.id == invitation_id)
                                 .options(joinedload(Invitation.response),
                                          joinedload(Invitation.round)
                                          .joinedload(Round.organisation))).unique().one()
        expected = [_columns(o) for o in (orm, orm.round, orm.round.questionnaire,
                                          orm.round.organisation, orm.unit, orm.unit.territory,
                                          orm.response)]
    statements = _statements(app)
    with app.app_context():
        invitation = load_invitation(db.session(), invitation_id)
        assert invitation is not None
        got = [invitation, invitation.round, invitation.round.questionnaire,
               invitation.round.organisation, invitation.unit, invitation.unit.territory,
               invitation.response]
        assert len(statements) == 1  # the relationships were filled in by the row
        assert invitation.response.invitation is invitation
        assert all(inspect(o).persistent for o in got)
        assert not db.session.dirty
        assert not db.session.new
        assert [_columns(o) for o in got] == expected  # the columns left out: read when asked
        assert len(statements) == 1 + len(_LEFT_OUT)  # one read each of those objects
        assert not db.session.dirty
        assert invitation.round.questionnaire.source_text  # deferred: read when asked for
        assert len(statements) == 2 + len(_LEFT_OUT)


def test_a_save_of_the_loaded_response_is_version_checked(app, world):
    invitation_id = _invitation_id(world)
    with app.app_context():
        db.session.add(Response(invitation_id=invitation_id, answers={}, warnings={},
                                sections_saved=[], carried_over=[], status="draft",
                                question_notes={}))
        db.session.commit()
    with app.app_context():
        response = load_invitation(db.session(), invitation_id).response
        version = response.version
        response.answers = {"a": 2}
        db.session.commit()
        assert response.version == version + 1
    with app.app_context():
        stored = db.session.scalars(select(Response)).one()
        assert (stored.answers, stored.version) == ({"a": 2}, version + 1)


def test_an_invitation_without_a_response_and_one_that_is_not_there(app, world):
    invitation_id = _invitation_id(world)
    with app.app_context():
        invitation = load_invitation(db.session(), invitation_id)
        assert invitation is not None
        assert invitation.response is None
        assert load_invitation(db.session(), invitation_id + 1000) is None


def test_an_object_the_session_holds_is_used_as_it_is(app, world):
    invitation_id = _invitation_id(world)
    with app.app_context():
        held = db.session.get(Invitation, invitation_id)
        held.withdrawn_reason = "zmiana tego żądania"
        round_ = held.round
        invitation = load_invitation(db.session(), invitation_id)
        assert invitation is held
        assert invitation.round is round_
        assert invitation.withdrawn_reason == "zmiana tego żądania"  # not overwritten
        assert held in db.session.dirty


def test_a_respondent_visit_never_reads_the_columns_left_out(app, world, client):
    """Left out of the row because no respondent page reads them: a page that did would
    read them again, object by object, on every request."""
    world.territories()
    token = world.invite(world.round("jst-annual"), world.unit("gmina", "160402"))
    statements = _statements(app)
    client.get(f"/r/{token}")
    client.get("/ankieta")
    for page in ("/ankieta/sekcja/d1", "/ankieta/sekcja/d6", "/ankieta/przeglad"):
        assert client.get(page).status_code == 200
    assert client.post("/ankieta/sekcja/d6", data={
        "action": "draft", "q_pracownicy_przeszkoleni": "4"}).status_code == 302
    left_out = {f"{model.__tablename__}.{key}" for model, keys in _LEFT_OUT.items()
                for key in keys}

    def reads_left_out(statement: str) -> bool:  # the load of an object's expired columns
        columns = statement.removeprefix("SELECT ").split(" \nFROM ")[0].split(", ")
        return statement.startswith("SELECT ") and set(columns) <= left_out

    assert statements
    assert not [s for s in statements if reads_left_out(s)]
