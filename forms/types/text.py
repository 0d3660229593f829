"""Text answers: one line, several lines, an e-mail address, a phone number, a REGON."""

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
#: what a REGON may be typed with besides its digits: spaces and dashes (any kind)
REGON_SEPARATORS = r"[\s\-\u2010-\u2015]"
#: GUS check-digit weights of a 9-digit and a 14-digit REGON (the last digit is the check)
_REGON_WEIGHTS = {9: (8, 9, 2, 3, 4, 5, 6, 7), 14: (2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8)}


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


class _KeepsWhatWasTyped(StringField):
    """A wrong answer stays in the box as it was typed, next to its message."""

    def _value(self) -> str:
        return self.raw_data[0] if self.raw_data else (self.data or "")


class PatternField(_KeepsWhatWasTyped):
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


def regon_check_digit_valid(digits: str) -> bool:
    """The weighted sum of a 9- or 14-digit REGON mod 11 (10 counts as 0) is its last digit.

    Only the checksum: a 14-digit REGON must also begin with a valid 9-digit one
    (``regon_problem`` checks both).
    """
    weights = _REGON_WEIGHTS.get(len(digits))
    if weights is None or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits, weights, strict=False))
    return total % 11 % 10 == int(digits[-1])


def regon_problem(digits: str) -> str | None:
    """Why ``digits`` (separators already removed) is not a REGON; ``None`` when it is one.

    A 14-digit REGON (a local unit) is the 9-digit REGON of its parent plus five digits, so
    its first nine digits must be a valid REGON too.
    """
    if len(digits) not in _REGON_WEIGHTS or not digits.isascii() or not digits.isdigit():
        return N_("REGON ma 9 albo 14 cyfr — sprawdź, czy żadnej nie brakuje i czy nie ma "
                  "wśród nich liter.")
    if not regon_check_digit_valid(digits) or (
            len(digits) == 14 and not regon_check_digit_valid(digits[:9])):
        return N_("Nieprawidłowa cyfra kontrolna REGON — sprawdź numer.")
    return None


def regon_is_valid(digits: str) -> bool:
    """A REGON by the rules of the question type (the unit register imports use it too)."""
    return regon_problem(digits) is None


class RegonField(_KeepsWhatWasTyped):
    """A REGON typed with or without spaces and dashes; the data is its digits."""

    def process_formdata(self, valuelist: list[str]) -> None:
        digits = re.sub(REGON_SEPARATORS, "", valuelist[0] if valuelist else "")
        self.data = digits or None
        problem = regon_problem(digits) if digits else None
        if problem:
            self.data = None
            raise ValueError(problem)


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


class RegonType(QuestionType):
    """A REGON: 9 or 14 digits with a valid GUS check digit; stored as the digits alone."""

    name = "regon"
    value_kind = "code"
    widget = "text"
    field_class = RegonField
    inputmode = "numeric"
    autocomplete = "off"
    spellcheck = "false"
    browser_strip = REGON_SEPARATORS
