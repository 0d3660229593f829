"""The outbox: every e-mail is stored here, in the sender's transaction, before it is sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.organisation import owner_default
from models.types import JSONDocument, UTCDateTime, utcnow

OUTBOX_STATUSES = ("queued", "sending", "sent", "failed")


class OutboxMessage(db.Model):
    """One e-mail on its way out.

    A message moves ``queued`` → ``sending`` (claimed by a worker) → ``sent``; a message the
    server keeps refusing ends ``failed``. A claim older than ``MAIL_CLAIM_TIMEOUT_SECONDS``
    belongs to a worker that died, so it goes back to ``queued``.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name="status"),
        CheckConstraint("kind IN ('invitation', 'reminder', 'confirmation', 'other')",
                        name="kind"),
        # the worker's query: queued messages that are due, oldest first
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 'invitation', 'reminder', 'confirmation' or 'other'
    kind: Mapped[str] = mapped_column(String(16), default="other")
    #: addresses the message goes to (a JSON list of strings)
    recipients: Mapped[list] = mapped_column(JSONDocument)
    #: subject line, already in its final (Polish) wording
    subject: Mapped[str] = mapped_column(String(500))
    #: plain-text part; a personal link's token is ``mailing.links.LINK_PLACEHOLDER`` here
    body_text: Mapped[str] = mapped_column(Text)
    #: HTML part (escaped when rendered); ``None`` for text-only messages
    body_html: Mapped[str | None] = mapped_column(Text)
    #: the whole message as sent (``mailing.compose``), composed once when queued, without
    #: ``Date`` and with ``LINK_PLACEHOLDER`` for the token; ``None`` until the worker composes
    #: a message queued with a ``composer`` (the bodies above are its readable copy)
    mime: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: who writes the message when the worker composes it (``mailing.compose.register_composer``)
    #: and with what (JSON); ``None`` for a message composed when queued
    composer: Mapped[str | None] = mapped_column(String(40))
    compose_args: Mapped[dict | None] = mapped_column(JSONDocument)
    #: the personal link's token where the bodies hold the placeholder, encrypted with a key
    #: derived from SECRET_KEY (``mailing.links``); blanked once the message is sent or failed
    link_token: Mapped[str | None] = mapped_column(Text)
    #: 'queued', 'sending', 'sent' or 'failed'
    status: Mapped[str] = mapped_column(String(10), default="queued")
    #: how many times sending was tried and did not succeed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: a queued message is not tried before this moment (backoff after a failure)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: how many times the server hung up while this message was on the wire (and answered
    #: again right after): a message it always drops is parked as failed, not retried forever
    drops: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: the last failure, as the SMTP server or the operating system worded it
    last_error: Mapped[str | None] = mapped_column(Text)
    #: the worker that holds the message while it is ``sending``
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    #: when the worker claimed it; old claims are taken back
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when the SMTP server (or the outbox folder) accepted the message
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the invitation the message is about (invitations and reminders, confirmations)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL"), index=True)
    #: the round the message belongs to, for the round's mail progress
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("rounds.id", ondelete="SET NULL"), index=True)

    #: the organisation that owns the message (its round's, else the sender's)
    #: (``services.scoping`` fills it in on insert)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True,
                                                 default=owner_default)

    organisation = relationship("Organisation")
    #: files sent with the message (the copy of the answers with a confirmation), in order
    attachments: Mapped[list[OutboxAttachment]] = relationship(
        back_populates="message", order_by="OutboxAttachment.id",
        cascade="all, delete-orphan", passive_deletes=True)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"


class OutboxAttachment(db.Model):
    """A file that goes with an outbox message, part of it like its subject and bodies.

    A file made from the database (the PDF copy of a response) may be queued with only its
    ``source``: the worker makes it when it first sends the message
    (``mailing.attachments``) and keeps the bytes here, so a retry sends the very same file
    and the request that queued the message never waits for it.
    """

    __tablename__ = "outbox_attachments"
    __table_args__ = (
        CheckConstraint("content IS NOT NULL OR source IS NOT NULL", name="content_or_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)
    #: the name the recipient sees (``odpowiedzi-…-v2.pdf``)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    #: the file; ``None`` until the worker has made it from ``source``
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: what to make the file from, ``<maker>:<key>`` (``response-copy:17``); ``None`` when
    #: ``content`` was given at queue time
    source: Mapped[str | None] = mapped_column(String(200))

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")

    def __repr__(self) -> str:
        return f"<OutboxAttachment {self.id} {self.filename}>"
