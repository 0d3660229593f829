"""Build a WTForms class for each section of a questionnaire, once, when it is loaded.

Field names carry a prefix (``q_<id>``; table cells ``q_<id>__<row>__<col>``) so they never
clash with ``Form`` attributes. Validation that depends on other answers (relevance,
conditional ``required``, constraints) reads a ``Resolution`` bound to the form before
``validate()`` is called.
"""

from __future__ import annotations

from typing import Any

from wtforms import Form
from wtforms.form import BaseForm
from wtforms.utils import unset_value
from wtforms.validators import StopValidation, ValidationError

from forms.logic import Resolution, constraint_failures
from forms.model import Question, Section, Survey
from forms.rendering import FastInputMeta
from forms.types import comment_field_name, field_name
from forms.types.text import TrimmedTextAreaField


class _AnswerRules:
    """The validator chain of one field: skip when hidden, then required, then constraints.

    Like WTForms' ``Optional``, a hidden question's errors are cleared and nothing else runs,
    because its answer will be dropped anyway. Zero is an answer (the ``InputRequired`` rule
    rather than ``DataRequired``): emptiness is judged on the parsed value, not its truth.
    """

    def __init__(self, question: Question):
        self.question = question
        #: a composite answer (a table) is checked as a whole in ``SectionForm.validate``
        self.check_constraints = not question.kind.composite

    def __call__(self, form: SectionForm, field: Any) -> None:
        question = self.question
        resolution = form.resolution
        if question.id not in resolution.visible:
            field.errors[:] = []
            raise StopValidation
        if field.process_errors:
            raise StopValidation
        empty = field.data is None or field.data == [] or field.data == ""
        if empty:
            if form.enforce_required and resolution.is_required(question):
                raise StopValidation(question.kind.required_message_for(question))
            raise StopValidation
        problem = question.kind.check_value(question, field.data)
        if problem:
            raise ValidationError(problem)
        if self.check_constraints:
            failures = constraint_failures(question, resolution)
            if failures:
                raise ValidationError(failures[0])


class SectionForm(Form):
    """Base class of generated section forms.

    A plain WTForms form: ``forms/`` knows no Flask. The web app passes a subclass that adds
    Flask-WTF's CSRF and request data (``services.questionnaires.WebSectionForm``).
    """

    Meta = FastInputMeta

    #: set by ``build_section_form``
    survey: Survey
    section: Section

    def bind(self, resolution: Resolution, *, enforce_required: bool = True) -> None:
        """Give the validators the answers of the whole response before ``validate()``."""
        self.resolution = resolution
        self.enforce_required = enforce_required
        self.table_errors: dict[str, list[str]] = {}

    def process(self, formdata: Any = None, obj: Any = None, data: Any = None,
                extra_filters: Any = None, **kwargs: Any) -> None:
        """What ``BaseForm.process`` (WTForms 3.3) does, with two lookups of its per-field
        loop made once: the form class's ``filter_<name>`` methods (asked of the class for
        each of forty fields on every page), and a plain default passed as the field's data
        (WTForms called the default, ``None()``, and caught the ``TypeError`` per field)."""
        formdata = self.meta.wrap_formdata(self, formdata)
        if data is not None:
            kwargs = dict(data, **kwargs)
        filters = extra_filters.copy() if extra_filters is not None else {}
        inline_filters = {name for name, _ in _inline_methods(self, "filter_")}
        for name, field in self._fields.items():
            field_filters = filters.get(name, [])
            if name in inline_filters:
                field_filters.append(getattr(self, f"filter_{name}"))
            if obj is not None and hasattr(obj, name):
                value = getattr(obj, name)
            elif name in kwargs:
                value = kwargs[name]
            else:
                value = unset_value if callable(field.default) else field.default
            field.process(formdata, value, extra_filters=field_filters)
        if self._parent_form is None:
            self.post_process(formdata)

    def validate(self, extra_validators: Any = None) -> bool:
        # what ``Form.validate`` does, its look for ``validate_<name>`` methods made once per
        # form class (it asked the class for each of the forty fields on every save)
        extra = extra_validators.copy() if extra_validators is not None else {}
        for name, inline in _inline_methods(self, "validate_"):
            extra.setdefault(name, []).append(inline)
        valid = BaseForm.validate(self, extra)
        for question in self.section.questions:
            if question.kind.composite and question.id in self.resolution.visible:
                failures = constraint_failures(question, self.resolution)
                cell_errors = any(self[name].errors
                                  for name in question.kind.field_names(question))
                if failures and not cell_errors:
                    self.table_errors[question.id] = failures[:1]
                    valid = False
        return valid

    def typed_values(self) -> dict[str, Any]:
        """Typed answers of this section as posted (``None`` for empty or unreadable ones)."""
        return {q.id: q.kind.value_from_form(self, q)
                for q in self.section.questions if q.is_input}

    def question_errors(self, question: Question) -> list[str]:
        """Every message for a question (a table gathers its cells' messages)."""
        messages = list(self.table_errors.get(question.id, []))
        for name in question.kind.field_names(question):
            if name in self:
                messages += self[name].errors
        return list(dict.fromkeys(messages))

    def has_errors(self) -> bool:
        """Whether any field or table has a message (a page without one, most of them, need
        not gather each question's messages)."""
        return bool(self.table_errors) or any(field.errors for field in self)

    def error_list(self) -> list[tuple[Question, str, str]]:
        """(question, first field name, message) for the error summary, in page order."""
        if not self.has_errors():
            return []
        items = []
        for question in self.section.questions:
            messages = self.question_errors(question)
            if not messages:
                continue
            names = question.kind.field_names(question) or [field_name(question.id)]
            anchor = next((name for name in names if name in self and self[name].errors),
                          names[0])
            items.append((question, anchor, messages[0]))
        return items


def _inline_methods(form: Form, prefix: str) -> tuple[tuple[str, Any], ...]:
    """(field name, the form class's ``<prefix><name>``) of the fields that have one
    (``validate_``, ``filter_``), found once per form class and kept on it (its fields are
    the class's)."""
    form_class = type(form)
    attribute = f"_esmon_inline_{prefix}"
    known = form_class.__dict__.get(attribute)
    if known is None:
        found = ((name, getattr(form_class, f"{prefix}{name}", None)) for name in form._fields)
        known = tuple((name, inline) for name, inline in found if inline is not None)
        setattr(form_class, attribute, known)
    return known


def build_section_form(survey: Survey, section: Section,
                       base: type[SectionForm] = SectionForm) -> type[SectionForm]:
    """A form class with one field per input question (per cell for tables), in order."""
    attrs: dict[str, Any] = {"survey": survey, "section": section}
    for question in section.questions:
        if not question.is_input:
            continue
        for name, unbound in question.kind.make_fields(question).items():
            unbound.kwargs["validators"] = [_AnswerRules(question)]
            attrs[name] = unbound
        if question.warnings:
            attrs[comment_field_name(question.id)] = TrimmedTextAreaField(
                "Wyjaśnienie", description="Krótko wyjaśnij, dlaczego wartość jest poprawna.")
    return type(f"{section.id.capitalize()}Form", (base,), attrs)


def build_forms(survey: Survey, base: type[SectionForm] = SectionForm,
                ) -> dict[str, type[SectionForm]]:
    """Form classes of every section, keyed by section id, derived from ``base``."""
    return {section.id: build_section_form(survey, section, base)
            for section in survey.sections}
