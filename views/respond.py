"""The respondent's pages: personal link, sections, review, submit, confirmation. No login.

The link token is exchanged for a session on first use and the address bar drops it, so it
does not linger in history, referrers or screenshots.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import bindparam, event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from extensions import db
from forms.logic import Situation, resolve
from forms.placeholders import fill_year, year_placeholders
from forms.types import comment_field_name, field_name
from l10n.clock import POLAND, today_in_poland
from l10n.web import long_date
from models import Invitation, InvitationToken, Response, User
from models.types import utcnow
from services.contacts import propose_contact_change
from services.invitation_row import load_invitation
from services.printouts import (
    blank_questionnaire_filename,
    blank_questionnaire_pdf,
    response_copy_filename,
    response_copy_pdf,
)
from services.progress_states import section_states
from services.questionnaires import registry, survey_for_round
from services.response_row import WRITTEN_KEY
from services.responses import (
    bind_form,
    held_questions,
    open_response,
    save_section,
    show_held,
    situation_for,
    submission_issues,
    submit,
)
from services.scoping import organisation_name, unscoped
from services.territory import answer_names
from services.tokens import hash_token
from views.errors import GonePage
from views.forms import ContactChangeForm
from views.printouts import pdf_download
from views.section_logic import logic_json

bp = Blueprint("respond", __name__)
#: a respondent's link is its authority: no staff member's organisation scope applies
bp.before_request(unscoped)
SESSION_KEY = "invitation_id"
#: session keys: the link generation that opened the session, and when (epoch seconds)
GENERATION_KEY = "link_generation"
OPENED_KEY = "opened_at"
#: what a section page needs without the database (an outage): the definition's checksum,
#: the unit's name, the period and the reporting year
PAGE_KEY = "page"
#: session key of a staff member entering answers on a unit's behalf
STAFF_ENTRY_KEY = "staff_entry"

#: a personal link's invitation and whether staff revoked the link, by the link's hash (the
#: invitation itself is then read with its round, unit and response as every page reads it)
_LINK = (select(InvitationToken.invitation_id, InvitationToken.revoked_at)
         .where(InvitationToken.token_hash == bindparam("token_hash")))


@bp.get("/r/<token>")
def open_link(token: str):
    """Exchange a personal link for a session and redirect to a clean address."""
    if len(token) > 200:
        abort(404)
    link = db.session.execute(_LINK, {"token_hash": hash_token(token)}).first()
    invitation = load_invitation(db.session(), link.invitation_id) if link else None
    if link is None or invitation is None:
        abort(404)
    if link.revoked_at is not None and invitation.withdrawn_at is None:
        raise _link_replaced()
    _check_round_open(invitation)
    _clear_session()
    session[SESSION_KEY] = invitation.id
    session[GENERATION_KEY] = invitation.link_generation
    session[OPENED_KEY] = int(time.time())
    round_ = invitation.round
    session[PAGE_KEY] = {"survey": survey_for_round(round_).survey.checksum,
                         "unit": invitation.unit.name, "period": round_.period,
                         "year": round_.reporting_year}
    session.permanent = True
    if invitation.opened_at is None:
        invitation.opened_at = utcnow()
    db.session.commit()
    return redirect(url_for("respond.start"), code=303)


def _link_replaced() -> GonePage:
    return GonePage(gettext("Ten link został zastąpiony nowym"),
                    gettext("Wysłaliśmy Państwa jednostce nowy link do ankiety. Użyj linku z "
                            "najnowszej wiadomości e-mail albo poproś ROPS o ponowne "
                            "wysłanie."))


def _check_link_session(invitation: Invitation) -> None:
    """A respondent's session lives as long as the link that opened it, and 12 h at most.

    :raise GonePage: 410 when staff replaced the link since (the session is forgotten), 401
        when the session is older than ``ESMON_SESSION_MAX_SECONDS``.
    """
    generation, opened = session.get(GENERATION_KEY), session.get(OPENED_KEY)
    if isinstance(generation, int) and generation != invitation.link_generation:
        _clear_session()
        raise _link_replaced()
    limit = int(current_app.config["ESMON_SESSION_MAX_SECONDS"])
    if not isinstance(generation, int) or not isinstance(opened, int) or (
            time.time() - opened > limit):
        _clear_session()
        raise GonePage(gettext("Sesja wygasła"),
                       gettext("Ze względów bezpieczeństwa sesja kończy się najpóźniej "
                               "%(hours)s h po otwarciu linku. Otwórz ankietę ponownie, klikając "
                               "osobisty link z wiadomości e-mail; zapisane odpowiedzi czekają.",
                               hours=max(1, round(limit / 3600))),
                       status=401)


def _clear_session() -> None:
    """Forget everything of the session but the chosen interface language."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def _check_round_open(invitation: Invitation) -> None:
    round_ = invitation.round
    g.esmon_site_organisation = organisation_name(round_.organisation)
    if round_.status == "draft":
        raise GonePage(gettext("Badanie jeszcze się nie rozpoczęło"),
                       gettext("Ankieta będzie dostępna od %(date)s.",
                               date=round_.opens_on.strftime("%d.%m.%Y")),
                       status=403)
    if invitation.withdrawn_at is not None:
        raise GonePage(gettext("Jednostka nie uczestniczy już w tym badaniu"),
                       gettext("%(organisation)s wycofał Państwa jednostkę z tej rundy "
                               "badania. W razie pytań skontaktuj się z ROPS.",
                               organisation=organisation_name(round_.organisation)))
    response = invitation.response
    done = response is not None and response.status in ("submitted", "accepted")
    if not round_.accepts_answers and not done:
        raise GonePage(gettext("Badanie zostało zakończone"), _closed_message(round_))


