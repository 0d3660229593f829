"""Survey rounds for staff: create, launch, watch response rates, remind, close, reopen.

Every action that sends e-mail or cannot be undone runs from its confirmation page
(``views/confirm.py``): the round page links there, the page says what will happen.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, ngettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from extensions import db
from l10n import polish_sort_key
from l10n.clock import today_in_poland
from l10n.web import current_language, long_date, translate
from mailing.status import round_mail_status, round_sending
from models import Invitation, Questionnaire, Round
from services.progress import STAGE_LABELS, STAGES, round_progress
from services.progress_map import response_rate_map
from services.questionnaires import registry, survey_for_round, sync_questionnaires
from services.review_list import ResponseFilter, response_page
from services.rounds import (
    RoundSelection,
    Uninvited,
    close_round,
    delete_draft,
    follow_up_gap,
    launch_round,
    pending_invitations,
    reopen_round,
    resend_link,
    round_changes,
    send_reminders,
    set_up_round,
    uninvited_count,
    uninvited_recipients,
    units_for_round,
    withdrawn_invitations,
)
from services.scoping import organisation_name
from services.subregions import mapping as subregion_mapping
from services.territory import pick_list
from services.unit_kinds import kind_labels, kind_names, kinds_for_survey
from views.access import admin_only, staff
from views.confirm import (
    Confirmation,
    confirm_page,
    confirmed,
    ids_stamp,
    needs_confirmation,
    stamp_of,
)
from views.forms import ActionForm, CloseForm, RoundForm, choices

bp = Blueprint("rounds", __name__, url_prefix="/admin/rundy")


def round_or_404(round_id: int) -> Round:
    return db.session.get(Round, round_id) or abort(404)


def _back(round_: Round):
    return redirect(url_for("rounds.detail", round_id=round_.id))


def _fill_choices(form: RoundForm) -> None:
    versions = db.session.scalars(select(Questionnaire).order_by(Questionnaire.key,
                                                                 Questionnaire.version))
    form.questionnaire_id.choices = choices((q.id, f"{q.title} (v{q.version})") for q in versions)
    form.kinds.choices = choices(kind_names().items())
    form.powiats.choices = choices(pick_list("powiat"))
    names = sorted(set(subregion_mapping().values()), key=polish_sort_key)
    form.subregion.choices = choices([("", gettext("— wszystkie —")), *((n, n) for n in names)])


def _selection(form: RoundForm) -> RoundSelection:
    chosen = form.subregion.data or None
    return RoundSelection(
        kinds=tuple(form.kinds.data or ()), powiats=tuple(form.powiats.data or ()),
        subregion=chosen, manual=bool(form.manual.data),
        subregion_powiats=tuple(code for code, name in subregion_mapping().items()
                                if name == chosen) if chosen else ())


@bp.route("/nowa", methods=["GET", "POST"])
@admin_only
def new():
    """A new round is always a draft first: recipients, e-mail and questionnaire are checked
    on their preview pages before the launch is confirmed."""
    sync_questionnaires()  # the versions on disk are offered; storing them is harmless
    db.session.commit()
    form = RoundForm()
    _fill_choices(form)
    if request.method == "GET":
        today = today_in_poland()
        form.reporting_year.data = today.year - 1
        form.opens_on.data, form.deadline.data = today, today + timedelta(days=30)
    if form.validate_on_submit():
        questionnaire = db.session.get(Questionnaire, form.questionnaire_id.data)
        survey = registry().from_source(questionnaire.source_text,
                                        questionnaire.source_name).survey
        selection = _selection(form)
        period_problem = _period_problem(survey.period, form.half.data)
        if period_problem:
            form.half.errors = [period_problem]
            return render_template("rounds/new.html", form=form)
        units = [] if selection.manual else units_for_round(
            kinds_for_survey(survey), kinds=list(selection.kinds), powiats=list(selection.powiats),
            powiats_of_subregion=list(selection.subregion_powiats))
        if not units and not selection.manual:
            form.kinds.errors = [gettext("Żadna jednostka z rejestru nie spełnia tych warunków.")]
        else:
            round_, _count = set_up_round(
                questionnaire, units, period=form.period,
                reporting_year=form.reporting_year.data, opens_on=form.opens_on.data,
                deadline=form.deadline.data, title=form.title.data or None,
                reminder_days=form.reminder_list, allow_late=form.allow_late.data,
                launch=False, selection=selection)
            db.session.commit()
            flash(gettext("Utworzono szkic rundy. Sprawdź odbiorców, treść zaproszenia "
                          "i ankietę, potem uruchom rundę."), "success")
            return redirect(url_for("round_setup.recipients", round_id=round_.id))
    return render_template("rounds/new.html", form=form)


def _period_problem(period: str, half: str | None) -> str | None:
    """A half-year questionnaire (``period: half_year``) runs for a half, an annual one for
    the whole year: the report's period and the reminders follow from it."""
    if period == "half_year" and not half:
        return gettext("Ta ankieta jest półroczna — wybierz I albo II półrocze.")
    if period != "half_year" and half:
        return gettext("Ta ankieta jest roczna — wybierz „cały rok”.")
    return None


