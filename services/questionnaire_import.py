"""Questionnaires imported from an XLSForm by an admin: previewed, then stored as a version.

The upload page shows what the import made of the workbook before anything is kept; saving
stores the checked YAML as a questionnaire version (the table rounds choose from), so every
worker of the application offers it at once, with no file to copy to ``survey_defs/``.
A key that ``survey_defs/`` already has is refused: the file would replace the version on the
next start (``sync_questionnaires``).
"""

from __future__ import annotations

import hashlib

from flask_babel import gettext
from sqlalchemy import select

from extensions import db
from forms.loader import load_survey_text
from forms.problems import Problem
from forms.xlsform import ImportResult, import_xlsform
from models import Questionnaire
from services.audit import record
from services.questionnaires import registry


class ImportRefused(ValueError):
    """The imported definition cannot be stored; the message (Polish) says why."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


def preview_xlsform(data: bytes, name: str, unit_kinds: list[str] | None) -> ImportResult:
    """What the workbook becomes (nothing is stored)."""
    return import_xlsform(data, name, unit_kinds=unit_kinds or None)


def save_imported(text: str, workbook_name: str) -> Questionnaire:
    """Store a previewed definition as a new questionnaire version (checked again: the text
    came back from the page).

    :raise ImportRefused: when the text has problems, the key belongs to a file in
        ``survey_defs/`` or the version is already stored
    """
    survey, problems = load_survey_text(text, workbook_name)
    if survey is None:
        raise ImportRefused(gettext("Definicja ma błędy — wczytaj plik ponownie."), problems)
    if survey.key in registry().by_key:
        raise ImportRefused(gettext(
            "Ankieta o kluczu „%(key)s” jest już w folderze survey_defs/. Zmień form_id "
            "w arkuszu settings.", key=survey.key))
    existing = db.session.scalar(select(Questionnaire).filter_by(key=survey.key,
                                                                 version=survey.version))
    if existing is not None:
        raise ImportRefused(gettext(
            "Wersja %(version)s ankiety „%(key)s” jest już zapisana. Podnieś version w arkuszu "
            "settings.", version=survey.version, key=survey.key))
    questionnaire = Questionnaire(
        key=survey.key, version=survey.version, title=survey.title, source_text=text,
        checksum=hashlib.sha256(text.encode()).hexdigest(), source_name=workbook_name[:200])
    db.session.add(questionnaire)
    db.session.flush()
    record("questionnaire_import", questionnaire,
           summary=f"{survey.key} v{survey.version} z {workbook_name}"[:500],
           after={"key": survey.key, "version": survey.version,
                  "questions": sum(1 for q in survey.questions if q.has_answer)})
    return questionnaire
