"""Reads of personal data, recorded in the audit log (RODO art. 5(2): accountability).

Staff may read a unit's answers, raw data and the e-mails sent to units; who read what and
when is kept beside who changed what. The rows join the caller's transaction (flush, never
commit): the view commits once the page is ready.
"""

from __future__ import annotations

from typing import Any

from models import OutboxMessage, Response
from services.audit import record


def response_viewed(response: Response) -> None:
    """A staff member opened one response's page (answers, history, contact details)."""
    invitation = response.invitation
    record("response_view", response,
           summary=f"{invitation.unit.name} — {invitation.round.title}")


def raw_data_viewed(report: Any, info: Any) -> None:
    """Raw data (a row a unit) shown on screen rather than downloaded."""
    record("raw_data_view", None, summary=f"dane surowe, runda {report.round_id}",
           after={"round_id": report.round_id, "period": getattr(info, "period", None)})


def mail_viewed(message: OutboxMessage) -> None:
    """The body of an e-mail to a unit (a copy of its answers, reviewer's notes) was read."""
    record("mail_view", message, summary=f"{message.subject[:200]} → "
                                         f"{', '.join(message.recipients or [])[:200]}")
