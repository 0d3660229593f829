"""The demo's other deployments: Gmina Kluczbork, ROPS Śląskie with an OWES, Nowa wiedza.

Why: each monitoring scheme the source documents describe (deployments.md) has its own
organisation, territory, register and rounds; a newcomer logs in as each and sees that scheme
at work — the gmina's team its LPRES forms and PES survey, the ROPS its half-year round and
phone follow-up while its OWES partner phones only its subregion, the national operator its
plan rounds while a regional partner sees its part. Everything is made through the same
services staff use (``create_organisation``, ``create_user``, ``act_as``), so the scopes the
demo shows are the product's own.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from pathlib import Path

from sqlalchemy import func, select

from extensions import db
from l10n.clock import POLAND
from models import (
    CallAttempt,
    Invitation,
    Organisation,
    Round,
    SubregionAssignment,
    Territory,
    Unit,
    User,
)
from models.types import utcnow
from services.organisations import create_organisation, create_user, find_organisation
from services.scoping import act_as, set_scope
from services.subregions import import_subregions_file, preset_catalogue
from services.teryt import import_terc_file

BASE = Path(__file__).resolve().parent.parent
#: woj. śląskie from TERC 2025-01-01 (the województwo, its 36 powiats, 167 gminas)
SLASKIE_TERC = BASE / "demo" / "terc_sample_24.csv"

KLUCZBORK = "Gmina Kluczbork"
SLASKIE = "Regionalny Ośrodek Polityki Społecznej Województwa Śląskiego"
OWES_NORTH = "OWES Subregionu Północnego"
OPERATOR = "Operator projektu Nowa wiedza"
PARTNER = "Partner regionalny Nowa wiedza — Śląsk"

PEOPLE = ["Joanna Kowalczyk", "Paweł Mazur", "Barbara Krawczyk", "Michał Piotrowski",
          "Aleksandra Grabowska", "Krzysztof Pawlak"]

#: (kind, name, teryt, e-mail, phone) — the gmina's departments, its units and local PES
KLUCZBORK_UNITS = [
    ("komorka", "Urząd Miejski w Kluczborku — Wydział Zamówień Publicznych", "160402",
     "zamowienia@kluczbork.example.pl", "77 418 00 11"),
    ("komorka", "Urząd Miejski w Kluczborku — Wydział Spraw Społecznych", "160402",
     "sprawy.spoleczne@kluczbork.example.pl", "77 418 00 12"),
    ("komorka", "Urząd Miejski w Kluczborku — Wydział Oświaty", "160402",
     "oswiata@kluczbork.example.pl", "77 418 00 13"),
    ("jednostka_gminy", "Kluczborski Dom Kultury", "160402", "kdk@kluczbork.example.pl",
     "77 418 12 12"),
    ("jednostka_gminy", "Ośrodek Sportu i Rekreacji w Kluczborku", "160402",
     "osir@kluczbork.example.pl", "77 418 23 23"),
    ("jednostka_gminy", "Zakład Gospodarki Komunalnej w Kluczborku", "160402",
     "zgk@kluczbork.example.pl", "77 418 34 34"),
    ("ops", "Ośrodek Pomocy Społecznej w Kluczborku", "160402", "ops@kluczbork.example.pl",
     "77 418 26 62"),
    ("pes", "Spółdzielnia Socjalna „Razem” w Kluczborku", "160402",
     "biuro@razem-kluczbork.example.pl", "600 100 301"),
    ("pes", "Fundacja „Szansa” w Kluczborku", "160402",
     "fundacja@szansa-kluczbork.example.pl", "600 100 302"),
    ("pes", "Spółdzielnia Socjalna „Zielony Ogród” w Kluczborku", "160402",
     "ogrod@kluczbork.example.pl", "600 100 303"),
    ("cis", "Centrum Integracji Społecznej w Kluczborku", "160402",
     "cis@kluczbork.example.pl", "77 413 40 40"),
]

#: the ROPS's institutions: CIS, KIS, WTZ, ZAZ and the four OWES, in every subregion
SLASKIE_UNITS = [
    # północny
    ("cis", "Centrum Integracji Społecznej w Częstochowie", "246401",
     "cis@czestochowa.example.pl", "34 370 11 00"),
    ("kis", "Klub Integracji Społecznej w Lublińcu", "240701", "kis@lubliniec.example.pl",
     "34 351 22 00"),
    ("wtz", "Warsztat Terapii Zajęciowej w Kłobucku", "240601", "wtz@klobuck.example.pl",
     "34 317 33 00"),
    ("zaz", "Zakład Aktywności Zawodowej w Myszkowie", "240901", "zaz@myszkow.example.pl",
     None),
    ("kis", "Klub Integracji Społecznej w Blachowni", "240401", "kis@blachownia.example.pl",
     "34 327 44 00"),
    # zachodni
    ("cis", "Centrum Integracji Społecznej w Rybniku", "247301", "cis@rybnik.example.pl",
     "32 422 11 00"),
    ("kis", "Klub Integracji Społecznej w Żorach", "247901", "kis@zory.example.pl",
     "32 434 22 00"),
    ("wtz", "Warsztat Terapii Zajęciowej w Raciborzu", "241101", "wtz@raciborz.example.pl",
     "32 415 33 00"),
    # południowy
    ("cis", "Centrum Integracji Społecznej w Bielsku-Białej", "246101",
     "cis@bielsko.example.pl", "33 812 11 00"),
    ("zaz", "Zakład Aktywności Zawodowej w Cieszynie", "240301", "zaz@cieszyn.example.pl",
     "33 852 22 00"),
    ("kis", "Klub Integracji Społecznej w Żywcu", "241701", "kis@zywiec.example.pl",
     "33 861 33 00"),
    # centralny
    ("cis", "Centrum Integracji Społecznej w Katowicach", "246901",
     "cis@katowice.example.pl", "32 259 11 00"),
    ("kis", "Klub Integracji Społecznej w Gliwicach", "246601", "kis@gliwice.example.pl",
     "32 231 22 00"),
    ("wtz", "Warsztat Terapii Zajęciowej w Sosnowcu", "247501", "wtz@sosnowiec.example.pl",
     "32 296 33 00"),
    ("zaz", "Zakład Aktywności Zawodowej w Tychach", "247701", "zaz@tychy.example.pl",
     "32 325 44 00"),
    # the four OWES, one per subregion
    ("owes", "OWES Subregionu Północnego", "246401", "owes@owes-polnoc.example.pl",
     "34 360 00 00"),
    ("owes", "OWES Subregionu Zachodniego", "247301", "owes@owes-zachod.example.pl",
     "32 420 00 00"),
    ("owes", "OWES Subregionu Południowego", "246101", "owes@owes-poludnie.example.pl",
     "33 810 00 00"),
    ("owes", "OWES Subregionu Centralnego", "246901", "owes@owes-centrum.example.pl",
     "32 250 00 00"),
]

#: the national operator's JST: the powiats whose gminas (and the powiat itself) take part
OPERATOR_POWIATS = ("1604", "1609", "2404", "2464")


@dataclass(frozen=True)
class DemoLogin:
    """A demo account: e-mail, role, name, what it is, whose."""

    email: str
    role: str
    full_name: str
    label: str
    organisation: str


#: the accounts of the other deployments (the default ROPS's are in commands/demo.py)
DEMO_LOGINS = [
    DemoLogin("zespol@kluczbork.example.pl", "admin", "Zespół monitorujący LPRES",
              "zespół monitorujący LPRES (Gmina Kluczbork, administrator)", KLUCZBORK),
    DemoLogin("rops@rops-katowice.example.pl", "admin", "Koordynator ROPS Śląskie",
              "ROPS Województwa Śląskiego (administrator)", SLASKIE),
    DemoLogin("owes@owes-polnoc.example.pl", "admin", "Olga Nowicka (OWES)",
              "OWES Subregionu Północnego — partner ROPS Śląskie, dzwoni tylko w swoim "
              "subregionie", OWES_NORTH),
    DemoLogin("operator@nowawiedza.example.pl", "admin", "Operator Nowa wiedza",
              "operator projektu Nowa wiedza (cały kraj, administrator)", OPERATOR),
    DemoLogin("slask@nowawiedza.example.pl", "coordinator", "Partner Nowa wiedza — Śląsk",
              "partner regionalny Nowa wiedza (woj. śląskie, koordynator)", PARTNER),
]

#: whose demo rounds each questionnaire's are (others: the default ROPS's)
ROUND_OWNERS = {"lpres-formularz": KLUCZBORK, "lpres-ankieta-pes": KLUCZBORK,
                "plan-uslug": OPERATOR, "plan-uslug-wykonanie": OPERATOR,
                "slaskie-polrocze": SLASKIE}


@dataclass
class DemoDeployments:
    """The organisations made (by name), each one's register, and new accounts' passwords."""

    organisations: dict[str, Organisation] = field(default_factory=dict)
    units: dict[str, list[Unit]] = field(default_factory=dict)
    #: e-mail → the password made now (``None``: the account was there already)
    passwords: dict[str, str | None] = field(default_factory=dict)


def demo_deployments() -> DemoDeployments:
    """The organisations, their registers and accounts; what is there already is kept."""
    made = DemoDeployments()
    _slaskie_territory()
    # Kluczbork: one gmina over its own plan
    made.organisations[KLUCZBORK] = _organisation(KLUCZBORK, "gmina:160402")
    # Śląskie: the ROPS over the województwo; its OWES partner over one subregion
    slaskie = made.organisations[SLASKIE] = _organisation(SLASKIE, "woj:24")
    made.organisations[OWES_NORTH] = _organisation(OWES_NORTH, "podregion:owes:północny",
                                                   partner_of=slaskie)
    # Nowa wiedza: the national operator and its regional partner for śląskie
    operator = made.organisations[OPERATOR] = _organisation(OPERATOR, "kraj")
    made.organisations[PARTNER] = _organisation(PARTNER, "woj:24", partner_of=operator)
    made.units[KLUCZBORK] = _register(made.organisations[KLUCZBORK], KLUCZBORK_UNITS)
    made.units[SLASKIE] = _register(slaskie, SLASKIE_UNITS)
    made.units[OPERATOR] = _register(operator, _operator_jst())
    for login in DEMO_LOGINS:
        made.passwords[login.email] = _account(login, made.organisations[login.organisation])
    return made


def _slaskie_territory() -> None:
    """Woj. 24's register (shipped sample of TERC 2025) and its four OWES subregions."""
    if db.session.get(Territory, "24") is None:
        import_terc_file(SLASKIE_TERC, "24")
    has_owes = db.session.scalar(select(func.count()).select_from(SubregionAssignment)
                                 .where(SubregionAssignment.scheme == "owes"))
    if not has_owes:
        result = import_subregions_file(preset_catalogue()["slaskie-subregiony"].path)
        if not result.ok:  # the shipped preset is checked by a test: say what broke
            raise RuntimeError(f"slaskie-subregiony: {result.problems[0].message}")


