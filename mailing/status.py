"""A round's e-mail as staff see it: totals by status and the latest message per invitation."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from extensions import db
from l10n import N_
from l10n.web import long_date, translate
from mailing.outbox import status_counts
from models import OutboxMessage, Round

#: Polish msgids; pages show them through ``translate`` (the ``tr`` filter)
STATUS_LABELS = {"queued": N_("w kolejce"), "sending": N_("w trakcie wysyłki"),
                 "sent": N_("wysłano"), "failed": N_("nie wysłano")}
KIND_LABELS = {"invitation": N_("zaproszenie"), "reminder": N_("przypomnienie"),
               "confirmation": N_("potwierdzenie"), "other": N_("wiadomość")}


def round_mail_status(round_: Round) -> dict[str, Any]:
    """``{"totals": {status: count}, "per_invitation": {invitation id: label}}``.

    The label describes the newest message to that unit, with the server's error when it
    did not go out, so staff can tell "not sent yet" from "address rejected".
    """
    rows = db.session.execute(
        select(OutboxMessage.invitation_id, OutboxMessage.kind, OutboxMessage.status,
               OutboxMessage.attempts, OutboxMessage.last_error, OutboxMessage.sent_at)
        .where(OutboxMessage.round_id == round_.id, OutboxMessage.invitation_id.is_not(None))
        .order_by(OutboxMessage.id))
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
