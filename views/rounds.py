"""Survey rounds for staff: create, launch, watch response rates, remind, close."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from sqlalchemy import select

from extensions import db
from l10n import polish_sort_key
from l10n.web import translate
from mailing.status import round_mail_status
from models import Invitation, Questionnaire, Round, Territory, Unit
from models.unit import UNIT_KINDS
from services.progress import (
    STAGE_LABELS,
    STAGES,
    round_progress,
    stage_of,
)
from services.questionnaires import registry, survey_for_round, sync_questionnaires
from services.rounds import (
    close_round,
    launch_round,
    pending_invitations,
    reopen_round,
    resend_link,
    send_reminders,
    set_up_round,
    units_for_round,
)
from services.subregions import mapping as subregion_mapping
from views.access import admin_only, staff
from views.forms import ActionForm, CloseForm, RoundForm, choices

bp = Blueprint("rounds", __name__, url_prefix="/admin/rundy")


def _round_or_404(round_id: int) -> Round:
    return db.session.get(Round, round_id) or abort(404)


def _fill_choices(form: RoundForm) -> None:
    versions = db.session.scalars(select(Questionnaire).order_by(Questionnaire.key,
                                                                 Questionnaire.version))
    form.questionnaire_id.choices = choices((q.id, f"{q.title} (v{q.version})") for q in versions)
    form.kinds.choices = choices((kind, translate(name)) for kind, name in UNIT_KINDS.items())
    powiats = db.session.scalars(select(Territory).where(Territory.level == "powiat")).all()
    form.powiats.choices = choices(sorted(((p.code, p.display_name) for p in powiats),
                                          key=lambda c: polish_sort_key(c[1])))
    units = db.session.scalars(select(Unit).where(Unit.is_active.is_(True))).unique().all()
    form.unit_ids.choices = choices(sorted(((u.id, f"{u.name} ({translate(u.kind_name)})")
                                            for u in units),
                                           key=lambda c: polish_sort_key(c[1])))
    names = sorted(set(subregion_mapping().values()), key=polish_sort_key)
    form.subregion.choices = choices([("", gettext("— wszystkie —")), *((n, n) for n in names)])


@bp.route("/nowa", methods=["GET", "POST"])
@admin_only
def new():
    sync_questionnaires()  # the versions on disk are offered; storing them is harmless
    db.session.commit()
    form = RoundForm()
    _fill_choices(form)
    if request.method == "GET":
        form.reporting_year.data = date.today().year - 1
    if form.validate_on_submit():
        questionnaire = db.session.get(Questionnaire, form.questionnaire_id.data)
        survey = registry().from_source(questionnaire.source_text,
                                        questionnaire.source_name).survey
        chosen = form.subregion.data
        units = units_for_round(
            survey.unit_kinds, kinds=form.kinds.data, powiats=form.powiats.data,
            powiats_of_subregion=[code for code, name in subregion_mapping().items()
                                  if name == chosen] if chosen else None,
            unit_ids=form.unit_ids.data or None)
        if not units:
            form.kinds.errors = [gettext("Żadna jednostka z rejestru nie spełnia tych warunków.")]
        else:
            round_, count = set_up_round(
                questionnaire, units, period=form.period,
                reporting_year=form.reporting_year.data, opens_on=form.opens_on.data,
                deadline=form.deadline.data, title=form.title.data or None,
                reminder_days=form.reminder_list, allow_late=form.allow_late.data,
                launch=bool(request.form.get("launch")))
            db.session.commit()
            flash(ngettext("Utworzono rundę. Wysłano %(num)d zaproszeń.",
                           "Utworzono rundę. Wysłano %(num)d zaproszeń.", count) if count
                  else gettext("Utworzono rundę (szkic). Jednostek do zaproszenia: %(count)s.",
                               count=len(units)), "success")
            return redirect(url_for("rounds.detail", round_id=round_.id))
    return render_template("rounds/new.html", form=form)


@bp.get("/<int:round_id>")
@staff
def detail(round_id: int):
    round_ = _round_or_404(round_id)
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.round_id == round_.id)).unique().all()
    pending = sorted(pending_invitations(round_), key=lambda i: polish_sort_key(i.unit.name))
    survey = survey_for_round(round_).survey
    candidates = units_for_round(survey.unit_kinds) if round_.status == "draft" else []
    return render_template(
        "rounds/detail.html", round=round_, progress=round_progress(round_),
        stages=STAGES, stage_labels=STAGE_LABELS, pending=pending, stage_of=stage_of,
        invitations=invitations, candidates=candidates, action_form=ActionForm(),
        close_form=CloseForm(), mail_status=round_mail_status(round_))


@bp.post("/<int:round_id>/uruchom")
@admin_only
def launch(round_id: int):
    round_ = _round_or_404(round_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if round_.status == "closed":
        flash(gettext("Runda jest zamknięta."), "error")
        return redirect(url_for("rounds.detail", round_id=round_id))
    survey = survey_for_round(round_).survey
    count = launch_round(round_, units_for_round(survey.unit_kinds))
    db.session.commit()
    flash(ngettext("Runda otwarta. Wysłano %(num)d zaproszeń.",
                   "Runda otwarta. Wysłano %(num)d zaproszeń.", count), "success")
    return redirect(url_for("rounds.detail", round_id=round_id))


@bp.post("/<int:round_id>/przypomnij")
@admin_only
def remind(round_id: int):
    round_ = _round_or_404(round_id)
    if not ActionForm().validate_on_submit() or round_.status != "open":
        abort(400)
    count = send_reminders(round_)
    db.session.commit()
    flash(gettext("Wysłano przypomnienia: %(count)s.", count=count), "success")
    return redirect(url_for("rounds.detail", round_id=round_id))


@bp.post("/<int:round_id>/zaproszenia/<int:invitation_id>/<any(wyslij, wymien):mode>")
@admin_only
def resend(round_id: int, invitation_id: int, mode: str):
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.round_id != round_id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    resend_link(invitation, revoke_old=mode == "wymien")
    db.session.commit()
    flash(gettext("%(unit)s: wymieniono link (stare linki przestały działać) i wysłano nowy.",
                  unit=invitation.unit.name) if mode == "wymien" else
          gettext("%(unit)s: wysłano link ponownie.", unit=invitation.unit.name), "success")
    return redirect(url_for("rounds.detail", round_id=round_id))


@bp.post("/<int:round_id>/zamknij")
@admin_only
def close(round_id: int):
    round_ = _round_or_404(round_id)
    form = CloseForm()
    if not form.validate_on_submit():
        abort(400)
    close_round(round_, allow_late=form.allow_late.data)
    db.session.commit()
    flash(gettext("Runda zamknięta. Spóźnione odpowiedzi są nadal przyjmowane.")
          if form.allow_late.data else gettext("Runda zamknięta."), "success")
    return redirect(url_for("rounds.detail", round_id=round_id))


@bp.post("/<int:round_id>/otworz")
@admin_only
def reopen(round_id: int):
    round_ = _round_or_404(round_id)
    if not ActionForm().validate_on_submit() or round_.status != "closed":
        abort(400)
    reopen_round(round_)
    db.session.commit()
    flash(gettext("Runda ponownie otwarta."), "success")
    return redirect(url_for("rounds.detail", round_id=round_id))
