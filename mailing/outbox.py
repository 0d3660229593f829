"""The outbox table's operations: add a message, claim a batch, settle each message.

None of these commit. ``add_message`` runs in the caller's transaction (the one that creates
the invitation), and the worker commits after each claim and each settled message, so a crash
loses at most the message that was on the wire.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from extensions import db
from mailing.attachments import Attachment, ClaimedAttachment, claimed_attachments, new_attachment
from mailing.links import encrypt_token
from models.outbox_message import OUTBOX_STATUSES, OutboxMessage

#: set in ``Session.info`` when a message is added, so the inline sender knows to run
QUEUED_FLAG = "esmon_mail_queued"
#: a retry is never put off longer than this, however many times it failed
MAX_BACKOFF = timedelta(hours=1)
NO_RECIPIENT = "Brak adresu e-mail odbiorcy — uzupełnij adres jednostki i wyślij ponownie."


@dataclass(frozen=True)
class Claimed:
    """What a worker needs to send one claimed message (plain data, no ORM state)."""

    id: int
    recipients: list[str]
    subject: str
    body_text: str
    body_html: str | None
    attempts: int
    created_at: datetime
    #: the personal link's token, encrypted (``mailing.links``); ``None`` for other mail
    link_token: str | None = None
    #: files that go with it; one queued by its source has no bytes until the worker makes
    #: them (``mailing.attachments.materialise``)
    attachments: tuple[ClaimedAttachment, ...] = ()


def add_message(*, kind: str, recipients: list[str], subject: str, body_text: str,
                body_html: str | None = None, invitation_id: int | None = None,
                round_id: int | None = None, token: str | None = None,
                attachments: Iterable[Attachment] = ()) -> OutboxMessage:
    """Store a message in the caller's transaction; it is sent after that transaction commits.

    A message without any recipient is stored as failed, so staff see it instead of it
    silently not existing.

    :param token: the personal link's token, where the bodies hold ``LINK_PLACEHOLDER``;
        stored only encrypted, and only until the message is sent
    :param attachments: files sent with it, stored with it (see ``mailing.attachments``)
    """
    message = OutboxMessage(
        kind=kind, recipients=list(recipients), subject=" ".join(subject.split()),
        body_text=body_text, body_html=body_html, invitation_id=invitation_id,
        round_id=round_id, status="queued", attempts=0,
        link_token=encrypt_token(current_app, token) if token else None,
        attachments=[new_attachment(item) for item in attachments])
    if not message.recipients:
        message.status, message.last_error = "failed", NO_RECIPIENT
        message.link_token = None
    db.session.add(message)
    db.session.flush()
    db.session.info[QUEUED_FLAG] = True
    return message


def requeue_stale(session: Session, *, now: datetime, timeout: timedelta) -> int:
    """Give back messages claimed by a worker that stopped answering (killed, lost host).

    :return: how many messages went back to the queue
    """
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - timeout)
        .values(status="queued", claimed_by=None, claimed_at=None,
                last_error=f"Wysyłkę przerwano (brak potwierdzenia w ciągu "
                           f"{int(timeout.total_seconds())} s); wiadomość wróciła do kolejki.")
        .execution_options(synchronize_session=False))
    return result.rowcount  # type: ignore[attr-defined]  # an UPDATE's CursorResult


def claim_batch(session: Session, *, worker_id: str, size: int, now: datetime) -> list[Claimed]:
    """Mark up to ``size`` due messages as this worker's and return them, oldest first.

    On PostgreSQL ``SELECT … FOR UPDATE SKIP LOCKED`` locks the chosen rows until the caller
    commits, and other workers step over them, so several workers claim at the same moment
    without waiting for each other or taking the same rows. (It is a statement of its own: as a
    subquery of the ``UPDATE`` the planner may re-run it and claim more than ``size``.)
    On SQLite the ``status = 'queued'`` condition of the ``UPDATE`` is what makes the claim
    exclusive; writes are serialised by the database lock.
    """
    ids = list(session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(size)
        .with_for_update(skip_locked=True)))
    if not ids:
        return []
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == "queued")
        .values(status="sending", claimed_by=worker_id, claimed_at=now)
        .execution_options(synchronize_session=False))
    rows = session.execute(
        select(OutboxMessage.id, OutboxMessage.recipients, OutboxMessage.subject,
               OutboxMessage.body_text, OutboxMessage.body_html, OutboxMessage.attempts,
               OutboxMessage.created_at, OutboxMessage.link_token)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == worker_id,
               OutboxMessage.status == "sending")
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)).all()
    files = claimed_attachments(session, [row[0] for row in rows])
    return [Claimed(id_, recipients, subject, body_text, body_html, attempts, created_at,
                    link_token, attachments=files.get(id_, ()))
            for id_, recipients, subject, body_text, body_html, attempts, created_at, link_token
            in rows]


def mark_sent(session: Session, message: Claimed, *, now: datetime) -> None:
    """The server accepted the message: its link's token is not kept a moment longer."""
    session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message.id)
        .values(status="sent", sent_at=now, claimed_at=None, link_token=None)
        .execution_options(synchronize_session=False))