def _closed_message(round_) -> str:
    """Why the link no longer takes answers: who closed the round and when, or the deadline.

    The person who closed it is named (their full name, never an address), with the reason
    staff gave; the page adds the ROPS contact.
    """
    if round_.closed_early:
        closer = round_.closed_by.full_name if round_.closed_by is not None else None
        organisation = organisation_name(round_.organisation)
        message = gettext("Runda została zamknięta przez %(who)s dnia %(date)s, przed "
                          "terminem %(deadline)s.",
                          who=f"{closer} ({organisation})" if closer else organisation,
                          date=long_date(round_.closed_at.astimezone(POLAND).date()),
                          deadline=long_date(round_.deadline))
        if round_.close_reason:
            message += " " + gettext("Powód: %(reason)s", reason=round_.close_reason)
        return message
    when = long_date(round_.closed_at.astimezone(POLAND).date()) if round_.closed_at else None
    if when:
        return gettext("Termin przyjmowania odpowiedzi w tej rundzie (%(deadline)s) minął; "
                       "runda została zamknięta %(date)s.", deadline=long_date(round_.deadline),
                       date=when)
    return gettext("Termin przyjmowania odpowiedzi w tej rundzie (%(deadline)s) minął.",
                   deadline=long_date(round_.deadline))


def staff_author() -> User | None:
    """The staff member entering answers on the unit's behalf, if this session is one."""
    user_id = session.get(STAFF_ENTRY_KEY)
    if user_id is None:
        return None
    if not current_user.is_authenticated or current_user.id != user_id:
        _clear_session()
        raise GonePage(gettext("Sesja wygasła"),
                       gettext("Zaloguj się ponownie i otwórz odpowiedź jednostki."),
                       status=401)
    return current_user


def _current() -> tuple[Invitation, Any, Response]:
    invitation_id = session.get(SESSION_KEY)
    # with its response and the round's organisation (which names the site), in one row
    invitation = load_invitation(db.session(), invitation_id) if isinstance(
        invitation_id, int) else None
    if invitation is None:
        raise GonePage(gettext("Sesja wygasła lub link nie został otwarty"),
                       gettext("Otwórz ankietę ponownie, klikając osobisty link z wiadomości "
                               "e-mail."),
                       status=401)
    g.esmon_site_organisation = organisation_name(invitation.round.organisation)
    g.staff_author = staff_author()
    if g.staff_author is None:
        _check_link_session(invitation)
        _check_round_open(invitation)
    loaded = survey_for_round(invitation.round)
    response = open_response(invitation, loaded)
    return invitation, loaded, response


def _template_context(invitation: Invitation, loaded: Any, response: Response) -> dict:
    year = invitation.round.reporting_year
    return {
        "staff_author": g.get("staff_author"),
        "invitation": invitation,
        "round": invitation.round,
        "unit": invitation.unit,
        "survey": loaded.survey,
        "response": response,
        "placeholders": year_placeholders(year),
    }


@event.listens_for(db.session, "after_flush")
def _note_flush(session: Any, flush_context: Any) -> None:
    session.info[WRITTEN_KEY] = True


