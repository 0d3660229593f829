"""The map of a round's response rate by województwo (or by powiat of one województwo).

The round page of a national round shows where answers are missing at a glance; the same
figures are in the table beside it (the map's text alternative). Drawn from the shipped
outlines (``registers/maps``) by the report code, which is imported only when a map is made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from l10n import N_
from services.progress import Progress

if TYPE_CHECKING:
    from reports.maps import MapSpec

WOJEWODZTWA_TITLE = N_("Odsetek wysłanych odpowiedzi wg województw")
POWIATY_TITLE = N_("Odsetek wysłanych odpowiedzi wg powiatów")


def response_rate_map(progress: Progress, wojewodztwo: str | None = None) -> MapSpec | None:
    """The województwa of a round over several of them; with ``wojewodztwo`` chosen, its
    powiats. ``None`` when there is nothing to draw (one województwo and none chosen)."""
    from reports import geo
    from reports.classes import fixed
    from reports.maps import choropleth

    if wojewodztwo:
        rates = {t.code: t.rate for t in progress.by_powiat
                 if t.code.startswith(wojewodztwo) and t.invited}
        areas = geo.of_wojewodztwa(geo.powiaty(), [wojewodztwo])
        outline = geo.of_wojewodztwa(geo.wojewodztwa(), [wojewodztwo])
        return choropleth(POWIATY_TITLE, "powiat", rates, "share", areas, fixed(), outline)
    if not progress.by_wojewodztwo:
        return None
    rates = {t.code: t.rate for t in progress.by_wojewodztwo if t.invited}
    return choropleth(WOJEWODZTWA_TITLE, "wojewodztwo", rates, "share", geo.wojewodztwa(),
                      fixed())
