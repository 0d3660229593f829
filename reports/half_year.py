"""The half-year framework report: how far the round has got, and who is still missing.

Short by design (the voivodeship ES team reads it between annual reports): response
progress by subregion and kind of unit, the key figures of the half-year (counted answers,
how they came, the questionnaire's indicators) and the list of units that have not sent
an answer that counts. Plain data in, plain data out: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from l10n import N_, polish_sort_key
from reports.frame import SUBMITTED_STATUSES, ReportFrame

#: the label of a subtotal row (all kinds of a subregion) and of the grand total
ALL_KINDS = N_("wszystkie rodzaje")
TOTAL = N_("Ogółem")
#: a missing unit's state as the list shows it
MISSING_STATES = {"invited": N_("nie otworzyła linku"), "opened": N_("otworzyła link"),
                  "draft": N_("wersja robocza"), "returned": N_("zwrócona do korekty")}


@dataclass(frozen=True)
class ProgressRow:
    """Invited and counted answers of one subregion and kind (or their subtotal)."""

    subregion: str
    kind: str
    invited: int
    counted: int

    @property
    def missing(self) -> int:
        return self.invited - self.counted

    @property
    def rate(self) -> float | None:
        return self.counted / self.invited if self.invited else None


@dataclass(frozen=True)
class MissingUnit:
    """A unit of the round without an answer that counts (not submitted or returned)."""

    name: str
    kind: str
    powiat: str
    subregion: str
    state: str


@dataclass
class HalfYearReport:
    progress: list[ProgressRow] = field(default_factory=list)
    missing: list[MissingUnit] = field(default_factory=list)
    #: counted answers by how they came (``ReportFrame.answers_by_mode``)
    by_mode: dict[str, int] = field(default_factory=dict)


def half_year_report(frame: ReportFrame, kind_names: Mapping[str, str] | None = None
                     ) -> HalfYearReport:
    """Progress by subregion × kind (each subregion with its subtotal, then the total) and the
    missing units, sorted by subregion, powiat and name.

    :param kind_names: kind code → its name as the reader should see it (codes by default)
    """
    names = dict(kind_names or {})
    data = frame.data
    counted = data["status"].isin(SUBMITTED_STATUSES)
    rows: list[ProgressRow] = []
    for subregion in sorted(data["podregion"].unique(), key=_polish):
        in_subregion = data["podregion"] == subregion
        for kind in sorted(data.loc[in_subregion, "unit_kind"].unique(),
                           key=lambda k: _polish(names.get(str(k), str(k)))):
            group = in_subregion & (data["unit_kind"] == kind)
            rows.append(ProgressRow(subregion, names.get(kind, kind), int(group.sum()),
                                    int((group & counted).sum())))
        rows.append(ProgressRow(subregion, ALL_KINDS, int(in_subregion.sum()),
                                int((in_subregion & counted).sum())))
    rows.append(ProgressRow(TOTAL, ALL_KINDS, len(data), int(counted.sum())))
    missing = [
        MissingUnit(row.unit_name, names.get(row.unit_kind, row.unit_kind), row.powiat,
                    row.podregion, MISSING_STATES.get(row.status, row.status))
        for row in data.loc[~counted].itertuples()]
    missing.sort(key=lambda m: (_polish(m.subregion), m.powiat, _polish(m.name)))
    return HalfYearReport(rows, missing, frame.answers_by_mode())


def _polish(text: object):
    return polish_sort_key(str(text))
