"""Polish number input: ``1 234,50``, ``1234,5`` and ``1234.50`` are read; ``1.234`` is refused.

A dot followed by exactly three digits is how Poles write thousands (``1.234`` = 1234) and
how other software writes decimals (1,234): we cannot know which, so we ask. Showing numbers
(``format_number``, ``format_money``) is ``l10n``'s job.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from l10n import N_

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
#: digits are ASCII only (``re.ASCII``): Python's ``\d`` and ``Decimal`` would also take
#: Arabic-Indic or full-width digits (``٣`` as 3), which the browser's reading does not
_GROUPED = re.compile(r"^\d{1,3}( \d{3})+$", re.ASCII)
_DOT_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$", re.ASCII)
_AMBIGUOUS = re.compile(r"^[1-9]\d{0,2}\.\d{3}$", re.ASCII)
_PLAIN = re.compile(r"^\d+([.,]\d+)?$", re.ASCII)
#: a whole number as most are typed: ``1234`` or ``1 234`` (what the checks below would
#: read the same way, with nothing to refuse)
_USUAL = re.compile(r"^(?:\d+|\d{1,3}(?: \d{3})+)$", re.ASCII)
_ONE = Decimal(1)
MAX_INPUT_LENGTH = 40
#: the largest absolute value any numeric answer may take (a budget in złoty fits easily)
MAX_ABS_VALUE = Decimal("1e13")


def round_to_places(value: Decimal, places: int) -> Decimal:
    """The rounding of a computed value to its format's places: half away from zero.

    Money to grosze (0,125 → 0,13), an integer to a whole number (2,7 → 3), a decimal or a
    percentage to its places. ``Decimal``'s default would round half to even (0,12); the
    browser mirrors this rule (``EsmonExpr.formatCalculated``, shared vectors).
    """
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


class NumberFormatError(ValueError):
    """The text is not a number we accept; ``message`` is shown to the respondent.

    The message is Polish, marked with ``N_``; the page translates it (``l10n.web.translate``).
    """

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def parse_number(text: str, *, places: int | None = None, integer: bool = False) -> Decimal:
    """Read a number as a Polish respondent types it.

    :param places: the most decimal places allowed (money: 2); ``None`` for no limit
    :param integer: refuse any fractional part
    :raise NumberFormatError: with a Polish message saying what to type instead
    """
    raw = (text or "").strip()
    if len(raw) > MAX_INPUT_LENGTH:
        raise NumberFormatError(N_("Liczba jest za długa."))
    negative = raw[:1] in ("-", "\u2212")
    if negative:
        raw = raw[1:].strip()
    if not raw:
        raise NumberFormatError(N_("Wpisz liczbę."))
    if _USUAL.match(raw):  # most answers: digits, grouped by spaces or not — read at once
        candidate = raw.replace(" ", "")
    else:
        candidate = _checked_candidate(raw, places=places, integer=integer)
    try:
        value = Decimal(candidate.replace(",", "."))
    except InvalidOperation as err:  # pragma: no cover - the patterns rule this out
        raise NumberFormatError(N_("To nie jest liczba.")) from err
    if negative:
        value = -value
    if abs(value) >= MAX_ABS_VALUE:
        raise NumberFormatError(N_("Liczba jest za duża."))
    exponent = value.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if integer and value != value.to_integral_value():
        raise NumberFormatError(N_("Wpisz liczbę całkowitą (bez części ułamkowej)."))
    if integer:
        return value.quantize(_ONE)
    if places is not None and decimals > places:
        if places == 0:
            raise NumberFormatError(N_("Wpisz liczbę z dokładnością: bez miejsc po przecinku."))
        if places == 1:
            raise NumberFormatError(
                N_("Wpisz liczbę z dokładnością: najwyżej 1 miejsce po przecinku."))
        raise NumberFormatError(
            N_("Wpisz liczbę z dokładnością: najwyżej %(places)s miejsca po przecinku.",
               places=places))
    return value


def _checked_candidate(raw: str, *, places: int | None, integer: bool) -> str:
    """Any other unsigned text as the digits ``Decimal`` reads (``1234,50``), or the message
    saying what to type instead."""
    if _AMBIGUOUS.match(raw) and (integer or places == 0):
        # a whole number cannot be 1,234: the only reading left is thousands
        raise NumberFormatError(N_(
            "Zapis „%(raw)s” jest niejednoznaczny: jeśli to %(plain)s, wpisz %(plain)s "
            "(bez kropki).", raw=raw, plain=raw.replace(".", "")))
    if _AMBIGUOUS.match(raw):
        raise NumberFormatError(N_(
            "Zapis „%(raw)s” jest niejednoznaczny: wpisz %(plain)s (bez kropki) albo "
            "%(comma)s (z przecinkiem).",
            raw=raw, plain=raw.replace(".", ""), comma=raw.replace(".", ",")))
    integer_part, _, fraction = raw.partition(",")
    if "," in fraction:
        raise NumberFormatError(N_("Liczba może mieć tylko jeden przecinek."))
    if _SPACES.search(integer_part):
        spaced = re.sub(r"[\u00a0\u202f\u2009']", " ", integer_part)
        if not _GROUPED.match(spaced):
            raise NumberFormatError(
                N_("Odstępy wolno stawiać tylko co trzy cyfry, np. 1 234 567."))
        integer_part = spaced.replace(" ", "")
    elif fraction and _DOT_GROUPED.match(integer_part):
        integer_part = integer_part.replace(".", "")  # 1.234,50: dots group thousands
    candidate = f"{integer_part},{fraction}" if "," in raw else integer_part
    if not _PLAIN.match(candidate):
        raise NumberFormatError(N_("To nie jest liczba. Wpisz cyfry, np. 1234 albo 1234,50."))
    return candidate
