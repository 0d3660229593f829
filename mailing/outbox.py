"""The outbox table's operations: add a message, claim a batch, settle each message.

None of these commit but ``SentMarks``. ``add_message`` runs in the caller's transaction (the
one that creates the invitation) and stores the message composed (``mailing.compose``: the
MIME bytes, once); ``add_deferred`` stores what the worker needs to compose it later (the
confirmation, written from the response). The worker commits after each claim and each
settled message, so a crash of the worker loses nothing and sends again at most the one
message that was on the wire.

Durability: the "sent" mark of each message is committed on its own (``SentMarks``), but
without waiting for the disk (``relaxed``: PostgreSQL ``synchronous_commit = off``, SQLite
``synchronous = NORMAL`` in WAL mode): the database server has it once the commit returns,
so killing the worker (the case ``tests/test_mail_crash.py`` plays) resends at most the
message in flight.
Only a crash of the database server or the machine itself can lose the last relaxed marks,
and at most those since the last durable commit — each batch ends with one (the last mark,
or the release of what was left), so such a crash resends at most one batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import ngettext
from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from extensions import db
from mailing.attachments import Attachment, ClaimedAttachment, claimed_attachments, new_attachment
from mailing.compose import Written, compose_mime, message_id
from mailing.links import encrypt_token
from models.outbox_message import OUTBOX_STATUSES, OutboxMessage
from models.types import utcnow

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
    #: the composed message (``mailing.compose``); ``None`` until the worker composes it
    mime: bytes | None = None
    #: who composes it, and with what, when the worker does (``add_deferred``)
    composer: str | None = None
    compose_args: dict | None = None


def add_message(*, kind: str, recipients: list[str], subject: str, body_text: str,
                body_html: str | None = None, invitation_id: int | None = None,
                round_id: int | None = None, token: str | None = None,
                attachments: Iterable[Attachment] = ()) -> OutboxMessage:
    """Store a message, composed, in the caller's transaction; it is sent after that
    transaction commits. A message with a file the worker makes (an attachment queued by its
    source) is composed by the worker, once the file exists.

    A message without any recipient is stored as failed, so staff see it instead of it
    silently not existing.

    :param token: the personal link's token, where the bodies hold ``LINK_PLACEHOLDER``;
        stored only encrypted, and only until the message is sent
    :param attachments: files sent with it, stored with it (see ``mailing.attachments``)
    """
    files = tuple(attachments)
    message = _add(kind=kind, recipients=recipients, subject=subject, body_text=body_text,
                   body_html=body_html, invitation_id=invitation_id, round_id=round_id,
                   token=token, attachments=files)
    if any(item.content is None for item in files):
        return message
    written = Written(message.subject, body_text, body_html, files)
    # a line too long for 8bit (or a header it refuses): mime stays None, the worker composes
    # it and records what went wrong
    with suppress(ValueError):
        message.mime = compose_mime(current_app, msg_id=message_id(
            current_app, message.id, message.created_at), recipients=message.recipients,
            written=written)
    return message


def add_deferred(*, kind: str, recipients: list[str], subject: str, composer: str,
                 args: dict, invitation_id: int | None = None, round_id: int | None = None,
                 attachments: Iterable[Attachment] = ()) -> OutboxMessage:
    """Store a message the worker composes (``mailing.compose.register_composer``), so the
    request that queues it does not pay for writing it (a copy of every answer, a PDF …).

    :param subject: the subject until the composer writes the message
    :param args: JSON the composer gets back (ids, the language)
    """
    message = _add(kind=kind, recipients=recipients, subject=subject, body_text="",
                   body_html=None, invitation_id=invitation_id, round_id=round_id, token=None,
                   attachments=tuple(attachments))
    message.composer, message.compose_args = composer, dict(args)
    return message


def _add(*, kind: str, recipients: list[str], subject: str, body_text: str,
         body_html: str | None, invitation_id: int | None, round_id: int | None,
         token: str | None, attachments: tuple[Attachment, ...]) -> OutboxMessage:
    message = OutboxMessage(
        kind=kind, recipients=list(recipients), subject=" ".join(subject.split()),
        body_text=body_text, body_html=body_html, invitation_id=invitation_id,
        round_id=round_id, status="queued", attempts=0, created_at=utcnow(),
        link_token=encrypt_token(current_app, token) if token else None,
        attachments=[new_attachment(item) for item in attachments])
    if not message.recipients:
        message.status, message.last_error = "failed", NO_RECIPIENT
        message.link_token = None
    db.session.add(message)
    db.session.flush()
    db.session.info[QUEUED_FLAG] = True
    return message


def store_composed(session: Session, message: Claimed, written: Written, mime: bytes | None,
                   attachments: tuple[ClaimedAttachment, ...]) -> Claimed:
    """Keep what the worker composed, so a retry sends the same message (not committed)."""
    session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message.id)
        .values(subject=written.subject, body_text=written.body_text,
                body_html=written.body_html, mime=mime)
        .execution_options(synchronize_session=False))
    return replace(message, subject=written.subject, body_text=written.body_text,
                   body_html=written.body_html, mime=mime, attachments=attachments)


def relaxed(session: Session, *, durable: bool = False) -> None:
    """Make the coming commit wait for the disk (``durable``) or not (the module's note)."""
    _synchronous(session.connection(), durable=durable)


def _synchronous(connection: Connection, *, durable: bool) -> None:
    name = connection.dialect.name
    if name == "postgresql" and not durable:
        connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
    elif name == "sqlite":
        # a setting of the connection (kept in its info, which lives as long as it does)
        mode = "FULL" if durable else "NORMAL"
        if connection.info.get("esmon_synchronous") != mode:
            connection.exec_driver_sql(f"PRAGMA synchronous = {mode}")
            connection.info["esmon_synchronous"] = mode


_outbox = OutboxMessage.__table__
#: the statement run once per sent message, built once (Core: no ORM bookkeeping per row)
_MARK_SENT = (update(_outbox).where(_outbox.c.id == bindparam("message_id"))
              .values(status="sent", sent_at=bindparam("sent_at"), claimed_at=None,
                      link_token=None))


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
               OutboxMessage.created_at, OutboxMessage.link_token, OutboxMessage.mime,
               OutboxMessage.composer, OutboxMessage.compose_args)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == worker_id,
               OutboxMessage.status == "sending")
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)).all()
    # files only for messages still to be composed (a stored MIME already holds them)
    files = claimed_attachments(session, [row.id for row in rows if row.mime is None])
    return [Claimed(row.id, row.recipients, row.subject, row.body_text, row.body_html,
                    row.attempts, row.created_at, row.link_token,
                    attachments=files.get(row.id, ()), mime=row.mime, composer=row.composer,
                    compose_args=row.compose_args) for row in rows]


