"""Staff members' personal API tokens: create (shown once), list, revoke."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from extensions import db
from l10n.clock import today_in_poland
from services.api_tokens import TokenError, create_token, latest_expiry, revoke_token, tokens_of
from views.access import staff
from views.forms import ActionForm, ApiTokenForm

bp = Blueprint("api_tokens", __name__, url_prefix="/admin/tokeny")


def _page(form: ApiTokenForm, new_token: str | None = None, status: int = 200):
    today = today_in_poland()
    return render_template("api_tokens/index.html", form=form, tokens=tokens_of(current_user),
                           new_token=new_token, today=today, latest=latest_expiry(today),
                           action_form=ActionForm()), status


def _blank_form() -> ApiTokenForm:
    form = ApiTokenForm(formdata=None)
    form.expires_on.data = today_in_poland() + timedelta(days=90)
    return form


@bp.get("")
@staff
def index():
    return _page(_blank_form())


@bp.post("")
@staff
def create():
    """The token is shown on this one page and never again (only its hash is kept)."""
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        _token, text = create_token(current_user, form.name.data, form.expires_on.data)
    except TokenError as err:
        db.session.rollback()
        form.expires_on.errors = [str(err)]
        return _page(form, status=422)
    db.session.commit()
    return _page(_blank_form(), new_token=text)


@bp.post("/<int:token_id>/uniewaznij")
@staff
def revoke(token_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    token = revoke_token(current_user, token_id)
    if token is None:
        abort(404)
    db.session.commit()
    flash(gettext("Token „%(name)s” unieważniony: żadne zapytanie z nim już nie przejdzie.",
                  name=token.name), "success")
    return redirect(url_for("api_tokens.index"))