def _organisation(name: str, scope: str, *, partner_of: Organisation | None = None
                  ) -> Organisation:
    return find_organisation(name) or create_organisation(name, scope, partner_of=partner_of)


def _register(organisation: Organisation,
              entries: Sequence[tuple[str, str, str, str, str | None]]) -> list[Unit]:
    """The organisation's units (made as its staff would: owned by it), existing ones kept."""
    act_as(organisation, db.session)
    try:
        units = []
        for kind, name, teryt, email, phone in entries:
            unit = db.session.scalar(select(Unit).filter_by(
                kind=kind, name=name, organisation_id=organisation.id).limit(1))
            if unit is None:
                rng = random.Random(f"demo{organisation.name}{name}")
                unit = Unit(kind=kind, name=name, teryt=teryt, emails=email, phones=phone,
                            contact_person=rng.choice(PEOPLE), organisation=organisation)
                db.session.add(unit)
            units.append(unit)
        db.session.flush()
        return units
    finally:
        set_scope(None)


def _operator_jst() -> list[tuple[str, str, str, str, str]]:
    """The operator's gminas and powiats (a city with powiat rights once, as its gmina)."""
    from services.units_import import jst_unit_name

    rows = db.session.scalars(select(Territory).where(
        Territory.level.in_(("gmina", "powiat"))).order_by(Territory.code)).all()
    entries = []
    for territory in rows:
        if not territory.code.startswith(OPERATOR_POWIATS) or (
                territory.level == "powiat" and territory.is_city_with_powiat_rights):
            continue
        entries.append((territory.level, jst_unit_name(territory), territory.code,
                        f"nowawiedza.{territory.code}@jst.example.pl",
                        f"22 500 {territory.code[-4:-2]} {territory.code[-2:]}"))
    return entries


