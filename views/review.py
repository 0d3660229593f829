"""Staff review of responses: read, accept, return for correction, reopen, enter on behalf."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from sqlalchemy import select

from extensions import db
from forms.placeholders import year_placeholders
from l10n import N_
from models import ContactChange, Invitation, Response, Round
from models.response import RESPONSE_MODES
from services.comparison import last_year
from services.contacts import decide_contact_change
from services.printouts import response_copy_filename, response_copy_pdf
from services.progress import STAGE_LABELS, round_progress
from services.questionnaires import survey_for_round
from services.reads import response_viewed
from services.responses import previous_response
from services.review import (
    ReviewError,
    accept,
    accept_many,
    diff,
    reopen,
    return_for_correction,
)
from services.review_list import (
    ResponseFilter,
    clean_count,
    clean_submitted,
    neighbours,
    response_page,
)
from services.territory import answer_names, pick_list
from services.unit_kinds import kind_labels, kinds_for_survey
from views.access import admin_only, staff
from views.confirm import (
    Confirmation,
    confirm_page,
    confirmed,
    ids_stamp,
    needs_confirmation,
    stamp_of,
)
from views.filters import fill
from views.forms import ActionForm, ReasonForm, ReturnForm
from views.printouts import pdf_download
from views.respond import SESSION_KEY, STAFF_ENTRY_KEY

bp = Blueprint("review", __name__, url_prefix="/admin/odpowiedzi")


@bp.get("/runda/<int:round_id>")
@staff
def round_responses(round_id: int):
    """The round's responses: search, filters, sort and pages, all done by the database."""
    round_ = db.session.get(Round, round_id) or abort(404)
    chosen = ResponseFilter.from_args(request.args)
    progress = round_progress(round_)
    page = response_page(round_.id, chosen, stage_counts=progress.stages)
    kinds = kinds_for_survey(survey_for_round(round_).survey)
    labels = kind_labels()
    clean = clean_count(round_.id, chosen) if current_user.is_admin else 0
    region = progress.wojewodztwo_of(chosen.regions[0]) if len(chosen.regions) == 1 else None
    powiats = pick_list("powiat")
    if progress.by_wojewodztwo:  # a national round: the powiats of the chosen województwa
        powiats = [(code, name) for code, name in powiats if code[:2] in chosen.regions]
    return render_template(
        "review/round.html", round=round_, page=page, chosen=chosen, clean=clean,
        stage_labels=STAGE_LABELS, kinds=[(k, labels[k]) for k in kinds if k in labels],
        powiats=powiats, sorts=SORT_LABELS, kind_labels=labels, progress=progress,
        region=region, region_powiats=progress.powiats_of(region.code) if region else [],
        action_form=ActionForm())


#: sort key → its label in the sort choice (Polish msgids)
SORT_LABELS = {"nazwa": N_("nazwa (A–Ż)"), "-nazwa": N_("nazwa (Ż–A)"), "powiat": N_("powiat"),
               "rodzaj": N_("rodzaj jednostki"), "stan": N_("stan"),
               "wyslano": N_("data wysłania (najstarsze)"),
               "-wyslano": N_("data wysłania (najnowsze)")}


@bp.route("/runda/<int:round_id>/przyjmij-bez-uwag", methods=["GET", "POST"])
@admin_only
@needs_confirmation
def accept_clean(round_id: int):
    """Accept, in one step, the sent responses of the current filter that have no warning
    and no note: the ones nobody needs to read twice."""
    round_ = db.session.get(Round, round_id) or abort(404)
    chosen = ResponseFilter.from_args(request.args)
    clean = clean_submitted(round_.id, chosen)
    back = url_for("review.round_responses", round_id=round_.id, **chosen.args())
    if not clean:
        flash(gettext("Nie ma wysłanych odpowiedzi bez ostrzeżeń i uwag do przyjęcia."), "error")
        return redirect(back)
    confirmation = Confirmation(
        title=gettext("Przyjąć odpowiedzi bez ostrzeżeń i uwag?"), caption=round_.title,
        warning=ngettext("%(num)d wysłana odpowiedź zostanie przyjęta: bez ostrzeżeń, bez "
                         "uwag ROPS.",
                         "%(num)d wysłanych odpowiedzi zostanie przyjętych: bez ostrzeżeń, bez "
                         "uwag ROPS.", len(clean)),
        consequences=[gettext("Jednostki nie dostaną e-maila; odpowiedzi trafią do zestawień "
                              "jako przyjęte."),
                      gettext("Każdą można potem otworzyć ponownie do korekty.")],
        items=[name for _id, name in clean],
        button=ngettext("Tak, przyjmij %(num)d odpowiedź", "Tak, przyjmij %(num)d odpowiedzi",
                        len(clean)),
        cancel_url=back, stamp=ids_stamp("accept", (i for i, _name in clean)),
        destructive=False)
    if not confirmed(confirmation):
        return confirm_page(confirmation)
    count = accept_many([db.session.get(Response, i) for i, _name in clean])
    db.session.commit()
    flash(ngettext("Przyjęto %(num)d odpowiedź.", "Przyjęto %(num)d odpowiedzi.", count),
          "success")
    return redirect(back)


