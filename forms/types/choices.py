"""Options from a list in the definition: yes/no, one of several, several of several."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from wtforms import RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from forms.model import Choice
from forms.types.base import DefinitionReader, QuestionType, field_name
from l10n import N_

if TYPE_CHECKING:
    from forms.model import Question
    from forms.yamlsource import LineDict

#: the options of every yes/no question; ``yes`` and ``no`` are what is stored
YES_NO_CHOICES = (Choice("yes", "Tak"), Choice("no", "Nie"))


class ChoiceField(RadioField):
    """One option of a list; a value outside the list is refused in Polish."""

    def pre_validate(self, form) -> None:
        if self.data is not None and self.data not in {c.value for c in self.choices or ()}:
            raise ValidationError(N_("Wybierz jedną z podanych odpowiedzi."))

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = valuelist[0] if valuelist and valuelist[0] != "" else None


class ChoicesField(SelectMultipleField):
    """Several options of a list, as checkboxes."""

    def pre_validate(self, form) -> None:
        allowed = {c.value for c in self.choices or ()}
        if any(v not in allowed for v in self.data or ()):
            raise ValidationError(N_("Zaznacz odpowiedzi spośród podanych."))

    def process_formdata(self, valuelist: list[str]) -> None:
        seen: list[str] = []
        for value in valuelist:
            if value not in seen:
                seen.append(value)
        self.data = seen


def select_choices(question: Question) -> list[SelectChoice]:
    return [SelectChoice(c.value, c.label) for c in question.choices]


def read_choices(reader: DefinitionReader, raw: LineDict, qid: str | None,
                 choice_lists: Mapping[str, tuple[Choice, ...]]) -> tuple[Choice, ...]:
    """``choices:`` as the name of a shared list or as a list of ``{value, label}``."""
    ref = raw.get("choices")
    if isinstance(ref, str):
        if ref not in choice_lists:
            reader.problem(raw.line_of("choices"), "unknown_choice_list",
                           f"Nie ma listy odpowiedzi '{ref}' w 'choice_lists'.", qid)
        return choice_lists.get(ref, ())
    return reader.choices(ref, raw.line_of("choices"), qid)


class SingleChoiceType(QuestionType):
    """One option of a list, as radio buttons."""

    name = "single_choice"
    xlsform_export = "select_one"
    xlsform_names: ClassVar[tuple[str, ...]] = ("select_one",)
    keys = frozenset({"choices"})
    value_kind = "code"
    widget = "choices"
    field_class = ChoiceField
    required_message = N_("Wybierz jedną odpowiedź.")
    required_template: ClassVar[str | None] = N_("Wybierz jedną odpowiedź w polu „%(label)s”.")

    def read_options(self, reader: DefinitionReader, raw: LineDict, qid: str | None,
                     choice_lists: Mapping[str, tuple[Choice, ...]],
                     common: Mapping[str, Any]) -> dict[str, Any]:
        return {"choices": read_choices(reader, raw, qid, choice_lists)}

    def field_options(self, question: Question) -> dict[str, Any]:
        return {"choices": select_choices(question), "validate_choice": False}

    def display(self, stored: Any, question: Question,
                names: Mapping[str, str] | None = None) -> str:
        return "" if stored is None else question.choice_label(stored)


class YesNoType(SingleChoiceType):
    """Tak / Nie, stored as ``yes`` / ``no``; reports give the share of ``yes``."""

    name = "yes_no"
    xlsform_export = "select_one"
    xlsform_note = N_("Tak/Nie zapisywane jako yes/no (esmon: yes_no)")
    xlsform_names: ClassVar[tuple[str, ...]] = ()
    xlsform_choices = YES_NO_CHOICES
    keys = frozenset()
    required_message = N_("Wybierz „Tak” albo „Nie”.")
    required_template = None
    choice_layout = "inline"
    share_value = "yes"

    def read_options(self, reader: DefinitionReader, raw: LineDict, qid: str | None,
                     choice_lists: Mapping[str, tuple[Choice, ...]],
                     common: Mapping[str, Any]) -> dict[str, Any]:
        return {"choices": YES_NO_CHOICES}


#: the one option of a declaration: ticked is stored as ``yes``, like a yes/no "Tak"
DECLARATION_CHOICES = (Choice("yes", "Tak"),)


class DeclarationType(YesNoType):
    """A statement the respondent confirms by ticking one checkbox ("Oświadczam, że …").

    Stored as ``yes`` when ticked (reports read it like a yes/no question), nothing when not;
    there is no "Nie" to pick. Usually ``required``: the report cannot be sent unticked.
    (XLSForm's ``acknowledge`` stores ``OK`` and stays a one-option choice on import.)
    """

    name = "declaration"
    widget = "checkbox"
    xlsform_export = "select_one"
    xlsform_note = N_("Oświadczenie: jedno pole wyboru, zaznaczone zapisywane jako yes "
                      "(esmon: declaration)")
    xlsform_names: ClassVar[tuple[str, ...]] = ()
    required_message = N_("Zaznacz oświadczenie — bez niego nie można wysłać sprawozdania.")
    required_template = None

    def read_options(self, reader: DefinitionReader, raw: LineDict, qid: str | None,
                     choice_lists: Mapping[str, tuple[Choice, ...]],
                     common: Mapping[str, Any]) -> dict[str, Any]:
        return {"choices": DECLARATION_CHOICES}


class MultipleChoiceType(QuestionType):
    """Several options of a list, as checkboxes; stored as the list of values."""

    name = "multiple_choice"
    xlsform_export = "select_multiple"
    xlsform_names = ("select_multiple",)
    keys = frozenset({"choices"})
    value_kind = "codes"
    widget = "choices"
    field_class = ChoicesField
    required_message = N_("Zaznacz co najmniej jedną odpowiedź.")
    required_template = N_("Zaznacz co najmniej jedną odpowiedź w polu „%(label)s”.")

    def read_options(self, reader: DefinitionReader, raw: LineDict, qid: str | None,
                     choice_lists: Mapping[str, tuple[Choice, ...]],
                     common: Mapping[str, Any]) -> dict[str, Any]:
        return {"choices": read_choices(reader, raw, qid, choice_lists), "multiple": True}

    def field_options(self, question: Question) -> dict[str, Any]:
        return {"choices": select_choices(question), "validate_choice": False}

    def value_from_form(self, form: Any, question: Question) -> Any:
        return list(form[field_name(question.id)].data or []) or None

    def formdata(self, stored: Any, question: Question) -> dict[str, list[str]]:
        return {field_name(question.id): list(stored)} if stored else {}

    def display(self, stored: Any, question: Question,
                names: Mapping[str, str] | None = None) -> str:
        return "; ".join(question.choice_label(v) for v in stored or ())
