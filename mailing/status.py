"""A round's e-mail as staff see it: totals by status and the latest message per invitation."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select

from extensions import db
from l10n import N_
from l10n.web import long_date, translate
from mailing.outbox import status_counts
from models import OutboxMessage, Round
from models.types import utcnow

#: Polish msgids; pages show them through ``translate`` (the ``tr`` filter)
STATUS_LABELS = {"queued": N_("w kolejce"), "sending": N_("w trakcie wysyłki"),
                 "sent": N_("wysłano"), "failed": N_("nie wysłano")}
KIND_LABELS = {"invitation": N_("zaproszenie"), "reminder": N_("przypomnienie"),
               "confirmation": N_("potwierdzenie"), "other": N_("wiadomość")}


def round_mail_status(round_: Round, invitation_ids: Collection[int] | None = None
                      ) -> dict[str, Any]:
    """``{"totals": {status: count}, "per_invitation": {invitation id: label}}``.

    The label describes the newest message to that unit, with the server's error when it
    did not go out, so staff can tell "not sent yet" from "address rejected".
    ``invitation_ids`` limits the labels to the invitations a page shows (a national round
    has thousands).
    """
    query = (select(OutboxMessage.invitation_id, OutboxMessage.kind, OutboxMessage.status,
                    OutboxMessage.attempts, OutboxMessage.last_error, OutboxMessage.sent_at)
             .where(OutboxMessage.round_id == round_.id,
                    OutboxMessage.invitation_id.is_not(None))
             .order_by(OutboxMessage.id))
    if invitation_ids is not None:
        query = query.where(OutboxMessage.invitation_id.in_(list(invitation_ids)))
    rows = db.session.execute(query)
    per_invitation = {row.invitation_id: describe_message(row) for row in rows}
    return {"totals": status_counts(round_.id), "per_invitation": per_invitation}


def describe_message(row: Any) -> str:
    """``zaproszenie: wysłano 3 marca 2026``, ``przypomnienie: w kolejce (próby: 2; …)``."""
    text = (f"{translate(KIND_LABELS.get(row.kind, row.kind))}: "
            f"{translate(STATUS_LABELS.get(row.status, row.status))}")
    if row.status == "sent" and row.sent_at is not None:
        return f"{text} {long_date(row.sent_at.date())}"
    if row.last_error:
        return gettext("%(text)s (próby: %(attempts)s; %(error)s)", text=text,
                       attempts=row.attempts, error=row.last_error)
    return text


#: a message still queued this long after it was written suggests no worker is running
STUCK_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class Sending:
    """How far the round's e-mail has gone: the sentence staff read while it goes out."""

    #: "Zaproszenia: wysłano 12 z 30; w kolejce 18."
    text: str
    #: messages still waiting (queued or on the wire)
    waiting: int
    #: the oldest waiting message has waited longer than ``STUCK_AFTER``
    stuck: bool


def round_sending(round_id: int, *, now: datetime | None = None) -> Sending:
    """Per kind of message: sent of all, queued and failed — from the outbox, as it is now."""
    rows = db.session.execute(
        select(OutboxMessage.kind, OutboxMessage.status, func.count(),
               func.min(OutboxMessage.created_at))
        .where(OutboxMessage.round_id == round_id)
        .group_by(OutboxMessage.kind, OutboxMessage.status)).all()
    by_kind: dict[str, dict[str, int]] = {}
    oldest_waiting = None
    for kind, status, count, created in rows:
        by_kind.setdefault(kind, {})[status] = count
        if status in ("queued", "sending") and created is not None:
            created = created if created.tzinfo else created.replace(tzinfo=UTC)
            oldest_waiting = min(oldest_waiting or created, created)
    parts = []
    for kind in (*KIND_GROUP_LABELS, *(k for k in by_kind if k not in KIND_GROUP_LABELS)):
        counts = by_kind.get(kind)
        if not counts:
            continue
        total = sum(counts.values())
        waiting = counts.get("queued", 0) + counts.get("sending", 0)
        text = gettext("%(kind)s: wysłano %(sent)d z %(total)d",
                       kind=translate(KIND_GROUP_LABELS.get(kind, KIND_LABELS.get(kind, kind))),
                       sent=counts.get("sent", 0), total=total)
        if waiting:
            text += "; " + gettext("w kolejce %(num)d", num=waiting)
        if counts.get("failed"):
            text += "; " + gettext("nie wysłano %(num)d", num=counts["failed"])
        parts.append(text + ".")
    waiting = sum(c.get("queued", 0) + c.get("sending", 0) for c in by_kind.values())
    now = now or utcnow()
    return Sending(" ".join(parts), waiting,
                   oldest_waiting is not None and now - oldest_waiting > STUCK_AFTER)


#: message kinds as a round page groups them (plural nouns, capitalised: they open a sentence)
KIND_GROUP_LABELS = {"invitation": N_("Zaproszenia"), "reminder": N_("Przypomnienia"),
                     "confirmation": N_("Potwierdzenia"), "other": N_("Inne wiadomości")}