def _account(login: DemoLogin, organisation: Organisation) -> str | None:
    """A demo account with a fresh random password (printed once), unless it exists."""
    if db.session.scalar(select(User).filter_by(email=login.email)) is not None:
        return None
    _user, password = create_user(login.email, login.role, organisation,
                                  full_name=login.full_name,
                                  password=secrets.token_urlsafe(12))
    return password


def demo_calls(deployments: DemoDeployments, rounds: list[Round]) -> int:
    """Phone follow-up in the Śląskie half-year round: the OWES phones its subregion's units
    (one call-back booked for tomorrow), the ROPS the rest; returns the calls logged.

    A round that already has calls is left as it is.
    """
    from services.calls import CallEntry, assign, call_list, log_call

    slaskie = deployments.organisations.get(SLASKIE)
    round_ = next((r for r in rounds if slaskie is not None
                   and r.organisation_id == slaskie.id), None)
    if slaskie is None or round_ is None:
        return 0
    if db.session.scalar(select(func.count()).select_from(CallAttempt).join(Invitation)
                         .where(Invitation.round_id == round_.id)):
        return 0
    owes = db.session.scalar(select(User).filter_by(email="owes@owes-polnoc.example.pl"))
    rops = db.session.scalar(select(User).filter_by(email="rops@rops-katowice.example.pl"))
    if owes is None or rops is None:
        return 0
    north = set(db.session.scalars(select(SubregionAssignment.powiat_code).where(
        SubregionAssignment.scheme == "owes", SubregionAssignment.subregion_name == "północny")))
    act_as(slaskie, db.session)
    try:
        rows = [row for row in call_list(round_) if row.invitation.unit.phones]
        ours = [row.invitation for row in rows if row.invitation.unit.teryt[:4] in north]
        theirs = [row.invitation for row in rows if row.invitation.unit.teryt[:4] not in north]
        assign(ours, owes)
        today = utcnow().astimezone(POLAND).replace(second=0, microsecond=0)
        # the calls were made yesterday in office hours; the call-back is tomorrow at nine
        called = (today - timedelta(days=1)).replace(hour=10, minute=15).astimezone(UTC)
        tomorrow = (today + timedelta(days=1)).replace(hour=9, minute=0).astimezone(UTC)
        plan = [(ours[:1], owes, CallEntry("callback", 60, "Dyrektor prosi o telefon jutro rano.",
                                            tomorrow)),
                (ours[1:2], owes, CallEntry("no_answer", 0)),
                (theirs[:1], rops, CallEntry("busy", 0)),
                (theirs[1:2], rops, CallEntry("no_answer", 0, "Drugi numer nieaktualny."))]
        logged = 0
        for invitations, caller, entry in plan:
            for invitation in invitations:
                log_call(invitation, caller, entry, now=called)
                logged += 1
        return logged
    finally:
        set_scope(None)
