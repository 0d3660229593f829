"""The audit log page for admins: every staff action, filterable."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from extensions import db
from l10n.clock import POLAND
from models import AuditEvent
from models.audit_event import ACTIONS
from views.access import admin_only
from views.numbers import page_number

bp = Blueprint("audit", __name__, url_prefix="/admin/dziennik")
PAGE_SIZE = 100


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@bp.get("/")
@admin_only
def index():
    action = request.args.get("akcja", "")
    actor = request.args.get("kto", "").strip()[:100]
    since, until = _day(request.args.get("od")), _day(request.args.get("do"))
    query = select(AuditEvent)
    if action in ACTIONS:
        query = query.where(AuditEvent.action == action)
    if actor:
        query = query.where(AuditEvent.actor.ilike(f"%{actor.replace('%', '')}%"))
    if since:
        query = query.where(AuditEvent.at >= datetime.combine(since, time(), POLAND))
    if until:
        query = query.where(AuditEvent.at < datetime.combine(until + timedelta(days=1), time(),
                                                              POLAND))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = page_number(request.args, last=max(1, -(-total // PAGE_SIZE)))
    events = db.session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                                .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    filters = {"akcja": action, "kto": actor, "od": request.args.get("od", ""),
               "do": request.args.get("do", "")}
    return render_template("audit/index.html", events=events, actions=ACTIONS, total=total,
                           page=page, pages=max(1, -(-total // PAGE_SIZE)), filters=filters)