@event.listens_for(db.session, "after_transaction_end")
def _forget_flush(session: Any, transaction: Any) -> None:
    if transaction.parent is None:  # a savepoint's end leaves the outer changes pending
        session.info.pop(WRITTEN_KEY, None)


def _render_then_commit(template: str, **context: Any) -> str:
    """Render, then commit what the visit created (a new response), if it created anything.

    In this order the page is built from objects already loaded; a commit first would expire
    them all and the template would read every one of them again from the database. A visit
    that changed nothing (most of them) ends its read-only transaction when the request ends,
    without a commit that would expire every object of the page.
    """
    page = render_template(template, **context)
    _commit_changes()
    return page


def _commit_changes() -> None:
    """Commit what this request stored, if it stored anything (flushed or pending).

    A commit of nothing would still expire every object the request loaded; the request's
    read-only transaction ends with it as it is.
    """
    session = db.session
    if session.info.get(WRITTEN_KEY) or session.new or session.dirty or session.deleted:
        session.commit()


def _start_context(invitation: Invitation, loaded: Any, response: Response) -> dict:
    """The start page's context: where each section stands (from the review's checks).

    Before any section is saved every state is "not started" (or "to correct", "errors"),
    whatever the checks say, so the first visit does not validate the whole questionnaire.
    """
    issues = submission_issues(response, loaded) if (
        response.is_editable and response.sections_saved) else []
    return {"states": section_states(response, loaded, issues),
            **_template_context(invitation, loaded, response)}


@bp.get("/ankieta")
def start():
    invitation, loaded, response = _current()
    return _render_then_commit("respond/start.html", contact_form=ContactChangeForm(),
                               **_start_context(invitation, loaded, response))


@bp.post("/ankieta/kontakt")
def contact():
    """The unit proposes new contact details; staff review them before the register changes."""
    invitation, loaded, response = _current()
    form = ContactChangeForm()
    if not form.validate_on_submit():
        page = render_template("respond/start.html", contact_form=form,
                               **_start_context(invitation, loaded, response))
        db.session.rollback()  # what the checks touched is not saved
        return page, 400
    propose_contact_change(invitation.unit_id, invitation.id,
                           contact_person=form.contact_person.data, emails=form.emails.data,
                           note=form.note.data)
    db.session.commit()
    flash(gettext("Dziękujemy. ROPS sprawdzi zgłoszenie i zaktualizuje rejestr."), "success")
    return redirect(url_for("respond.start"))


@bp.route("/ankieta/sekcja/<section_id>", methods=["GET", "POST"])
def section(section_id: str):
    invitation, loaded, response = _current()
    survey = loaded.survey
    if not any(s.id == section_id for s in survey.sections):
        abort(404)
    if not response.is_editable:
        if request.method == "POST":
            raise GonePage(gettext("Sprawozdanie zostało już wysłane"),
                           gettext("Wysłanej odpowiedzi nie można zmieniać. Jeśli trzeba coś "
                                   "poprawić, skontaktuj się z ROPS — może zwrócić sprawozdanie "
                                   "do korekty."),
                           status=409)
        return redirect(url_for("respond.review"))
    form_class = loaded.forms[section_id]
    sec = survey.section(section_id)
    index = survey.section_index(section_id)
    if request.method == "POST":
        action = request.form.get("action", "next")
        form = form_class()
        posted_version = request.form.get("version", type=int)
        if posted_version is not None and posted_version != response.version:
            return _conflict(loaded, sec, response, form, invitation)
        response_id = response.id
        try:  # another save may win between our read and our write: at flush or at commit
            outcome = save_section(response, loaded, form, enforce_required=action == "next")
            _commit_changes()  # a draft saved again unchanged has nothing to commit
        except StaleDataError:
            db.session.rollback()
            return _conflict(loaded, sec, db.session.get(Response, response_id), form,
                             invitation)
        if action == "next" and outcome.problems:
            # everything is saved; the page says what is left and how to go on anyway
            unexplained = {qid: w["messages"] for qid, w in response.warnings.items()
                           if survey.question(qid).section_id == section_id
                           and not w.get("comment")}
            return render_template(
                "respond/section.html", form=form, section=sec, index=index,
                unexplained=unexplained, saved_with_problems=True,
                next_url=_next_url(survey, index),
                logic=_logic_payload(loaded, response, situation_for(invitation, survey)),
                territory_names=_read_only_names(sec, response),
                **_template_context(invitation, loaded, response))
        if outcome.unexplained and action != "back":
            flash(gettext("Zapisano. Niektóre wartości budzą wątpliwości — dodaj krótkie "
                          "wyjaśnienie albo popraw wartość."), "warning")
            return redirect(url_for("respond.section", section_id=section_id))
        return _after_save(survey, index, action, held=outcome.held,
                           year=invitation.round.reporting_year)
    data = _formdata_for(loaded, sec, response)
    form = form_class(formdata=None, data=data)
    situation = situation_for(invitation, survey)
    resolution = resolve(survey, response.answers, situation,
                         unreadable=held_questions(response))
    bind_form(form, resolution, enforce_required=False)
    show_held(form, response)
    unexplained = {qid: w["messages"] for qid, w in response.warnings.items()
                   if survey.question(qid).section_id == section_id}
    return _render_then_commit(  # the commit keeps a response created by this visit
        "respond/section.html", form=form, section=sec, index=index,
        unexplained=unexplained, logic=_logic_payload(loaded, response, situation),
        territory_names=_read_only_names(sec, response),
        **_template_context(invitation, loaded, response))


