"""Survey rounds and the reminders each round has sent.

``RoundReminder`` lives here with ``Round``: it is a small record of one round's schedule.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from l10n.clock import POLAND
from models.organisation import owner_default
from models.questionnaire import Questionnaire
from models.types import JSONDocument, UTCDateTime, utcnow

if TYPE_CHECKING:
    from models.invitation import Invitation


class Round(db.Model):
    """A survey round: one questionnaire version sent to a set of units for a reporting period."""

    __tablename__ = "rounds"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    #: reporting period as shown to people: "2025" or "2025-H1"
    period: Mapped[str] = mapped_column(String(16))
    #: the year N that labels and expressions refer to ({rok}, reporting-year())
    reporting_year: Mapped[int] = mapped_column(Integer)
    opens_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    #: 'draft' (being prepared), 'open' (links work), 'closed'
    status: Mapped[str] = mapped_column(String(10), default="draft")
    #: after closing, may units that have not submitted still do so?
    allow_late: Mapped[bool] = mapped_column(Boolean, default=False)
    #: days before the deadline on which the worker reminds units that have not submitted
    reminder_days: Mapped[list] = mapped_column(JSONDocument, default=lambda: [7, 2])
    #: which units the round is for (``services.rounds.RoundSelection`` as JSON): kinds,
    #: powiats, a subregion, an explicit list, units added or left out by hand
    selection: Mapped[dict | None] = mapped_column(JSONDocument)
    #: the organisation that owns the round
    #: (``services.scoping`` fills it in on insert)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True,
                                                 default=owner_default)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    launched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the staff member who closed the round, and why (shown on the round page)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    close_reason: Mapped[str | None] = mapped_column(Text)

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="rounds", lazy="joined")
    invitations: Mapped[list[Invitation]] = relationship(back_populates="round")
    closed_by = relationship("User")
    organisation = relationship("Organisation")

    @property
    def accepts_answers(self) -> bool:
        return self.status == "open" or (self.status == "closed" and self.allow_late)

    @property
    def closed_early(self) -> bool:
        """Closed by staff before the deadline had passed (in Poland's calendar)."""
        if self.status != "closed" or self.closed_at is None:
            return False
        return self.closed_at.astimezone(POLAND).date() <= self.deadline

    def __repr__(self) -> str:
        return f"<Round {self.id} {self.questionnaire.key} {self.period}>"


class RoundReminder(db.Model):
    """A scheduled reminder that has gone out, so the worker sends each one once."""

    __tablename__ = "round_reminders"
    __table_args__ = (UniqueConstraint("round_id", "days_before", name="round_days"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    days_before: Mapped[int] = mapped_column(Integer)
    #: how many units were reminded
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
