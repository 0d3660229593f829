"""Reporting units: the CIS, KIS, OWES, gminas, powiats and OPS/PCPR that fill questionnaires."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.territory import Territory
from models.types import UTCDateTime, utcnow

#: kind code → Polish name; the kinds a questionnaire lists in ``unit_kinds``
UNIT_KINDS = {
    "cis": "Centrum Integracji Społecznej",
    "kis": "Klub Integracji Społecznej",
    "owes": "Ośrodek Wsparcia Ekonomii Społecznej",
    "gmina": "Gmina",
    "powiat": "Powiat",
    "ops": "Ośrodek pomocy społecznej",
    "pcpr": "Powiatowe centrum pomocy rodzinie",
    "wtz": "Warsztat terapii zajęciowej",
    "zaz": "Zakład aktywności zawodowej",
    "pes": "Podmiot ekonomii społecznej",
}


class Unit(db.Model):
    """A reporting unit in the ROPS register."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: one of ``UNIT_KINDS``
    kind: Mapped[str] = mapped_column(String(16), index=True)
    #: full name as it appears on invitations and reports
    name: Mapped[str] = mapped_column(String(300))
    #: territory the unit is located in (gmina WWPPGG, or powiat WWPP for powiats/PCPR)
    teryt: Mapped[str] = mapped_column(ForeignKey("territories.code"), index=True)
    #: e-mail addresses the invitations go to, comma separated
    emails: Mapped[str] = mapped_column(Text)
    regon: Mapped[str | None] = mapped_column(String(14))
    krs: Mapped[str | None] = mapped_column(String(10))
    contact_person: Mapped[str | None] = mapped_column(String(200))
    #: inactive units stay for history but are not invited any more
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    territory: Mapped[Territory] = relationship(lazy="joined")

    @property
    def email_list(self) -> list[str]:
        return [e.strip() for e in self.emails.split(",") if e.strip()]

    @property
    def kind_name(self) -> str:
        return UNIT_KINDS.get(self.kind, self.kind)

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.kind} {self.name!r}>"
