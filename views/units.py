"""The register of reporting units: list, filter, add and edit."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import func, or_, select

from extensions import db
from models import Unit
from services.collation import polish
from services.territory import pick_list, units_in_territory
from services.unit_kinds import kind_labels, kind_names
from services.units import UnknownTerritory, create_unit, update_unit
from views.access import admin_only, staff
from views.forms import UnitForm, choices
from views.numbers import page_number

bp = Blueprint("units", __name__, url_prefix="/admin/jednostki")
PAGE_SIZE = 100


@bp.get("/")
@staff
def index():
    kind = request.args.get("rodzaj", "")
    powiat = request.args.get("powiat", "")
    text = request.args.get("szukaj", "").strip()[:100]
    query = units_in_territory(select(Unit))
    if kind in kind_labels():
        query = query.where(Unit.kind == kind)
    if powiat.isdigit() and len(powiat) == 4:
        query = query.where(Unit.teryt.startswith(powiat))
    if text:
        pattern = f"%{text.replace('%', '').replace('_', '')}%"
        query = query.where(or_(Unit.name.ilike(pattern), Unit.emails.ilike(pattern),
                                Unit.teryt.startswith(text)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = page_number(request.args, last=pages)
    units = db.session.scalars(query.order_by(polish(Unit.name), Unit.id)
                               .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).unique().all()
    return render_template("units/index.html", units=units, total=total, page=page,
                           pages=pages, kinds=kind_labels(), powiats=pick_list("powiat"),
                           filters={"rodzaj": kind, "powiat": powiat, "szukaj": text})


def _unit_form(**kwargs) -> UnitForm:
    """The register form with the organisation's kinds (the shipped file's and its own)."""
    form = UnitForm(**kwargs)
    form.kind.choices = choices(kind_names().items())
    return form


def _unknown_territory(form: UnitForm, err: UnknownTerritory) -> None:
    db.session.rollback()
    form.teryt.errors = [gettext("Ten kod leży poza obszarem Twojej organizacji.")
                         if err.outside else gettext("Nie ma takiego kodu w rejestrze TERYT.")]


@bp.route("/nowa", methods=["GET", "POST"])
@admin_only
def new():
    form = _unit_form()
    if form.validate_on_submit():
        try:
            unit = create_unit(form.unit_values())
        except UnknownTerritory as err:
            _unknown_territory(form, err)
        else:
            db.session.commit()
            flash(gettext("Dodano jednostkę: %(name)s.", name=unit.name), "success")
            return redirect(url_for("units.index"))
    return render_template("units/edit.html", form=form, unit=None)


@bp.route("/<int:unit_id>", methods=["GET", "POST"])
@admin_only
def edit(unit_id: int):
    unit = db.session.get(Unit, unit_id) or abort(404)
    form = _unit_form(obj=unit)
    if form.validate_on_submit():
        try:
            update_unit(unit, form.unit_values())
        except UnknownTerritory as err:
            _unknown_territory(form, err)
        else:
            db.session.commit()
            flash(gettext("Zapisano: %(name)s.", name=unit.name), "success")
            return redirect(url_for("units.index"))
    return render_template("units/edit.html", form=form, unit=unit)