@bp.get("/<int:round_id>")
@staff
def detail(round_id: int):
    """The round's dashboard, counted by the database: a national round has thousands of
    units, so the units without an answer come a page at a time and the powiats of one
    województwo only once it is chosen (``?wojewodztwo=24``)."""
    round_ = round_or_404(round_id)
    progress = round_progress(round_)
    region = progress.wojewodztwo_of(request.args.get("wojewodztwo"))
    pending_filter = ResponseFilter(stages=PENDING_STAGES,
                                    regions=(region.code,) if region else ())
    pending = response_page(round_.id, replace(
        pending_filter, page=request.args.get("strona", 1, type=int) or 1),
        stage_counts=progress.stages)
    uninvited = uninvited_count(round_) if round_.status != "closed" else Uninvited(0, 0)
    return render_template(
        "rounds/detail.html", round=round_, progress=progress, region=region,
        powiats=progress.powiats_of(region.code if region else None),
        rate_map=_rate_map(progress, region.code if region else None),
        stages=STAGES, stage_labels=STAGE_LABELS, pending=pending,
        pending_in_round=progress.overall.invited - progress.overall.done,
        pending_filter=pending_filter,
        withdrawn=withdrawn_invitations(round_), uninvited=uninvited,
        action_form=ActionForm(), kind_labels=kind_labels(),
        mail_status=round_mail_status(round_, [r.invitation_id for r in pending.rows]),
        sending=round_sending(round_.id), changes=round_changes(round_),
        today=today_in_poland())


#: stages of a unit that has not sent its answer (the round page's list and reminders)
PENDING_STAGES = ("invited", "opened", "draft", "returned")


def _rate_map(progress, wojewodztwo: str | None) -> dict | None:
    """The response-rate map as SVG with the rows of its table, or ``None``."""
    from reports import svg  # the report code only where a map is drawn

    spec = response_rate_map(progress, wojewodztwo)
    if spec is None or not spec.areas:
        return None
    locale = "pl_PL" if current_language() == "pl" else "en"
    title = translate(spec.title)
    return {"title": title, "svg": Markup(svg.map_svg(  # noqa: S704  # the SVG writer escapes every text
        spec, title, "mapa-odpowiedzi", translate, locale)),
        "notes": [translate(n) for n in spec.notes]}


@bp.get("/<int:round_id>/poczta")
@staff
def sending_status(round_id: int):
    """The round's sending progress as the page shows it, for the live status line."""
    sending = round_sending(round_or_404(round_id).id)
    return jsonify(text=sending.text, waiting=sending.waiting, stuck=sending.stuck)


def _queued_message(count: int) -> str:
    return ngettext("Zakolejkowano %(num)d zaproszenie — wysyłka trwa w tle, postęp widać "
                    "na stronie rundy.",
                    "Zakolejkowano %(num)d zaproszeń — wysyłka trwa w tle, postęp widać "
                    "na stronie rundy.", count)


