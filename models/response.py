"""A unit's answers to a round."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from l10n import N_
from models.invitation import Invitation
from models.types import JSONDocument, UTCDateTime, utcnow

if TYPE_CHECKING:
    from models.response_version import ResponseVersion

#: how the answers came: mode code → Polish name (a msgid: pages and reports translate it)
RESPONSE_MODES = {"web": N_("przez internet"), "phone": N_("telefonicznie (CATI)"),
                  "staff": N_("wpis pracownika")}


class Response(db.Model):
    """A unit's answers to a round, as JSON keyed by question id.

    ``version`` is SQLAlchemy's optimistic lock: two saves of the same version cannot both win.
    """

    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'submitted', 'returned', 'accepted')", name="status"
        ),
        CheckConstraint("mode IN ('web', 'phone', 'staff')", name="mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id"), unique=True)
    #: question id → stored value (numbers as int or exact decimal strings, dates ISO)
    answers: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    #: question id → {"message": …, "comment": …} for soft checks the unit confirmed
    warnings: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    #: 'draft', 'submitted', 'returned', 'accepted'
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    #: ids of sections the unit has saved at least once
    sections_saved: Mapped[list] = mapped_column(JSONDocument, default=list)
    #: question ids whose value was carried over from the previous round and not yet saved
    carried_over: Mapped[list] = mapped_column(JSONDocument, default=list)
    #: form field name → {"question": id, "text": [what was typed], "message": why it was
    #: refused}: a draft keeps every value typed, the ones that are not answers yet live here
    #: (never in ``answers``, so reports and checks never see them) until they are corrected
    held_values: Mapped[dict] = mapped_column(JSONDocument, default=dict, server_default="{}")
    #: the reviewer's comment when the response was returned for correction
    review_comment: Mapped[str | None] = mapped_column(Text)
    #: question id → the reviewer's comment on that answer
    question_notes: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: how the answers came (``RESPONSE_MODES``): the unit on its link, a phone interview,
    #: or staff typing in a paper form; set at submission, ``phone`` from the call on
    mode: Mapped[str] = mapped_column(String(10), default="web", server_default="web")

    invitation: Mapped[Invitation] = relationship(back_populates="response")
    versions: Mapped[list[ResponseVersion]] = relationship(
        "ResponseVersion", order_by="ResponseVersion.number", uselist=True)

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_editable(self) -> bool:
        return self.status in ("draft", "returned")

    def __repr__(self) -> str:
        return f"<Response {self.id} {self.status} v{self.version}>"
