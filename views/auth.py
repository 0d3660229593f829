"""Staff login and logout, with throttling of repeated failures."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from extensions import db
from l10n import lazy_gettext
from models import LoginAttempt, User
from models.types import utcnow
from services.audit import record
from views.errors import GonePage

bp = Blueprint("auth", __name__)
WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20


class LoginForm(FlaskForm):
    email = StringField(lazy_gettext("E-mail"),
                        validators=[DataRequired(lazy_gettext("Wpisz adres e-mail.")),
                                    Length(max=254)])
    password = PasswordField(lazy_gettext("Hasło"),
                             validators=[DataRequired(lazy_gettext("Wpisz hasło.")),
                                         Length(max=200)])


def _recent_failures(**where) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LoginAttempt).filter_by(succeeded=False, **where)
        .where(LoginAttempt.at > utcnow() - WINDOW)) or 0


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: ``next`` must never send a user elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(
            target).netloc:
        return target
    return url_for("admin.index")


@bp.route("/logowanie", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        address = request.remote_addr or "?"
        if (_recent_failures(email=email) >= MAX_FAILURES_PER_ACCOUNT
                or _recent_failures(remote_addr=address) >= MAX_FAILURES_PER_ADDRESS):
            raise GonePage(gettext("Zbyt wiele nieudanych prób logowania"),
                           gettext("Ze względów bezpieczeństwa logowanie jest wstrzymane na "
                                   "15 minut. Spróbuj później albo poproś administratora o "
                                   "zmianę hasła."),
                           status=429)
        user = db.session.scalar(select(User).filter_by(email=email))
        ok = user is not None and user.is_enabled and user.check_password(form.password.data)
        db.session.add(LoginAttempt(email=email, remote_addr=address, succeeded=ok))
        record("login" if ok else "login_failed", user, summary=email, actor=user if ok else None)
        if ok:
            user.last_login_at = utcnow()
            db.session.commit()
            login_user(user)
            flash(gettext("Zalogowano."), "success")
            return redirect(_safe_next(request.args.get("next")))
        db.session.commit()
        error = gettext("Nieprawidłowy e-mail lub hasło.")
    return render_template("auth/login.html", form=form, error=error)


@bp.post("/wyloguj")
def logout():
    logout_user()
    flash(gettext("Wylogowano."), "success")
    return redirect(url_for("auth.login"))
