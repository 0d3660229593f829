"""The acting organisation's territory: what every pick-list and list of units is limited to.

An organisation's scope is a gmina, a województwo, several, or the country
(``services.scoping``); the default organisation's is ``ESMON_WOJEWODZTWO`` (``16``; empty for
the whole country). Every query of units or territories that feeds a page goes through
``units_in_territory`` / ``territories_in_territory``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from flask import g
from sqlalchemy import Select, or_, select
from wtforms.fields.choices import SelectChoice

from extensions import db
from forms.model import Question
from l10n import polish_sort_key
from models import Territory, Unit
from services.scoping import current_prefixes, in_territory

Query = TypeVar("Query", bound=Select)


def territory_prefixes() -> tuple[str, ...]:
    """TERYT prefixes of the acting organisation's territory; ``()`` for the whole country."""
    return current_prefixes()


def units_in_territory(query: Query) -> Query:
    """A query of units narrowed to the acting organisation's territory."""
    prefixes = territory_prefixes()
    return query.where(in_territory(Unit.teryt, prefixes)) if prefixes else query


def territories_in_territory(query: Query) -> Query:
    """A query of territories narrowed to the acting organisation's territory, with the
    powiat and województwo a gmina's scope lies in (pick-lists label gminas with them)."""
    prefixes = territory_prefixes()
    if not prefixes:
        return query
    above = {code[:length] for code in prefixes for length in (2, 4) if len(code) > length}
    return query.where(or_(in_territory(Territory.code, prefixes), Territory.code.in_(above)))


def territories_of_region(levels: tuple[str, ...]) -> list[Territory]:
    """Gminas and/or powiats of the deployment's territory, in Polish alphabetical order."""
    rows = db.session.scalars(
        territories_in_territory(select(Territory).where(Territory.level.in_(levels)))).all()
    return sorted(rows, key=lambda t: polish_sort_key(t.display_name))


def territory_choices(levels: tuple[str, ...]) -> list[SelectChoice]:
    """Choices (value = code) of the territory's gminas and/or powiats, labelled as the
    pick-lists label them (a gmina with its powiat), cached for the request."""
    cache = g.setdefault("territory_choices", {})
    if levels not in cache:
        labelled = [item for level in levels for item in pick_list(level)]
        cache[levels] = [SelectChoice(code, label) for code, label in
                         sorted(labelled, key=lambda item: polish_sort_key(item[1]))]
    return cache[levels]


def territory_labels(codes: set[str]) -> dict[str, str]:
    """code → display name, for showing stored answers."""
    if not codes:
        return {}
    rows = db.session.scalars(select(Territory).where(Territory.code.in_(codes))).all()
    return {t.code: t.display_name for t in rows}


def answer_names(questions: Iterable[Question], answers: Mapping[str, Any]) -> dict[str, str]:
    """code → name for the register codes in these questions' answers (one query)."""
    codes: set[str] = set()
    for question in questions:
        if question.id in answers:
            codes |= question.kind.register_codes(answers[question.id], question)
    return territory_labels(codes)


def jst_rodzaj(territory: Territory) -> str:
    """Value of the ``jst_rodzaj`` choice for a gmina or powiat."""
    if territory.level == "powiat":
        return "miasto_na_prawach_powiatu" if territory.is_city_with_powiat_rights else "powiat"
    return {"1": "gmina_miejska", "2": "gmina_wiejska", "3": "gmina_miejsko_wiejska"}.get(
        territory.rodz or "", "gmina_wiejska")


def pick_list(level: str) -> list[tuple[str, str]]:
    """``(code, label)`` of the territory's powiats or gminas, for a pick-list.

    Names repeat across the country (two "powiat brzeski", three "Baranów"), so a label says
    what tells them apart: a gmina always carries its powiat, and a name that still repeats
    in the list gets its województwo.
    """
    cache = g.setdefault("pick_lists", {})
    if level in cache:
        return cache[level]
    rows = db.session.scalars(territories_in_territory(
        select(Territory).where(Territory.level.in_((level, "powiat", "wojewodztwo"))))).all()
    by_code = {t.code: t for t in rows}
    chosen = [t for t in rows if t.level == level]
    labels = {t.code: _label(t, by_code) for t in chosen}
    counts: dict[str, int] = {}
    for label in labels.values():
        counts[label] = counts.get(label, 0) + 1
    for t in chosen:
        if counts[labels[t.code]] > 1:
            region = by_code.get(t.code[:2])
            labels[t.code] += f" ({region.name.lower() if region else t.code[:2]})"
    cache[level] = sorted(labels.items(), key=lambda item: polish_sort_key(item[1]))
    return cache[level]


def _label(territory: Territory, by_code: dict[str, Territory]) -> str:
    if territory.level != "gmina":
        return territory.display_name
    powiat = by_code.get(territory.code[:4])
    where = powiat.display_name if powiat is not None else territory.code[:4]
    return f"{territory.name} ({territory.kind_label}, {where})"


def search_territories(level: str, text: str, *, limit: int = 20) -> list[tuple[str, str]]:
    """``(code, label)`` of the territory's gminas (or powiats) matching a name or a code."""
    text = " ".join(text.split())[:100].casefold()
    if not text:
        return []
    return [(code, label) for code, label in pick_list(level)
            if code.startswith(text) or text in label.casefold()][:limit]


def resolve_territory(level: str, text: str) -> tuple[str | None, list[tuple[str, str]]]:
    """A typed code or name → ``(code, [])``, or ``(None, candidates)`` when it is not one.

    A 7-digit TERC code (with RODZ) is taken as its 6-digit gmina.
    """
    text = (text or "").strip()
    codes = dict(pick_list(level))
    digits = text[:6] if level == "gmina" and len(text) == 7 and text.isdigit() else text
    if digits in codes:
        return digits, []
    matches = search_territories(level, text, limit=50)
    exact = [(c, label) for c, label in matches
             if label.casefold().startswith(text.casefold() + " (")]
    if len(matches) == 1 or len(exact) == 1:
        return (exact or matches)[0][0], []
    return None, matches
