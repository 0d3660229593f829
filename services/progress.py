"""Response rates of a round: overall, per powiat and per kind of unit."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask import g
from sqlalchemy import case, func, select

from extensions import db
from l10n import N_, polish_sort_key
from models import Invitation, Response, Round, Territory, Unit
from services.unit_kinds import kind_labels

#: dashboard columns, in the order of the flow
STAGES = ("invited", "opened", "draft", "submitted", "returned", "accepted")
#: Polish msgids; pages show them through the ``tr`` filter
STAGE_LABELS = {
    "invited": N_("zaproszone"), "opened": N_("otwarte"), "draft": N_("w trakcie"),
    "submitted": N_("wysłane"), "returned": N_("zwrócone"), "accepted": N_("przyjęte"),
}


@dataclass
class Tally:
    """Counts of one group of invitations."""

    label: str
    counts: Counter = field(default_factory=Counter)

    @property
    def invited(self) -> int:
        return self.counts["invited"]

    @property
    def done(self) -> int:
        """Submitted in any form (sent, returned for correction counts as not done)."""
        return self.counts["submitted"] + self.counts["accepted"]

    def share(self, stage: str) -> float:
        return self.counts[stage] / self.invited if self.invited else 0.0

    @property
    def rate(self) -> float:
        return self.done / self.invited if self.invited else 0.0


def stage_of(invitation: Invitation) -> str:
    response = invitation.response
    if response is not None:
        return response.status
    return "opened" if invitation.opened_at else "invited"


@dataclass
class Progress:
    overall: Tally
    by_powiat: list[Tally]
    by_kind: list[Tally]
    #: a round over several województwa (a national one) groups by województwo first
    by_wojewodztwo: list[Tally] = field(default_factory=list)


def _area_names() -> dict[str, str]:
    """code → display name of every powiat and województwo, once a request."""
    if "esmon_area_names" not in g:
        g.esmon_area_names = {code: Territory(code=code, level=level, name=name,
                                              kind_label=label).display_name
                              for code, level, name, label in db.session.execute(
                                  select(Territory.code, Territory.level, Territory.name,
                                         Territory.kind_label)
                                  .where(Territory.level.in_(("powiat", "wojewodztwo"))))}
    return g.esmon_area_names


def round_progress(round_: Round) -> Progress:
    """Count every invitation of a round by stage, overall and by group.

    One grouped query (no response documents are loaded), so a national round of thousands
    of units counts in the database; the organisation scope (``services.scoping``) applies to
    it like to any other, so a regional partner counts its part of the round.
    """
    stage = case((Response.status.is_not(None), Response.status),
                 (Invitation.opened_at.is_not(None), "opened"), else_="invited")
    powiat = func.substr(Unit.teryt, 1, 4)
    rows = db.session.execute(
        select(powiat, Unit.kind, stage, func.count())
        .select_from(Invitation)
        .join(Unit, Unit.id == Invitation.unit_id)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.round_id == round_.id, Invitation.withdrawn_at.is_(None))
        .group_by(powiat, Unit.kind, stage)).all()
    names = _area_names()
    overall = Tally(N_("Ogółem"))
    regions: dict[str, Tally] = defaultdict(lambda: Tally(""))
    powiats: dict[str, Tally] = defaultdict(lambda: Tally(""))
    kinds: dict[str, Tally] = defaultdict(lambda: Tally(""))
    for code, kind, stage_name, count in rows:
        for tally in (overall, regions[code[:2]], powiats[code], kinds[kind]):
            tally.counts["invited"] += count
            if stage_name != "invited":
                tally.counts["opened"] += count
            if stage_name not in ("opened", "invited"):
                tally.counts[stage_name] += count
    for code, tally in (*powiats.items(), *regions.items()):
        tally.label = names.get(code, code)
    for kind, tally in kinds.items():
        tally.label = kind_labels().get(kind, kind)

    def ordered(tallies: dict[str, Tally]) -> list[Tally]:
        return sorted(tallies.values(), key=lambda t: polish_sort_key(t.label))

    return Progress(overall, ordered(powiats), ordered(kinds),
                    ordered(regions) if len(regions) > 1 else [])
