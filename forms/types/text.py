"""Text answers: one line, several lines, an e-mail address, a phone number."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from wtforms import StringField, TextAreaField

from forms.types.base import DefinitionReader, QuestionType
from l10n import N_

if TYPE_CHECKING:
    from forms.model import Choice, Question
    from forms.yamlsource import LineDict

_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]{7,20}$")


class TrimmedStringField(StringField):
    """Text with surrounding spaces removed; empty text is no answer."""

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.data = text or None


class TrimmedTextAreaField(TextAreaField):
    """Several lines, with Windows line ends made plain and surrounding spaces removed."""

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").replace("\r\n", "\n").strip()
        self.data = text or None


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


class TextType(QuestionType):
    """One line of text, at most ``max_length`` characters."""

    name = "text"
    keys = frozenset({"max_length"})
    value_kind = "text"
    widget = "text"
    field_class = TrimmedStringField
    default_max_length = 300

    def read_options(self, reader: DefinitionReader, raw: LineDict, qid: str | None,
                     choice_lists: Mapping[str, tuple[Choice, ...]],
                     common: Mapping[str, Any]) -> dict[str, Any]:
        return {"max_length": reader.integer(raw, "max_length", self.default_max_length, qid,
                                             1, 100_000)}

    def check_value(self, question: Question, value: Any) -> str | None:
        if question.max_length and len(value) > question.max_length:
            return N_("Tekst jest za długi: najwyżej %(max)s znaków (wpisano %(length)s).",
                      max=question.max_length, length=len(value))
        return None


class TextareaType(TextType):
    """Several lines of text."""

    name = "textarea"
    widget = "textarea"
    field_class = TrimmedTextAreaField
    default_max_length = 4000


class EmailType(QuestionType):
    """One or more e-mail addresses (separated by commas)."""

    name = "email"
    value_kind = "text"
    widget = "text"
    field_class = PatternField
    input_type = "email"
    autocomplete = "email"
    spellcheck = "false"

    def field_options(self, question: Question) -> dict[str, Any]:
        return {"pattern": _EMAIL,
                "message": N_("Wpisz poprawny adres e-mail, np. jan.kowalski@gmina.pl.")}


class PhoneType(QuestionType):
    name = "phone"
    value_kind = "text"
    widget = "text"
    field_class = PatternField
    input_type = "tel"
    autocomplete = "tel"

    def field_options(self, question: Question) -> dict[str, Any]:
        return {"pattern": _PHONE,
                "message": N_("Wpisz numer telefonu: cyfry, spacje, „+”, „-”, nawiasy.")}
