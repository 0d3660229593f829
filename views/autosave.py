"""Autosave and keep-alive for the respondent's pages: JSON endpoints called by autosave.js.

The same session rules as the section pages (``views.respond._current``): the personal link's
session, or a staff member entering answers on the unit's behalf. A save is a draft save
(``enforce_required=False``) of one section — values that cannot be answers yet are held
in the draft as typed and listed in ``problems`` — guarded by the response's optimistic ``version``:
a stale page gets a 409 and is told so, it never overwrites newer answers.

Every request to a permanent session renews it, so both endpoints also keep the session alive.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from extensions import db
from l10n import N_
from l10n.clock import now_in_poland
from services.responses import save_section
from services.scoping import unscoped
from views.errors import GonePage
from views.respond import _current

bp = Blueprint("autosave", __name__)
#: a respondent's link is its authority: no staff member's organisation scope applies
bp.before_request(unscoped)
CONFLICT_MESSAGE = N_("Te odpowiedzi zapisano w międzyczasie w innym oknie albo przez inną osobę. "
                    "Zmiany z tej strony nie zostały zapisane automatycznie — użyj przycisku "
                    "„Zapisz wersję roboczą”, aby porównać wartości i wybrać właściwe.")


def _session_seconds() -> int:
    return int(current_app.permanent_session_lifetime.total_seconds())


@bp.post("/ankieta/sekcja/<section_id>/autozapis")
def save(section_id: str) -> tuple[Response, int]:
    """Save one section as a draft; JSON says what happened."""
    invitation, loaded, response = _current()
    survey = loaded.survey
    if not any(s.id == section_id for s in survey.sections):
        db.session.rollback()
        return _error(gettext("Nie ma takiej sekcji."), 404)
    if not response.is_editable:
        db.session.rollback()
        return _error(gettext("Sprawozdanie zostało już wysłane — zmian nie zapisano."), 409,
                      status="submitted")
    posted_version = request.form.get("version", type=int)
    if posted_version is not None and posted_version != response.version:
        current = response.version
        db.session.rollback()
        return _conflict(current)
    form = loaded.forms[section_id]()
    try:  # another save may win between our read and our write: at flush or at commit
        outcome = save_section(response, loaded, form, enforce_required=False)
    except StaleDataError:
        db.session.rollback()
        return _conflict(None)
    problems = [{"field": anchor, "question": question.id, "message": message}
                for question, anchor, message in outcome.problems]
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return _conflict(None)
    now = now_in_poland()
    return jsonify(status="saved", version=response.version, savedAt=now.strftime("%H:%M"),
                   savedAtIso=now.isoformat(timespec="seconds"),
                   unexplained=sorted(outcome.unexplained), problems=problems,
                   sessionSeconds=_session_seconds()), 200


@bp.post("/ankieta/sesja")
def keepalive() -> tuple[Response, int]:
    """Renew the respondent's session without saving anything (pages without a form)."""
    _current()
    db.session.commit()
    return jsonify(status="alive", sessionSeconds=_session_seconds()), 200


def _conflict(version: int | None) -> tuple[Response, int]:
    return jsonify(status="conflict", message=gettext(CONFLICT_MESSAGE), version=version), 409


def _error(message: str, code: int, status: str = "error") -> tuple[Response, int]:
    return jsonify(status=status, message=message), code


@bp.errorhandler(CSRFError)
def _csrf_failed(err: CSRFError):
    return _error(gettext("Formularz wygasł: odśwież stronę, aby dalej zapisywać "
                          "automatycznie."), 400, status="csrf")


@bp.errorhandler(StaleDataError)
def _changed_meanwhile(err: StaleDataError):
    db.session.rollback()
    return _conflict(None)


@bp.errorhandler(HTTPException)
def _http_error(err: HTTPException):
    """Session expired, round closed, and the like: a message the page can show."""
    db.session.rollback()
    if isinstance(err, GonePage):
        message = f"{err.title}. {err.description}"
    else:
        message = gettext("Nie udało się zapisać automatycznie (kod błędu %(code)s).",
                          code=err.code)
    return _error(message, err.code or 500, status="expired" if err.code == 401 else "error")
