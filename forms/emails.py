"""E-mail addresses: the one rule for what counts as an address, wherever one is typed.

Respondents' answers, the staff's unit form, the contact change form and register imports all
ask the same question — is this an address an invitation can go to? — so they share one answer:
the ``email-validator`` library's syntax check (no DNS look-up: a register is loaded offline).
"""

from __future__ import annotations

import re
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

#: addresses in one field may be separated by commas, semicolons or white space
_SEPARATORS = re.compile(r"[,;\s]+")
#: RFC 5321: the longest address a mail server must accept
MAX_LENGTH = 254


@lru_cache(maxsize=65536)
def normalised(address: str) -> str | None:
    """The address with its domain in lower case, or ``None`` when it is not an address.

    Remembered per address (the check is pure: syntax only): a national round's recipients
    page checks the same 2 859 addresses on every view, at ~50 µs each.
    """
    if len(address) > MAX_LENGTH:
        return None
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def split_addresses(text: str | None) -> list[str]:
    """The candidates in a field of several addresses, as typed (stripped)."""
    return [part for part in _SEPARATORS.split(text or "") if part]


def parse_addresses(text: str | None) -> tuple[list[str], list[str]]:
    """Addresses in a field → (normalised valid ones, invalid ones as typed).

    The same address twice (in any letter case) is kept once, so a unit gets one invitation.
    """
    valid: list[str] = []
    invalid: list[str] = []
    for candidate in split_addresses(text):
        address = normalised(candidate)
        if address is None:
            invalid.append(candidate)
        elif address.casefold() not in (known.casefold() for known in valid):
            valid.append(address)
    return valid, invalid
