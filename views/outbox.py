"""The outbox for admins: every message with its state; in the embedded default, the .eml files."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, send_from_directory
from sqlalchemy import func, select

from extensions import db
from mailing.links import masked
from mailing.outbox import status_counts
from mailing.status import KIND_LABELS, STATUS_LABELS
from mailing.transport import outbox_folder
from models import OutboxMessage
from services.reads import mail_viewed
from views.access import admin_only
from views.numbers import page_number

bp = Blueprint("outbox", __name__, url_prefix="/admin/poczta")
PAGE_SIZE = 100


@bp.get("/")
@admin_only
def index():
    status = request.args.get("stan", "")
    query = select(OutboxMessage)
    if status in STATUS_LABELS:
        query = query.where(OutboxMessage.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = page_number(request.args, last=max(1, -(-total // PAGE_SIZE)))
    messages = db.session.scalars(query.order_by(OutboxMessage.id.desc())
                                  .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    folder = None if current_app.config.get("MAIL_SERVER") else outbox_folder(current_app)
    files = _visible_files(folder) if folder and folder.is_dir() else []
    return render_template("outbox/index.html", messages=messages, totals=status_counts(),
                           status=status, statuses=STATUS_LABELS, kinds=KIND_LABELS,
                           total=total, page=page, pages=max(1, -(-total // PAGE_SIZE)),
                           folder=folder, files=files)


@bp.get("/<int:message_id>")
@admin_only
def detail(message_id: int):
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    # a personal link is the unit's credential: staff see it masked, never usable
    page = render_template("outbox/detail.html", message=message, body=masked(message.body_text),
                           statuses=STATUS_LABELS, kinds=KIND_LABELS)
    mail_viewed(message)
    db.session.commit()
    return page


@bp.get("/pliki/<name>")
@admin_only
def eml(name: str):
    """One .eml file of the embedded outbox folder, to open in a mail program."""
    if current_app.config.get("MAIL_SERVER") or not name.endswith(".eml") or "/" in name:
        abort(404)
    if _visible_ids([_message_id(name)]) == set():
        abort(404)
    return send_from_directory(outbox_folder(current_app), name, mimetype="message/rfc822",
                               as_attachment=True)


def _message_id(name: str) -> int:
    """The outbox row of a file ``<created>.<id>.esmon.eml`` (``FolderTransport``); 0 if none."""
    parts = name.split(".")
    return int(parts[1]) if len(parts) == 4 and parts[1].isdigit() else 0


def _visible_ids(ids: list[int]) -> set[int]:
    """Those of ``ids`` whose messages this staff member may see (the organisation scope)."""
    return set(db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.id.in_(ids))))


def _visible_files(folder) -> list:
    """The newest .eml files of messages this staff member may see."""
    files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True)
    visible = _visible_ids([_message_id(f.name) for f in files[:500]])
    return [f for f in files if _message_id(f.name) in visible][:50]
