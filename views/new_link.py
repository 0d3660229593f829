""""Send me a new link" (``/nowy-link``): the way back for a unit whose link no longer works.

The page answers the same for every well-formed address (``services.new_link``); limits per
client address and per address asked for are in ``security.RATE_LIMITS`` and
``KEYED_RATE_LIMITS``.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from extensions import db
from services.new_link import send_new_links
from views.forms import NewLinkForm

bp = Blueprint("new_link", __name__)


@bp.get("/nowy-link")
def form():
    return render_template("new_link/form.html", form=NewLinkForm())


@bp.post("/nowy-link")
def ask():
    form = NewLinkForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return render_template("new_link/form.html", form=form), 400
    address = form.email.data.strip()
    send_new_links(address)
    db.session.commit()
    return render_template("new_link/sent.html", address=address)