def backoff(attempts: int, base: timedelta) -> timedelta:
    """Delay before the next try: ``base``, then doubling, never above ``MAX_BACKOFF``."""
    return min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def record_failure(session: Session, message: Claimed, error: str, *, now: datetime,
                   permanent: bool, max_attempts: int, retry_base: timedelta) -> str:
    """The server refused this message: retry later, or give up after ``max_attempts``.

    :param permanent: the server said the message can never be delivered (a 5xx reply)
    :return: the message's new status
    """
    attempts = message.attempts + 1
    status = "failed" if permanent or attempts >= max_attempts else "queued"
    given_up = {"link_token": None} if status == "failed" else {}
    session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message.id)
        .values(status=status, attempts=attempts, last_error=error[:2000], **given_up,
                next_attempt_at=now + backoff(attempts, retry_base),
                claimed_by=None, claimed_at=None)
        .execution_options(synchronize_session=False))
    return status


def record_drop(session: Session, message: Claimed, error: str, *, now: datetime,
                max_drops: int, retry_base: timedelta) -> str:
    """The server hung up while this message was on the wire and answered again right after.

    Such a message may be what the server cannot take (too large, a content filter that
    kills the session): after ``max_drops`` hang-ups it is parked as failed with the error,
    so the messages behind it go out.

    :return: the message's new status ('queued' or 'failed')
    """
    drops = session.scalar(select(OutboxMessage.drops).where(OutboxMessage.id == message.id))
    drops = (drops or 0) + 1
    attempts = message.attempts + 1
    parked = drops >= max_drops
    status = "failed" if parked else "queued"
    text = (f"Serwer poczty zerwał połączenie podczas wysyłania tej wiadomości "
            f"({drops} raz(y)): {error}")
    if parked:
        text += " — wiadomość odłożona jako niewysłana; sprawdź ją i wyślij ponownie."
    session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message.id)
        .values(status=status, attempts=attempts, drops=drops, last_error=text[:2000],
                **({"link_token": None} if parked else {}),
                next_attempt_at=now + backoff(attempts, retry_base),
                claimed_by=None, claimed_at=None)
        .execution_options(synchronize_session=False))
    return status


def release(session: Session, messages: Iterable[Claimed], *, now: datetime,
            error: str | None = None, retry_base: timedelta | None = None) -> None:
    """Put claimed messages back in the queue.

    With an ``error`` (the server could not be reached) each try counts and the next one
    waits, but the message is never failed for it: an outage of any length loses nothing.
    Without one (the batch ran out of time) the messages are simply due again.
    """
    for message in messages:
        values: dict = {"status": "queued", "claimed_by": None, "claimed_at": None}
        if error is not None:
            attempts = message.attempts + 1
            values.update(attempts=attempts, last_error=error[:2000],
                          next_attempt_at=now + backoff(attempts, retry_base or timedelta()))
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message.id).values(**values)
            .execution_options(synchronize_session=False))


def status_counts(round_id: int | None = None) -> dict[str, int]:
    """Messages by status (every status present, zeros included), for one round or all."""
    query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    if round_id is not None:
        query = query.where(OutboxMessage.round_id == round_id)
    counts = dict.fromkeys(OUTBOX_STATUSES, 0)
    counts.update(dict(db.session.execute(query).all()))
    return counts


def due_count(*, now: datetime) -> int:
    """Queued messages that may be sent now, for the worker's progress bar."""
    return db.session.scalar(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now)) or 0