def _read_only_names(sec: Any, response: Response) -> dict[str, str]:
    """Names of the register territories a section shows read-only (jst_teryt)."""
    return answer_names([q for q in sec.questions if q.read_only], response.answers)


def _conflict(loaded: Any, sec: Any, response: Response, form: Any, invitation: Invitation):
    """Someone saved this response after this page was opened: show both, lose nothing."""
    rows = []
    for question in sec.questions:
        if not question.is_input:
            continue
        kind = question.kind
        stored = response.answers.get(question.id)
        mine = kind.value_from_form(form, question)
        try:
            mine_text = kind.display(kind.stored(mine, question), question) if mine else ""
        except (ArithmeticError, ValueError, TypeError):
            mine_text = ""
        if not mine_text and not kind.composite:
            raw = request.form.getlist(field_name(question.id))
            mine_text = ", ".join(raw)
        stored_text = kind.display(stored, question) if stored is not None else ""
        if stored_text != mine_text:
            rows.append((question, stored_text or "—", mine_text or "—"))
    posted = [(k, v) for k, values in request.form.lists() for v in values
              if k not in ("csrf_token", "version", "action")]
    db.session.rollback()
    return render_template("respond/conflict.html", section=sec, rows=rows, posted=posted,
                           current_version=response.version,
                           **_template_context(invitation, loaded, response)), 409


def _next_url(survey, index: int) -> str:
    """Where "Zapisz i przejdź dalej" goes: the review when the page came from its "Zmień"."""
    if request.values.get("powrot") == "przeglad":
        return url_for("respond.review")
    if index + 1 < len(survey.sections):
        return url_for("respond.section", section_id=survey.sections[index + 1].id)
    return url_for("respond.review")


def _after_save(survey, index: int, action: str, *, held: bool, year: int | None):
    section = survey.sections[index]
    if action == "draft":
        flash(gettext("Zapisano wersję roboczą."), "success")
        if held:
            flash(gettext("Zaznaczone wartości zapisano tak, jak je wpisano, tylko w wersji "
                          "roboczej — popraw je przed wysłaniem."), "warning")
        return redirect(url_for("respond.section", section_id=section.id))
    if held:
        flash(gettext("Zapisano. W sekcji „%(section)s” są wartości do poprawienia — zapisano "
                      "je tak, jak je wpisano, tylko w wersji roboczej.",
                      section=fill_year(section.title, year)), "warning")
    if action == "back" and index > 0:
        return redirect(url_for("respond.section", section_id=survey.sections[index - 1].id))
    return redirect(_next_url(survey, index))


def _formdata_for(loaded: Any, sec: Any, response: Response) -> dict[str, Any]:
    """Stored answers → initial field data (typed), plus warning explanations."""
    data: dict[str, Any] = {}
    answers = response.answers
    for question in sec.questions:
        if not question.is_input or question.id not in answers:
            continue
        data.update(question.kind.initial_data(answers[question.id], question))
    for qid, warning in response.warnings.items():
        if warning.get("comment"):
            data[comment_field_name(qid)] = warning["comment"]
    return data


def _logic_payload(loaded: Any, response: Response, situation: Situation) -> Markup:
    """What the browser needs to show and hide questions live (``views.section_logic``)."""
    return logic_json(loaded.survey, answers=response.answers,
                      unreadable=sorted(held_questions(response)), previous=situation.previous,
                      reportingYear=situation.reporting_year, today=situation.today)


