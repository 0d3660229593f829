"""Recording staff actions in the audit log (added to the caller's transaction)."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from extensions import db
from models import AuditEvent


def record(action: str, obj: Any = None, *, summary: str = "", before: dict | None = None,
           after: dict | None = None, actor: Any = None) -> AuditEvent:
    """Add one audit row for ``action`` on ``obj`` by the current (or given) staff member."""
    user = actor if actor is not None else (
        current_user if has_request_context() and current_user.is_authenticated else None)
    event = AuditEvent(
        action=action,
        actor_id=getattr(user, "id", None),
        actor=getattr(user, "email", None) or "system",
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        summary=summary[:500],
        before=before,
        after=after,
        remote_addr=request.remote_addr if has_request_context() else None,
        organisation_id=getattr(user, "organisation_id", None),
    )
    db.session.add(event)
    return event


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict:
    """The given attributes of an object as plain JSON values, for before/after."""
    result = {}
    for name in fields:
        value = getattr(obj, name)
        result[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return result
