"""Territorial units from the GUS TERC register (województwa, powiaty, gminy)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db

#: TERC RODZ digit → type of gmina, as the register names it
GMINA_TYPES = {"1": "gmina miejska", "2": "gmina wiejska", "3": "gmina miejsko-wiejska"}


class Territory(db.Model):
    """One territorial unit. Gminas are keyed on the 6-digit WWPPGG code; RODZ is an attribute.

    Keying on six digits keeps a gmina's identity when a village gets town rights and the
    RODZ digit changes (≈75 gminas between 2020 and 2025).
    """

    __tablename__ = "territories"
    __table_args__ = (CheckConstraint("level IN ('wojewodztwo', 'powiat', 'gmina')", name="level"),)

    #: WW (województwo), WWPP (powiat) or WWPPGG (gmina); text, leading zeros kept
    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    #: 'wojewodztwo', 'powiat' or 'gmina'
    level: Mapped[str] = mapped_column(String(12), index=True)
    #: NAZWA from the register ("Kluczbork", "kluczborski", "OPOLSKIE")
    name: Mapped[str] = mapped_column(String(120))
    #: NAZWA_DOD ("gmina miejsko-wiejska", "powiat", "miasto na prawach powiatu")
    kind_label: Mapped[str] = mapped_column(String(80))
    #: TERC RODZ of a gmina (1 miejska, 2 wiejska, 3 miejsko-wiejska) as of ``valid_on``
    rodz: Mapped[str | None] = mapped_column(String(1))
    #: STAN_NA of the register the row was imported from
    valid_on: Mapped[date] = mapped_column(Date)

    @property
    def powiat_code(self) -> str | None:
        return self.code[:4] if len(self.code) >= 4 else None

    @property
    def is_city_with_powiat_rights(self) -> bool:
        """Powiat codes 61 and above are cities with powiat rights (e.g. 1661 Opole)."""
        return len(self.code) >= 4 and int(self.code[2:4]) >= 61

    @property
    def teryt7(self) -> str:
        """The 7-digit TERC code of a gmina (WWPPGGR) as published."""
        return self.code + (self.rodz or "") if self.level == "gmina" else self.code

    @property
    def display_name(self) -> str:
        """Names are not unique (Bolesławiec miejska / wiejska): always show the kind too."""
        if self.level == "wojewodztwo":
            return f"województwo {self.name.lower()}"
        if self.level == "powiat" and not self.is_city_with_powiat_rights:
            return f"powiat {self.name}"
        return f"{self.name} ({self.kind_label})"

    def __repr__(self) -> str:
        return f"<Territory {self.code} {self.name!r}>"
