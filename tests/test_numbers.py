"""Polish number input and display."""

from __future__ import annotations

from decimal import Decimal

import pytest

from forms.numbers import NumberFormatError, parse_number
from l10n import format_money, format_number


@pytest.mark.parametrize(("text", "expected"), [
    ("1 234,50", Decimal("1234.50")),
    ("1\u00a0234,50", Decimal("1234.50")),
    ("1234,5", Decimal("1234.5")),
    ("1234.50", Decimal("1234.50")),
    ("1.234,50", Decimal("1234.50")),
    ("0,125", Decimal("0.125")),
    ("0.125", Decimal("0.125")),
    ("12 345 678", Decimal("12345678")),
    ("-5", Decimal("-5")),
    ("\u22125", Decimal("-5")),
    ("  7 ", Decimal("7")),
])
def test_accepted_notations(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("1.234", "niejednoznaczny"),
    ("12.345", "niejednoznaczny"),
    ("12 34", "co trzy cyfry"),
    ("abc", "To nie jest liczba"),
    ("1e5", "To nie jest liczba"),
    ("NaN", "To nie jest liczba"),
    ("Infinity", "To nie jest liczba"),
    ("1,2,3", "jeden przecinek"),
    ("9" * 41, "za długa"),
    ("99999999999999", "za duża"),
])
def test_refused_notations(text, message):
    with pytest.raises(NumberFormatError) as error:
        parse_number(text)
    assert message in error.value.message


def test_money_allows_two_places_and_integer_none():
    assert parse_number("10,99", places=2) == Decimal("10.99")
    with pytest.raises(NumberFormatError, match="najwyżej 2 miejsca"):
        parse_number("10,999", places=2)
    assert parse_number("12,00", integer=True) == Decimal("12")
    with pytest.raises(NumberFormatError, match="całkowitą"):
        parse_number("12,5", integer=True)


def test_display_is_polish():
    assert format_number(Decimal("1234.5"), 2) == "1\u00a0234,50"
    assert format_money("1234.5") == "1\u00a0234,50 zł"
    assert format_number(None) == ""


def test_grouping_can_be_switched_off_for_years():
    assert format_number(2023) == "2\u00a0023"
    assert format_number(2023, grouping=False) == "2023"


@pytest.mark.parametrize("text", ["\u0663", "1\u0662", "\uff11\uff12", "\u0969\u0966"])
def test_only_ascii_digits_are_digits(text):
    """Arabic-Indic, full-width or Devanagari digits are no number (the browser agrees)."""
    with pytest.raises(NumberFormatError):
        parse_number(text, integer=True)
    with pytest.raises(NumberFormatError):
        parse_number(text, places=2)


def test_a_whole_number_with_a_thousands_dot_gets_a_hint_it_can_follow():
    with pytest.raises(NumberFormatError) as err:
        parse_number("1.234", integer=True)
    assert err.value.message == ("Zapis „1.234” jest niejednoznaczny: jeśli to 1234, wpisz "
                                 "1234 (bez kropki).")
    assert parse_number("1234", integer=True) == 1234
