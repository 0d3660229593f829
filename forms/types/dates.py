"""Dates typed the Polish way (``31.12.2025``, or ``2025-12-31``), stored as ISO text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from wtforms import Field
from wtforms.widgets import TextInput

from forms.types.base import QuestionType
from l10n import N_

if TYPE_CHECKING:
    from forms.model import Question

_DATE_PL = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def display_date(value: str | None) -> str:
    """ISO date → ``31.12.2025``."""
    if not value:
        return ""
    match = _DATE_ISO.match(value)
    return f"{match.group(3)}.{match.group(2)}.{match.group(1)}" if match else value


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


class DateType(QuestionType):
    name = "date"
    xlsform_export = "date"
    xlsform_names = ("date",)
    value_kind = "date"
    widget = "text"
    field_class = PolishDateField
    required_message = N_("Wpisz datę w formacie dd.mm.rrrr.")
    required_template = N_("Wpisz datę w polu „%(label)s” (dd.mm.rrrr).")
    css_class = "date"
    autocomplete = "off"
    placeholder = N_("dd.mm.rrrr")
    browser_read = "date"

    def display(self, stored: Any, question: Question,
                names: Mapping[str, str] | None = None) -> str:
        return display_date(stored)