@bp.route("/<int:round_id>/uruchom", methods=["GET", "POST"])
@admin_only
@needs_confirmation
def launch(round_id: int):
    round_ = round_or_404(round_id)
    if round_.status != "draft":
        flash(gettext("Runda jest już uruchomiona."), "error")
        return _back(round_)
    units = uninvited_recipients(round_)
    invited = [u for u in units if u.email_list]
    skipped = [u for u in units if not u.email_list]
    if not invited:
        flash(gettext("Nie ma kogo zaprosić: żadna z wybranych jednostek nie ma adresu "
                      "e-mail."), "error")
        return redirect(url_for("round_setup.recipients", round_id=round_.id))
    consequences = [
        gettext("Runda zostanie otwarta: linki zaczną działać, jednostki będą mogły "
                "wypełniać ankietę do %(deadline)s.", deadline=long_date(round_.deadline)),
        gettext("Przypomnienia automatyczne: %(days)s.",
                days=_reminder_text(round_.reminder_days)),
    ]
    consequences += _follow_up_notes(round_, invited)
    if skipped:
        consequences.append(ngettext(
            "%(num)d jednostka bez adresu e-mail nie zostanie zaproszona.",
            "%(num)d jednostek bez adresu e-mail nie zostanie zaproszonych.", len(skipped)))
    confirmation = Confirmation(
        title=gettext("Uruchomić rundę „%(title)s”?", title=round_.title),
        warning=ngettext("%(num)d jednostka dostanie teraz e-mail z zaproszeniem i osobistym "
                         "linkiem.",
                         "%(num)d jednostek dostanie teraz e-mail z zaproszeniem i osobistym "
                         "linkiem.", len(invited)),
        consequences=consequences, items=[u.name for u in invited],
        button=ngettext("Tak, uruchom i wyślij %(num)d zaproszenie",
                        "Tak, uruchom i wyślij %(num)d zaproszeń", len(invited)),
        cancel_url=url_for("rounds.detail", round_id=round_.id),
        stamp=ids_stamp("launch", (u.id for u in invited)), destructive=False)
    if not confirmed(confirmation):
        return confirm_page(confirmation)
    count = launch_round(round_, invited)
    db.session.commit()
    flash(gettext("Runda otwarta.") + " " + _queued_message(count), "success")
    return _back(round_)


def _reminder_text(days: list[int] | None) -> str:
    if not days:
        return gettext("brak")
    return gettext("%(days)s dni przed terminem", days=", ".join(map(str, days)))


@bp.route("/<int:round_id>/przypomnij", methods=["GET", "POST"])
@admin_only
@needs_confirmation
def remind(round_id: int):
    round_ = round_or_404(round_id)
    pending = pending_invitations(round_) if round_.status == "open" else []
    if not pending:
        flash(gettext("Nie ma komu przypominać: wszystkie zaproszone jednostki wysłały "
                      "odpowiedź.") if round_.status == "open"
              else gettext("Przypomnienia wysyła się tylko w otwartej rundzie."), "error")
        return _back(round_)
    confirmation = Confirmation(
        title=gettext("Wysłać przypomnienie?"), caption=round_.title,
        warning=ngettext("%(num)d jednostka, która nie wysłała odpowiedzi, dostanie teraz "
                         "e-mail z przypomnieniem i nowym linkiem.",
                         "%(num)d jednostek, które nie wysłały odpowiedzi, dostanie teraz "
                         "e-mail z przypomnieniem i nowym linkiem.", len(pending)),
        consequences=[gettext("Wcześniejsze linki nadal działają; zapisane odpowiedzi "
                              "zostają.")],
        items=sorted((inv.unit.name for inv in pending), key=polish_sort_key),
        button=ngettext("Tak, wyślij %(num)d przypomnienie", "Tak, wyślij %(num)d przypomnień",
                        len(pending)),
        cancel_url=url_for("rounds.detail", round_id=round_.id),
        stamp=ids_stamp("remind", (inv.id for inv in pending)), destructive=False)
    if not confirmed(confirmation):
        return confirm_page(confirmation)
    count = send_reminders(round_, pending)
    db.session.commit()
    flash(ngettext("Zakolejkowano %(num)d przypomnienie — wysyłka trwa w tle.",
                   "Zakolejkowano %(num)d przypomnień — wysyłka trwa w tle.", count), "success")
    return _back(round_)