def _response_or_404(response_id: int) -> Response:
    return db.session.get(Response, response_id) or abort(404)


@bp.get("/<int:response_id>")
@staff
def detail(response_id: int):
    response = _response_or_404(response_id)
    invitation = response.invitation
    survey = survey_for_round(invitation.round).survey
    versions = list(response.versions)
    history = []
    previous: dict = {}
    for version in versions:
        history.append((version, diff(survey, previous, version.answers) if previous else []))
        previous = version.answers
    if versions and response.answers != versions[-1].answers:
        history.append((None, diff(survey, versions[-1].answers, response.answers)))
    earlier = previous_response(invitation)
    record_contacts = db.session.scalars(
        select(ContactChange).filter_by(unit_id=invitation.unit_id, status="pending")).all()
    chosen = ResponseFilter.from_args(request.args)
    warnings = [(q, response.warnings[q.id]) for q in survey.questions
                if response.warnings.get(q.id)]
    response_viewed(response)
    return _render_then_commit(
        "review/detail.html", response=response, invitation=invitation, survey=survey,
        modes=RESPONSE_MODES,
        round=invitation.round, unit=invitation.unit, history=list(reversed(history)),
        territory_names={**answer_names(survey.questions, earlier.answers if earlier else {}),
                         **answer_names(survey.questions, response.answers)},
        action_form=ActionForm(),
        contacts=record_contacts, placeholders=_placeholders(invitation.round),
        warnings=warnings, earlier=earlier,
        last_year=last_year(survey, response.answers, earlier.answers) if earlier else {},
        chosen=chosen, neighbours=neighbours(invitation.round_id, chosen, response.id))


@bp.get("/<int:response_id>/wersja-<int:number>.pdf")
@staff
def version_pdf(response_id: int, number: int):
    """The copy of one submitted version of the response, as the unit got it by e-mail."""
    response = _response_or_404(response_id)
    version = next((v for v in response.versions if v.number == number), None) or abort(404)
    return pdf_download(lambda: response_copy_pdf(version), response_copy_filename(version))


def _render_then_commit(template: str, **context) -> str:
    """Render from the loaded objects, then commit the audit row of this read."""
    page = render_template(template, **context)
    db.session.commit()
    return page


def _placeholders(round_: Round) -> dict:
    year = round_.reporting_year
    return year_placeholders(year)


def _back(response: Response, chosen: ResponseFilter | None = None):
    args = chosen.args() if chosen is not None else {}
    return redirect(url_for("review.detail", response_id=response.id, **args))


def _decide(response: Response, action, done: str):
    """Run a review action: commit and say so, or roll back and say why not."""
    chosen = ResponseFilter.from_args(request.args)
    try:
        action()
    except ReviewError as err:
        db.session.rollback()
        flash(str(err), "error")
        return _back(response, chosen)
    db.session.commit()
    flash(done, "success")
    return _back(response, chosen)


