"""Dated history of the TERC register: one row a territory for every register date imported."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db


class TerritoryVersion(db.Model):
    """A territory as one TERC register (STAN_NA) described it.

    ``Territory`` holds only the newest state; reports for an earlier reporting year need the
    gmina type of that year (a village that got town rights turns a gmina wiejska into a
    miejsko-wiejska one, RODZ 2 → 3), so every imported register leaves its rows here.
    """

    __tablename__ = "territory_versions"
    __table_args__ = (UniqueConstraint("code", "valid_on", name="code_valid_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: WW, WWPP or WWPPGG, as in ``Territory.code``
    code: Mapped[str] = mapped_column(ForeignKey("territories.code"), index=True)
    #: STAN_NA of the register this row comes from
    valid_on: Mapped[date] = mapped_column(Date)
    #: TERC RODZ of a gmina (1, 2, 3); empty for województwa and powiats
    rodz: Mapped[str | None] = mapped_column(String(1))
    name: Mapped[str] = mapped_column(String(120))
    #: NAZWA_DOD ("gmina wiejska", "powiat", …)
    kind_label: Mapped[str] = mapped_column(String(80))

    def __repr__(self) -> str:
        return f"<TerritoryVersion {self.code} {self.valid_on} rodz={self.rodz}>"
