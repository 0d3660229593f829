"""Public pages that need no link or login, and the language switch."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from l10n.web import LANGUAGES
from security import safe_local_path

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    return render_template("pages/home.html")


@bp.get("/deklaracja-dostepnosci")
def accessibility():
    """The accessibility declaration the law asks every public body's site for.

    Its texts and dates come from configuration (``ESMON_ACCESSIBILITY_*``,
    ``ESMON_DECLARATION_DATES``): each deployment publishes its own, reviewed every year.
    """
    dates = {name: date.fromisoformat(value)
             for name, value in current_app.config["ESMON_DECLARATION_DATES"].items()}
    return render_template("pages/accessibility.html", dates=dates)


@bp.get("/jezyk/<code>")
def language(code: str):
    """Switch the interface language (``pl`` or ``en``) and go back to the page it came from.

    The switch links carry the page as ``?next=/…`` (the site sends no Referer: its
    Referrer-Policy is ``no-referrer``); a Referer is used only when it names this host, and
    then only its path. Anything else (another site, ``//host``, a scheme) leads home.
    """
    if code not in LANGUAGES:
        abort(404)
    session["lang"] = code
    target = safe_local_path(request.args.get("next")) or _referrer_path()
    if target is None or target.startswith("/jezyk/"):
        target = url_for("pages.home")
    return redirect(target, code=303)


def _referrer_path() -> str | None:
    """The path of a Referer on this very host, else ``None``."""
    referrer = urlsplit(request.referrer or "")
    if referrer.scheme not in ("http", "https") or referrer.netloc != request.host:
        return None
    return safe_local_path(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
