"""Polish text conventions: alphabetical order and dates with genitive month names."""

from __future__ import annotations

from datetime import date

_ALPHABET = "aąbcćdeęfghijklłmnńoóprsśtuvwxyzźż"
_ORDER = {letter: index for index, letter in enumerate(_ALPHABET)}
_MONTHS_GENITIVE = (
    "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
    "września", "października", "listopada", "grudnia",
)


def polish_sort_key(text: str) -> tuple:
    """Sort key for Polish collation: Ł after L, Ś after S, case ignored at first."""
    lowered = text.lower()
    primary = tuple(_ORDER.get(ch, 100 + ord(ch)) for ch in lowered)
    return primary, text


def long_date(value: date | None) -> str:
    """``31 marca 2026`` — the form used in letters and on pages."""
    if value is None:
        return ""
    return f"{value.day} {_MONTHS_GENITIVE[value.month - 1]} {value.year}"
