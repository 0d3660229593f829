"""Send queued mail in-process once the work that queued it has committed.

This is the embedded default (``make run``: no ``MAIL_SERVER``, so messages become ``.eml``
files): nobody has to start ``flask mail-worker``. A message queued in a transaction that
rolls back is never sent, because only a commit arms the sender; the sending itself happens
when the request (or CLI command) is over, in a session of its own, and a failure there is
logged and left to the next run — the messages stay in the outbox.
"""

from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from extensions import db
from mailing.outbox import QUEUED_FLAG

#: set in ``Session.info`` when a commit stored at least one message
COMMITTED_FLAG = "esmon_mail_committed"


@event.listens_for(db.session, "after_commit")
def _arm_after_commit(session: Session) -> None:
    if session.info.pop(QUEUED_FLAG, False):
        session.info[COMMITTED_FLAG] = True


@event.listens_for(db.session, "after_rollback")
def _disarm_after_rollback(session: Session) -> None:
    session.info.pop(QUEUED_FLAG, None)


def sends_inline(app: Flask) -> bool:
    """``MAIL_SEND_INLINE``; when unset, true exactly when there is no SMTP server to queue for."""
    setting = app.config.get("MAIL_SEND_INLINE")
    return not app.config.get("MAIL_SERVER") if setting is None else bool(setting)


def send_committed_mail(exc: BaseException | None = None) -> None:
    """Teardown hook: drain the outbox if this app context committed new messages."""
    if exc is not None or not db.session.registry.has():
        return
    if not db.session.info.pop(COMMITTED_FLAG, False) or not sends_inline(current_app):
        return
    from mailing.worker import worker_for

    app = current_app._get_current_object()
    try:
        with Session(db.engine) as session:
            worker_for(app, session=session).drain()
    except Exception:  # noqa: BLE001 - the request already succeeded; the mail waits
        app.logger.exception("Wysyłka poczty po zatwierdzeniu nie powiodła się; "
                             "wiadomości czekają w kolejce.")


def init_app(app: Flask) -> None:
    """Register the hook; it must run before Flask-SQLAlchemy removes the session."""
    app.teardown_appcontext(send_committed_mail)
