"""Territorial choices for questions of type ``territory``."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from extensions import db
from l10n import polish_sort_key
from models import Territory


def territories_of_region(levels: tuple[str, ...]) -> list[Territory]:
    """Gminas and/or powiats of the deployment's województwo, in Polish alphabetical order."""
    region = current_app.config["ESMON_WOJEWODZTWO"]
    rows = db.session.scalars(
        select(Territory).where(Territory.level.in_(levels), Territory.code.startswith(region))
    ).all()
    return sorted(rows, key=lambda t: polish_sort_key(t.display_name))


def territory_choices(levels: tuple[str, ...]) -> list[SelectChoice]:
    """Choices (value = code), cached for the request."""
    cache = g.setdefault("territory_choices", {})
    if levels not in cache:
        cache[levels] = [SelectChoice(t.code, t.display_name)
                         for t in territories_of_region(levels)]
    return cache[levels]


def territory_labels(codes: set[str]) -> dict[str, str]:
    """code → display name, for showing stored answers."""
    if not codes:
        return {}
    rows = db.session.scalars(select(Territory).where(Territory.code.in_(codes))).all()
    return {t.code: t.display_name for t in rows}


def jst_rodzaj(territory: Territory) -> str:
    """Value of the ``jst_rodzaj`` choice for a gmina or powiat."""
    if territory.level == "powiat":
        return "miasto_na_prawach_powiatu" if territory.is_city_with_powiat_rights else "powiat"
    return {"1": "gmina_miejska", "2": "gmina_wiejska", "3": "gmina_miejsko_wiejska"}.get(
        territory.rodz or "", "gmina_wiejska")
