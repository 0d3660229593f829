"""A read-only value computed from other answers (``calculation``), shown as its ``format``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from wtforms import Field

from forms.expressions.values import number_or_none, to_text
from forms.numbers import round_to_places
from forms.types.base import DefinitionReader, QuestionType
from forms.types.numbers import DecimalType, IntegerType, MoneyType, NumberType, PercentType

if TYPE_CHECKING:
    from forms.model import Choice, Question
    from forms.yamlsource import LineDict

#: the number formats a calculated value may have; ``text`` is the other one
NUMBER_FORMATS: dict[str, NumberType] = {kind.name: kind for kind in (
    IntegerType(), DecimalType(), MoneyType(), PercentType())}
TEXT_FORMAT = "text"


class CalculatedType(QuestionType):
    """No form field: the value is computed on every save and stored with the answers."""

    name = "calculated"
    xlsform_export = "calculate"
    xlsform_names = ("calculate",)
    keys = frozenset({"calculation", "format"})
    value_kind = "number"
    widget = "calculated"
    field_class = None
    typed_in = False

    def read_options(self, reader: DefinitionReader, raw: LineDict, qid: str | None,
                     choice_lists: Mapping[str, tuple[Choice, ...]],
                     common: Mapping[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {"calculation": reader.expression(raw, "calculation", qid)}
        if "calculation" not in raw:
            reader.problem(raw.line, "missing_calculation",
                           "Pytanie wyliczane musi mieć 'calculation'.", qid)
        fmt = reader.text(raw, "format", default="decimal")
        if fmt not in (*NUMBER_FORMATS, TEXT_FORMAT):
            reader.problem(raw.line_of("format"), "bad_value",
                           f"Pole 'format' przyjmuje: {', '.join(NUMBER_FORMATS)}, "
                           f"{TEXT_FORMAT}.", qid)
        fields["format"] = fmt
        return fields

    def _number(self, question: Question) -> NumberType | None:
        return NUMBER_FORMATS.get(question.format)

    def value_kind_for(self, question: Question) -> str | None:
        number = self._number(question)
        return number.value_kind_for(question) if number else "text"

    def widget_for(self, question: Question) -> str:
        return self.widget

    def places(self, question: Question) -> int:
        number = self._number(question)
        return number.places(question) if number else 0

    def make_fields(self, question: Question) -> dict[str, Field]:
        return {}

    def field_names(self, question: Question) -> list[str]:
        return []

    def stored(self, value: Any, question: Question) -> Any:
        """Exactly what the page shows (``EsmonExpr.formatCalculated`` in the browser).

        A number format reads the value as expressions read a number (a table is its total,
        true is 1) and rounds it half away from zero to the format's places — the one
        rounding rule of calculated values (``round_to_places``); ``text`` writes it as the
        language writes text (``1200``, not ``1.2E+3``; true is ``1``).
        """
        number = self._number(question)
        if number is None:
            text = to_text(value)
            return text or None
        amount = number_or_none(value)
        if amount is None:
            return None
        try:
            return number.stored(round_to_places(amount, number.places(question)), question)
        except ArithmeticError:
            return None

    def typed(self, stored: Any, question: Question) -> Any:
        number = self._number(question)
        return number.typed(stored, question) if number else stored

    def formdata(self, stored: Any, question: Question) -> dict[str, list[str]]:
        return {}

    def display(self, stored: Any, question: Question,
                names: Mapping[str, str] | None = None) -> str:
        number = self._number(question)
        if number is not None:
            return number.display(stored, question)
        return "" if stored is None else str(stored)

    def browser_entry(self, question: Question) -> dict[str, Any]:
        number = self._number(question)
        if number is None:
            return {"read": "text"}
        return {"read": "number", "places": number.places(question),
                "suffix": number.display_suffix}
