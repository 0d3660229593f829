"""The plan report's maps by województwo: who answered, and who met its plan.

A national round of the plan follow-up is read from the map first: where JST answered and
where they commissioned what they planned. Both maps are drawn from the same frame and plan
report as the sheets beside them; their rows are the text alternative. No Flask, no database.
"""

from __future__ import annotations

from pathlib import Path

from l10n import N_
from reports import geo
from reports.classes import fixed
from reports.frame import ReportFrame
from reports.maps import MapSpec, choropleth
from reports.plan import PlanReport

RESPONSE_TITLE = N_("Odsetek JST, które wysłały wykonanie planu, wg województw")
MET_TITLE = N_("Odsetek JST, które spełniły plan, wg województw")


def _share(parts: dict[str, list[bool]]) -> dict[str, float | None]:
    return {code: (sum(flags) / len(flags) if flags else None)
            for code, flags in parts.items()}


def plan_maps(frame: ReportFrame, plan: PlanReport,
              maps_dir: Path = geo.MAPS_DIR) -> dict[str, MapSpec]:
    """Block id → map: the response rate and the share of JST that met their plan, by
    województwo (only the województwa of the round; every area of a national one)."""
    answered: dict[str, list[bool]] = {}
    for teryt, submitted in zip(frame.data["teryt"].astype(str), frame.submitted, strict=True):
        answered.setdefault(teryt[:2], []).append(bool(submitted))
    met: dict[str, list[bool]] = {}
    for teryt, done in zip(plan.by_jst["teryt"].astype(str), plan.by_jst["plan_spelniony"],
                           strict=True):
        met.setdefault(teryt[:2], []).append(bool(done))
    regions = sorted(answered)
    areas = geo.of_wojewodztwa(geo.wojewodztwa(maps_dir), regions)
    if not areas:
        return {}
    return {"plan-odpowiedzi": choropleth(RESPONSE_TITLE, "wojewodztwo", _share(answered),
                                          "share", areas, fixed()),
            # shares that met the plan sit close together: classes from their own spread
            "plan-spelnione": choropleth(MET_TITLE, "wojewodztwo", _share(met), "share", areas)}
