"""The mail worker: drains the outbox in batches, one connection per batch, at a bounded rate.

A batch is claimed in one commit; the messages a composer writes (the confirmation) are
composed and stored in one more; then each message goes send → mark sent, its mark committed
on its own (cheaply: ``mailing.outbox`` on durability and ``SentMarks``) while the server
answers the next message's ``MAIL FROM``, before that message's content leaves. So a worker
killed at any point leaves at most one message whose fate is unknown (the one on the wire,
or the one just accepted whose mark was not in yet — after a restart it may arrive twice,
with the same Message-ID), and its batch returns to the queue once the claim times out.
Marking the batch in one statement at its end would save commits but, killed mid-batch, send
every message before the kill again. An unreachable server
never fails a message; only a server that refuses *that* message does, after
``MAIL_MAX_ATTEMPTS`` tries (or at once for a permanent 5xx refusal). A server that hangs up
while one message is on the wire, and answers again right after, is refusing that message:
after ``MAIL_MAX_DROPS`` such hang-ups it is parked as failed and the batch goes on.
"""

from __future__ import annotations

import os
import smtplib
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from flask_mail import BadHeaderError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from extensions import db
from mailing.attachments import AttachmentUnavailable, materialise
from mailing.compose import LineTooLong, Written, composer_named
from mailing.links import LinkUnreadable
from mailing.outbox import (
    Claimed,
    SentMarks,
    claim_batch,
    record_drop,
    record_failure,
    relaxed,
    release,
    requeue_stale,
    store_composed,
)
from mailing.transport import Send, Transport, build_message, compose_claimed, transport_for
from models.types import utcnow

#: SMTP replies that mean "this server is going away", not "this message is wrong"
CLOSING_CODES = {421}


#: the connection ended under the message being sent (no reply at all)
DROPPED_CONNECTION = (smtplib.SMTPServerDisconnected, ConnectionResetError,
                      ConnectionAbortedError, BrokenPipeError)


class ServerUnavailable(Exception):
    """The server cannot be reached or hung up: the rest of the batch must wait."""


class MessageDropped(Exception):
    """The server hung up while one message was on the wire; it is settled, reconnect."""

    def __init__(self, left_queue: bool):
        super().__init__()
        self.left_queue = left_queue


@dataclass(frozen=True)
class WorkerSettings:
    """The knobs of the worker, read from ``MAIL_*`` settings."""

    batch_size: int = 50
    rate_per_second: float = 10.0
    max_attempts: int = 8
    #: hang-ups under one message (each followed by a working reconnect) before it is parked
    max_drops: int = 3
    retry_base: timedelta = timedelta(seconds=60)
    claim_timeout: timedelta = timedelta(seconds=600)

    @classmethod
    def from_config(cls, config: Mapping[str, Any], **overrides: Any) -> WorkerSettings:
        settings = cls(
            batch_size=int(config.get("MAIL_BATCH_SIZE", cls.batch_size)),
            rate_per_second=float(config.get("MAIL_RATE_PER_SECOND", cls.rate_per_second)),
            max_attempts=int(config.get("MAIL_MAX_ATTEMPTS", cls.max_attempts)),
            max_drops=int(config.get("MAIL_MAX_DROPS", cls.max_drops)),
            retry_base=timedelta(seconds=float(config.get("MAIL_RETRY_BASE_SECONDS", 60))),
            claim_timeout=timedelta(
                seconds=float(config.get("MAIL_CLAIM_TIMEOUT_SECONDS", 600))),
        )
        return cls(**{**settings.__dict__,
                      **{k: v for k, v in overrides.items() if v is not None}})


@dataclass
class BatchResult:
    """What one batch (or a whole drain) did."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    #: why the server could not be used, when it could not
    connection_error: str | None = None
    errors: list[str] = field(default_factory=list)

    def add(self, other: BatchResult) -> None:
        self.claimed += other.claimed
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.connection_error = other.connection_error or self.connection_error
        self.errors += other.errors


class RateLimiter:
    """At most ``rate`` calls of ``wait()`` a second, evenly spaced (0 means no limit)."""

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.clock, self.sleep = clock, sleep
        self._next = 0.0

    def wait(self) -> None:
        if not self.interval:
            return
        now = self.clock()
        if self._next > now:
            self.sleep(self._next - now)
            now = self._next
        self._next = now + self.interval


def describe(error: BaseException) -> str:
    """An error as staff should read it in the outbox: the server's own words where possible."""
    if isinstance(error, AttachmentUnavailable):
        return str(error)
    if isinstance(error, LinkUnreadable):
        return ("Nie można odczytać linku tej wiadomości (zmieniono SECRET_KEY bez "
                "SECRET_KEY_FALLBACKS?) — wyślij jednostce link ponownie.")
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{address}: {code} {_text(reply)}"
                         for address, (code, reply) in error.recipients.items())
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    if isinstance(error, OSError) and error.strerror:
        return f"{type(error).__name__}: {error.strerror}"
    return f"{type(error).__name__}: {error}"


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def is_permanent(error: BaseException) -> bool:
    """A 5xx refusal (unknown mailbox, rejected content): trying again will not help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    # a ValueError is a header the message cannot carry (``email`` refuses it when composing)
    return isinstance(error, BadHeaderError | LinkUnreadable | ValueError)


def _is_server_problem(error: BaseException) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return False
    if isinstance(error, smtplib.SMTPResponseException):
        return (error.smtp_code in CLOSING_CODES
                or isinstance(error, (smtplib.SMTPConnectError, smtplib.SMTPHeloError,
                                      smtplib.SMTPAuthenticationError)))
    return isinstance(error, OSError)


def new_worker_id() -> str:
    """Host, process and a random part: unique even for two workers in one process."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


