"""The register of reporting units: list, filter, add and edit."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import or_, select

from extensions import db
from l10n import polish_sort_key
from models import Territory, Unit
from models.unit import UNIT_KINDS
from services.units import UnknownTerritory, create_unit, update_unit
from views.access import admin_only, staff
from views.forms import UnitForm

bp = Blueprint("units", __name__, url_prefix="/admin/jednostki")
PAGE_SIZE = 100


@bp.get("/")
@staff
def index():
    kind = request.args.get("rodzaj", "")
    powiat = request.args.get("powiat", "")
    text = request.args.get("szukaj", "").strip()[:100]
    query = select(Unit)
    if kind in UNIT_KINDS:
        query = query.where(Unit.kind == kind)
    if powiat.isdigit() and len(powiat) == 4:
        query = query.where(Unit.teryt.startswith(powiat))
    if text:
        pattern = f"%{text.replace('%', '').replace('_', '')}%"
        query = query.where(or_(Unit.name.ilike(pattern), Unit.emails.ilike(pattern),
                                Unit.teryt.startswith(text)))
    units = sorted(db.session.scalars(query).unique().all(),
                   key=lambda u: polish_sort_key(u.name))
    powiats = sorted(db.session.scalars(select(Territory).where(Territory.level == "powiat")),
                     key=lambda t: polish_sort_key(t.display_name))
    page = max(1, request.args.get("strona", 1, type=int))
    shown = units[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    return render_template("units/index.html", units=shown, total=len(units), page=page,
                           pages=max(1, -(-len(units) // PAGE_SIZE)), kinds=UNIT_KINDS,
                           powiats=powiats, filters={"rodzaj": kind, "powiat": powiat,
                                                     "szukaj": text})


def _unknown_territory(form: UnitForm) -> None:
    db.session.rollback()
    form.teryt.errors = [gettext("Nie ma takiego kodu w rejestrze TERYT.")]


@bp.route("/nowa", methods=["GET", "POST"])
@admin_only
def new():
    form = UnitForm()
    if form.validate_on_submit():
        try:
            unit = create_unit(form.unit_values())
        except UnknownTerritory:
            _unknown_territory(form)
        else:
            db.session.commit()
            flash(gettext("Dodano jednostkę: %(name)s.", name=unit.name), "success")
            return redirect(url_for("units.index"))
    return render_template("units/edit.html", form=form, unit=None)


@bp.route("/<int:unit_id>", methods=["GET", "POST"])
@admin_only
def edit(unit_id: int):
    unit = db.session.get(Unit, unit_id) or abort(404)
    form = UnitForm(obj=unit)
    if form.validate_on_submit():
        try:
            update_unit(unit, form.unit_values())
        except UnknownTerritory:
            _unknown_territory(form)
        else:
            db.session.commit()
            flash(gettext("Zapisano: %(name)s.", name=unit.name), "success")
            return redirect(url_for("units.index"))
    return render_template("units/edit.html", form=form, unit=unit)
