"""Questionnaire versions as loaded from ``survey_defs/``."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from models.round import Round


class Questionnaire(db.Model):
    """One version of a questionnaire definition, kept verbatim.

    A version is immutable once a round uses it: editing the file without changing its
    ``version`` is refused, so a round always renders the text it was launched with.
    """

    __tablename__ = "questionnaires"
    __table_args__ = (UniqueConstraint("key", "version", name="key_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stable across years (``jst-annual``); rounds of one key are compared year over year
    key: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    #: the YAML text exactly as loaded; read only when used (``services.questionnaires
    #: .survey_for_round`` finds a parsed definition by ``checksum``), not with every round
    source_text: Mapped[str] = mapped_column(Text, deferred=True)
    #: SHA-256 of ``source_text``
    checksum: Mapped[str] = mapped_column(String(64))
    #: file name the version came from, for messages
    source_name: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    rounds: Mapped[list[Round]] = relationship(back_populates="questionnaire")

    def __repr__(self) -> str:
        return f"<Questionnaire {self.key} v{self.version}>"
