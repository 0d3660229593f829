"""Finding units by name or TERYT, and what stops a unit from getting its invitation.

The search is the server side of the units autocomplete and, without JavaScript, the plain
search that replaces it: a typed text resolves to one unit, or to the candidates to choose
from. Every query is limited to the deployment's territory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from flask_babel import gettext
from sqlalchemy import or_, select

from extensions import db
from forms.emails import normalised
from models import Unit
from services.collation import polish
from services.territory import units_in_territory


class Addressed(Protocol):
    """A unit as the recipient checks read it: a ``Unit`` or a ``services.rounds.RecipientRow``."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def teryt(self) -> str | None: ...
    @property
    def email_list(self) -> list[str]: ...


Listed = TypeVar("Listed", bound=Addressed)

#: how many suggestions or candidates a search returns
LIMIT = 20
#: prefix of a value the autocomplete picked (a unit id), as opposed to typed text
PICKED = "id:"


def eligible_units(unit_kinds: tuple[str, ...], text: str, *, limit: int = LIMIT) -> list[Unit]:
    """Active units of the given kinds whose name contains ``text`` or TERYT starts with it."""
    text = " ".join(text.split())[:100]
    if not text:
        return []
    pattern = "%" + text.replace("\\", "").replace("%", "").replace("_", "") + "%"
    query = units_in_territory(select(Unit).where(
        Unit.is_active.is_(True), Unit.kind.in_(unit_kinds),
        or_(Unit.name.ilike(pattern), Unit.teryt.startswith(text))))
    return list(db.session.scalars(query.order_by(polish(Unit.name), Unit.id).limit(limit)))


@dataclass
class FoundUnit:
    """A typed or picked value resolved: one unit, or the candidates and why not one."""

    text: str
    unit: Unit | None = None
    candidates: list[Unit] = field(default_factory=list)
    message: str = ""


def resolve_unit(unit_kinds: tuple[str, ...], value: str) -> FoundUnit:
    """``id:12`` (picked from the suggestions) or a name / TERYT typed without JavaScript."""
    value = (value or "").strip()
    if value.startswith(PICKED) and value[len(PICKED):].isdigit():
        unit = db.session.scalar(units_in_territory(select(Unit).where(
            Unit.id == int(value[len(PICKED):]), Unit.is_active.is_(True),
            Unit.kind.in_(unit_kinds))))
        if unit is not None:
            return FoundUnit(unit.name, unit)
        return FoundUnit(value, message=gettext("Nie ma takiej jednostki."))
    if not value:
        return FoundUnit(value, message=gettext("Wpisz nazwę jednostki albo kod TERYT."))
    candidates = eligible_units(unit_kinds, value)
    exact = [u for u in candidates if u.name.casefold() == value.casefold()]
    if len(candidates) == 1 or len(exact) == 1:
        return FoundUnit(value, (exact or candidates)[0])
    if not candidates:
        return FoundUnit(value, message=gettext("Nie znaleziono jednostki „%(text)s”.",
                                                text=value))
    return FoundUnit(value, candidates=candidates,
                     message=gettext("Pasuje kilka jednostek — wybierz jedną."))


def recipient_problems(units: Sequence[Addressed]) -> dict[int, list[str]]:
    """Unit id → what to fix before launch: no address, a broken one, one shared with others.

    A shared address is not wrong in itself (one office for a gmina and its OPS), but the
    recipient then gets several links and may fill the wrong questionnaire.
    """
    problems: dict[int, list[str]] = defaultdict(list)
    holders: dict[str, list[Addressed]] = defaultdict(list)
    for unit in units:
        addresses = unit.email_list
        if not addresses:
            problems[unit.id].append(gettext("brak adresu e-mail — nie dostanie zaproszenia"))
        for address in addresses:
            if normalised(address) is None:
                problems[unit.id].append(gettext("niepoprawny adres: %(address)s",
                                                 address=address))
            holders[address.casefold()].append(unit)
    for address, sharing in holders.items():
        if len(sharing) < 2:
            continue
        for unit in sharing:
            others = [u.name for u in sharing if u.id != unit.id]
            problems[unit.id].append(gettext(
                "ten sam adres %(address)s co: %(units)s", address=address,
                units=", ".join(others[:3]) + (" …" if len(others) > 3 else "")))
    return dict(problems)


@dataclass(frozen=True)
class RecipientFilter:
    """What the recipients page narrows its list to; a bulk action takes the same filter, so
    "every matching unit" means the same units on every page of the list."""

    #: part of the name, or the start of the TERYT code
    text: str = ""
    #: województwo code (two digits), or "" for all
    region: str = ""
    #: only the units with something to fix (no address, a broken or shared one)
    problems_only: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> RecipientFilter:
        region = (args.get("wojewodztwo") or "").strip()
        return cls(text=" ".join((args.get("filtr") or "").split())[:100],
                   region=region if len(region) == 2 and region.isdigit() else "",
                   problems_only=args.get("problemy") == "1")

    def args(self) -> dict[str, str]:
        """The filter as query-string arguments (for links and the bulk form's fields)."""
        found = {"filtr": self.text, "wojewodztwo": self.region,
                 "problemy": "1" if self.problems_only else ""}
        return {name: value for name, value in found.items() if value}

    @property
    def active(self) -> bool:
        return bool(self.args())

    def apply(self, units: Sequence[Listed], problems: Mapping[int, list[str]]
              ) -> list[Listed]:
        """The units that match, in the list's order (name contains the text, case aside, or
        TERYT starts with it — as the search that adds a unit)."""
        text = self.text.casefold()
        return [u for u in units
                if (not text or text in u.name.casefold() or (u.teryt or "").startswith(text))
                and (not self.region or (u.teryt or "")[:2] == self.region)
                and (not self.problems_only or u.id in problems)]
