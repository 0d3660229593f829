"""Changing a round after launch: the deadline, reminder days, units invited later, withdrawals.

Moving the deadline is a yearly routine; the form itself is the confirmation (it says how
many units will get an e-mail). Inviting and withdrawing go through confirmation pages.
Each change is audited by its service and listed on the round page.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext

from extensions import db
from l10n.clock import today_in_poland
from l10n.web import long_date
from services.rounds import (
    change_reminder_days,
    extend_deadline,
    invite_units,
    pending_invitations,
    uninvited_recipients,
    withdraw_invitation,
)
from views.access import admin_only
from views.confirm import (
    Confirmation,
    confirm_page,
    confirmed,
    ids_stamp,
    needs_confirmation,
    stamp_of,
)
from views.forms import (
    DeadlineForm,
    InviteForm,
    ReminderDaysForm,
    WithdrawForm,
    choices,
    reminder_list,
)
from views.rounds import round_or_404

bp = Blueprint("round_changes", __name__, url_prefix="/admin/rundy")


def _back(round_):
    return redirect(url_for("rounds.detail", round_id=round_.id))


@bp.route("/<int:round_id>/termin", methods=["GET", "POST"])
@admin_only
def deadline(round_id: int):
    round_ = round_or_404(round_id)
    if round_.status == "closed":
        flash(gettext("Runda jest zamknięta — najpierw otwórz ją ponownie."), "error")
        return _back(round_)
    pending = pending_invitations(round_)
    today = today_in_poland()
    form = DeadlineForm()
    if request.method == "GET":
        form.deadline.data = round_.deadline
    if form.validate_on_submit():
        if form.deadline.data < today:
            form.deadline.errors = [gettext("Nowy termin nie może być w przeszłości.")]
        elif form.deadline.data == round_.deadline:
            form.deadline.errors = [gettext("To jest obecny termin — podaj inny.")]
        else:
            notified = extend_deadline(round_, form.deadline.data,
                                       notify=form.notify.data and round_.status == "open",
                                       today=today)
            db.session.commit()
            message = gettext("Nowy termin: %(date)s.", date=long_date(round_.deadline))
            if notified:
                message += " " + ngettext(
                    "Zakolejkowano %(num)d powiadomienie dla jednostki bez wysłanej odpowiedzi.",
                    "Zakolejkowano %(num)d powiadomień dla jednostek bez wysłanej odpowiedzi.",
                    notified)
            flash(message, "success")
            return _back(round_)
    return render_template("rounds/deadline.html", round=round_, form=form,
                           pending=pending if round_.status == "open" else [])


@bp.route("/<int:round_id>/przypomnienia", methods=["GET", "POST"])
@admin_only
def reminder_days(round_id: int):
    round_ = round_or_404(round_id)
    form = ReminderDaysForm()
    if request.method == "GET":
        form.reminder_days.data = ", ".join(map(str, round_.reminder_days or []))
    if form.validate_on_submit():
        days = reminder_list(form.reminder_days.data)
        if days == list(round_.reminder_days or []):
            form.reminder_days.errors = [gettext("To są obecne dni przypomnień.")]
        else:
            change_reminder_days(round_, days)
            db.session.commit()
            flash(gettext("Przypomnienia: %(days)s.", days=", ".join(map(str, days)) + " "
                          + gettext("dni przed terminem")) if days
                  else gettext("Przypomnienia automatyczne wyłączone."), "success")
            return _back(round_)
    return render_template("rounds/reminder_days.html", round=round_, form=form)


@bp.route("/<int:round_id>/zapros", methods=["GET", "POST"])
@admin_only
@needs_confirmation
def invite(round_id: int):
    """Invite units that fit the round but have no invitation yet (registered after launch)."""
    round_ = round_or_404(round_id)
    candidates = [u for u in uninvited_recipients(round_) if u.email_list]
    if round_.status != "open" or not candidates:
        flash(gettext("Nie ma kogo dołączyć: wszystkie jednostki objęte rundą są zaproszone.")
              if round_.status == "open" else
              gettext("Jednostki dołącza się do otwartej rundy."), "error")
        return _back(round_)
    form = InviteForm()
    form.unit_ids.choices = choices((u.id, u.name) for u in candidates)
    if request.method == "GET" or not form.unit_ids.data:
        form.unit_ids.data = form.unit_ids.data or [u.id for u in candidates]
    chosen = [u for u in candidates if u.id in (form.unit_ids.data or [])]
    confirmation = Confirmation(
        title=gettext("Zaprosić kolejne jednostki do rundy?"), caption=round_.title,
        warning=ngettext("Zaznaczona jednostka dostanie teraz e-mail z zaproszeniem i osobistym "
                         "linkiem (zaznaczono %(num)d).",
                         "Zaznaczone jednostki dostaną teraz e-mail z zaproszeniem i osobistym "
                         "linkiem (zaznaczono %(num)d).", len(chosen)),
        consequences=[gettext("Termin odpowiedzi: %(deadline)s.",
                              deadline=long_date(round_.deadline))],
        button=gettext("Tak, wyślij zaproszenia zaznaczonym"), form=form, fields=("unit_ids",),
        cancel_url=url_for("rounds.detail", round_id=round_.id),
        stamp=ids_stamp("invite", (u.id for u in candidates)), destructive=False)
    if not confirmed(confirmation):
        return confirm_page(confirmation)
    count = invite_units(round_, chosen)
    db.session.commit()
    flash(ngettext("Zakolejkowano %(num)d zaproszenie — wysyłka trwa w tle.",
                   "Zakolejkowano %(num)d zaproszeń — wysyłka trwa w tle.", count), "success")
    return _back(round_)


@bp.route("/<int:round_id>/zaproszenia/<int:invitation_id>/wycofaj", methods=["GET", "POST"])
@admin_only
@needs_confirmation
def withdraw(round_id: int, invitation_id: int):
    from views.rounds import _invitation_or_404

    invitation = _invitation_or_404(round_id, invitation_id)
    round_ = invitation.round
    response = invitation.response
    if invitation.withdrawn_at is not None or (
            response is not None and response.status in ("submitted", "accepted")):
        flash(gettext("Wycofać można tylko jednostkę, która nie wysłała odpowiedzi."), "error")
        return _back(round_)
    form = WithdrawForm()
    confirmation = Confirmation(
        title=gettext("Wycofać jednostkę %(unit)s z rundy?", unit=invitation.unit.name),
        caption=round_.title,
        warning=gettext("Link jednostki przestanie działać, a jej zapisane odpowiedzi nie "
                        "trafią do zestawień."),
        consequences=[gettext("Jednostka przestanie się liczyć w odsetku odpowiedzi i nie "
                              "dostanie przypomnień."),
                      gettext("Nikt nie dostanie e-maila.")],
        button=gettext("Tak, wycofaj jednostkę"), form=form, fields=("reason",),
        cancel_url=url_for("rounds.detail", round_id=round_.id),
        stamp=stamp_of("withdraw", invitation.id, response.status if response else "none"))
    if not confirmed(confirmation):
        return confirm_page(confirmation)
    withdraw_invitation(invitation, form.reason.data)
    db.session.commit()
    flash(gettext("%(unit)s: wycofano z rundy.", unit=invitation.unit.name), "success")
    return _back(round_)
