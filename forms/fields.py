"""Question types: how each becomes WTForms fields, and how its answer is read, stored and shown.

One registry (``QUESTION_TYPES``) serves the form builder, the answer store, re-validation at
submit time and the review page, so a type is described in one place.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from forms.model import Question
from forms.numbers import NumberFormatError, parse_number
from l10n import N_, format_money, format_number

FIELD_PREFIX = "q_"
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]{7,20}$")
_DATE_PL = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def field_name(question_id: str, row: str | None = None, column: str | None = None) -> str:
    """The form field name of a question (or of one table cell)."""
    if row is None:
        return FIELD_PREFIX + question_id
    return f"{FIELD_PREFIX}{question_id}__{row}__{column}"


class NumberField(Field):
    """A text box that reads Polish number notation; keeps what was typed when it is wrong."""

    widget = TextInput()

    def __init__(self, label: str | None = None, validators: list | None = None, *,
                 places: int | None = None, integer: bool = False, grouping: bool = True,
                 **kwargs: Any):
        super().__init__(label, validators, **kwargs)
        self.places, self.integer, self.grouping = places, integer, grouping

    def process_formdata(self, valuelist: list[str]) -> None:
        text = valuelist[0] if valuelist else ""
        if not text.strip():
            self.data = None
            return
        try:
            self.data = parse_number(text, places=self.places, integer=self.integer)
        except NumberFormatError as err:
            self.data = None
            raise ValueError(err.message) from err

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_number(self.data, None if self.integer else self.places,
                             grouping=self.grouping)


class PolishDateField(Field):
    """A date typed as ``31.12.2025`` (or ``2025-12-31``); the answer is an ISO string."""

    widget = TextInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        match = _DATE_PL.match(text) or _DATE_ISO.match(text)
        if not match:
            self.data = None
            raise ValueError(N_("Wpisz datę w formacie dd.mm.rrrr, np. 31.12.2025."))
        parts = [int(x) for x in match.groups()]
        day, month, year = parts if _DATE_PL.match(text) else parts[::-1]
        try:
            self.data = date(year, month, day).isoformat()
        except ValueError as err:
            self.data = None
            raise ValueError(N_("Taka data nie istnieje — sprawdź dzień i miesiąc.")) from err
        if not 1900 <= year <= 2100:
            self.data = None
            raise ValueError(N_("Rok musi być między 1900 a 2100."))

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return display_date(self.data)


class PatternField(StringField):
    """A single-line text answer that must match a pattern (e-mail, phone)."""

    def __init__(self, label=None, validators=None, *, pattern: re.Pattern, message: str,
                 **kwargs):
        super().__init__(label, validators, **kwargs)
        self.pattern, self.message = pattern, message

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.data = text or None
        if text and (len(text) > 254 or not all(self.pattern.match(p.strip())
                                                for p in text.split(","))):
            self.data = None
            raise ValueError(self.message)


class TrimmedStringField(StringField):
    """Text with surrounding spaces removed; empty text is no answer."""

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.data = text or None


class TrimmedTextAreaField(TextAreaField):
    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").replace("\r\n", "\n").strip()
        self.data = text or None


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


def display_date(value: str | None) -> str:
    """ISO date → ``31.12.2025``."""
    if not value:
        return ""
    match = _DATE_ISO.match(value)
    return f"{match.group(3)}.{match.group(2)}.{match.group(1)}" if match else value


class QuestionType:
    """Base behaviour: one field, the answer stored as given."""

    #: True when an answer counts as a number in expressions and reports
    numeric = False

    def make_fields(self, question: Question) -> dict[str, Field]:
        return {field_name(question.id): self.make_field(question)}

    def make_field(self, question: Question) -> Field:
        return TrimmedStringField(question.label, description=question.hint)

    def value_from_form(self, form: Any, question: Question) -> Any:
        """The typed answer from a bound, processed form (``None`` when empty or unreadable)."""
        field = form[field_name(question.id)]
        return None if field.process_errors else field.data

    def stored(self, value: Any, question: Question) -> Any:
        """Typed value → JSON value."""
        return value

    def typed(self, stored: Any, question: Question) -> Any:
        """JSON value → the value expressions see."""
        return stored

    def formdata(self, stored: Any, question: Question) -> dict[str, list[str]]:
        """JSON value → the form data a browser would post, for re-validation."""
        if stored is None:
            return {}
        return {field_name(question.id): [str(stored)]}

    def display(self, stored: Any, question: Question) -> str:
        return "" if stored is None else str(stored)

    def is_empty(self, stored: Any) -> bool:
        return stored is None or stored == "" or stored == [] or stored == {}


class TextType(QuestionType):
    def __init__(self, long: bool = False):
        self.long = long

    def make_field(self, question: Question) -> Field:
        cls = TrimmedTextAreaField if self.long else TrimmedStringField
        return cls(question.label, description=question.hint)


class PatternType(QuestionType):
    def __init__(self, pattern: re.Pattern, message: str):
        self.pattern, self.message = pattern, message

    def make_field(self, question: Question) -> Field:
        return PatternField(question.label, description=question.hint, pattern=self.pattern,
                            message=self.message)


class NumberType(QuestionType):
    numeric = True

    def __init__(self, kind: str):
        self.kind = kind

    def places(self, question: Question) -> int:
        return {"integer": 0, "money": 2}.get(self.kind, question.places)

    def make_field(self, question: Question) -> Field:
        return NumberField(question.label, description=question.hint,
                           places=self.places(question), integer=self.kind == "integer",
                           grouping=question.grouping)

    def stored(self, value: Any, question: Question) -> Any:
        if value is None:
            return None
        number = Decimal(str(value))
        if self.kind == "integer":
            return int(number)
        return str(number.quantize(Decimal(1).scaleb(-self.places(question))))

    def typed(self, stored: Any, question: Question) -> Any:
        return None if stored is None else Decimal(str(stored))

    def formdata(self, stored: Any, question: Question) -> dict[str, list[str]]:
        return {} if stored is None else {field_name(question.id): [str(stored)]}

    def display(self, stored: Any, question: Question) -> str:
        if stored is None:
            return ""
        if self.kind == "money":
            return format_money(stored)
        text = format_number(stored, self.places(question), grouping=question.grouping)
        return f"{text}%" if self.kind == "percent" else text


class DateType(QuestionType):
    def make_field(self, question: Question) -> Field:
        return PolishDateField(question.label, description=question.hint)

    def display(self, stored: Any, question: Question) -> str:
        return display_date(stored)


class SingleChoiceType(QuestionType):
    def make_field(self, question: Question) -> Field:
        return ChoiceField(question.label, description=question.hint,
                           choices=select_choices(question),
                           validate_choice=False)

    def display(self, stored: Any, question: Question) -> str:
        return "" if stored is None else question.choice_label(stored)


class MultipleChoiceType(QuestionType):
    def make_field(self, question: Question) -> Field:
        return ChoicesField(question.label, description=question.hint,
                            choices=select_choices(question),
                            validate_choice=False)

    def value_from_form(self, form: Any, question: Question) -> Any:
        field = form[field_name(question.id)]
        return list(field.data or []) or None

    def formdata(self, stored: Any, question: Question) -> dict[str, list[str]]:
        return {field_name(question.id): list(stored)} if stored else {}

    def display(self, stored: Any, question: Question) -> str:
        return "; ".join(question.choice_label(v) for v in stored or ())


class TerritoryType(QuestionType):
    """A gmina/powiat from the register; choices are set per request from the database."""

    def make_field(self, question: Question) -> Field:
        if question.multiple:
            return ChoicesField(question.label, description=question.hint, choices=[],
                                validate_choice=False)
        return ChoiceField(question.label, description=question.hint, choices=[],
                           validate_choice=False)

    def value_from_form(self, form: Any, question: Question) -> Any:
        field = form[field_name(question.id)]
        if question.multiple:
            return list(field.data or []) or None
        return None if field.process_errors else field.data

    def formdata(self, stored: Any, question: Question) -> dict[str, list[str]]:
        if not stored:
            return {}
        values = stored if isinstance(stored, list) else [stored]
        return {field_name(question.id): list(values)}

    def display(self, stored: Any, question: Question) -> str:
        values = stored if isinstance(stored, list) else ([stored] if stored else [])
        return "; ".join(values)


class CalculatedType(QuestionType):
    """A read-only value computed from other answers; it has no form field."""

    def make_fields(self, question: Question) -> dict[str, Field]:
        return {}

    def _number(self, question: Question) -> NumberType | None:
        return NumberType(question.format) if question.format != "text" else None

    def stored(self, value: Any, question: Question) -> Any:
        number = self._number(question)
        if value is None or isinstance(value, (list, dict)):
            return None
        if number is None:
            return str(value)
        try:
            return number.stored(Decimal(str(value)), question)
        except ArithmeticError:
            return None

    def typed(self, stored: Any, question: Question) -> Any:
        number = self._number(question)
        return number.typed(stored, question) if number else stored

    def formdata(self, stored: Any, question: Question) -> dict[str, list[str]]:
        return {}

    def display(self, stored: Any, question: Question) -> str:
        number = self._number(question)
        return number.display(stored, question) if number else self_text(stored)


def self_text(value: Any) -> str:
    return "" if value is None else str(value)


class TableType(QuestionType):
    """Rows × columns of numbers, stored as ``{row: {column: value}}``."""

    numeric = True

    def _cell(self, question: Question) -> NumberType:
        return NumberType(question.cell_type)

    def make_fields(self, question: Question) -> dict[str, Field]:
        cell = self._cell(question)
        return {
            field_name(question.id, r.id, c.id): NumberField(
                f"{r.label} — {c.label}", places=cell.places(question),
                integer=question.cell_type == "integer")
            for r in question.rows for c in question.columns
        }

    def value_from_form(self, form: Any, question: Question) -> Any:
        table: dict[str, dict[str, Any]] = {}
        for row, column in question.cell_ids():
            field = form[field_name(question.id, row, column)]
            if field.data is not None and not field.process_errors:
                table.setdefault(row, {})[column] = field.data
        return table or None

    def stored(self, value: Any, question: Question) -> Any:
        if not value:
            return None
        cell = self._cell(question)
        return {row: {col: cell.stored(v, question) for col, v in cols.items()}
                for row, cols in value.items()}

    def typed(self, stored: Any, question: Question) -> Any:
        if not stored:
            return None
        return {row: {col: Decimal(str(v)) for col, v in cols.items() if v is not None}
                for row, cols in stored.items()}

    def formdata(self, stored: Any, question: Question) -> dict[str, list[str]]:
        data = {}
        for row, cols in (stored or {}).items():
            for col, value in cols.items():
                data[field_name(question.id, row, col)] = [str(value)]
        return data

    def display(self, stored: Any, question: Question) -> str:
        total = sum((Decimal(str(v)) for cols in (stored or {}).values()
                     for v in cols.values()), Decimal(0))
        return N_("suma: %(total)s", total=format_number(total)) if stored else ""

    def cell_display(self, stored: Any, question: Question, row: str, column: str) -> str:
        value = (stored or {}).get(row, {}).get(column)
        return self._cell(question).display(value, question)


class NoteType(QuestionType):
    def make_fields(self, question: Question) -> dict[str, Field]:
        return {}


#: type name → behaviour; the loader accepts exactly these names
QUESTION_TYPES: dict[str, QuestionType] = {
    "integer": NumberType("integer"),
    "decimal": NumberType("decimal"),
    "money": NumberType("money"),
    "percent": NumberType("percent"),
    "text": TextType(),
    "textarea": TextType(long=True),
    "email": PatternType(_EMAIL, N_("Wpisz poprawny adres e-mail, np. jan.kowalski@gmina.pl.")),
    "phone": PatternType(_PHONE, N_("Wpisz numer telefonu: cyfry, spacje, „+”, „-”, nawiasy.")),
    "date": DateType(),
    "yes_no": SingleChoiceType(),
    "single_choice": SingleChoiceType(),
    "multiple_choice": MultipleChoiceType(),
    "territory": TerritoryType(),
    "note": NoteType(),
    "calculated": CalculatedType(),
    "table": TableType(),
}


def question_type(question: Question) -> QuestionType:
    return QUESTION_TYPES[question.type]
