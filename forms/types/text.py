"""Text answers: one line, several lines, e-mail addresses, phone numbers, REGON, NIP, KRS."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from wtforms import StringField, TextAreaField

from forms.types.base import DefinitionReader, QuestionType
from l10n import N_

if TYPE_CHECKING:
    from random import Random

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
        parts = [p.strip() for p in (valuelist[0] if valuelist else "").split(",")]
        text = ", ".join(p for p in parts if p)
        self.data = text or None
        if text and (len(text) > 254 or not all(self.pattern.match(p)
                                                for p in parts if p)):
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


_NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
#: a NIP may be written with the EU VAT prefix (``PL 123-456-32-18``)
NIP_STRIP = r"^[Pp][Ll]|" + REGON_SEPARATORS


def nip_problem(digits: str) -> str | None:
    """Why ``digits`` is not a NIP (10 digits, weighted sum mod 11 is the last digit)."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return N_("NIP ma 10 cyfr — sprawdź, czy żadnej nie brakuje i czy nie ma wśród nich "
                  "liter.")
    total = sum(int(d) * w for d, w in zip(digits, _NIP_WEIGHTS, strict=False))
    if total % 11 != int(digits[-1]):
        return N_("Nieprawidłowa cyfra kontrolna NIP — sprawdź numer.")
    return None


