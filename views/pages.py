"""Public pages that need no link or login."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template

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
