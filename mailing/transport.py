"""Two ways out for a message, behind one interface: an SMTP server, or ``.eml`` files.

The folder is what ``make run`` uses (no ``MAIL_SERVER``): every message lands in
``instance/outbox/`` where a developer or an admin can open it in any mail reader.
"""

from __future__ import annotations

import os
import re
import smtplib
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from datetime import UTC, datetime
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

from extensions import mail
from mailing.compose import Outgoing, Written, compose_mime, outgoing, sender_of
from mailing.compose import message_id as outbox_message_id
from mailing.links import decrypt_token, masked, with_token
from mailing.outbox import Claimed
from security import is_development

#: an SMTP server that stops answering mid-conversation is given up after this long
SMTP_TIMEOUT_SECONDS = 60



class Send(Protocol):
    """Sends one message over the open connection."""

    def __call__(self, message: Outgoing, meanwhile: Iterator[object] | None = None) -> None:
        """:param meanwhile: work done a step at a time while the server answers the
            envelope's commands, all of it before the content leaves (the worker commits the
            previous message's sent-mark there, in time it would otherwise spend waiting)"""
        ...


class Transport(Protocol):
    """Something that opens a connection and sends messages over it, one batch at a time."""

    #: whether ``MAIL_RATE_PER_SECOND`` applies (it protects a relay, not a local folder)
    rate_limited: bool
    #: whether messages carry the live personal link (a copy that is not delivery does not)
    live_links: bool

    def connect(self) -> AbstractContextManager[Send]:
        """Open one connection for a batch; yields the function that sends one message."""
        ...


class SmtpTransport:
    """Any SMTP server, through Flask-Mail's ``MAIL_*`` settings; one session per batch."""

    rate_limited = True
    live_links = True

    @contextmanager
    def connect(self) -> Iterator[Send]:
        with mail.connect() as connection:
            host = connection.host
            if host is not None and host.sock is not None:
                host.sock.settimeout(SMTP_TIMEOUT_SECONDS)
            options = ["BODY=8BITMIME"] if host is not None and host.has_extn("8bitmime") else []

            def send(message: Outgoing, meanwhile: Iterator[object] | None = None) -> None:
                if connection.host is None:  # MAIL_SUPPRESS_SEND: nothing leaves
                    _finish(meanwhile)
                    return
                if meanwhile is None:
                    connection.host.sendmail(message.sender, message.recipients,
                                             message.data, options)
                else:
                    transact(connection.host, message, options, meanwhile)

            try:
                yield send
            except BaseException:
                # The server may be gone: a polite QUIT would fail and hide the real error.
                if connection.host is not None:
                    connection.host.close()
                    connection.host = None
                raise


def transact(host: smtplib.SMTP, message: Outgoing, options: list[str],
             meanwhile: Iterator[object]) -> None:
    """``smtplib.SMTP.sendmail``, command by command, with a step of ``meanwhile`` run
    between sending ``MAIL FROM`` (and each ``RCPT TO``) and reading the answer, the rest
    before ``DATA`` — the same replies mean the same errors (``SMTPSenderRefused``,
    ``SMTPRecipientsRefused``, ``SMTPDataError``).
    """
    host.ehlo_or_helo_if_needed()
    esmtp = [f"size={len(message.data)}"] if host.does_esmtp and host.has_extn("size") else []
    esmtp += options if host.does_esmtp else []
    host.putcmd("mail", f"FROM:{_angled(message.sender)}"
                        + "".join(f" {option}" for option in esmtp))
    next(meanwhile, None)
    code, reply = host.getreply()
    if code != 250:
        _abandon(host, code)
        raise smtplib.SMTPSenderRefused(code, reply, message.sender)
    refused: dict[str, tuple[int, bytes]] = {}
    for address in message.recipients:
        host.putcmd("rcpt", f"TO:{_angled(address)}")
        next(meanwhile, None)
        code, reply = host.getreply()
        if code not in (250, 251):
            refused[address] = (code, reply)
        if code == 421:
            host.close()
            raise smtplib.SMTPRecipientsRefused(refused)
    if len(refused) == len(message.recipients):
        _abandon(host, code)
        raise smtplib.SMTPRecipientsRefused(refused)
    _finish(meanwhile)
    code, reply = host.data(message.data)
    if code != 250:
        _abandon(host, code)
        raise smtplib.SMTPDataError(code, reply)


#: an address as the outbox stores it (``name@domain``, nothing to quote or strip)
_PLAIN_ADDRESS = re.compile(r"[^\s<>()\[\]\\,;:\"@]+@[^\s<>()\[\]\\,;:\"@]+")


def _angled(address: str) -> str:
    """``<address>`` as ``smtplib.quoteaddr`` makes it; a plain address without parsing it
    (the parser costs more than the rest of the envelope)."""
    return f"<{address}>" if _PLAIN_ADDRESS.fullmatch(address) else smtplib.quoteaddr(address)


def _finish(meanwhile: Iterator[object] | None) -> None:
    """Run what is left of ``meanwhile``."""
    for _ in meanwhile or ():
        pass


