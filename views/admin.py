"""The staff start page: rounds and their response rates."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from extensions import db
from models import Round
from services.progress import rounds_overall
from services.review_list import awaiting_review
from views.access import staff

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@staff
def index():
    rounds = db.session.scalars(select(Round).order_by(Round.created_at.desc())).unique().all()
    return render_template("admin/index.html", rounds=rounds, worklist=awaiting_review(),
                           progress=rounds_overall([r.id for r in rounds]))
