"""Raw data with answer labels: the question's text over its code, labels in the cells.

The coded export is what analysts load into a statistics package; the labelled one is what a
person reads in a spreadsheet — LimeSurvey's "full answers". Both are written from the same
frame, row for row: only single and multiple choice cells change (their stored values become
the labels of the definition's list, several joined with ``; ``); numbers, texts and the
unit's attributes stay as they are. A value no longer in the list (an older version) stays
as its code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from reports.frame import MULTI_SEPARATOR, Column, ReportFrame

LABEL_SEPARATOR = "; "


def code_labels(frame: ReportFrame, column: Column) -> dict[str, str] | None:
    """Stored value → label for a choice column; ``None`` for columns shown as they are."""
    if column.kind not in ("single", "multi"):
        return None
    question = frame.survey.question(column.question_id)
    return {choice.value: choice.label for choice in question.choices} or None


def labelled(values: Sequence[Any], column: Column, labels: dict[str, str]) -> list[Any]:
    """A choice column's cells with labels instead of codes (empty cells stay empty)."""
    if column.kind == "multi":
        return [None if v is None else LABEL_SEPARATOR.join(
                    labels.get(code, code) for code in str(v).split(MULTI_SEPARATOR))
                for v in values]
    return [None if v is None else labels.get(str(v), v) for v in values]


def header_labels(attributes: Sequence[str], columns: Sequence[Column],
                  attribute_labels: dict[str, str], translate: Callable[[str], str]
                  ) -> list[str]:
    """The first header row of a labelled export: attribute descriptions, question texts."""
    return [*(translate(attribute_labels[a]) for a in attributes),
            *(column.label for column in columns)]