def krs_problem(digits: str) -> str | None:
    """Why ``digits`` is not a KRS number (10 digits; it has no check digit)."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return N_("Numer KRS ma 10 cyfr (z zerami na początku), np. 0000123456.")
    return None


class IdentifierField(_KeepsWhatWasTyped):
    """A register number typed with or without spaces and dashes; the data is its digits.

    Subclasses say what is removed (``strip``), how short numbers are completed (``pad``:
    leading zeros of a KRS number) and what makes the digits wrong (``problem``).
    """

    strip = REGON_SEPARATORS
    pad = 0

    @staticmethod
    def problem(digits: str) -> str | None:
        return regon_problem(digits)

    def process_formdata(self, valuelist: list[str]) -> None:
        digits = re.sub(self.strip, "", (valuelist[0] if valuelist else "").strip())
        if self.pad and digits.isascii() and digits.isdigit() and len(digits) < self.pad:
            digits = digits.zfill(self.pad)
        self.data = digits or None
        problem = self.problem(digits) if digits else None
        if problem:
            self.data = None
            raise ValueError(problem)


class RegonField(IdentifierField):
    """A REGON: 9 or 14 digits with the GUS check digit."""


class NipField(IdentifierField):
    strip = NIP_STRIP
    problem = staticmethod(nip_problem)


class KrsField(IdentifierField):
    """A KRS number: people leave out the leading zeros (``123456`` is ``0000123456``)."""

    pad = 10
    problem = staticmethod(krs_problem)


#: what may follow a phone number as its extension: ``wew. 12``, ``wewn. 12``, ``w. 12``,
#: ``ext. 12``
_EXTENSION = re.compile(r"^(?P<number>.*?)[\s,]*(?:wewn?\.?|w\.|ext\.?)\s*(?P<ext>[0-9]{1,6})$",
                        re.IGNORECASE | re.ASCII)


class PhoneField(PatternField):
    """Phone numbers (several separated by commas), each with an optional extension.

    The extension is kept and written one way, ``wew. 12``, so ``+48 77 123 45 67 wewn.12``
    is an answer, not an error.
    """

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            return
        numbers = []
        for part in (p.strip() for p in text.split(",")):
            match = _EXTENSION.match(part)
            number, extension = (match["number"].strip(), match["ext"]) if match else (part,
                                                                                         "")
            if not self.pattern.match(number):
                raise ValueError(self.message)
            numbers.append(f"{number} wew. {extension}" if extension else number)
        joined = ", ".join(numbers)
        if len(joined) > 254:
            raise ValueError(self.message)
        self.data = joined


class TextType(QuestionType):
    """One line of text, at most ``max_length`` characters."""

    name = "text"
    xlsform_export = "text"
    xlsform_names = ("text",)
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
    xlsform_names = ("text",)
    xlsform_appearance = "multiline"
    widget = "textarea"
    field_class = TrimmedTextAreaField
    default_max_length = 4000


class EmailType(QuestionType):
    """One or more e-mail addresses (separated by commas)."""

    name = "email"
    xlsform_export = "text"
    xlsform_note = N_("adres e-mail sprawdzany przy zapisie (esmon: email)")
    value_kind = "text"
    widget = "text"
    field_class = PatternField
    input_type = "email"
    autocomplete = "email"
    spellcheck = "false"

    def field_options(self, question: Question) -> dict[str, Any]:
        return {"pattern": _EMAIL,
                "message": N_("Wpisz poprawny adres e-mail, np. jan.kowalski@gmina.pl.")}

    def example(self, question: Question, rng: Random) -> Any:
        return f"{rng.choice(['sekretariat', 'biuro', 'kontakt'])}@example.pl"


def phone_is_valid(text: str) -> bool:
    """One telephone number as people type it: digits, spaces, ``+``, ``-``, brackets."""
    return bool(_PHONE.match(text.strip()))


def split_phones(text: str | None) -> list[str]:
    """Several numbers typed in one cell, separated by ``,`` or ``;``."""
    return [p.strip() for p in (text or "").replace(";", ",").split(",") if p.strip()]


class PhoneType(QuestionType):
    """One or more phone numbers; an extension (``wew. 12``) is part of the answer."""

    name = "phone"
    xlsform_export = "text"
    xlsform_note = N_("numer telefonu (esmon: phone)")
    value_kind = "text"
    widget = "text"
    field_class = PhoneField
    input_type = "tel"
    autocomplete = "tel"

    def field_options(self, question: Question) -> dict[str, Any]:
        return {"pattern": _PHONE,
                "message": N_("Wpisz numer telefonu: cyfry, spacje, „+”, „-”, nawiasy; "
                              "numer wewnętrzny po „wew.”, np. 77 123 45 67 wew. 12.")}

    def example(self, question: Question, rng: Random) -> Any:
        return f"+48 77 {rng.randint(400, 499)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


class RegonType(QuestionType):
    """A REGON: 9 or 14 digits with a valid GUS check digit; stored as the digits alone."""

    name = "regon"
    xlsform_export = "text"
    xlsform_note = N_("REGON z cyfrą kontrolną GUS (esmon: regon)")
    value_kind = "code"
    widget = "text"
    field_class = RegonField
    inputmode = "numeric"
    autocomplete = "off"
    spellcheck = "false"
    browser_strip = REGON_SEPARATORS

    def example(self, question: Question, rng: Random) -> Any:
        """A 9-digit REGON of the opolskie range (53…) with its check digit."""
        digits = "53" + "".join(str(rng.randint(0, 9)) for _ in range(6))
        check = sum(int(d) * w for d, w in zip(digits, _REGON_WEIGHTS[9], strict=True)) % 11
        return digits + str(check % 10)


class NipType(RegonType):
    """A NIP: 10 digits with a valid check digit; spaces, dashes and ``PL`` are removed."""

    name = "nip"
    field_class = NipField
    browser_strip = NIP_STRIP

    def example(self, question: Question, rng: Random) -> Any:
        """A NIP of an opolskie tax office (754…) with its check digit."""
        while True:
            digits = "754" + "".join(str(rng.randint(0, 9)) for _ in range(6))
            check = sum(int(d) * w for d, w in zip(digits, _NIP_WEIGHTS, strict=True)) % 11
            if check < 10:  # no NIP is given a check sum of 10
                return digits + str(check)


class KrsType(RegonType):
    """A KRS number: 10 digits, leading zeros added when left out; stored as the digits."""

    name = "krs"
    field_class = KrsField

    def example(self, question: Question, rng: Random) -> Any:
        return f"0000{rng.randint(100_000, 999_999)}"