@bp.post("/<int:response_id>/przyjmij")
@admin_only
def accept_response(response_id: int):
    """Accept; with ``dalej`` go on to the next response of the reviewer's filter."""
    response = _response_or_404(response_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    chosen = ResponseFilter.from_args(request.args)
    after = neighbours(response.invitation.round_id, chosen, response.id)
    try:
        accept(response)
    except ReviewError as err:
        db.session.rollback()
        flash(str(err), "error")
        return _back(response, chosen)
    db.session.commit()
    flash(gettext("Odpowiedź przyjęta: %(unit)s.", unit=response.invitation.unit.name),
          "success")
    if request.args.get("dalej") and after is not None and after.next is not None:
        return redirect(url_for("review.detail", response_id=after.next, **chosen.args()))
    return _back(response, chosen)


@bp.route("/<int:response_id>/zwroc", methods=["GET", "POST"])
@admin_only
@needs_confirmation
def return_response(response_id: int):
    """Return for correction: notes to questions come from the response page, the comment and
    the confirmation from this one; the unit gets the e-mail only after the confirmation."""
    response = _response_or_404(response_id)
    if response.status != "submitted":
        flash(gettext("Zwrócić do korekty można tylko wysłaną odpowiedź."), "error")
        return _back(response)
    unit = response.invitation.unit
    survey = survey_for_round(response.invitation.round).survey
    notes = {key[2:]: value.strip() for key, value in request.form.items()
             if key.startswith("n_") and value.strip() and len(value) <= 2000
             and survey.has_question(key[2:])}
    form = ReturnForm()
    labels = {q.id: q.label for q in survey.questions}
    placeholders = _placeholders(response.invitation.round)
    confirmation = Confirmation(
        title=gettext("Zwrócić odpowiedź jednostki %(unit)s do korekty?", unit=unit.name),
        caption=response.invitation.round.title,
        warning=gettext("Jednostka dostanie e-mail z uwagami i nowym linkiem na: %(emails)s.",
                        emails=", ".join(unit.email_list) or gettext("brak adresu")),
        consequences=[
            gettext("Odpowiedź wróci do edycji; jednostka wyśle ją ponownie, a nowa wersja "
                    "trafi do historii."),
            ngettext("Uwaga do %(num)d pytania pójdzie razem z komentarzem.",
                     "Uwagi do %(num)d pytań pójdą razem z komentarzem.", len(notes))
            if notes else gettext("Bez uwag do pojedynczych pytań — tylko komentarz."),
        ],
        items=[f"{fill(labels[qid], placeholders)}: {text}" for qid, text in notes.items()],
        button=gettext("Tak, zwróć do korekty"), form=form, fields=("comment",),
        carried=[(f"n_{qid}", text) for qid, text in notes.items()],
        cancel_url=url_for("review.detail", response_id=response.id,
                           **ResponseFilter.from_args(request.args).args()),
        stamp=stamp_of("return", response.id, response.version))
    if not confirmed(confirmation):
        return confirm_page(confirmation)
    return _decide(response, lambda: return_for_correction(response, form.comment.data, notes),
                   gettext("Odpowiedź zwrócona do korekty; zakolejkowano e-mail do jednostki "
                           "z uwagami."))


@bp.route("/<int:response_id>/otworz", methods=["GET", "POST"])
@admin_only
@needs_confirmation
def reopen_response(response_id: int):
    """Unlock an accepted response so the unit can correct it (after a confirmation)."""
    response = _response_or_404(response_id)
    if response.status != "accepted":
        flash(gettext("Ponownie otworzyć można tylko przyjętą odpowiedź."), "error")
        return _back(response)
    unit = response.invitation.unit
    form = ReasonForm()
    confirmation = Confirmation(
        title=gettext("Otworzyć ponownie przyjętą odpowiedź jednostki %(unit)s?",
                      unit=unit.name),
        caption=response.invitation.round.title,
        warning=gettext("Przyjęta odpowiedź wróci do edycji: do ponownego wysłania i przyjęcia "
                        "nie będzie się liczyć jako przyjęta."),
        consequences=[gettext("Jednostka nie dostanie e-maila — przekaż jej powód sam "
                              "albo zwróć odpowiedź z uwagami po jej ponownym wysłaniu.")],
        button=gettext("Tak, otwórz ponownie"), form=form, fields=("reason",),
        cancel_url=url_for("review.detail", response_id=response.id,
                           **ResponseFilter.from_args(request.args).args()),
        stamp=stamp_of("reopen", response.id, response.version))
    if not confirmed(confirmation):
        return confirm_page(confirmation)
    return _decide(response, lambda: reopen(response, form.reason.data),
                   gettext("Odpowiedź ponownie otwarta do korekty."))


@bp.post("/zaproszenie/<int:invitation_id>/wpis")
@admin_only
def enter_on_behalf(invitation_id: int):
    """Fill or complete a unit's response (phone interview, paper form) as that unit."""
    invitation = db.session.get(Invitation, invitation_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    response = invitation.response
    if response is not None and not response.is_editable:
        flash(gettext("Odpowiedź jest wysłana lub przyjęta — najpierw zwróć ją do korekty."),
              "error")
        return redirect(url_for("review.round_responses", round_id=invitation.round_id))
    session[SESSION_KEY] = invitation.id
    session[STAFF_ENTRY_KEY] = current_user.id
    return redirect(url_for("respond.start"))


@bp.get("/kontakty")
@staff
def contacts():
    pending = db.session.scalars(select(ContactChange).filter_by(status="pending")
                                 .order_by(ContactChange.created_at)).unique().all()
    return render_template("review/contacts.html", pending=pending, action_form=ActionForm())


@bp.post("/kontakty/<int:change_id>/<any(zatwierdz, odrzuc):decision>")
@admin_only
def decide_contact(change_id: int, decision: str):
    change = db.session.get(ContactChange, change_id) or abort(404)
    if not ActionForm().validate_on_submit() or change.status != "pending":
        abort(400)
    decide_contact_change(change, approve=decision == "zatwierdz", by=current_user)
    db.session.commit()
    flash(gettext("Zmiana kontaktu zatwierdzona.") if decision == "zatwierdz"
          else gettext("Zgłoszenie odrzucone."), "success")
    return redirect(url_for("review.contacts"))
