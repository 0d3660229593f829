"""The questionnaires the application knows: loaded from files, or from a stored version text."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from forms.builder import SectionForm, build_forms
from forms.kinds import load_kinds_file
from forms.loader import (
    FOLLOWS_PREFIX,
    definition_files,
    load_survey_file,
    load_survey_text,
)
from forms.model import Survey
from forms.problems import DefinitionError, Problem


@dataclass(frozen=True)
class LoadedSurvey:
    """A checked definition with its section forms, built once."""

    survey: Survey
    forms: dict[str, type[SectionForm]]
    source_text: str


def follow_up_problems(surveys: dict[str, Survey]) -> list[Problem]:
    """A follow-up (``follows``) must name a loaded questionnaire, and each of its
    ``prefill: follows.<id>`` a question of it."""
    problems = []
    for survey in surveys.values():
        if not survey.follows:
            continue
        followed = surveys.get(survey.follows)
        if followed is None:
            problems.append(Problem(survey.source_name, 1, "unknown_follows",
                                    f"'follows: {survey.follows}' — nie ma takiej ankiety "
                                    "w folderze definicji."))
            continue
        ids = {q.id for q in followed.questions}
        for question in survey.questions:
            source = question.prefill or ""
            if source.startswith(FOLLOWS_PREFIX) and source[len(FOLLOWS_PREFIX):] not in ids:
                problems.append(Problem(
                    survey.source_name, question.line, "unknown_follows",
                    f"Ankieta '{survey.follows}' nie ma pytania "
                    f"'{source[len(FOLLOWS_PREFIX):]}'.", question.id))
    return problems


class SurveyRegistry:
    """Definitions by key (from ``survey_defs/``) and by checksum (any stored version)."""

    def __init__(self, form_base: type[SectionForm] = SectionForm) -> None:
        #: the class generated section forms derive from (the web app adds CSRF to it)
        self.form_base = form_base
        self.by_key: dict[str, LoadedSurvey] = {}
        self._by_checksum: dict[str, LoadedSurvey] = {}

    @classmethod
    def from_directory(cls, directory: Path | str,
                       form_base: type[SectionForm] = SectionForm) -> SurveyRegistry:
        """Load every definition in a folder.

        :raise DefinitionError: listing every problem in every file; nothing is loaded then.
        """
        registry = cls(form_base)
        problems: list[Problem] = list(load_kinds_file()[1])
        for path in definition_files(Path(directory)):
            survey, found = load_survey_file(path)
            problems += found
            if survey is None:
                continue
            if survey.key in registry.by_key:
                problems.append(Problem(path.name, 1, "duplicate_key",
                                        f"Ankieta '{survey.key}' jest już w innym pliku."))
                continue
            registry.add(survey, path.read_text(encoding="utf-8"))
        problems += follow_up_problems({k: v.survey for k, v in registry.by_key.items()})
        if problems:
            raise DefinitionError(problems)
        return registry

    def add(self, survey: Survey, source_text: str) -> LoadedSurvey:
        loaded = LoadedSurvey(survey, build_forms(survey, self.form_base), source_text)
        self.by_key.setdefault(survey.key, loaded)
        self._by_checksum[survey.checksum] = loaded
        return loaded

    def from_source(self, source_text: str, name: str) -> LoadedSurvey:
        """The definition stored with a questionnaire version (parsed once per checksum)."""
        checksum = hashlib.sha256(source_text.encode()).hexdigest()
        if checksum in self._by_checksum:
            return self._by_checksum[checksum]
        survey, problems = load_survey_text(source_text, name)
        if survey is None:
            raise DefinitionError(problems)
        loaded = LoadedSurvey(survey, build_forms(survey, self.form_base), source_text)
        self._by_checksum[checksum] = loaded
        return loaded

    def parsed(self, checksum: str) -> LoadedSurvey | None:
        """The definition of this checksum if this process has parsed it (a dict lookup: the
        respondent's every request asks, and need not read the stored text to answer)."""
        return self._by_checksum.get(checksum)

    def by_checksum(self, checksum: str) -> LoadedSurvey | None:
        """A definition this process already loaded, by its checksum (no database needed)."""
        return next((loaded for loaded in self._by_checksum.values()
                     if loaded.survey.checksum == checksum), None)

    def __iter__(self):
        return iter(self.by_key.values())