def _invitation_or_404(round_id: int, invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.round_id != round_id:
        abort(404)
    return invitation


@bp.post("/<int:round_id>/zaproszenia/<int:invitation_id>/wyslij")
@admin_only
def resend(round_id: int, invitation_id: int):
    """The link once more, to the same addresses; earlier links keep working (no loss)."""
    invitation = _invitation_or_404(round_id, invitation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if invitation.withdrawn_at is not None:
        flash(gettext("Jednostka została wycofana z rundy."), "error")
        return _back(invitation.round)
    resend_link(invitation, revoke_old=False)
    db.session.commit()
    flash(gettext("%(unit)s: zakolejkowano e-mail z linkiem.", unit=invitation.unit.name),
          "success")
    return _back(invitation.round)


@bp.route("/<int:round_id>/zaproszenia/<int:invitation_id>/wymien", methods=["GET", "POST"])
@admin_only
@needs_confirmation
def replace_link(round_id: int, invitation_id: int):
    invitation = _invitation_or_404(round_id, invitation_id)
    round_ = invitation.round
    if invitation.withdrawn_at is not None or round_.status == "draft":
        flash(gettext("Tej jednostce nie można wymienić linku."), "error")
        return _back(round_)
    active = [t for t in invitation.tokens if t.revoked_at is None]
    confirmation = Confirmation(
        title=gettext("Wymienić link jednostki %(unit)s?", unit=invitation.unit.name),
        caption=round_.title,
        warning=gettext("Stary link przestanie działać — także ten, który ktoś mógł przekazać "
                        "dalej."),
        consequences=[
            gettext("Jednostka dostanie e-mail z nowym linkiem na: %(emails)s.",
                    emails=", ".join(invitation.unit.email_list) or gettext("brak adresu")),
            gettext("Zapisane odpowiedzi zostają."),
        ],
        button=gettext("Tak, wymień link"),
        cancel_url=url_for("rounds.detail", round_id=round_.id),
        stamp=stamp_of("replace", invitation.id, sorted(t.token_hash for t in active)))
    if not confirmed(confirmation):
        return confirm_page(confirmation)
    resend_link(invitation, revoke_old=True)
    db.session.commit()
    flash(gettext("%(unit)s: stary link przestał działać; zakolejkowano e-mail z nowym.",
                  unit=invitation.unit.name), "success")
    return _back(round_)


@bp.route("/<int:round_id>/zamknij", methods=["GET", "POST"])
@admin_only
@needs_confirmation
def close(round_id: int):
    round_ = round_or_404(round_id)
    if round_.status != "open":
        flash(gettext("Zamknąć można tylko otwartą rundę."), "error")
        return _back(round_)
    pending = pending_invitations(round_)
    today = today_in_poland()
    form = CloseForm()
    if request.method == "GET" and today > round_.deadline:
        form.reason.data = gettext("Termin minął.")
    consequences = [
        ngettext("%(num)d jednostka nie wysłała jeszcze odpowiedzi: bez zgody na spóźnione "
                 "odpowiedzi nie będzie mogła tego zrobić.",
                 "%(num)d jednostek nie wysłało jeszcze odpowiedzi: bez zgody na spóźnione "
                 "odpowiedzi nie będą mogły tego zrobić.", len(pending)),
        gettext("Przypomnienia automatyczne przestaną być wysyłane."),
        gettext("Jednostki, które otworzą link, przeczytają, że rundę zamknął %(organisation)s "
                "dnia %(date)s.", organisation=_organisation(), date=long_date(today))
        if today <= round_.deadline else
        gettext("Jednostki, które otworzą link, przeczytają, że termin minął."),
    ]
    confirmation = Confirmation(
        title=gettext("Zamknąć rundę „%(title)s”?", title=round_.title),
        warning=gettext("Runda przestanie przyjmować odpowiedzi przed terminem "
                        "%(deadline)s.", deadline=long_date(round_.deadline))
        if today <= round_.deadline else
        gettext("Runda przestanie przyjmować odpowiedzi."),
        consequences=consequences, items=sorted((i.unit.name for i in pending),
                                                key=polish_sort_key),
        button=gettext("Tak, zamknij rundę"), form=form, fields=("reason", "allow_late"),
        cancel_url=url_for("rounds.detail", round_id=round_.id),
        stamp=stamp_of("close", round_.id, round_.status, len(pending)))
    if not confirmed(confirmation):
        return confirm_page(confirmation)
    close_round(round_, allow_late=form.allow_late.data, reason=form.reason.data,
                by=current_user)
    db.session.commit()
    flash(gettext("Runda zamknięta. Spóźnione odpowiedzi są nadal przyjmowane.")
          if form.allow_late.data else gettext("Runda zamknięta."), "success")
    return _back(round_)


def _follow_up_notes(round_, units) -> list[str]:
    """A follow-up round (``follows``) says on its launch page what it starts from."""
    survey = survey_for_round(round_).survey
    if not survey.follows:
        return []
    gap = follow_up_gap(round_, survey.follows, units)
    title = gap.followed_title or survey.follows
    if not gap.has_round:
        return [gettext("Nie ma rundy ankiety „%(title)s”, którą ta runda kontynuuje: wartości z "
                        "planu nie zostaną wpisane, jednostki zaczną od pustych pól.",
                        title=title)]
    if gap.missing:
        return [ngettext("%(num)d jednostka nie ma wysłanej odpowiedzi w rundzie „%(title)s”: "
                         "zacznie od pustych pól (%(names)s).",
                         "%(num)d jednostek nie ma wysłanej odpowiedzi w rundzie „%(title)s”: "
                         "zaczną od pustych pól (%(names)s).", len(gap.missing), title=title,
                         names=", ".join(u.name for u in gap.missing[:10])
                         + (" …" if len(gap.missing) > 10 else ""))]
    return [gettext("Wartości z planu (runda ankiety „%(title)s”) zostaną wpisane każdej "
                    "jednostce.", title=title)]


def _organisation() -> str:
    return organisation_name(current_user.organisation)


@bp.route("/<int:round_id>/otworz", methods=["GET", "POST"])
@admin_only
@needs_confirmation
def reopen(round_id: int):
    round_ = round_or_404(round_id)
    if round_.status != "closed":
        flash(gettext("Ponownie otworzyć można tylko zamkniętą rundę."), "error")
        return _back(round_)
    pending = pending_invitations(round_)
    today = today_in_poland()
    consequences = [ngettext(
        "%(num)d jednostka bez wysłanej odpowiedzi znów będzie mogła ją wypełnić i wysłać.",
        "%(num)d jednostek bez wysłanej odpowiedzi znów będzie mogło ją wypełnić i wysłać.",
        len(pending))]
    if today > round_.deadline:
        consequences.append(gettext("Termin %(deadline)s już minął — po otwarciu przedłuż go, "
                                    "aby jednostki wiedziały, do kiedy mają czas.",
                                    deadline=long_date(round_.deadline)))
    confirmation = Confirmation(
        title=gettext("Otworzyć ponownie rundę „%(title)s”?", title=round_.title),
        warning=gettext("Linki jednostek znów zaczną działać; nikt nie dostanie e-maila."),
        consequences=consequences, button=gettext("Tak, otwórz rundę"),
        cancel_url=url_for("rounds.detail", round_id=round_.id),
        stamp=stamp_of("reopen", round_.id, round_.status), destructive=False)
    if not confirmed(confirmation):
        return confirm_page(confirmation)
    reopen_round(round_)
    db.session.commit()
    flash(gettext("Runda ponownie otwarta."), "success")
    return _back(round_)


@bp.route("/<int:round_id>/usun", methods=["GET", "POST"])
@admin_only
@needs_confirmation
def delete(round_id: int):
    round_ = round_or_404(round_id)
    if round_.status != "draft" or round_.invitations:
        flash(gettext("Usunąć można tylko szkic rundy, do której nikogo nie zaproszono."),
              "error")
        return _back(round_)
    confirmation = Confirmation(
        title=gettext("Usunąć szkic rundy „%(title)s”?", title=round_.title),
        warning=gettext("Szkic zniknie z listy rund; tego nie można cofnąć."),
        consequences=[gettext("Nikt nie dostał jeszcze zaproszenia, więc nikt nie dostanie "
                              "też żadnej wiadomości.")],
        button=gettext("Tak, usuń szkic"),
        cancel_url=url_for("rounds.detail", round_id=round_.id),
        stamp=stamp_of("delete", round_.id, round_.status))
    if not confirmed(confirmation):
        return confirm_page(confirmation)
    title = round_.title
    delete_draft(round_)
    db.session.commit()
    flash(gettext("Usunięto szkic rundy „%(title)s”.", title=title), "success")
    return redirect(url_for("admin.index"))
