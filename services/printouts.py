"""Paper where offices need paper: the blank questionnaire and the copy of a submitted response.

Both are the app's own templates (``templates/paper/``) printed by WeasyPrint
(``reports.html_pdf``): the blank questionnaire of one questionnaire version, with every
question, its hint, unit, boxes or options, tables and when to skip it ("Wypełnij, jeśli …");
the copy of one submitted version of a response (the version number and the moment it was sent
on it), for the head of office and the archive. The copy goes with the confirmation e-mail too:
the mail worker makes it when it sends (``mailing.attachments``), so a submission never waits
for a PDF.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import gettext

from extensions import db
from forms.conditions import relevance_note
from forms.model import Survey
from forms.parts import parts_of
from forms.placeholders import fill, year_placeholders
from l10n.periods import period_label
from l10n.web import current_language, long_date, translate
from models import ResponseVersion, Round
from reports.html_pdf import html_to_pdf
from services.questionnaires import survey_for_round
from services.scoping import organisation_name
from services.territory import answer_names

#: ``mailing.attachments`` source of the copy of a response version: ``response-copy:<id>``
RESPONSE_COPY_SOURCE = "response-copy"


def _contact() -> str:
    config = current_app.config
    parts = [config.get("ESMON_CONTACT_NAME"), config.get("ESMON_CONTACT_EMAIL"),
             config.get("ESMON_CONTACT_PHONE")]
    return ", ".join(p for p in parts if p)


def relevance_notes(survey: Survey, placeholders: dict[str, int]) -> dict[str, str]:
    """"Wypełnij, jeśli …" of every question (by id) and section (``section:<id>``)."""
    def label(text: str) -> str:
        return " ".join(fill(text, placeholders).split()).rstrip(" :?")

    notes: dict[str, str] = {}
    for section in survey.sections:
        note = relevance_note(section.relevant, survey, label)
        if note:
            notes[f"section:{section.id}"] = note
        for question in section.questions:
            note = relevance_note(question.relevant, survey, label)
            if note:
                notes[question.id] = note
    return notes


def blank_questionnaire_html(survey: Survey, round_: Round | None = None,
                             unit_name: str = "") -> str:
    """The printable blank questionnaire as HTML (its own styles, ready for WeasyPrint).

    :param round_: the round it is printed for (period, deadline, the years in the labels);
        ``None``: the questionnaire version alone, years left as ``{rok}``
    """
    placeholders: dict[str, int] = year_placeholders(round_.reporting_year) if round_ else {}
    organisation = organisation_name(round_.organisation if round_ else None)
    return render_template(
        "paper/blank.html", survey=survey, placeholders=placeholders, organisation=organisation,
        period=translate(period_label(round_.period)) if round_ else "",
        deadline=long_date(round_.deadline) if round_ else "", unit_name=unit_name,
        notes=relevance_notes(survey, placeholders), parts=parts_of(survey),
        contact=_contact(), lang=current_language())


def blank_questionnaire_pdf(survey: Survey, round_: Round | None = None,
                            unit_name: str = "") -> bytes:
    """The blank questionnaire as a PDF (see ``blank_questionnaire_html``)."""
    return html_to_pdf(blank_questionnaire_html(survey, round_, unit_name),
                       title=f"{survey.title} — {gettext('formularz do wypełnienia')}")


def blank_questionnaire_filename(survey: Survey, round_: Round | None = None) -> str:
    suffix = f"-{round_.period}" if round_ else ""
    return f"formularz-{survey.key}-{survey.version}{suffix}.pdf"


def response_copy_html(version: ResponseVersion) -> str:
    """The copy of one submitted version of a response, as HTML for WeasyPrint."""
    response = version.response
    invitation = response.invitation
    round_ = invitation.round
    survey = survey_for_round(round_).survey
    answers = version.answers or {}
    answered = {q.id for q in survey.questions
                if q.has_answer and q.id in answers and not q.kind.is_empty(answers[q.id])}
    return render_template(
        "paper/answers.html", survey=survey, version=version, unit=invitation.unit,
        round=round_, answers=answers, answered=answered, warnings=version.warnings or {},
        territory_names=answer_names(survey.questions, answers),
        placeholders=year_placeholders(round_.reporting_year),
        organisation=organisation_name(round_.organisation), lang=current_language())


def response_copy_pdf(version: ResponseVersion) -> bytes:
    """The copy of one submitted version of a response as a PDF."""
    unit = version.response.invitation.unit
    return html_to_pdf(response_copy_html(version),
                       title=gettext("%(unit)s — odpowiedzi, wersja %(number)s",
                                     unit=unit.name, number=version.number))


def response_copy_filename(version: ResponseVersion) -> str:
    round_ = version.response.invitation.round
    return (f"odpowiedzi-{round_.questionnaire.key}-{round_.period}-"
            f"{version.response.invitation.unit_id}-v{version.number}.pdf")


def response_copy_attachment(key: str) -> bytes:
    """``mailing.attachments`` maker: the PDF of the response version with id ``key``.

    :raise LookupError: the version no longer exists (the message is failed with the reason)
    """
    version = db.session.get(ResponseVersion, int(key))
    if version is None:
        raise LookupError(f"Nie ma już wersji odpowiedzi nr {key} — kopii nie można dołączyć.")
    return response_copy_pdf(version)
