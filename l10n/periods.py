"""Reporting periods as people say them: ``2025-H2`` is "II półrocze 2025", never the code.

Rounds keep the code (``2025``, ``2025-H1``, ``2025-Q3``, ``2025-03``) for sorting and file
names; every page, e-mail and subject shows ``period_label``. Flask-free: the words are marked
with ``N_`` and translated where they are shown.
"""

from __future__ import annotations

import re

from l10n.markers import N_, Message

_ROMAN = ("I", "II", "III", "IV")
_CODE = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<half>H[12])|(?P<quarter>Q[1-4])|"
                   r"(?P<month>0[1-9]|1[0-2])))?$", re.ASCII)
_MONTHS = (N_("styczeń"), N_("luty"), N_("marzec"), N_("kwiecień"), N_("maj"),
           N_("czerwiec"), N_("lipiec"), N_("sierpień"), N_("wrzesień"),
           N_("październik"), N_("listopad"), N_("grudzień"))


def period_label(code: str | None) -> str:
    """``2025-H2`` → "II półrocze 2025", ``2025-Q1`` → "I kwartał 2025", ``2025`` → "2025".

    A code of another shape is shown as it is (nothing is lost). The result is a ``Message``
    for ``l10n.web.translate``.
    """
    match = _CODE.match(code or "")
    if not match:
        return code or ""
    year = match["year"]
    if match["half"]:
        return N_("%(number)s półrocze %(year)s", number=_ROMAN[int(match["half"][1]) - 1],
                  year=year)
    if match["quarter"]:
        return N_("%(number)s kwartał %(year)s", number=_ROMAN[int(match["quarter"][1]) - 1],
                  year=year)
    if match["month"]:
        return N_("%(month)s %(year)s", month=Message(_MONTHS[int(match["month"]) - 1]),
                  year=year)
    return year


def period_span(code: str | None) -> str:
    """The period after "za" in a sentence: "za rok 2025", "za II półrocze 2025".

    Why: "za okres II półrocze 2025" is not Polish; a year alone reads as a number, so an
    annual period says "rok". A ``Message`` for ``l10n.web.translate``, like ``period_label``.
    """
    match = _CODE.match(code or "")
    if match and not (match["half"] or match["quarter"] or match["month"]):
        return N_("rok %(year)s", year=match["year"])
    return period_label(code)