@bp.get("/ankieta/przeglad")
def review():
    invitation, loaded, response = _current()
    issues = submission_issues(response, loaded) if response.is_editable else []
    return _render_then_commit("respond/review.html", issues=issues,
                               territory_names=answer_names(loaded.survey.questions,
                                                            response.answers),
                               **_template_context(invitation, loaded, response))


@bp.post("/ankieta/wyslij")
def send():
    invitation, loaded, response = _current()
    if not response.is_editable:
        raise GonePage(gettext("Sprawozdanie zostało już wysłane"),
                       gettext("Wysłanej odpowiedzi nie można zmieniać."), status=409)
    response_id = response.id
    try:
        issues = submit(response, loaded, entered_by=g.get("staff_author"))
        if not issues:
            db.session.commit()
    except (StaleDataError, IntegrityError):
        # a simultaneous submit (a double click, a second window) won: say how it ended
        db.session.rollback()
        winner = db.session.get(Response, response_id)
        if winner is not None and winner.status in ("submitted", "accepted"):
            return redirect(url_for("respond.confirmation"), code=303)
        raise
    if issues:
        db.session.rollback()
        flash(gettext("Nie można jeszcze wysłać: popraw wskazane pola."), "error")
        return redirect(url_for("respond.review"))
    return redirect(url_for("respond.confirmation"), code=303)


@bp.get("/ankieta/potwierdzenie")
def confirmation():
    invitation, loaded, response = _current()
    if response.status not in ("submitted", "accepted"):
        return redirect(url_for("respond.review"))
    return _render_then_commit("respond/confirmation.html",
                               **_template_context(invitation, loaded, response))


@bp.get("/ankieta/pusty-formularz.pdf")
def blank_form():
    """The questionnaire on paper, to gather figures from other departments before typing."""
    invitation, loaded, _response = _current()
    round_ = invitation.round
    return pdf_download(lambda: blank_questionnaire_pdf(loaded.survey, round_,
                                                        invitation.unit.name),
                        blank_questionnaire_filename(loaded.survey, round_))


@bp.get("/ankieta/odpowiedzi.pdf")
def answers_copy():
    """The copy of the answers as last sent (the newest version), for the head of office."""
    _invitation, _loaded, response = _current()
    if response.status not in ("submitted", "accepted") or not response.versions:
        raise GonePage(gettext("Sprawozdanie nie zostało jeszcze wysłane"),
                       gettext("Kopię odpowiedzi w PDF można pobrać po wysłaniu "
                               "sprawozdania."), status=404)
    version = response.versions[-1]
    return pdf_download(lambda: response_copy_pdf(version), response_copy_filename(version))


def unsaved_section_page(section_id: str) -> str | None:
    """The section as it was posted, for a save the database could not take (an outage).

    Built from the session and the definitions in memory alone, so what the person typed is
    on the screen again and can be sent once the database is back. ``None`` when this
    session has no record of its questionnaire (then the plain outage page is shown).
    """
    page = session.get(PAGE_KEY)
    loaded = registry().by_checksum(page.get("survey", "")) if isinstance(page, dict) else None
    if loaded is None or section_id not in loaded.forms:
        return None
    survey = loaded.survey
    sec = survey.section(section_id)
    form = loaded.forms[section_id]()
    year = int(page.get("year") or 0)
    situation = Situation(reporting_year=year, today=today_in_poland().isoformat())
    resolution = resolve(survey, {}, situation, form.typed_values())
    for question in sec.questions:  # the register is in the database: offer what was posted
        if question.kind.register_choices and question.is_input:
            posted = request.form.getlist(field_name(question.id))
            form[field_name(question.id)].choices = [(code, code) for code in posted]
    form.bind(resolution, enforce_required=False)
    form.resolution.visible = {q.id for q in survey.questions}  # the page's script decides
    stand_in = SimpleNamespace(
        version=request.form.get("version", ""), answers={}, warnings={}, question_notes={},
        review_comment=None, status="draft", is_editable=True, carried_over=[])
    return render_template(
        "respond/section.html", form=form, section=sec, index=survey.section_index(section_id),
        unexplained={}, outage=True, territory_names={},
        logic=logic_json(survey, answers={}, previous={}, reportingYear=year,
                         today=situation.today),
        staff_author=None, invitation=None, survey=survey, response=stand_in,
        unit=SimpleNamespace(name=page.get("unit", "")),
        round=SimpleNamespace(period=page.get("period", ""), reporting_year=year),
        placeholders=year_placeholders(year))
