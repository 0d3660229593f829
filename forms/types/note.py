"""A note: text between questions, with no answer of its own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from forms.types.base import DefinitionReader, QuestionType

if TYPE_CHECKING:
    from forms.model import Choice, Question
    from forms.yamlsource import LineDict


class NoteType(QuestionType):
    name = "note"
    xlsform_export = "note"
    xlsform_names = ("note",)
    value_kind = None
    widget = "note"
    field_class = None
    has_answer = False
    typed_in = False

    def read_options(self, reader: DefinitionReader, raw: LineDict, qid: str | None,
                     choice_lists: Mapping[str, tuple[Choice, ...]],
                     common: Mapping[str, Any]) -> dict[str, Any]:
        if common.get("constraints") or common.get("warnings") or "required" in raw:
            reader.problem(raw.line, "constraint_on_note",
                           "Notatka (type: note) nie ma odpowiedzi: bez "
                           "required/constraint/warning.", qid)
        return {}

    def widget_for(self, question: Question) -> str:
        return self.widget

    def field_names(self, question: Question) -> list[str]:
        return []
