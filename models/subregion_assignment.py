"""Subregions as data: which powiat belongs to which subregion, under a named scheme."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db


class SubregionAssignment(db.Model):
    """One powiat assigned to one subregion within a scheme.

    A ROPS reports by the statistical NUTS-3 podregiony and often also by its own areas (OWES
    service areas, subregions of a regional programme); a ``scheme`` keeps each division apart,
    and a powiat belongs to exactly one subregion per scheme. The mapping is data, loaded from
    a YAML/CSV file, because NUTS is revised and ROPS divisions change with each programme.
    """

    __tablename__ = "subregion_assignments"
    __table_args__ = (UniqueConstraint("scheme", "powiat_code", name="scheme_powiat"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: name of the division, e.g. "nuts3" or "owes"
    scheme: Mapped[str] = mapped_column(String(40), index=True)
    #: WWPP code of a powiat (or city with powiat rights)
    powiat_code: Mapped[str] = mapped_column(ForeignKey("territories.code"), index=True)
    #: name shown in reports, e.g. "nyski"
    subregion_name: Mapped[str] = mapped_column(String(120))
    #: optional code of the subregion, e.g. "PL523"
    subregion_code: Mapped[str | None] = mapped_column(String(20))

    def __repr__(self) -> str:
        return f"<SubregionAssignment {self.scheme} {self.powiat_code} → {self.subregion_name}>"
