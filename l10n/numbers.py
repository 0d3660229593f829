"""Numbers shown the Polish way (``1 234,50``, ``1 234,50 zł``), or in another Babel locale.

Flask-free: the questionnaire forms, reports and exports format with it outside a request;
``l10n.web`` picks the locale of the request.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal


def format_number(value: Decimal | int | float | None, places: int | None = None,
                  locale: str = "pl_PL", grouping: bool = True) -> str:
    """Show a number the Polish way (``1 234,50``); empty for no value.

    ``locale`` other than ``pl_PL`` uses that locale's separators (``en``: ``1,234.50``);
    ``grouping=False`` leaves out the thousands separator (years: 2023, not 2 023).
    """
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    if places is None:
        exponent = number.normalize().as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    pattern = ("#,##0" if grouping else "0") + ("." + "0" * places if places else "")
    return format_decimal(number, format=pattern, locale=locale)


def format_money(value: Decimal | int | float | None, locale: str = "pl_PL") -> str:
    """``1 234,50 zł``; empty for no value."""
    return f"{format_number(value, 2, locale)} zł" if value not in (None, "") else ""
