"""Reporting units: the CIS, KIS, OWES, gminas, powiats and OPS/PCPR that fill questionnaires."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from forms.kinds import known_kinds
from models.organisation import owner_default
from models.territory import Territory
from models.types import UTCDateTime, utcnow

#: kind code → Polish name (a msgid: pages translate it) of the shipped kinds file
#: (``registers/unit_kinds.yaml``); an organisation's own kinds: ``services.unit_kinds``
UNIT_KINDS = {code: kind.name for code, kind in known_kinds().items()}


def _shipped_name(code: str) -> str:
    return UNIT_KINDS.get(code, code)


#: code → name, organisations' own kinds included (``services.unit_kinds.install`` sets it)
kind_label: Callable[[str], str] = _shipped_name


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
    #: the organisation that owns the unit's register entry
    #: (``services.scoping`` fills it in on insert)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True,
                                                 default=owner_default)
    #: telephone numbers for the phone follow-up (CATI), comma separated, as staff typed them
    phones: Mapped[str | None] = mapped_column(String(200))
    #: inactive units stay for history but are not invited any more
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    territory: Mapped[Territory] = relationship(lazy="joined")
    organisation = relationship("Organisation")

    @property
    def email_list(self) -> list[str]:
        return [e.strip() for e in self.emails.split(",") if e.strip()]

    @property
    def phone_list(self) -> list[str]:
        return [p.strip() for p in (self.phones or "").split(",") if p.strip()]

    @property
    def kind_name(self) -> str:
        return kind_label(self.kind)

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.kind} {self.name!r}>"
