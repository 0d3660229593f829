"""Year placeholders in labels: ``{rok}`` is the reporting year N, with the year before and after.

Definitions say "Liczba uczestników w {rok} r."; the respondent page, the review, e-mails and
reports all show the year. One table of names and one substitution, used by every one of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: placeholder name → offset from the reporting year
YEAR_OFFSETS = {"rok": 0, "rok_nastepny": 1, "rok_poprzedni": -1}

_PLACEHOLDER = re.compile(r"\{(" + "|".join(YEAR_OFFSETS) + r")\}")


def year_placeholders(year: int) -> dict[str, int]:
    """The values of ``{rok}``, ``{rok_nastepny}`` and ``{rok_poprzedni}`` for reporting year N."""
    return {name: year + offset for name, offset in YEAR_OFFSETS.items()}


def fill(text: str | None, values: Mapping[str, object]) -> str:
    """Replace the year placeholders in ``text``; a placeholder without a value stays as written."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text or "")


def fill_year(text: str, year: int | None) -> str:
    """``text`` with the placeholders of reporting year ``year`` (unchanged when there is none)."""
    if year is None:
        return text
    return fill(text, year_placeholders(year))
