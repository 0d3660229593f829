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
    #: the group's code (TERYT of a powiat or województwo, a kind's code), for links and maps
    code: str = ""

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
    #: stage → how many invitations are at it now (each counted once, unlike the tallies)
    stages: dict[str, int] = field(default_factory=dict)

    def powiats_of(self, wojewodztwo: str | None) -> list[Tally]:
        """The powiat rows a page shows: all of them in a round of one województwo, those of
        the chosen one in a national round, none before one is chosen (380 rows help nobody).
        """
        if wojewodztwo:
            return [t for t in self.by_powiat if t.code.startswith(wojewodztwo)]
        return [] if self.by_wojewodztwo else self.by_powiat

    def wojewodztwo_of(self, code: str | None) -> Tally | None:
        """The row of a województwo of this round (``None``: not one of its województwa)."""
        return next((t for t in self.by_wojewodztwo if code and t.code == code), None)


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


def _count(tally: Tally, stage_name: str, count: int) -> None:
    """Add ``count`` invitations at ``stage_name`` to a tally: every one is invited, every one
    past "invited" was opened, and the later stages count by themselves."""
    tally.counts["invited"] += count
    if stage_name != "invited":
        tally.counts["opened"] += count
    if stage_name not in ("opened", "invited"):
        tally.counts[stage_name] += count


def rounds_overall(round_ids: list[int]) -> dict[int, Tally]:
    """The overall tally of each round, in one grouped query: the dashboard lists every round
    and a national one has thousands of invitations."""
    stage = case((Response.status.is_not(None), Response.status),
                 (Invitation.opened_at.is_not(None), "opened"), else_="invited")
    tallies = {round_id: Tally(N_("Ogółem")) for round_id in round_ids}
    if not round_ids:
        return tallies
    rows = db.session.execute(
        select(Invitation.round_id, stage, func.count())
        .select_from(Invitation)
        .join(Unit, Unit.id == Invitation.unit_id)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.round_id.in_(round_ids), Invitation.withdrawn_at.is_(None))
        .group_by(Invitation.round_id, stage)).all()
    for round_id, stage_name, count in rows:
        _count(tallies[round_id], stage_name, count)
    return tallies


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
    stages: Counter = Counter()
    for code, kind, stage_name, count in rows:
        stages[stage_name] += count
        for tally in (overall, regions[code[:2]], powiats[code], kinds[kind]):
            _count(tally, stage_name, count)
    for code, tally in (*powiats.items(), *regions.items()):
        tally.label, tally.code = names.get(code, code), code
    for kind, tally in kinds.items():
        tally.label, tally.code = kind_labels().get(kind, kind), kind

    def ordered(tallies: dict[str, Tally]) -> list[Tally]:
        return sorted(tallies.values(), key=lambda t: polish_sort_key(t.label))

    return Progress(overall, ordered(powiats), ordered(kinds),
                    ordered(regions) if len(regions) > 1 else [],
                    {s: stages.get(s, 0) for s in STAGES})
