"""Before a round goes out: who it will invite, the e-mail they get, the questionnaire they see.

The recipients page lists exactly the units launching would invite (the same
``uninvited_recipients``), with what stops one from getting the e-mail (no address, a broken
one, an address shared with another unit) and a link to fix it; staff leave units out or add
them by hand. After launch the same page lists units that fit the round but were registered
later, to invite them.

A national round has thousands of recipients: the list is paged (``PAGE_SIZE`` a page) and
can be narrowed (name or TERYT, województwo, only those with something to fix); leaving units
out in bulk takes the ticked ones, or every unit the filter matches on all pages.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, ngettext

from extensions import db
from forms.logic import Situation, resolve
from forms.placeholders import year_placeholders
from l10n.clock import today_in_poland
from models import Territory, Unit
from services.collation import polish
from services.messages import preview_invitation
from services.printouts import blank_questionnaire_filename, blank_questionnaire_pdf
from services.questionnaires import survey_for_round
from services.responses import bind_form
from services.round_list import RoundList, read_round_list, set_recipients_from_list
from services.rounds import (
    RecipientRow,
    RoundSelection,
    change_selection,
    round_recipients,
    uninvited_recipients,
    uninvited_rows,
)
from services.unit_kinds import kinds_for_survey
from services.unit_search import (
    RecipientFilter,
    eligible_units,
    recipient_problems,
    resolve_unit,
)
from views.access import admin_only, staff
from views.forms import ActionForm, RoundListForm
from views.numbers import page_number
from views.printouts import pdf_download
from views.rounds import round_or_404

bp = Blueprint("round_setup", __name__, url_prefix="/admin/rundy")

#: recipients (and units left out) shown on one page of the list
PAGE_SIZE = 100

#: the HTML of a previewed e-mail runs in a sandboxed frame with the inline styles e-mail
#: needs (and nothing else), framed only by our own page
EMAIL_PREVIEW_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                     "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")


@bp.get("/<int:round_id>/odbiorcy")
@staff
def recipients(round_id: int):
    return _recipients_page(round_or_404(round_id), RoundListForm(), None)


@bp.post("/<int:round_id>/odbiorcy/z-listy")
@admin_only
def recipients_from_list(round_id: int):
    """The draft's recipients become exactly the units of a list file (TERYT codes or ids);
    any bad row means the recipients stay as they were, and every row's problem is listed."""
    round_ = round_or_404(round_id)
    form = RoundListForm()
    if round_.status != "draft":
        flash(gettext("Listę odbiorców z pliku można wczytać tylko do szkicu rundy."), "error")
        return redirect(url_for("round_setup.recipients", round_id=round_.id))
    if not form.validate_on_submit():
        return _recipients_page(round_, form, None), 400
    upload = form.file.data
    name = upload.filename or ""
    result = read_round_list(round_, upload.read(), name)
    if not result.ok:
        db.session.rollback()
        return _recipients_page(round_, form, result), 400
    set_recipients_from_list(round_, result.units, name)
    db.session.commit()
    flash(ngettext("Wczytano listę %(name)s: odbiorcą rundy jest teraz dokładnie %(num)d "
                   "jednostka z listy.",
                   "Wczytano listę %(name)s: odbiorcami rundy jest teraz dokładnie %(num)d "
                   "jednostek z listy.", len(result.units), name=name), "success")
    return redirect(url_for("round_setup.recipients", round_id=round_.id))


