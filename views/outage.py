"""The database is gone (down, unreachable, timed out): a 503 in Polish that keeps the answers.

Every request that meets a database error gets ``503 Service Unavailable`` with
``Retry-After``: the autosave endpoints a JSON reply the page shows, a section page that was
being saved the same section again with the posted values (``unsaved_section_page``), any
other page a plain explanation. Nothing here touches the database again.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext
from sqlalchemy import exc

from extensions import db

#: what SQLAlchemy raises when the database cannot answer (not when it refuses a statement)
DATABASE_UNAVAILABLE = (exc.OperationalError, exc.InterfaceError, exc.TimeoutError,
                        exc.DisconnectionError)
RETRY_AFTER_SECONDS = 30


def _forget_the_session() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; the pool discards it
        db.session.close()


def database_unavailable(err: Exception):
    """The 503 for a request that met a database outage."""
    from flask import current_app

    _forget_the_session()
    current_app.logger.warning("Baza danych niedostępna: %s", str(err).splitlines()[0][:300],
                               extra={"event": "database_unavailable"})
    message = gettext("Baza danych jest chwilowo niedostępna — odpowiedzi z tej strony nie "
                      "zostały zapisane.")
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.blueprint == "autosave":
        return jsonify(status="unavailable", message=message), 503, headers
    if request.endpoint == "respond.section" and request.method == "POST":
        from views.respond import unsaved_section_page

        page = unsaved_section_page(request.view_args.get("section_id", ""))
        if page is not None:
            return page, 503, headers
    return render_template("errors/page.html", title=gettext("Baza danych jest chwilowo "
                                                             "niedostępna"),
                           message=message + " " + gettext("Spróbuj ponownie za chwilę."),
                           code=503), 503, headers


def register(app: Flask) -> None:
    for error in DATABASE_UNAVAILABLE:
        app.register_error_handler(error, database_unavailable)
