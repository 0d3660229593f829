"""The units register by hand: a staff member adds or edits one unit, and the audit log says so."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extensions import db
from models import Territory, Unit
from services.audit import record, snapshot
from services.scoping import current_prefixes

#: the register fields a staff member edits, also the before/after of the audit row
UNIT_FIELDS = ("kind", "name", "teryt", "emails", "regon", "krs", "contact_person", "phones",
               "is_active")
#: optional fields: an empty answer is stored as NULL, not as ''
_OPTIONAL = ("regon", "krs", "contact_person", "phones")


@dataclass(frozen=True)
class UnknownTerritory(Exception):
    """The TERYT code is not in the register (or, ``outside``, not in the organisation's
    territory); the page says so beside the field."""

    code: str
    outside: bool = False


def _apply(unit: Unit, values: dict[str, Any]) -> None:
    if db.session.get(Territory, values["teryt"]) is None:
        raise UnknownTerritory(values["teryt"])
    prefixes = current_prefixes()
    if prefixes and not values["teryt"].startswith(prefixes):
        raise UnknownTerritory(values["teryt"], outside=True)
    for name in UNIT_FIELDS:
        if name in values:
            setattr(unit, name, values[name])
    for name in _OPTIONAL:
        setattr(unit, name, getattr(unit, name) or None)


def create_unit(values: dict[str, Any]) -> Unit:
    """Add a unit to the register.

    :param values: the fields of ``UNIT_FIELDS`` (``teryt`` required)
    :raise UnknownTerritory: when ``teryt`` is not a code of the TERYT register
    """
    unit = Unit()
    _apply(unit, values)
    db.session.add(unit)
    db.session.flush()
    record("unit_create", unit, summary=unit.name, after=snapshot(unit, UNIT_FIELDS))
    return unit


def update_unit(unit: Unit, values: dict[str, Any]) -> None:
    """Change a unit's register entry; the audit row keeps what it was before.

    :raise UnknownTerritory: when ``teryt`` is not a code of the TERYT register
    """
    before = snapshot(unit, UNIT_FIELDS)
    _apply(unit, values)
    db.session.flush()
    record("unit_edit", unit, summary=unit.name, before=before,
           after=snapshot(unit, UNIT_FIELDS))
