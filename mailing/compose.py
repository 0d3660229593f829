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
from email import encoders
from email.charset import QP, Charset
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import compat32
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
    if cte == "8bit":
        _check_lines(written.body_text)
        _check_lines(written.body_html)
    message = _body(written, _TEXT_CHARSETS[cte])
    if written.attachments:
        message = _part(MIMEMultipart("mixed", policy=_POLICY,
                                      _subparts=[message, *map(_attached, written.attachments)]))
    name, address = sender_of(app)
    message["From"] = formataddr((name, address)) if name else address
    message["To"] = ", ".join(recipients)
    message["Subject"] = written.subject
    message["Message-ID"] = msg_id
    message["Auto-Submitted"] = "auto-generated"
    message["MIME-Version"] = "1.0"
    return message.as_bytes()


# The ``email`` package's compat32 classes, not ``EmailMessage``: the modern policy parses
# every header it is given through its header registry, which made composing four fifths of
# queueing a round's invitations (2.0 ms a message against 0.4 ms). The bytes are the same
# kind: 8bit (or quoted-printable) UTF-8 text parts, RFC 2047 headers, CRLF line ends.
_POLICY = compat32.clone(linesep="\r\n")


def _charset(body_encoding: int | None) -> Charset:
    charset = Charset("utf-8")
    # None (the text as it is: 8bit) is what Charset itself uses; typeshed says int only
    charset.body_encoding = body_encoding  # type: ignore[assignment]
    return charset


_TEXT_CHARSETS = {"8bit": _charset(None), "quoted-printable": _charset(QP)}


def _part(part: Message) -> Message:
    """A part as it stands inside another: only the top level says ``MIME-Version``."""
    del part["MIME-Version"]
    return part


def _text(body: str, subtype: str, charset: Charset) -> Message:
    part = MIMENonMultipart("text", subtype, policy=_POLICY, charset="utf-8")
    part.set_payload(body if body.endswith("\n") else body + "\n", charset)
    return _part(part)


def _body(written: Written, charset: Charset) -> Message:
    """The plain text, with its HTML alternative when there is one."""
    plain = _text(written.body_text, "plain", charset)
    if written.body_html is None:
        return plain
    return _part(MIMEMultipart("alternative", policy=_POLICY,
                               _subparts=[plain, _text(written.body_html, "html", charset)]))


def _attached(attachment: File) -> Message:
    if attachment.content is None:
        raise AttachmentUnavailable(f"Załącznik {attachment.filename} nie jest jeszcze "
                                    f"przygotowany.")
    maintype, _, subtype = attachment.content_type.partition("/")
    part = _part(MIMEBase(maintype, subtype, policy=_POLICY))
    part.set_payload(attachment.content)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
    return part


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