class SentMarks:
    """The sent-marks of one SMTP session, each committed on its own, on one held connection.

    Why a connection of its own: a ``Session.commit`` per message hands the connection back
    to the pool and the next statement takes one out again (with its ``pool_pre_ping``) —
    more work than the mark itself. The session is not written while a mark is pending, and
    every mark is committed at once, so the two never hold a write at the same time.

    At most one mark is pending at any moment (``add`` commits the one before): the worker
    commits it while the server answers the next message's envelope (``steps``), before that
    message's content leaves, so a killed worker still leaves at most one message whose fate
    is unknown. Marks are relaxed (the module's note) except the one ``close`` commits.
    """

    def __init__(self, session: Session):
        self._engine = session.get_bind().engine
        self._connection: Connection | None = None
        self._pending: dict[str, Any] | None = None
        #: ``steps`` ran the UPDATE of a mark and not yet its commit
        self._written = False

    def add(self, message: Claimed, *, now: datetime) -> None:
        """The server accepted ``message``; its mark goes in with the next ``commit``."""
        self.commit()
        self._pending = {"message_id": message.id, "sent_at": now}

    def commit(self, *, durable: bool = False) -> None:
        """Commit the pending mark, if there is one: its link's token is not kept a moment
        longer (and finish one ``steps`` left half done)."""
        if self._written:
            self._finish()
        pending, self._pending = self._pending, None
        if pending is None:
            return
        connection = self._connection or self._connect()
        if durable:
            _synchronous(connection, durable=True)
        connection.execute(_MARK_SENT, pending)
        connection.commit()

    def steps(self) -> Iterator[None]:
        """``commit`` in two halves — the UPDATE, then the commit — for a sender to run one
        in each wait for the server's answer (``mailing.transport.Send``)."""
        pending, self._pending = self._pending, None
        if pending is None:
            return
        connection = self._connection or self._connect()
        connection.execute(_MARK_SENT, pending)
        self._written = True
        yield
        if self._written:  # unless ``commit`` finished it meanwhile
            self._finish()

    def _finish(self) -> None:
        assert self._connection is not None
        self._written = False
        self._connection.commit()

    def close(self) -> None:
        """Commit the last mark, waiting for the disk, and give the connection back."""
        try:
            self.commit(durable=True)
        finally:
            if self._connection is not None:
                connection, self._connection = self._connection, None
                if connection.dialect.name == "postgresql" and not connection.invalidated:
                    with suppress(DBAPIError):  # a broken connection is discarded anyway
                        connection.exec_driver_sql("RESET synchronous_commit")
                        connection.commit()
                connection.close()

    def _connect(self) -> Connection:
        connection = self._engine.connect()
        if connection.dialect.name == "postgresql":
            # for the connection's session (reset by ``close``), not a statement per mark
            connection.exec_driver_sql("SET synchronous_commit TO OFF")
        else:
            _synchronous(connection, durable=False)
        self._connection = connection
        return connection


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
    relaxed(session, durable=True)
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
    relaxed(session, durable=True)
    drops = session.scalar(select(OutboxMessage.drops).where(OutboxMessage.id == message.id))
    drops = (drops or 0) + 1
    attempts = message.attempts + 1
    parked = drops >= max_drops
    status = "failed" if parked else "queued"
    text = ngettext("Serwer poczty zerwał połączenie podczas wysyłania tej wiadomości "
                    "(%(num)d raz)", "Serwer poczty zerwał połączenie podczas wysyłania tej "
                    "wiadomości (%(num)d razy)", drops) + f": {error}"
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
    Without one (the batch ran out of time) the messages are simply due again. One statement
    for each number of tries among them (usually one for the whole batch).
    """
    by_attempts: dict[int, list[int]] = {}
    for message in messages:
        by_attempts.setdefault(message.attempts, []).append(message.id)
    relaxed(session, durable=True)
    for attempts, ids in by_attempts.items():
        values: dict = {"status": "queued", "claimed_by": None, "claimed_at": None}
        if error is not None:
            values.update(attempts=attempts + 1, last_error=error[:2000],
                          next_attempt_at=now + backoff(attempts + 1,
                                                        retry_base or timedelta()))
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(**values)
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
