"""Organisations and staff accounts for admins: the partners of a national project and who
works in each."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from extensions import db
from models import Organisation, User
from models.user import ROLES
from services.collation import polish
from services.organisations import (
    OrganisationError,
    create_organisation,
    create_user,
    scope_label,
)
from views.access import admin_only
from views.forms import AccountForm, OrganisationForm, choices

bp = Blueprint("organisations", __name__, url_prefix="/admin/organizacje")


def _organisations() -> list[Organisation]:
    """The staff member's organisation, its partners and its parent (the scope limits it)."""
    return list(db.session.scalars(select(Organisation).order_by(
        Organisation.partner_of_id.is_not(None), polish(Organisation.name))))


def _account_form(organisations: list[Organisation]) -> AccountForm:
    form = AccountForm(prefix="konto")
    form.role.choices = choices((code, gettext(name)) for code, name in ROLES.items())
    own = {current_user.organisation_id, *(o.id for o in organisations
                                          if o.partner_of_id == current_user.organisation_id)}
    form.organisation_id.choices = choices((o.id, o.name) for o in organisations if o.id in own)
    return form


def _page(organisation_form: OrganisationForm, account_form: AccountForm,
          organisations: list[Organisation], created: tuple[str, str] | None = None,
          status: int = 200):
    accounts = db.session.scalars(select(User).order_by(User.email)).all()
    may_add_partners = current_user.organisation.partner_of_id is None
    return render_template(
        "admin/organisations.html", organisations=organisations, accounts=accounts,
        organisation_form=organisation_form, account_form=account_form,
        may_add_partners=may_add_partners, scope_label=scope_label, created=created,
        own=current_user.organisation), status


@bp.get("/")
@admin_only
def index():
    organisations = _organisations()
    return _page(OrganisationForm(prefix="org"), _account_form(organisations), organisations)


@bp.post("/nowa")
@admin_only
def new_partner():
    """A regional partner of the staff member's organisation (not of a partner)."""
    organisations = _organisations()
    form = OrganisationForm(prefix="org")
    parent = current_user.organisation
    if parent.partner_of_id is not None:
        form.name.errors = [gettext("Partner regionalny nie może mieć własnych partnerów.")]
    elif form.validate_on_submit():
        try:
            created = create_organisation(form.name.data, form.scope.data, partner_of=parent)
        except OrganisationError as err:
            db.session.rollback()
            form[err.field].errors = [err.message]
        else:
            db.session.commit()
            return _page(OrganisationForm(prefix="org"), _account_form(_organisations()),
                         _organisations(), created=(created.name, ""))
    return _page(form, _account_form(organisations), organisations, status=400)


@bp.post("/konta")
@admin_only
def new_account():
    """A staff account; its password is made here and shown once, on this page only."""
    organisations = _organisations()
    form = _account_form(organisations)
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data)
        try:
            user, password = create_user(form.email.data, form.role.data, organisation,
                                         full_name=form.full_name.data or None)
        except OrganisationError as err:
            db.session.rollback()
            form[err.field if err.field in form else "email"].errors = [err.message]
        else:
            db.session.commit()
            return _page(OrganisationForm(prefix="org"), _account_form(organisations),
                         organisations, created=(user.email, password))
    return _page(OrganisationForm(prefix="org"), form, organisations, status=400)
