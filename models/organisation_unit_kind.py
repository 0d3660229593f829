"""Unit kinds an organisation adds to the shipped file (``registers/unit_kinds.yaml``)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.types import JSONDocument


class OrganisationUnitKind(db.Model):
    """A kind of unit only one organisation (and its partners) uses, e.g. a gmina's "sołectwo"."""

    __tablename__ = "organisation_unit_kinds"
    __table_args__ = (UniqueConstraint("organisation_id", "code", name="organisation_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    #: 1 / 2–4 / 5+ forms, as in the kinds file
    plural: Mapped[list] = mapped_column(JSONDocument)
    #: 'gmina', 'powiat' or 'any'
    teryt: Mapped[str] = mapped_column(String(8), default="any")
    #: keys of the questionnaires whose rounds may invite it (empty: those listing it)
    questionnaires: Mapped[list] = mapped_column(JSONDocument, default=list)

    def __repr__(self) -> str:
        return f"<OrganisationUnitKind {self.organisation_id} {self.code}>"
