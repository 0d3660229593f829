"""Phone follow-up (CATI) pages of a round: the call list, one unit's calls, the call log.

The list lives under the round (``/admin/rundy/<id>/telefony``). Logging a call changes
nothing that cannot be corrected by the next call ("online" sends the same link once more,
nothing stops working), so it has no confirmation page; "completed by phone" opens the
existing entry on the unit's behalf with the call linked to its response.
"""

from __future__ import annotations

from datetime import UTC
from io import BytesIO

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext, ngettext
from flask_login import current_user

from extensions import db
from l10n.clock import POLAND
from l10n.web import translate
from mailing.status import round_mail_status
from models import Invitation, User
from models.call_attempt import OUTCOMES
from models.types import utcnow
from services.audit import record
from services.calls import (
    CallEntry,
    CallError,
    assign,
    call_list,
    callers,
    callers_list,
    log_call,
    round_calls,
)
from services.progress import STAGE_LABELS
from views.access import admin_only, staff
from views.forms import AssignCallerForm, CallForm, choices
from views.respond import SESSION_KEY, STAFF_ENTRY_KEY
from views.rounds import round_or_404

bp = Blueprint("calls", __name__, url_prefix="/admin/rundy")


def _invitation_or_404(round_id: int, invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.round_id != round_id:
        abort(404)
    return invitation


def _assign_form() -> AssignCallerForm:
    form = AssignCallerForm()
    form.caller.choices = choices([("", gettext("— nikt (zdejmij przydział) —")),
                                   *((str(u.id), u.full_name or u.email) for u in callers())])
    return form


@bp.get("/<int:round_id>/telefony")
@staff
def call_list_page(round_id: int):
    """Everyone still to answer, with phones and calls so far; the caller's own list on top."""
    round_ = round_or_404(round_id)
    rows = call_list(round_)
    now = utcnow()
    return render_template(
        "calls/list.html", round=round_, rows=rows, mine=callers_list(round_, current_user, now),
        now=now, stage_labels=STAGE_LABELS, outcomes=OUTCOMES,
        mail_status=round_mail_status(round_), assign_form=_assign_form(),
        unassigned=sum(1 for r in rows if r.invitation.caller_id is None))


@bp.post("/<int:round_id>/telefony/przydziel")
@admin_only
def assign_callers(round_id: int):
    """Give the ticked units to a caller; sends nothing (the caller sees them on the list)."""
    round_ = round_or_404(round_id)
    form = _assign_form()
    back = redirect(url_for("calls.call_list_page", round_id=round_.id))
    if not form.validate_on_submit():
        flash(gettext("Wybierz pracownika z listy."), "error")
        return back
    ids = {int(i) for i in request.form.getlist("zaproszenie") if i.isdigit()}
    chosen = [row.invitation for row in call_list(round_) if row.invitation.id in ids]
    if not chosen:
        flash(gettext("Zaznacz jednostki, które chcesz przydzielić."), "error")
        return back
    caller = db.session.get(User, int(form.caller.data)) if form.caller.data else None
    count = assign(chosen, caller)
    db.session.commit()
    if caller is None:
        flash(ngettext("Zdjęto przydział %(num)d jednostki.",
                       "Zdjęto przydział %(num)d jednostek.", count), "success")
    else:
        flash(ngettext("%(who)s: przydzielono %(num)d jednostkę do telefonu.",
                       "%(who)s: przydzielono %(num)d jednostek do telefonu.", count,
                       who=caller.full_name or caller.email), "success")
    return back


@bp.route("/<int:round_id>/telefony/<int:invitation_id>", methods=["GET", "POST"])
@staff
def unit_calls(round_id: int, invitation_id: int):
    """One unit: its phones and contact person, the calls so far, and the form for this one."""
    invitation = _invitation_or_404(round_id, invitation_id)
    round_ = invitation.round
    form = CallForm()
    form.outcome.choices = choices((code, translate(name)) for code, name in OUTCOMES.items())
    row = next((r for r in call_list(round_) if r.invitation.id == invitation.id), None)
    if request.method == "POST":
        if not current_user.is_admin:
            abort(403)
        valid = form.validate_on_submit()
        if form.callback_at.errors:
            form.callback_at.errors = [gettext("Wpisz datę i godzinę, np. 2026-03-14 10:30.")]
        if valid:
            try:
                attempt = log_call(invitation, current_user, _entry(form))
            except CallError as err:
                db.session.rollback()
                target = getattr(form, err.field_name, None) if err.field_name else None
                if target is not None:
                    target.errors = [str(err)]
                else:
                    flash(str(err), "error")
            else:
                db.session.commit()
                return _after_call(invitation, attempt.outcome)
    return render_template(
        "calls/unit.html", round=round_, invitation=invitation, unit=invitation.unit,
        row=row, attempts=row.attempts if row else [], form=form, outcomes=OUTCOMES,
        stage_labels=STAGE_LABELS,
        mail=round_mail_status(round_)["per_invitation"].get(invitation.id))


def _entry(form: CallForm) -> CallEntry:
    callback = form.callback_at.data
    if callback is not None:
        callback = callback.replace(tzinfo=POLAND).astimezone(UTC)
    return CallEntry(outcome=form.outcome.data, duration_seconds=(form.minutes.data or 0) * 60,
                     note=form.note.data, callback_at=callback)


def _after_call(invitation: Invitation, outcome: str):
    """Back to the list, or into the unit's form when the interview is to be entered now."""
    name = invitation.unit.name
    if outcome == "completed":
        session[SESSION_KEY] = invitation.id
        session[STAFF_ENTRY_KEY] = current_user.id
        flash(gettext("%(unit)s: rozmowa zapisana — wpisz odpowiedzi podczas wywiadu.",
                      unit=name), "success")
        return redirect(url_for("respond.start"))
    if outcome == "online":
        flash(gettext("%(unit)s: rozmowa zapisana; zakolejkowano e-mail z linkiem.", unit=name),
              "success")
    else:
        flash(gettext("%(unit)s: rozmowa zapisana.", unit=name), "success")
    return redirect(url_for("calls.call_list_page", round_id=invitation.round_id))


@bp.get("/<int:round_id>/telefony/rejestr-rozmow.xlsx")
@staff
def call_log_export(round_id: int):
    """Every call of the round as a workbook (text cells never become formulas)."""
    from reports.call_log import CallLogRow, write_call_log  # xlsxwriter only for a download

    round_ = round_or_404(round_id)
    attempts = round_calls(round_)
    rows = [CallLogRow(
        called_at=a.called_at.astimezone(POLAND).replace(tzinfo=None),
        unit=a.invitation.unit.name, unit_kind=translate(a.invitation.unit.kind_name),
        teryt=a.invitation.unit.teryt, phone=a.phone or "",
        caller=a.caller.full_name or a.caller.email, outcome=translate(OUTCOMES[a.outcome]),
        duration_minutes=round(a.duration_seconds / 60, 1), note=a.note or "",
        callback_at=a.callback_at.astimezone(POLAND).replace(tzinfo=None)
        if a.callback_at else None,
        response_id=a.response_id) for a in attempts]
    out = BytesIO()
    write_call_log(out, round_.title, rows, translate)
    out.seek(0)
    record("export", round_, summary=f"rejestr rozmów telefonicznych — {round_.title}",
           after={"calls": len(rows)})
    db.session.commit()
    return send_file(out, as_attachment=True,
                     download_name=f"rozmowy-runda-{round_.id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument."
                              "spreadsheetml.sheet")
