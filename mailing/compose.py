"""A message composed once, when it is queued: the MIME bytes the outbox row keeps.

The worker used to build every message (Flask-Mail, the ``email`` package's generator) as it
sent it, thousands of times per round; now ``compose_mime`` runs once per message, when it is
queued (or, for a message that is expensive to write, once by the worker: ``Composer``), and
sending only puts in what is personal or belongs to the moment of sending:

* the personal link's token replaces ``LINK_PLACEHOLDER`` (a plain byte replacement: the text
  parts are written ``8bit``, so the placeholder stands in the bytes as it stands in the text),
  or the mask for a copy that is not delivery (``mailing.links``);
* the ``Date`` header is the moment of sending, put in front of the stored headers.

A message may carry attachments (a PDF copy of the answers …): the stored MIME is then
``multipart/mixed`` with the text/HTML alternative first; attachments are base64 and never
hold the placeholder.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, formatdate, parseaddr
from functools import lru_cache
from typing import Any, Protocol

from flask import Flask
from sqlalchemy.orm import Session

from mailing.attachments import AttachmentUnavailable
from mailing.links import LINK_PLACEHOLDER, MASK

#: the stored text parts are 8bit UTF-8; SMTP allows at most this many bytes per line
MAX_LINE = 998
_PLACEHOLDER = LINK_PLACEHOLDER.encode("ascii")
_MASK = MASK.encode("utf-8")


class LineTooLong(ValueError):
    """A body has a line SMTP does not allow in 8bit: the message is composed when sent
    (``mailing.transport.build_message``, quoted-printable with the link already in)."""


class File(Protocol):
    """A file sent with a message (``mailing.attachments``), with its bytes by now."""

    @property
    def filename(self) -> str: ...
    @property
    def content_type(self) -> str: ...
    @property
    def content(self) -> bytes | None: ...


@dataclass(frozen=True)
class Written:
    """A message's wording and parts, and the files that go with it (their bytes made)."""

    subject: str
    body_text: str
    body_html: str | None = None
    attachments: Sequence[File] = field(default_factory=tuple)


#: writes a message the worker composes (name → function of the worker's session and the
#: arguments stored with the message); registered by the code that queues such messages
Composer = Callable[[Session, Mapping[str, Any]], Written]
_COMPOSERS: dict[str, Composer] = {}


def register_composer(name: str, composer: Composer) -> None:
    """Let the worker write messages queued with ``composer=name``."""
    _COMPOSERS[name] = composer


def composer_named(name: str) -> Composer:
    """:raise LookupError: nothing registered under ``name`` (the app was not set up)"""
    try:
        return _COMPOSERS[name]
    except KeyError:
        raise LookupError(f"Nie zarejestrowano sposobu składania wiadomości '{name}'.") from None


@dataclass(frozen=True)
class Outgoing:
    """One message as handed to a transport: the envelope and the bytes to send."""

    sender: str
    recipients: list[str]
    message_id: str
    data: bytes


def sender_of(app: Flask) -> tuple[str, str]:
    """``MAIL_DEFAULT_SENDER`` as (name, address); a string may be ``Name <address>``."""
    configured = app.config.get("MAIL_DEFAULT_SENDER") or "esmon@localhost"
    if isinstance(configured, str):
        return _parsed(configured)
    name, address = configured
    return name or "", address


@lru_cache(maxsize=8)
def _parsed(sender: str) -> tuple[str, str]:
    """Parsing an address is slow next to sending a stored message: once per setting."""
    return parseaddr(sender)


def message_id(app: Flask, message_id_number: int, created_at: Any) -> str:
    """The Message-ID of an outbox row: a copy sent again after a crash carries the same one."""
    domain = sender_of(app)[1].rpartition("@")[2] or "localhost"
    return f"<{created_at:%Y%m%d%H%M%S}.{message_id_number:07d}.esmon@{domain}>"


def compose_mime(app: Flask, *, msg_id: str, recipients: Sequence[str], written: Written,
                 cte: str = "8bit") -> bytes:
    """The message's MIME bytes without a ``Date`` (sending puts it in front).

    :param cte: the text parts' transfer encoding: ``8bit`` keeps the link's placeholder
        replaceable in the bytes; ``quoted-printable`` for bodies whose link is already in
    :raise LineTooLong: ``8bit`` and a line longer than SMTP allows (``MAX_LINE`` bytes)
    :raise AttachmentUnavailable: a file without its bytes
    """
    message = EmailMessage(policy=SMTP)
    name, address = sender_of(app)
    message["From"] = formataddr((name, address)) if name else address
    message["To"] = ", ".join(recipients)
    message["Subject"] = written.subject
    message["Message-ID"] = msg_id
    message["Auto-Submitted"] = "auto-generated"
    if cte == "8bit":
        _check_lines(written.body_text)
        _check_lines(written.body_html)
    message.set_content(written.body_text, cte=cte)
    if written.body_html is not None:
        message.add_alternative(written.body_html, subtype="html", cte=cte)
    for attachment in written.attachments:
        if attachment.content is None:
            raise AttachmentUnavailable(f"Załącznik {attachment.filename} nie jest jeszcze "
                                        f"przygotowany.")
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype,
                               filename=attachment.filename)
    return message.as_bytes()


def _check_lines(body: str | None) -> None:
    if body and max(len(line.encode("utf-8")) for line in body.splitlines() or [""]) > MAX_LINE:
        raise LineTooLong(f"Wiersz treści wiadomości dłuższy niż {MAX_LINE} bajtów.")


def outgoing(mime: bytes, *, sender: str, recipients: list[str], msg_id: str,
             token: str | None, live: bool, now: float | None = None) -> Outgoing:
    """The stored MIME as sent now: ``Date`` in front, the token (or the mask) in the link.

    :param token: the personal link's token, decrypted; ``None`` for mail without a link
    :param live: delivery (the token goes in); otherwise the link is masked
    """
    data = mime.replace(_PLACEHOLDER, token.encode("ascii") if live and token else _MASK)
    date = f"Date: {formatdate(now, localtime=False, usegmt=True)}\r\n".encode("ascii")
    return Outgoing(sender=sender, recipients=list(recipients), message_id=msg_id,
                    data=date + data)
