"""Numbers shown the Polish way (``1 234,50``, ``1 234,50 zł``), or in another Babel locale.

Flask-free: the questionnaire forms, reports and exports format with it outside a request;
``l10n.web`` picks the locale of the request.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel.core import Locale
from babel.numbers import NumberPattern, parse_pattern


@lru_cache(maxsize=64)
def _pattern(places: int, grouping: bool) -> NumberPattern:
    """Parsed once: a page of 40 numbers would otherwise parse the same pattern 40 times."""
    return parse_pattern(("#,##0" if grouping else "0") + ("." + "0" * places if places else ""))


@lru_cache(maxsize=16)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def format_number(value: Decimal | int | float | None, places: int | None = None,
                  locale: str = "pl_PL", grouping: bool = True) -> str:
    """Show a number the Polish way (``1 234,50``); empty for no value.

    ``locale`` other than ``pl_PL`` uses that locale's separators (``en``: ``1,234.50``);
    ``grouping=False`` leaves out the thousands separator (years: 2023, not 2 023).
    """
    if value is None or value == "":
        return ""
    return _formatted(str(value), places, locale, grouping)


@lru_cache(maxsize=4096)
def _formatted(text: str, places: int | None, locale: str, grouping: bool) -> str:
    """A number written as ``text`` (``str`` of its value), formatted: a page shows the same
    stored answers on every visit, and Babel's formatting is the slowest part of a number box.
    """
    number = Decimal(text)
    if places is None:
        exponent = number.normalize().as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    # what babel.numbers.format_decimal does, with the pattern and locale parsed once
    return _pattern(places, grouping).apply(number, _locale(locale))


def format_money(value: Decimal | int | float | None, locale: str = "pl_PL") -> str:
    """``1 234,50 zł``; empty for no value."""
    return f"{format_number(value, 2, locale)} zł" if value not in (None, "") else ""