def _abandon(host: smtplib.SMTP, code: int) -> None:
    """End a refused mail transaction as ``sendmail`` does: hang up on 421, else ``RSET``."""
    if code == 421:
        host.close()
    else:
        with suppress(smtplib.SMTPServerDisconnected):
            host.rset()


class FolderTransport:
    """Writes each message as ``<created>.<id>.esmon.eml`` into a folder.

    The name comes from the outbox row, so a message sent again after a crash replaces its
    file instead of adding a second one; writing goes through a temporary file and a rename, so
    a reader never sees half a message.

    In development the folder is the developer's mailbox, so its messages carry live
    links; anywhere else it is only a copy (no ``MAIL_SERVER``), and links are masked.
    """

    rate_limited = False

    def __init__(self, folder: Path, *, live_links: bool = False):
        self.folder = Path(folder)
        self.live_links = live_links

    @contextmanager
    def connect(self) -> Iterator[Send]:
        self.folder.mkdir(parents=True, exist_ok=True)
        yield self._write

    def _write(self, message: Outgoing, meanwhile: Iterator[object] | None = None) -> None:
        _finish(meanwhile)
        name = message.message_id.strip("<>").split("@")[0] + ".eml"
        partial = self.folder / f".{name}.part"
        partial.write_bytes(message.data.replace(b"\r\n", b"\n"))
        os.replace(partial, self.folder / name)


def redate_copy(folder: Path, message_id: str, when: datetime) -> bool:
    """Give a written ``.eml`` the ``Date`` (and file time) of ``when``; False if it is not there.

    Why: the demo sends in one go the mail of rounds it dates weeks back; a copy dated today
    beside an outbox row saying "sent three weeks ago" would contradict it.
    """
    path = Path(folder) / (message_id.strip("<>").split("@")[0] + ".eml")
    if not path.is_file():
        return False
    moment = (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()
    head, sep, body = path.read_bytes().partition(b"\n\n")
    lines = [f"Date: {formatdate(moment, localtime=False, usegmt=True)}".encode("ascii")
             if line.startswith(b"Date: ") else line for line in head.split(b"\n")]
    partial = path.with_name(f".{path.name}.part")
    partial.write_bytes(b"\n".join(lines) + sep + body)
    os.replace(partial, path)
    os.utime(path, (moment, moment))
    return True


def outbox_folder(app: Flask) -> Path:
    """``MAIL_OUTBOX_DIR``, or ``instance/outbox`` next to the SQLite database."""
    return Path(app.config.get("MAIL_OUTBOX_DIR") or Path(app.instance_path) / "outbox")


def transport_for(app: Flask) -> Transport:
    """SMTP when ``MAIL_SERVER`` is set, otherwise the outbox folder."""
    if app.config.get("MAIL_SERVER"):
        return SmtpTransport()
    return FolderTransport(outbox_folder(app), live_links=is_development(app))


def compose_claimed(claimed: Claimed, written: Written) -> bytes:
    """The MIME of a message a composer wrote in the worker.

    :raise LineTooLong: a line too long for 8bit (it is then sent the slow way, like a
        message queued before the outbox kept MIME: ``build_message``)
    """
    return compose_mime(current_app, msg_id=outbox_message_id(
        current_app, claimed.id, claimed.created_at), recipients=claimed.recipients,
        written=written)


def build_message(claimed: Claimed, *, live: bool = True) -> Outgoing:
    """The claimed message as sent now: its stored MIME with the date and the link put in
    (a message without one is composed here: its attachments must have their bytes,
    ``mailing.attachments.materialise``).

    The Message-ID is derived from the row, so a copy sent again after a crash carries the
    same ID and mail programs can recognise it as the same message.

    :param live: put the personal link's token into the bodies (only for delivery)
    :raise LinkUnreadable: the token cannot be decrypted with the current keys
    """
    token = (decrypt_token(current_app, claimed.link_token)
             if live and claimed.link_token else None)
    msg_id = outbox_message_id(current_app, claimed.id, claimed.created_at)
    mime = claimed.mime
    if mime is None:
        # queued before the outbox kept MIME, or a line too long for 8bit: compose it now,
        # link already in, in quoted-printable (which folds long lines)
        def body(text: str | None) -> str | None:
            return with_token(text, token) if token else masked(text)

        mime = compose_mime(current_app, msg_id=msg_id, recipients=claimed.recipients,
                            written=Written(claimed.subject, body(claimed.body_text) or "",
                                            body(claimed.body_html), claimed.attachments),
                            cte="quoted-printable")
    return outgoing(mime, sender=sender_of(current_app)[1], recipients=claimed.recipients,
                    msg_id=msg_id, token=token, live=live)


def one_off(recipients: list[str], written: Written) -> Outgoing:
    """A message that never goes through the outbox (``flask mail-test``)."""
    domain = sender_of(current_app)[1].rpartition("@")[2] or "localhost"
    msg_id = make_msgid("esmon", domain=domain)
    return outgoing(compose_mime(current_app, msg_id=msg_id, recipients=recipients,
                                 written=written),
                    sender=sender_of(current_app)[1], recipients=recipients, msg_id=msg_id,
                    token=None, live=False)
