"""Two organisations with data of their own, for the scope tests (and the national round).

``A`` is a ROPS of opolskie (16), ``B`` a ROPS of śląskie (24): each has a unit, a launched
round with the unit invited, a sent response, the round's invitation e-mail, a contact change
and audit rows, every text marked with the organisation's letter so a page that shows any of
B's data to A's staff is caught by a plain substring test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import Flask

from extensions import db

from support import STAFF_PASSWORD

#: a few territories of śląskie (the sample register has opolskie only)
SLASKIE = [("24", "wojewodztwo", "ŚLĄSKIE", "województwo", None),
           ("2469", "powiat", "Katowice", "miasto na prawach powiatu", None),
           ("246901", "gmina", "Katowice", "gmina miejska", "1"),
           ("2404", "powiat", "częstochowski", "powiat", None),
           ("240401", "gmina", "Blachownia", "gmina miejsko-wiejska", "3")]


def add_slaskie() -> None:
    from models import Territory

    for code, level, name, label, rodz in SLASKIE:
        if db.session.get(Territory, code) is None:
            db.session.add(Territory(code=code, level=level, name=name, kind_label=label,
                                     rodz=rodz, valid_on=date(2025, 1, 1)))
    db.session.flush()


@dataclass
class Seeded:
    """Ids of one organisation's objects and the texts that mark them."""

    organisation_id: int
    unit_id: int
    round_id: int
    invitation_id: int
    response_id: int
    message_id: int
    change_id: int
    admin_email: str
    markers: list[str] = field(default_factory=list)


def seed_organisation(name: str, scope: str, letter: str, teryt: str, *,
                      partner_of: str | None = None) -> Seeded:
    """An organisation with an admin and one of everything; inside an app context."""
    from models import ContactChange, Response
    from services.audit import record
    from services.messages import queue_invitation
    from services.organisations import create_organisation, create_user, find_organisation
    from services.questionnaires import sync_questionnaires
    from services.rounds import create_round, invite
    from services.scoping import act_as, set_scope
    from services.units import create_unit

    parent = find_organisation(partner_of) if partner_of else None
    organisation = create_organisation(name, scope, partner_of=parent)
    email = f"admin-{letter.lower()}@org{letter.lower()}.example.pl"
    create_user(email, "admin", organisation, password=STAFF_PASSWORD)
    act_as(organisation, db.session)
    unit = create_unit({"kind": "gmina", "name": f"Gmina Tajna{letter}", "teryt": teryt,
                        "emails": f"sekretariat{letter.lower()}@gmina{letter.lower()}.example.pl",
                        "is_active": True})
    jst = next(q for q in sync_questionnaires() if q.key == "jst-annual")
    today = date.today()
    round_ = create_round(jst, period="2025", reporting_year=2025,
                          opens_on=today - timedelta(days=1), deadline=today + timedelta(days=20),
                          title=f"Runda Tajna{letter}", status="open")
    invitation, token = invite(round_, unit)
    message = queue_invitation(invitation, token)
    response = Response(invitation=invitation, status="submitted", answers={}, version=1)
    db.session.add(response)
    change = ContactChange(unit=unit, contact_person=f"Osoba Tajna{letter}",
                           emails=f"nowy{letter.lower()}@gmina.example.pl")
    db.session.add(change)
    record("round_launch", round_, summary=f"Runda Tajna{letter}")
    db.session.flush()
    seeded = Seeded(organisation.id, unit.id, round_.id, invitation.id, response.id,
                    message.id, change.id, email,
                    markers=[f"Tajna{letter}", f"sekretariat{letter.lower()}@",
                             f".{message.id:07d}.esmon.eml"])
    db.session.commit()
    set_scope(None)
    return seeded


def two_organisations(app: Flask) -> tuple[Seeded, Seeded]:
    """``A`` (opolskie) and ``B`` (śląskie), each with its data; the register is loaded."""
    with app.app_context():
        add_slaskie()
        a = seed_organisation("ROPS Opole", "woj:16", "A", "160402")
        b = seed_organisation("ROPS Katowice", "woj:24", "B", "246901")
    return a, b
