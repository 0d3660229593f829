""""w tym" questions: which question each one is a part of, for the page and for paper.

Definitions write a breakdown as a question of its own whose label starts with "w tym"
("w tym kobiety" under "Liczba uczestników"). Its parent is the question its own rules compare
it with (``. <= ${uczestnicy_ogolem}``), else the nearest question before it in the section that
is not a "w tym" itself: the page nests it under that question, visually and for screen readers.
"""

from __future__ import annotations

import re

from forms.expressions.tree import references
from forms.model import Question, Section, Survey

#: "w tym", "w tym:", "W tym (spośród …)" at the start of a label
_PART_LABEL = re.compile(r"^\s*w\s+tym\b", re.IGNORECASE)


def is_part_label(label: str) -> bool:
    """The label says the question is a breakdown of another ("w tym …")."""
    return bool(_PART_LABEL.match(label or ""))


def parts_of(survey: Survey) -> dict[str, str]:
    """``{question id: parent question id}`` for every "w tym" question of the survey."""
    found: dict[str, str] = {}
    for section in survey.sections:
        found.update(_section_parts(section))
    return found


def _section_parts(section: Section) -> dict[str, str]:
    found: dict[str, str] = {}
    earlier: list[Question] = []
    for question in section.questions:
        if question.has_answer and is_part_label(question.label):
            parent = _compared_parent(question, earlier) or _nearest_whole(earlier)
            if parent is not None:
                found[question.id] = parent.id
        if question.has_answer:
            earlier.append(question)
    return found


def _compared_parent(question: Question, earlier: list[Question]) -> Question | None:
    """The earlier non-"w tym" question the rules of ``question`` compare it with."""
    named: set[str] = set()
    for check in (*question.constraints, *question.warnings):
        named |= references(check.rule)
    for candidate in reversed(earlier):
        if candidate.id in named and not is_part_label(candidate.label):
            return candidate
    return None


def _nearest_whole(earlier: list[Question]) -> Question | None:
    for candidate in reversed(earlier):
        if not is_part_label(candidate.label):
            return candidate
    return None