class MailWorker:
    """Sends what the outbox holds, batch by batch, through one transport."""

    def __init__(self, transport: Transport, settings: WorkerSettings, *,
                 session: Session | None = None, worker_id: str | None = None,
                 clock: Callable[[], datetime] = utcnow):
        self.transport = transport
        self.settings = settings
        self.session = session if session is not None else db.session
        self.worker_id = worker_id or new_worker_id()
        self.clock = clock
        self.limiter = RateLimiter(settings.rate_per_second if transport.rate_limited else 0)
        #: set (e.g. from a SIGTERM handler) to finish the message on the wire and stop
        self.stopping = threading.Event()
        #: when this worker last gave stale claims back (``run_batch``)
        self._stale_checked: datetime | None = None

    def run_batch(self, on_progress: Callable[[int], None] | None = None) -> BatchResult:
        """Claim one batch and send it over one connection.

        :param on_progress: called with 1 for each message that left the queue (sent or failed)
        """
        session, settings = self.session, self.settings
        now = self.clock()
        # the claim need not wait for the disk: lost with the machine, it only means the
        # batch is claimed again later (nothing of it was sent yet)
        relaxed(session)
        # a claim is stale after minutes: looking every batch (a scan of the claimed rows)
        # would cost more than the batch's marks, so a tenth of the timeout apart
        if (self._stale_checked is None
                or now - self._stale_checked >= settings.claim_timeout / 10):
            requeue_stale(session, now=now, timeout=settings.claim_timeout)
            self._stale_checked = now
        claimed = claim_batch(session, worker_id=self.worker_id, size=settings.batch_size,
                              now=self.clock())
        session.commit()
        result = BatchResult(claimed=len(claimed))
        if not claimed:
            return result
        pending = self.compose(claimed, result, on_progress)
        # Stop well before the claim could be taken back, so no one else sends these too.
        deadline = time.monotonic() + settings.claim_timeout.total_seconds() / 2
        try:
            while pending and time.monotonic() < deadline and not self.stopping.is_set():
                try:
                    self._send_over_one_connection(pending, deadline, result, on_progress)
                except MessageDropped as drop:
                    # the dropped message is settled; connect again for the rest
                    pending.pop(0)
                    if drop.left_queue and on_progress:
                        on_progress(1)
        except (ServerUnavailable, OSError) as err:
            cause = err.__cause__ if isinstance(err, ServerUnavailable) else err
            session.rollback()
            if pending:
                result.connection_error = f"Serwer poczty niedostępny: {describe(cause)}"
                release(session, pending, now=self.clock(), error=result.connection_error,
                        retry_base=settings.retry_base)
                session.commit()
            return result
        if pending:  # out of time, or asked to stop: due again for whoever comes next
            release(session, pending, now=self.clock())
            session.commit()
        return result

    def compose(self, claimed: list[Claimed], result: BatchResult | None = None,
                on_progress: Callable[[int], None] | None = None) -> list[Claimed]:
        """Compose the claimed messages that have no MIME yet — written by a composer (the
        confirmation), with a file the worker makes (the PDF copy), or queued before the
        outbox kept MIME — and store each (committed), so every later try sends the same.

        A file that cannot be made is tried again later, like a refusal; a composer that
        fails (its response is gone …) fails its message for good; either way the error is
        on the message and the batch goes on.
        """
        result = result if result is not None else BatchResult()
        ready: list[Claimed] = []
        for message in claimed:
            if message.mime is not None:
                ready.append(message)
                continue
            try:
                ready.append(self._compose_one(message))
                self.session.commit()
            except Exception as err:  # noqa: BLE001 - recorded on the message
                self.session.rollback()
                status = record_failure(
                    self.session, message, describe(err), now=self.clock(),
                    permanent=not isinstance(err, AttachmentUnavailable),
                    max_attempts=self.settings.max_attempts,
                    retry_base=self.settings.retry_base)
                self.session.commit()
                result.errors.append(f"#{message.id}: {describe(err)}")
                if status == "failed":
                    result.failed += 1
                    if on_progress:
                        on_progress(1)
                else:
                    result.retried += 1
        return ready

    def _compose_one(self, message: Claimed) -> Claimed:
        """:raise AttachmentUnavailable: a file cannot be made"""
        if message.composer is not None:
            written = composer_named(message.composer)(self.session, message.compose_args or {})
        else:
            written = Written(message.subject, message.body_text, message.body_html)
        files = materialise(self.session, message.attachments)
        written = replace(written, attachments=files)
        try:
            mime: bytes | None = compose_claimed(message, written)
        except LineTooLong:
            mime = None  # sent the slow way (``build_message``)
        return store_composed(self.session, message, written, mime, files)

    def _send_over_one_connection(self, pending: list[Claimed], deadline: float,
                                  result: BatchResult,
                                  on_progress: Callable[[int], None] | None) -> None:
        """Send from the front of ``pending`` over one connection until done or dropped.

        Unthrottled, each sent-mark is committed while the server answers the next
        message's ``MAIL FROM`` (``SentMarks``); throttled, right away (the rate sets the
        pace, and nothing waits unmarked through the pause). The last one waits for the disk.
        """
        marks = SentMarks(self.session)
        try:
            with self.transport.connect() as send:
                try:
                    while (pending and time.monotonic() < deadline
                           and not self.stopping.is_set()):
                        self.limiter.wait()
                        left_queue = self._send_one(send, pending[0], result, marks)
                        if self.limiter.interval:
                            marks.commit()
                        pending.pop(0)
                        if left_queue and on_progress:
                            on_progress(1)
                finally:
                    marks.commit(durable=True)  # before the connection is closed
        finally:
            marks.close()

    def _send_one(self, send: Send, message: Claimed, result: BatchResult,
                  marks: SentMarks) -> bool:
        """Send and settle one message; its mark (``marks``) is committed before the next
        message's content leaves, any other outcome at once.

        :return: whether the message left the queue (sent, or failed for good)
        :raise ServerUnavailable: the server is gone; the message was not settled
        :raise MessageDropped: the server hung up under this message; it was settled
        """
        try:
            send(build_message(message, live=self.transport.live_links),
                 meanwhile=marks.steps())
        except Exception as err:  # noqa: BLE001 - every failure is recorded on the message
            if isinstance(err, DBAPIError):
                raise  # the database failed, not the message (committing the previous mark)
            marks.commit()  # the one before, if the failure came before its turn
            if isinstance(err, DROPPED_CONNECTION):
                self._settle_drop(message, err, result)
            if _is_server_problem(err):
                raise ServerUnavailable from err
            self.session.rollback()
            status = record_failure(
                self.session, message, describe(err), now=self.clock(),
                permanent=is_permanent(err), max_attempts=self.settings.max_attempts,
                retry_base=self.settings.retry_base)
            self.session.commit()
            result.errors.append(f"#{message.id}: {describe(err)}")
            if status == "failed":
                result.failed += 1
                return True
            result.retried += 1
            return False
        marks.add(message, now=self.clock())
        result.sent += 1
        return True

    def _settle_drop(self, message: Claimed, error: BaseException, result: BatchResult) -> None:
        """Count a hang-up against the message on the wire, if the server answers again.

        A server that answers a new connection at once was not down: it refused *this*
        message by hanging up. One that does not answer is down, and nothing is counted.

        :raise MessageDropped: the server is up; the message was settled
        """
        try:
            with self.transport.connect():
                pass
        except OSError:
            return  # the server is down: an outage, not this message's fault
        self.session.rollback()
        status = record_drop(self.session, message, describe(error), now=self.clock(),
                             max_drops=self.settings.max_drops,
                             retry_base=self.settings.retry_base)
        self.session.commit()
        result.errors.append(f"#{message.id}: {describe(error)}")
        if status == "failed":
            result.failed += 1
        else:
            result.retried += 1
        raise MessageDropped(left_queue=status == "failed")

    def drain(self, on_progress: Callable[[int], None] | None = None) -> BatchResult:
        """Send batches until nothing is due or the server cannot be reached."""
        total = BatchResult()
        while True:
            batch = self.run_batch(on_progress)
            total.add(batch)
            if not batch.claimed or batch.connection_error or self.stopping.is_set():
                return total


def worker_for(app: Flask, *, session: Session | None = None, **overrides: Any) -> MailWorker:
    """A worker configured from the app's ``MAIL_*`` settings and its transport."""
    return MailWorker(transport_for(app), WorkerSettings.from_config(app.config, **overrides),
                      session=session)
