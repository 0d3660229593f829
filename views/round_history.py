"""A round's history in sentences: its audit rows as the round page lists them."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext, ngettext

from l10n.web import long_date, translate
from models import AuditEvent
from models.audit_event import ACTIONS


def action_label(action: str) -> str:
    return translate(ACTIONS.get(action, action))


def _date(text: str | None) -> str:
    try:
        return long_date(date.fromisoformat(text)) if text else "—"
    except ValueError:
        return text or "—"


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:5])
    return shown + (" …" if len(names) > 5 else "")


def change_detail(event: AuditEvent) -> str:
    """What changed, in one short phrase; empty when the action's name says it all."""
    before, after = event.before or {}, event.after or {}
    action = event.action
    if action == "round_deadline":
        text = gettext("z %(before)s na %(after)s", before=_date(before.get("deadline")),
                       after=_date(after.get("deadline")))
        if after.get("notified"):
            text += "; " + ngettext("powiadomiono %(num)d jednostkę",
                                    "powiadomiono %(num)d jednostek", after["notified"])
        return text
    if action == "round_reminder_days":
        def days(value):
            return ", ".join(map(str, value or [])) or gettext("brak")

        return f"{days(before.get('reminder_days'))} → {days(after.get('reminder_days'))}"
    if action in ("round_launch", "round_invite"):
        count = after.get("invited", 0)
        text = ngettext("%(num)d zaproszenie", "%(num)d zaproszeń", count)
        return text + (f": {_names(after['units'])}" if after.get("units") else "")
    if action == "reminders":
        return ngettext("%(num)d jednostka", "%(num)d jednostek", after.get("units", 0))
    if action == "round_close":
        return after.get("reason") or ""
    if action in ("invitation_withdraw", "link_reissue", "link_resend"):
        unit = event.summary.split(" — ")[0]
        return f"{unit}: {after['reason']}" if after.get("reason") else unit
    if action == "round_recipients":
        parts = []
        if after.get("list"):
            parts.append(ngettext("z listy %(name)s: %(num)d jednostka",
                                  "z listy %(name)s: %(num)d jednostek", after.get("units", 0),
                                  name=after["list"]))
        if after.get("added"):
            parts.append(gettext("dodano: %(units)s", units=_names(after["added"])))
        if after.get("excluded"):
            parts.append(gettext("pominięto: %(units)s", units=_names(after["excluded"])))
        if after.get("restored"):
            parts.append(gettext("przywrócono: %(units)s", units=_names(after["restored"])))
        return "; ".join(parts)
    return ""
