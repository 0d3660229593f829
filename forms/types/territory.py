"""A gmina or powiat from the unit register (TERYT), one or several.

The options are not in the definition: the service fills them per request from the register
(``register_choices``), and pages show register names for the stored codes (``names``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from wtforms import Field

from forms.types.base import DefinitionReader, QuestionType, field_name
from forms.types.choices import ChoiceField, ChoicesField
from l10n import N_

if TYPE_CHECKING:
    from forms.model import Choice, Question
    from forms.yamlsource import LineDict

#: the register levels a territory question may offer
LEVELS = ("gmina", "powiat")


def _codes(stored: Any) -> list[str]:
    return stored if isinstance(stored, list) else ([stored] if stored else [])


class TerritoryType(QuestionType):
    name = "territory"
    xlsform_export = "text"
    xlsform_note = N_("gmina lub powiat z rejestru TERYT, zapisywany kod TERYT (esmon: territory)")
    keys = frozenset({"levels", "multiple"})
    value_kind = "code"
    widget = "select"
    field_class = ChoiceField
    required_message = N_("Wybierz z listy.")
    required_template = N_("Wybierz z listy wartość pola „%(label)s”.")
    register_choices = True

    def read_options(self, reader: DefinitionReader, raw: LineDict, qid: str | None,
                     choice_lists: Mapping[str, tuple[Choice, ...]],
                     common: Mapping[str, Any]) -> dict[str, Any]:
        levels = raw.get("levels", ["gmina"])
        if not isinstance(levels, list) or not levels or any(
                lv not in LEVELS for lv in levels):
            reader.problem(raw.line_of("levels"), "bad_value",
                           "Pole 'levels' to lista z 'gmina' i/lub 'powiat'.", qid)
            levels = ["gmina"]
        return {"levels": tuple(levels), "multiple": reader.flag(raw, "multiple", qid)}

    def value_kind_for(self, question: Question) -> str | None:
        return "codes" if question.multiple else "code"

    def widget_for(self, question: Question) -> str:
        if question.read_only:
            return "read_only"
        return "choices" if question.multiple else "select"

    def make_fields(self, question: Question) -> dict[str, Field]:
        cls = ChoicesField if question.multiple else ChoiceField
        return {field_name(question.id): cls(question.label, description=question.hint,
                                             choices=[], validate_choice=False)}

    def value_from_form(self, form: Any, question: Question) -> Any:
        field = form[field_name(question.id)]
        if question.multiple:
            return list(field.data or []) or None
        return None if field.process_errors else field.data

    def formdata(self, stored: Any, question: Question) -> dict[str, list[str]]:
        codes = _codes(stored)
        return {field_name(question.id): list(codes)} if codes else {}

    def display(self, stored: Any, question: Question,
                names: Mapping[str, str] | None = None) -> str:
        names = names or {}
        return "; ".join(names.get(code, code) for code in _codes(stored))

    def register_codes(self, stored: Any, question: Question) -> set[str]:
        return set(_codes(stored))
