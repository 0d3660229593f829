"""``/healthz`` for load balancers and monitoring: is this process able to reach the database?

No login and no session: a probe must not need one. It answers JSON so a script can read it,
with a Polish message when something is wrong.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except SQLAlchemyError as err:
        db.session.rollback()
        current_app.logger.error("Baza danych nie odpowiada: %s", type(err).__name__,
                                 extra={"event": "healthz_failed"})
        reply = jsonify(status="error",
                        message="Baza danych nie odpowiada — esmon nie może teraz przyjmować "
                                "odpowiedzi.")
        reply.status_code = 503
    else:
        reply = jsonify(status="ok")
    reply.headers["Cache-Control"] = "no-store"
    return reply
