"""Admins bring a questionnaire made in XLSForm (ODK, Kobo): upload, preview, then save."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext

from extensions import db
from l10n.web import translate
from models.unit import UNIT_KINDS
from services.questionnaire_import import ImportRefused, preview_xlsform, save_imported
from views.access import deployment_admin_only
from views.forms import XlsformSaveForm, XlsformUploadForm, choices

bp = Blueprint("xlsform", __name__, url_prefix="/admin/ankiety/xlsform")


def _upload_form() -> XlsformUploadForm:
    form = XlsformUploadForm(prefix="upload")
    form.kinds.choices = choices((kind, translate(name)) for kind, name in UNIT_KINDS.items())
    return form


@bp.route("", methods=["GET", "POST"])
@deployment_admin_only
def upload():
    """The workbook is converted and checked; the page shows the questionnaire it makes, or
    every problem with its sheet and cell. Nothing is stored here."""
    form = _upload_form()
    result, save_form, name = None, None, ""
    if form.validate_on_submit():
        upload_file = form.file.data
        name = (upload_file.filename or "formularz.xlsx")[:200]
        result = preview_xlsform(upload_file.read(), name, list(form.kinds.data or ()))
        if result.ok:
            save_form = XlsformSaveForm(prefix="save", formdata=None,
                                        definition=result.text, workbook=name)
    kind_names = [translate(UNIT_KINDS.get(kind, kind))
                  for kind in (result.survey.unit_kinds if result and result.survey else ())]
    return render_template("xlsform/upload.html", form=form, result=result,
                           save_form=save_form, workbook=name, kind_names=kind_names)


@bp.post("/zapisz")
@deployment_admin_only
def save():
    """Store the previewed questionnaire as a version rounds can use."""
    save_form = XlsformSaveForm(prefix="save")
    if not save_form.validate_on_submit():
        flash(gettext("Wczytaj formularz jeszcze raz — podgląd wygasł."), "error")
        return redirect(url_for("xlsform.upload"))
    try:
        questionnaire = save_imported(save_form.definition.data, save_form.workbook.data)
    except ImportRefused as refused:
        db.session.rollback()
        return render_template("xlsform/upload.html", form=_upload_form(), result=None,
                               save_form=None, workbook=save_form.workbook.data,
                               refused=refused), 422
    db.session.commit()
    flash(gettext("Zapisano ankietę „%(title)s” (wersja %(version)s). Możesz ją wybrać w nowej "
                  "rundzie.", title=questionnaire.title, version=questionnaire.version),
          "success")
    return redirect(url_for("rounds.new"))
