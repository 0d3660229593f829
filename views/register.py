"""Loading the register from files: units (CSV/XLSX), gminas/powiats from TERYT, subregions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext

from extensions import db
from services.subregions import assignments, default_scheme, import_subregions, schemes
from services.units_import import create_jst_units, import_units
from views.access import admin_only, deployment_admin_only, staff
from views.forms import JstUnitsForm, SubregionsForm, UnitImportForm

bp = Blueprint("register", __name__, url_prefix="/admin/rejestr")


def _read(field) -> tuple[bytes, str]:
    upload = field.data
    return upload.read(), upload.filename or ""


def _imported(message: str, category: str):
    """A units import that went through (the service audited it): commit, say so, go back."""
    db.session.commit()
    flash(message, category)
    return redirect(url_for("units.index"))


@bp.route("/import", methods=["GET", "POST"])
@admin_only
def import_units_file():
    """Upload a units list; any bad row means nothing is imported, and every row is listed."""
    form, jst_form = UnitImportForm(prefix="units"), JstUnitsForm(prefix="jst")
    result = None
    if form.validate_on_submit():
        data, name = _read(form.file)
        result = import_units(data, name)
        if result.ok:
            return _imported(gettext(
                "Wczytano plik %(name)s: nowych %(created)s, zmienionych %(updated)s, bez "
                "zmian %(unchanged)s.", name=name, created=result.created,
                updated=result.updated, unchanged=result.unchanged), "success")
        db.session.rollback()
    return render_template("register/import.html", form=form, jst_form=jst_form,
                           result=result)


@bp.post("/jst")
@admin_only
def create_jst():
    form, jst_form = UnitImportForm(prefix="units"), JstUnitsForm(prefix="jst")
    result = None
    if jst_form.validate_on_submit():
        data, name = _read(jst_form.file) if jst_form.file.data else (None, "")
        result = create_jst_units(jst_form.kind.data, data, name)
        if result.ok:
            message = " ".join((
                ngettext("Utworzono %(num)d jednostkę,", "Utworzono %(num)d jednostki,",
                         result.created),
                ngettext("zaktualizowano %(num)d.", "zaktualizowano %(num)d.", result.updated)))
            if result.other_level:
                message += " " + gettext(
                    "Pominięte wiersze jednostek drugiego rodzaju (gmin albo powiatów): "
                    "%(count)s.", count=result.other_level)
            if result.without_email:
                message += " " + gettext("Bez adresu e-mail: %(count)s — uzupełnij je.",
                                         count=len(result.without_email))
            return _imported(message, "warning" if result.without_email else "success")
        db.session.rollback()
    return render_template("register/import.html", form=form, jst_form=jst_form,
                           result=result)


@bp.get("/podregiony")
@staff
def subregions():
    return _subregions_page(SubregionsForm(), None)


@bp.post("/podregiony")
@deployment_admin_only
def upload_subregions():
    form = SubregionsForm()
    result = None
    if form.validate_on_submit():
        data, name = _read(form.file)
        result = import_subregions(data, name, form.scheme.data)
        if result.ok:
            db.session.commit()
            flash(ngettext("Zapisano podział „%(scheme)s”: %(num)d powiat.",
                           "Zapisano podział „%(scheme)s”: %(num)d powiaty.", result.assigned,
                           scheme=form.scheme.data), "success")
            return redirect(url_for("register.subregions", podzial=form.scheme.data))
        db.session.rollback()
    return _subregions_page(form, result)


def _subregions_page(form: SubregionsForm, result):
    chosen = request.args.get("podzial") or default_scheme()
    return render_template("register/subregions.html", form=form, result=result,
                           schemes=schemes(), chosen=chosen, rows=assignments(chosen))
