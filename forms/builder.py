"""Build a WTForms class for each section of a questionnaire, once, when it is loaded.

Field names carry a prefix (``q_<id>``; table cells ``q_<id>__<row>__<col>``) so they never
clash with ``Form`` attributes. Validation that depends on other answers (relevance,
conditional ``required``, constraints) reads a ``Resolution`` bound to the form before
``validate()`` is called.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms.validators import StopValidation, ValidationError

from forms.fields import QUESTION_TYPES, TrimmedTextAreaField, field_name, question_type
from forms.logic import Resolution, constraint_failures
from forms.model import Question, Section, Survey
from l10n import N_

COMMENT_PREFIX = "w_"

#: Polish messages marked with ``N_``: the Flask side translates them (``l10n.web.translate``)
_REQUIRED_MESSAGES = {
    "integer": N_("Wpisz liczbę (0, jeśli nie było)."),
    "decimal": N_("Wpisz liczbę (0, jeśli nie było)."),
    "money": N_("Wpisz kwotę (0, jeśli nie było)."),
    "percent": N_("Wpisz wartość procentową."),
    "yes_no": N_("Wybierz „Tak” albo „Nie”."),
    "single_choice": N_("Wybierz jedną odpowiedź."),
    "multiple_choice": N_("Zaznacz co najmniej jedną odpowiedź."),
    "territory": N_("Wybierz z listy."),
    "date": N_("Wpisz datę w formacie dd.mm.rrrr."),
    "table": N_("Uzupełnij komórkę (0, jeśli nie było)."),
}


def required_message(question: Question) -> str:
    return _REQUIRED_MESSAGES.get(question.type, N_("To pole jest wymagane."))


class _AnswerRules:
    """The validator chain of one field: skip when hidden, then required, then constraints.

    Like WTForms' ``Optional``, a hidden question's errors are cleared and nothing else runs,
    because its answer will be dropped anyway. Zero is an answer (the ``InputRequired`` rule
    rather than ``DataRequired``): emptiness is judged on the parsed value, not its truth.
    """

    def __init__(self, question: Question, check_constraints: bool = True):
        self.question = question
        self.check_constraints = check_constraints

    def __call__(self, form: SectionForm, field: Any) -> None:
        question = self.question
        resolution = form.resolution
        if question.id not in resolution.visible:
            field.errors[:] = []
            raise StopValidation()
        if field.process_errors:
            raise StopValidation()
        empty = field.data is None or field.data == [] or field.data == ""
        if empty:
            if form.enforce_required and resolution.is_required(question):
                raise StopValidation(required_message(question))
            raise StopValidation()
        if question.type in ("text", "textarea") and question.max_length and len(
                field.data) > question.max_length:
            raise ValidationError(N_(
                "Tekst jest za długi: najwyżej %(max)s znaków (wpisano %(length)s).",
                max=question.max_length, length=len(field.data)))
        if question.type == "table" and field.data < 0:
            raise ValidationError(N_("Liczba w tabeli nie może być ujemna."))
        if self.check_constraints:
            failures = constraint_failures(question, resolution)
            if failures:
                raise ValidationError(failures[0])


class SectionForm(FlaskForm):
    """Base class of generated section forms."""

    #: set by ``build_section_form``
    survey: Survey
    section: Section

    def bind(self, resolution: Resolution, *, enforce_required: bool = True) -> None:
        """Give the validators the answers of the whole response before ``validate()``."""
        self.resolution = resolution
        self.enforce_required = enforce_required
        self.table_errors: dict[str, list[str]] = {}

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for question in self.section.questions:
            if question.type == "table" and question.id in self.resolution.visible:
                failures = constraint_failures(question, self.resolution)
                cell_errors = any(self[field_name(question.id, r, c)].errors
                                  for r, c in question.cell_ids())
                if failures and not cell_errors:
                    self.table_errors[question.id] = failures[:1]
                    valid = False
        return valid

    def typed_values(self) -> dict[str, Any]:
        """Typed answers of this section as posted (``None`` for empty or unreadable ones)."""
        return {q.id: question_type(q).value_from_form(self, q)
                for q in self.section.questions if q.is_input}

    def question_errors(self, question: Question) -> list[str]:
        """Every message for a question (a table gathers its cells' messages)."""
        if question.type == "table":
            messages = list(self.table_errors.get(question.id, []))
            for row, column in question.cell_ids():
                messages += self[field_name(question.id, row, column)].errors
            return list(dict.fromkeys(messages))
        name = field_name(question.id)
        return list(self[name].errors) if name in self else []

    def error_list(self) -> list[tuple[Question, str, str]]:
        """(question, first field name, message) for the error summary, in page order."""
        items = []
        for question in self.section.questions:
            messages = self.question_errors(question)
            if not messages:
                continue
            anchor = field_name(question.id)
            if question.type == "table":
                bad = [field_name(question.id, r, c) for r, c in question.cell_ids()
                       if self[field_name(question.id, r, c)].errors]
                anchor = bad[0] if bad else field_name(question.id, *question.cell_ids()[0])
            items.append((question, anchor, messages[0]))
        return items


def build_section_form(survey: Survey, section: Section) -> type[SectionForm]:
    """A form class with one field per input question (per cell for tables), in order."""
    attrs: dict[str, Any] = {"survey": survey, "section": section}
    for question in section.questions:
        if not question.is_input:
            continue
        kind = QUESTION_TYPES[question.type]
        for name, unbound in kind.make_fields(question).items():
            unbound.kwargs.setdefault("validators", [])
            unbound.kwargs["validators"] = [_AnswerRules(question,
                                                         question.type != "table")]
            attrs[name] = unbound
        if question.warnings:
            attrs[COMMENT_PREFIX + question.id] = TrimmedTextAreaField(
                "Wyjaśnienie", description="Krótko wyjaśnij, dlaczego wartość jest poprawna.")
    return type(f"{section.id.capitalize()}Form", (SectionForm,), attrs)


def build_forms(survey: Survey) -> dict[str, type[SectionForm]]:
    """Form classes of every section, keyed by section id."""
    return {section.id: build_section_form(survey, section) for section in survey.sections}
