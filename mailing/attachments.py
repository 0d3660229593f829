"""Files that go with outbox messages, and the makers of those made at sending time.

A message may carry a file given at queue time (``content``) or one named by its source
(``response-copy:17``): the worker asks the maker registered for ``response-copy`` for the
bytes the first time it sends the message and stores them on the attachment, so a retry sends
the same file. Makers are registered by the app factory (the service that knows how to print
a response lives above this package: ``mailing`` imports no services).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.outbox_message import OutboxAttachment

Maker = Callable[[str], bytes]
_MAKERS: dict[str, Maker] = {}


class AttachmentUnavailable(Exception):
    """An attachment could not be made; the message says why (staff read it in the outbox)."""


@dataclass(frozen=True)
class Attachment:
    """A file to send with a message: its bytes, or the source the worker makes them from."""

    filename: str
    content_type: str
    content: bytes | None = None
    source: str | None = None


@dataclass(frozen=True)
class ClaimedAttachment:
    """An attachment as the worker sends it (plain data, no ORM state)."""

    id: int
    filename: str
    content_type: str
    content: bytes | None
    source: str | None


def register_maker(name: str, maker: Maker) -> None:
    """Make files of sources ``<name>:<key>`` with ``maker(key)`` (the app factory calls it)."""
    _MAKERS[name] = maker


def new_attachment(attachment: Attachment) -> OutboxAttachment:
    if attachment.content is None and not attachment.source:
        raise ValueError("an attachment needs its content or a source")
    return OutboxAttachment(filename=attachment.filename, content_type=attachment.content_type,
                            content=attachment.content, source=attachment.source)


def claimed_attachments(session: Session, message_ids: list[int]
                        ) -> dict[int, tuple[ClaimedAttachment, ...]]:
    """The attachments of the claimed messages, by message id."""
    found: dict[int, list[ClaimedAttachment]] = {}
    if not message_ids:
        return {}
    rows = session.execute(
        select(OutboxAttachment.message_id, OutboxAttachment.id, OutboxAttachment.filename,
               OutboxAttachment.content_type, OutboxAttachment.content, OutboxAttachment.source)
        .where(OutboxAttachment.message_id.in_(message_ids)).order_by(OutboxAttachment.id))
    for message_id, id_, filename, content_type, content, source in rows:
        found.setdefault(message_id, []).append(
            ClaimedAttachment(id_, filename, content_type, content, source))
    return {message_id: tuple(items) for message_id, items in found.items()}


def materialise(session: Session, attachments: tuple[ClaimedAttachment, ...]
                ) -> tuple[ClaimedAttachment, ...]:
    """Every attachment with its bytes: made from its source where they are missing, and
    stored (the caller commits) so the next try sends the same file.

    :raise AttachmentUnavailable: no maker for the source, or the maker failed
    """
    ready = []
    for item in attachments:
        if item.content is None:
            content = make(item.source or "")
            session.execute(update(OutboxAttachment).where(OutboxAttachment.id == item.id)
                            .values(content=content)
                            .execution_options(synchronize_session=False))
            item = ClaimedAttachment(item.id, item.filename, item.content_type, content,
                                     item.source)
        ready.append(item)
    return tuple(ready)


def make(source: str) -> bytes:
    """The bytes of ``<maker>:<key>``. :raise AttachmentUnavailable: why they cannot be made"""
    name, _, key = source.partition(":")
    maker = _MAKERS.get(name)
    if maker is None:
        raise AttachmentUnavailable(f"Nie można przygotować załącznika „{source}”: "
                                    f"nieznane źródło.")
    try:
        return maker(key)
    except AttachmentUnavailable:
        raise
    except Exception as err:  # noqa: BLE001 - the reason goes to the outbox, the mail waits
        raise AttachmentUnavailable(
            f"Nie można przygotować załącznika „{source}”: {err}") from err
