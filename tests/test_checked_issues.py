"""A stored version of a response is checked for issues once; any change checks it again."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

import services.responses as responses
from extensions import db
from models import Response
from services.questionnaires import survey_for_round
from services.responses import submission_issues

from support.respondent import section_post
from support.valid_answers import VALID


@pytest.fixture
def checks(monkeypatch) -> list[int]:
    """How many times the issues were worked out (response ids)."""
    worked_out: list[int] = []
    real = responses._checked_issues

    def counted(response, loaded, situation):
        worked_out.append(response.id)
        return real(response, loaded, situation)

    monkeypatch.setattr(responses, "_checked_issues", counted)
    return worked_out


def _started(world, client, key="jst-annual") -> None:
    kind, teryt, _answers = VALID[key]
    token = world.invite(world.round(key), world.unit(kind, teryt))
    assert client.get(f"/r/{token}").status_code == 303
    assert client.get("/ankieta").status_code == 200  # creates the response


def _survey(app):
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        return survey_for_round(response.invitation.round).survey


def _issues(app) -> list:
    with app.test_request_context(), force_locale("pl"):
        response = db.session.scalars(select(Response)).one()
        return submission_issues(response, survey_for_round(response.invitation.round))


def test_the_same_stored_version_is_checked_once(app, world, client, checks):
    _started(world, client)
    assert checks == []  # nothing saved yet: the start page needs no checks
    first = _issues(app)
    assert first
    assert _issues(app) == first  # the review, then the submit
    assert checks == [1]
    assert client.get("/ankieta").status_code == 200
    assert checks == [1]


def test_the_start_page_checks_once_a_section_is_saved(app, world, client, checks):
    _started(world, client)
    survey = _survey(app)
    section = survey.sections[0]
    data = section_post(survey, section.id, VALID["jst-annual"][2], action="draft")
    assert client.post(f"/ankieta/sekcja/{section.id}", data=data).status_code == 302
    assert client.get("/ankieta").status_code == 200
    assert checks == [1]


def test_a_saved_section_or_another_language_is_checked_again(app, world, client, checks):
    _started(world, client)
    key = "jst-annual"
    before = _issues(app)
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        survey = survey_for_round(response.invitation.round).survey
        section = survey.sections[0]
    page = client.get(f"/ankieta/sekcja/{section.id}")
    version = next(line for line in page.text.splitlines() if 'name="version"' in line)
    data = section_post(survey, section.id, VALID[key][2], action="draft")
    data["version"] = [version.split('value="')[1].split('"')[0]]
    assert client.post(f"/ankieta/sekcja/{section.id}", data=data).status_code == 302
    checks.clear()
    after = _issues(app)
    assert checks == [1]
    assert len(after) < len(before)
    with app.test_request_context(), force_locale("en"):
        response = db.session.scalars(select(Response)).one()
        english = submission_issues(response, survey_for_round(response.invitation.round))
    assert checks == [1, 1]
    assert [i.question.id for i in english] == [
        i.question.id for i in after]


def test_answers_changed_but_not_stored_are_checked_as_they_are(app, world, client, checks):
    _started(world, client)
    _issues(app)
    checks.clear()
    with app.test_request_context(), force_locale("pl"):
        response = db.session.scalars(select(Response)).one()
        loaded = survey_for_round(response.invitation.round)
        stored = submission_issues(response, loaded)
        response.answers = {**VALID["jst-annual"][2]}
        unsaved = submission_issues(response, loaded)
        db.session.rollback()
    assert checks == [1]
    assert len(unsaved) < len(stored)
