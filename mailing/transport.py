"""Two ways out for a message, behind one interface: an SMTP server, or ``.eml`` files.

The folder is what ``make run`` uses (no ``MAIL_SERVER``): every message lands in
``instance/outbox/`` where a developer or an admin can open it in any mail reader.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app
from flask_mail import Message

from extensions import mail
from mailing.links import decrypt_token, masked, with_token
from mailing.outbox import Claimed
from security import is_development

#: an SMTP server that stops answering mid-conversation is given up after this long
SMTP_TIMEOUT_SECONDS = 60

Send = Callable[[Message], None]


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
            try:
                yield connection.send
            except BaseException:
                # The server may be gone: a polite QUIT would fail and hide the real error.
                if connection.host is not None:
                    connection.host.close()
                    connection.host = None
                raise


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

    def _write(self, message: Message) -> None:
        message.date = message.date or time.time()
        name = message.msgId.strip("<>").split("@")[0] + ".eml"
        partial = self.folder / f".{name}.part"
        partial.write_bytes(message.as_bytes())
        os.replace(partial, self.folder / name)


def outbox_folder(app: Flask) -> Path:
    """``MAIL_OUTBOX_DIR``, or ``instance/outbox`` next to the SQLite database."""
    return Path(app.config.get("MAIL_OUTBOX_DIR") or Path(app.instance_path) / "outbox")


def transport_for(app: Flask) -> Transport:
    """SMTP when ``MAIL_SERVER`` is set, otherwise the outbox folder."""
    if app.config.get("MAIL_SERVER"):
        return SmtpTransport()
    return FolderTransport(outbox_folder(app), live_links=is_development(app))


def build_message(claimed: Claimed, *, live: bool = True) -> Message:
    """A Flask-Mail message for an outbox row (text part, HTML alternative when there is one,
    its attachments, which must have their bytes: ``mailing.attachments.materialise``).

    The Message-ID is derived from the row, so a copy sent again after a crash carries the
    same ID and mail programs can recognise it as the same message.

    :param live: put the personal link's token into the bodies (only for delivery)
    :raise LinkUnreadable: the token cannot be decrypted with the current keys
    """
    body_text, body_html = masked(claimed.body_text), masked(claimed.body_html)
    if live and claimed.link_token:
        token = decrypt_token(current_app, claimed.link_token)
        body_text = with_token(claimed.body_text, token)
        body_html = with_token(claimed.body_html, token)
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or "esmon@localhost"
    domain = parseaddr(sender if isinstance(sender, str) else sender[1])[1].rpartition("@")[2]
    message = Message(subject=claimed.subject, recipients=list(claimed.recipients),
                      body=body_text, html=body_html,
                      extra_headers={"Auto-Submitted": "auto-generated"})
    for item in claimed.attachments:
        if item.content is None:
            raise ValueError(f"attachment {item.filename} not made yet (materialise first)")
        message.attach(item.filename, item.content_type, item.content)
    message.msgId = (f"<{claimed.created_at:%Y%m%d%H%M%S}.{claimed.id:07d}.esmon"
                     f"@{domain or 'localhost'}>")
    return message