def _recipients_page(round_, list_form: RoundListForm, list_result: RoundList | None):
    units = uninvited_rows(round_)
    problems = recipient_problems(units)
    wanted = RecipientFilter.from_args(request.args)
    matching = wanted.apply(units, problems)
    pages = max(1, -(-len(matching) // PAGE_SIZE))
    page = page_number(request.args, last=pages)
    chosen = RoundSelection.from_json(round_.selection)
    excluded = db.session.scalars(
        db.select(Unit).where(Unit.id.in_(chosen.excluded)).order_by(polish(Unit.name), Unit.id)
        .limit(PAGE_SIZE)).all() if chosen.excluded else []
    text = (request.args.get("szukaj") or "").strip()[:100]
    matches = _matches(round_, text) if text else []
    return render_template(
        "rounds/recipients.html", round=round_, units=units, problems=problems,
        shown=matching[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], matching=matching,
        page=page, pages=pages, wanted=wanted, regions=_regions(units),
        excluded=excluded, excluded_count=len(chosen.excluded), selection=chosen,
        search=text, matches=matches, action_form=ActionForm(),
        invitable=[u for u in units if u.email_list], list_form=list_form, result=list_result)


def _regions(units: list[RecipientRow]) -> list[tuple[str, str]]:
    """(code, name) of the województwa the recipients lie in, when there are several."""
    codes = sorted({u.teryt[:2] for u in units if u.teryt and len(u.teryt) >= 2})
    if len(codes) < 2:
        return []
    names = dict(db.session.execute(db.select(Territory.code, Territory.name).where(
        Territory.level == "wojewodztwo", Territory.code.in_(codes))).tuples().all())
    return [(code, f"{code} {names.get(code, '').lower()}".strip()) for code in codes]


@bp.post("/<int:round_id>/odbiorcy/zaznaczone/<any(pomin, przywroc):change>")
@admin_only
def change_many(round_id: int, change: str):
    """Leave out the ticked recipients, or with "all matching" every unit the list's filter
    matches (on every page, not only the one shown); or take back units left out."""
    round_ = round_or_404(round_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    wanted = RecipientFilter.from_args(request.form)
    here = url_for("round_setup.recipients", round_id=round_.id, **wanted.args())
    if round_.status != "draft":
        flash(gettext("W tym stanie rundy nie można zmieniać odbiorców."), "error")
        return redirect(here)
    every = request.form.get("wszystkie") == "1"
    ticked = {int(v) for v in request.form.getlist("jednostki") if v.isdigit()}
    if change == "pomin":
        units = uninvited_recipients(round_)
        chosen = (wanted.apply(units, recipient_problems(units)) if every
                  else [u for u in units if u.id in ticked])
    else:
        left_out = RoundSelection.from_json(round_.selection).excluded
        ids = set(left_out) if every else ticked & set(left_out)
        chosen = list(db.session.scalars(db.select(Unit).where(Unit.id.in_(ids)))) if ids else []
    if not chosen:
        flash(gettext("Nie zaznaczono żadnej jednostki."), "error")
        return redirect(here)
    if change == "pomin":
        change_selection(round_, exclude=chosen)
        done = ngettext("Pominięto %(num)d jednostkę — nie dostanie zaproszenia.",
                        "Pominięto %(num)d jednostki — nie dostaną zaproszenia.", len(chosen))
    else:
        change_selection(round_, restore=chosen)
        done = ngettext("Przywrócono do odbiorców %(num)d jednostkę.",
                        "Przywrócono do odbiorców %(num)d jednostki.", len(chosen))
    db.session.commit()
    flash(done, "success")
    return redirect(here)


def _matches(round_, text: str) -> list[Unit]:
    """Units that fit the questionnaire but are not among the recipients, by name or TERYT."""
    taken = {u.id for u in round_recipients(round_)} | {i.unit_id for i in round_.invitations}
    return [u for u in eligible_units(kinds_for_survey(survey_for_round(round_).survey), text)
            if u.id not in taken]


@bp.post("/<int:round_id>/odbiorcy/<any(dodaj, pomin, przywroc):change>")
@admin_only
def change_recipients(round_id: int, change: str):
    """Add a unit by hand, leave one out, or take it back. Nobody gets e-mail from this."""
    round_ = round_or_404(round_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    here = url_for("round_setup.recipients", round_id=round_.id)
    if round_.status == "closed" or (change != "dodaj" and round_.status != "draft"):
        flash(gettext("W tym stanie rundy nie można zmieniać odbiorców."), "error")
        return redirect(here)
    unit_kinds = kinds_for_survey(survey_for_round(round_).survey)
    found = resolve_unit(unit_kinds, request.form.get("jednostka", ""))
    if found.unit is None:
        if found.candidates:
            return redirect(url_for("round_setup.recipients", round_id=round_.id,
                                    szukaj=found.text) + "#wyniki")
        flash(found.message, "error")
        return redirect(here)
    unit = found.unit
    if change == "dodaj":
        change_selection(round_, add=[unit])
        done = gettext("Dodano do odbiorców: %(unit)s.", unit=unit.name)
    elif change == "pomin":
        change_selection(round_, exclude=[unit])
        done = gettext("Pominięto: %(unit)s — nie dostanie zaproszenia.", unit=unit.name)
    else:
        change_selection(round_, restore=[unit])
        done = gettext("Przywrócono do odbiorców: %(unit)s.", unit=unit.name)
    db.session.commit()
    flash(done, "success")
    return redirect(here)


@bp.get("/<int:round_id>/podglad-zaproszenia")
@staff
def invitation_preview(round_id: int):
    round_ = round_or_404(round_id)
    units = round_recipients(round_)
    unit = _preview_unit(units)
    if unit is None:
        flash(gettext("Runda nie ma jeszcze odbiorców — dodaj jednostki, aby zobaczyć "
                      "zaproszenie."), "error")
        return redirect(url_for("round_setup.recipients", round_id=round_.id))
    return render_template("rounds/invitation_preview.html", round=round_, unit=unit,
                           units=units, message=preview_invitation(round_, unit))


def _preview_unit(units: list[Unit]) -> Unit | None:
    wanted = request.args.get("jednostka", type=int)
    return next((u for u in units if u.id == wanted), units[0] if units else None)


@bp.get("/<int:round_id>/podglad-zaproszenia/tresc.html")
@staff
def invitation_preview_html(round_id: int):
    """The HTML part alone, for the sandboxed frame of the preview page."""
    round_ = round_or_404(round_id)
    unit = _preview_unit(round_recipients(round_))
    if unit is None:
        abort(404)
    response = make_response(preview_invitation(round_, unit).body_html)
    response.headers["Content-Security-Policy"] = EMAIL_PREVIEW_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.get("/<int:round_id>/pusty-formularz.pdf")
@staff
def blank_form(round_id: int):
    """The round's questionnaire on paper (its period, deadline and years), for any unit."""
    round_ = round_or_404(round_id)
    survey = survey_for_round(round_).survey
    return pdf_download(lambda: blank_questionnaire_pdf(survey, round_),
                        blank_questionnaire_filename(survey, round_))


@bp.get("/<int:round_id>/podglad-ankiety")
@bp.get("/<int:round_id>/podglad-ankiety/<section_id>")
@staff
def questionnaire_preview(round_id: int, section_id: str | None = None):
    """A section as a respondent first sees it, read-only (nothing can be sent from here)."""
    round_ = round_or_404(round_id)
    loaded = survey_for_round(round_)
    survey = loaded.survey
    if section_id is not None and not any(s.id == section_id for s in survey.sections):
        abort(404)
    section = survey.section(section_id) if section_id else survey.sections[0]
    situation = Situation(reporting_year=round_.reporting_year, today=today_in_poland().isoformat())
    resolution = resolve(survey, {}, situation)
    form = loaded.forms[section.id](formdata=None, data={}, meta={"csrf": False})
    bind_form(form, resolution, enforce_required=False)
    year = round_.reporting_year
    return render_template(
        "rounds/questionnaire_preview.html", round=round_, survey=survey, section=section,
        index=survey.section_index(section.id), form=form, visible=resolution.visible,
        placeholders=year_placeholders(year))
