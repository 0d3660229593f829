"""Staff login and logout, with throttling of repeated failures."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from extensions import db
from l10n.web import lazy_gettext
from security import safe_local_path
from services.auth import (
    WINDOW,
    LoginThrottled,
    attempt_login,
    current_locks,
    end_sessions,
    unlock,
)
from views.access import deployment_admin_only
from views.errors import GonePage
from views.forms import ActionForm

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    email = StringField(lazy_gettext("E-mail"),
                        validators=[DataRequired(lazy_gettext("Wpisz adres e-mail.")),
                                    Length(max=254)])
    password = PasswordField(lazy_gettext("Hasło"),
                             validators=[DataRequired(lazy_gettext("Wpisz hasło.")),
                                         Length(max=200)])


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: ``next`` must never send a user elsewhere."""
    return safe_local_path(target) or url_for("admin.index")


@bp.route("/logowanie", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            outcome = attempt_login(form.email.data, form.password.data,
                                    request.remote_addr or "?")
        except LoginThrottled:
            raise GonePage(gettext("Zbyt wiele nieudanych prób logowania"),
                           gettext("Ze względów bezpieczeństwa logowanie jest wstrzymane na "
                                   "15 minut. Spróbuj później albo poproś administratora o "
                                   "zmianę hasła."),
                           status=429) from None
        if outcome.user is not None:
            db.session.commit()
            _fresh_session()  # nothing of the anonymous session carries over into the login
            login_user(outcome.user)
            flash(gettext("Zalogowano."), "success")
            return redirect(_safe_next(request.args.get("next")))
        db.session.commit()
        error = gettext("Nieprawidłowy e-mail lub hasło.")
    return render_template("auth/login.html", form=form, error=error)


def _fresh_session() -> None:
    """Forget everything of the session but the chosen interface language."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


@bp.post("/wyloguj")
def logout():
    if current_user.is_authenticated:
        end_sessions(current_user)
        db.session.commit()
    logout_user()
    _fresh_session()
    flash(gettext("Wylogowano."), "success")
    return redirect(url_for("auth.login"))


@bp.get("/admin/logowanie/blokady")
@deployment_admin_only
def login_locks():
    """Current login locks, each with a button to lift it."""
    return render_template("auth/locks.html", locks=current_locks(), action_form=ActionForm(),
                           window_minutes=int(WINDOW.total_seconds() // 60))


@bp.post("/admin/logowanie/blokady/odblokuj")
@deployment_admin_only
def unlock_login():
    if not ActionForm().validate_on_submit():
        abort(400)
    address = (request.form.get("remote_addr") or "")[:64]
    email = (request.form.get("email") or "")[:254] or None
    if not address:
        abort(400)
    lifted = unlock(address, email)
    db.session.commit()
    flash(gettext("Odblokowano logowanie (%(who)s, adres %(address)s).",
                  who=email or gettext("wszystkie konta"), address=address)
          if lifted else gettext("Ta blokada już nie obowiązuje."), "success")
    return redirect(url_for("auth.login_locks"))
