"""Response rates of a round: overall, per powiat and per kind of unit."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from extensions import db
from l10n import N_, polish_sort_key
from models import Invitation, Round, Territory
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


def round_progress(round_: Round) -> Progress:
    """Count every invitation of a round by stage, overall and by group."""
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.round_id == round_.id,
                                 Invitation.withdrawn_at.is_(None))
        .options(selectinload(Invitation.response))).unique().all()
    powiat_names = {t.code: t.display_name for t in db.session.scalars(
        select(Territory).where(Territory.level == "powiat"))}
    overall = Tally(N_("Ogółem"))
    powiats: dict[str, Tally] = defaultdict(lambda: Tally(""))
    kinds: dict[str, Tally] = defaultdict(lambda: Tally(""))
    for invitation in invitations:
        stage = stage_of(invitation)
        powiat = invitation.unit.teryt[:4]
        for tally in (overall, powiats[powiat], kinds[invitation.unit.kind]):
            tally.counts["invited"] += 1
            if stage != "invited":
                tally.counts["opened"] += 1
            if stage != "opened" and stage != "invited":
                tally.counts[stage] += 1
    for code, tally in powiats.items():
        tally.label = powiat_names.get(code, code)
    for kind, tally in kinds.items():
        tally.label = kind_labels().get(kind, kind)
    return Progress(
        overall,
        sorted(powiats.values(), key=lambda t: polish_sort_key(t.label)),
        sorted(kinds.values(), key=lambda t: polish_sort_key(t.label)),
    )

