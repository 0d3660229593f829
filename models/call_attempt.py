"""Phone follow-up (CATI): each call staff make to a unit of a round, and its outcome."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from l10n import N_
from models.invitation import Invitation
from models.types import UTCDateTime, utcnow
from models.user import User

#: outcome code → Polish name (a msgid: pages translate it), in the order the form offers them
OUTCOMES = {
    "no_answer": N_("nie odbiera"),
    "busy": N_("zajęte"),
    "wrong_number": N_("błędny numer"),
    "callback": N_("prośba o kontakt później"),
    "refused": N_("odmowa udziału"),
    "online": N_("wypełni przez internet — ponowne wysłanie linku"),
    "completed": N_("wywiad telefoniczny — wypełnienie ankiety"),
}
#: outcomes after which nobody calls the unit again unless someone logs a new call (a
#: ``completed`` call whose response is still unsent keeps the unit on the list)
FINAL_OUTCOMES = ("refused",)


class CallAttempt(db.Model):
    """One phone call to a unit about its round: who called, when, how long, what came of it.

    A ``callback`` outcome books ``callback_at``: the unit comes back on the caller's list at
    that time and not before. A ``completed`` call is linked to the response entered during it.
    """

    __tablename__ = "call_attempts"
    __table_args__ = (
        CheckConstraint("outcome IN ('no_answer', 'busy', 'wrong_number', 'callback', "
                        "'refused', 'online', 'completed')", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id"), index=True)
    caller_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    called_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: one of ``OUTCOMES``
    outcome: Mapped[str] = mapped_column(Text)
    #: length of the conversation in seconds (0 when nobody answered)
    duration_seconds: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)
    #: when to call again (``callback`` only), UTC
    callback_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    #: the response entered during the call (``completed`` only)
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id"))
    #: the number dialled, as the register had it then (the register may change later)
    phone: Mapped[str | None] = mapped_column(Text)

    invitation: Mapped[Invitation] = relationship(lazy="joined")
    caller: Mapped[User] = relationship(lazy="joined")

    @property
    def outcome_name(self) -> str:
        return OUTCOMES.get(self.outcome, self.outcome)

    def __repr__(self) -> str:
        return f"<CallAttempt {self.id} invitation={self.invitation_id} {self.outcome}>"
