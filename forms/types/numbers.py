"""Numbers: integer, decimal, money (PLN, 2 places) and percent, typed the Polish way.

Answers are stored exactly: integers as JSON integers, the others as decimal text quantized to
their places (``"1234.50"``), never as floats; expressions see ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from wtforms import Field
from wtforms.widgets import TextInput

from forms.numbers import NumberFormatError, parse_number
from forms.types.base import DefinitionReader, QuestionType, field_name
from l10n import N_, format_money, format_number

if TYPE_CHECKING:
    from forms.model import Choice, Question
    from forms.yamlsource import LineDict


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


class NumberType(QuestionType):
    """What every number type shares: the field, exact storage, Polish display."""

    field_class = NumberField
    widget = "number"
    numeric = True
    css_class = "num"
    autocomplete = "off"
    inputmode = "decimal"
    browser_read = "number"
    #: refuse a fractional part and store a JSON integer
    integer = False
    #: the places when the definition does not say (``places`` key); ``None``: fixed places
    default_places: int | None = None
    #: written after the number wherever it is shown (not translated: ``1 234,50 zł``)
    display_suffix = ""

    def read_options(self, reader: DefinitionReader, raw: LineDict, qid: str | None,
                     choice_lists: Mapping[str, tuple[Choice, ...]],
                     common: Mapping[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if "grouping" in self.keys and "grouping" in raw:
            fields["grouping"] = reader.flag(raw, "grouping", qid)
        if "places" in self.keys:
            fields["places"] = reader.integer(raw, "places", self.default_places or 0, qid, 0, 6)
        return fields

    def places(self, question: Question) -> int:
        return question.places

    def field_options(self, question: Question) -> dict[str, Any]:
        return {"places": self.places(question), "integer": self.integer,
                "grouping": question.grouping}

    def stored(self, value: Any, question: Question) -> Any:
        if value is None:
            return None
        number = Decimal(str(value))
        if self.integer:
            return int(number)
        return str(number.quantize(Decimal(1).scaleb(-self.places(question))))

    def typed(self, stored: Any, question: Question) -> Any:
        return None if stored is None else Decimal(str(stored))

    def formdata(self, stored: Any, question: Question) -> dict[str, list[str]]:
        return {} if stored is None else {field_name(question.id): [str(stored)]}

    def display(self, stored: Any, question: Question,
                names: Mapping[str, str] | None = None) -> str:
        if stored is None:
            return ""
        return format_number(stored, self.places(question), grouping=question.grouping)


class IntegerType(NumberType):
    """A whole number; ``grouping: false`` shows it without thousands separators (years)."""

    name = "integer"
    xlsform_export = "integer"
    xlsform_names = ("integer",)
    keys = frozenset({"grouping"})
    value_kind = "count"
    required_message = N_("Wpisz liczbę (0, jeśli nie było).")
    required_template = N_("Wpisz liczbę w polu „%(label)s” (0, jeśli nie było).")
    inputmode = "numeric"
    integer = True

    def value_kind_for(self, question: Question) -> str | None:
        # a number written without grouping is a year (2023, not 2 023), not a count
        return self.value_kind if question.grouping else "year"

    def places(self, question: Question) -> int:
        return 0


class DecimalType(NumberType):
    name = "decimal"
    xlsform_export = "decimal"
    xlsform_names = ("decimal",)
    keys = frozenset({"places", "grouping"})
    value_kind = "number"
    required_message = N_("Wpisz liczbę (0, jeśli nie było).")
    required_template = N_("Wpisz liczbę w polu „%(label)s” (0, jeśli nie było).")
    default_places = 2


class MoneyType(NumberType):
    """An amount in złoty, exactly two places."""

    name = "money"
    xlsform_export = "decimal"
    xlsform_note = N_("kwota w zł z 2 miejscami po przecinku (esmon: money)")
    value_kind = "amount"
    required_message = N_("Wpisz kwotę (0, jeśli nie było).")
    required_template = N_("Wpisz kwotę w polu „%(label)s” (0, jeśli nie było).")
    unit_suffix = N_("zł")
    display_suffix = " zł"

    def places(self, question: Question) -> int:
        return 2

    def display(self, stored: Any, question: Question,
                names: Mapping[str, str] | None = None) -> str:
        return "" if stored is None else format_money(stored)


class PercentType(NumberType):
    """A percentage, 0–100 as typed (5 means 5 %)."""

    name = "percent"
    xlsform_export = "decimal"
    xlsform_note = N_("procent od 0 do 100 (esmon: percent)")
    keys = frozenset({"places"})
    value_kind = "share"
    required_message = N_("Wpisz wartość procentową.")
    required_template = N_("Wpisz wartość procentową w polu „%(label)s”.")
    unit_suffix = "%"
    display_suffix = "%"
    default_places = 1

    def display(self, stored: Any, question: Question,
                names: Mapping[str, str] | None = None) -> str:
        text = super().display(stored, question)
        return text + self.display_suffix if text else ""
