"""Questionnaire versions in the database and the definitions behind rounds."""

from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from sqlalchemy import select

from extensions import db
from forms.builder import SectionForm
from forms.registry import LoadedSurvey, SurveyRegistry
from models import Questionnaire, Round


class VersionConflict(Exception):
    """A definition file changed but kept the version number of one already used by a round."""


class WebSectionForm(SectionForm, FlaskForm):
    """Section forms on the web: the request's data.

    No token field of their own: ``CSRFProtect`` checks the token of every POST before any
    view runs, and the pages write it with ``csrf_token()``; a form-level token was made
    (signed) for every form and never shown.
    """

    class Meta:
        csrf = False


def registry() -> SurveyRegistry:
    return current_app.extensions["esmon_surveys"]


def sync_questionnaires() -> list[Questionnaire]:
    """Store every loaded definition as a questionnaire version; returns the current rows.

    A version nobody has used yet is refreshed from its file; a used one is immutable.

    :raise VersionConflict: when a used version's text changed without a new ``version``.
    """
    rows = []
    for loaded in registry():
        survey = loaded.survey
        row = db.session.scalar(select(Questionnaire).filter_by(key=survey.key,
                                                                version=survey.version))
        if row is None:
            row = Questionnaire(key=survey.key, version=survey.version)
            db.session.add(row)
        elif row.checksum != survey.checksum and row.rounds:
            raise VersionConflict(
                f"{survey.source_name}: treść zmieniono, a wersja {survey.version} jest "
                f"już używana w rundzie — podnieś 'version'.")
        row.title, row.source_text = survey.title, loaded.source_text
        row.checksum, row.source_name = survey.checksum, survey.source_name
        rows.append(row)
    db.session.flush()
    return rows


def survey_for_round(round_: Round) -> LoadedSurvey:
    """The definition a round was launched with (its stored text, not today's file).

    Found by the stored checksum when this process has parsed it already, so the text
    (deferred: ``Questionnaire.source_text``) is read from the database only the first time.
    """
    questionnaire = round_.questionnaire
    return (registry().parsed(questionnaire.checksum)
            or registry().from_source(questionnaire.source_text, questionnaire.source_name))
