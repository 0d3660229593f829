"""``flask demo``: a register, one open round per questionnaire and clickable links."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from commands.surveys import require_valid_definitions
from extensions import db
from models import Invitation, Round, Territory, Unit, User
from services.questionnaires import sync_questionnaires
from services.rounds import create_round, issue_token, launch_round
from services.teryt import import_terc_file

BASE = Path(__file__).resolve().parent.parent
SHARED_TERC = BASE.parent / "shared" / "data" / "teryt" / "TERC_Urzedowy_2025-01-01.xml"
SAMPLE_TERC = BASE / "demo" / "terc_sample.csv"
DEMO_ADMIN = "admin@rops.example.pl"

#: (kind, name, teryt, e-mail) — a small register in województwo opolskie
DEMO_UNITS = [
    ("cis", "Centrum Integracji Społecznej w Kluczborku", "160402", "cis@kluczbork.example.pl"),
    ("cis", "Centrum Integracji Społecznej „Szansa” w Opolu", "166101", "cis@opole.example.pl"),
    ("kis", "Klub Integracji Społecznej przy MOPS w Byczynie", "160401", "kis@byczyna.example.pl"),
    ("kis", "Klub Integracji Społecznej w Dobrzeniu Wielkim", "160903",
     "kis@dobrzen.example.pl"),
    ("owes", "Ośrodek Wsparcia Ekonomii Społecznej Subregionu Opolskiego", "166101",
     "owes@owes-opole.example.pl"),
    ("gmina", "Gmina Kluczbork", "160402", "es@kluczbork.example.pl"),
    ("gmina", "Gmina Lasowice Wielkie", "160403", "ug@lasowice.example.pl"),
    ("gmina", "Gmina Wołczyn", "160404", "ug@wolczyn.example.pl"),
    ("gmina", "Miasto Opole", "166101", "es@um.opole.example.pl"),
    ("powiat", "Powiat Kluczborski", "1604", "starostwo@powiat-kluczbork.example.pl"),
    ("powiat", "Powiat Opolski", "1609", "starostwo@powiat.opole.example.pl"),
]


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Wczytaj dane pokazowe i wypisz osobiste linki respondentów."""
    require_valid_definitions()
    source = SHARED_TERC if SHARED_TERC.exists() else SAMPLE_TERC
    if db.session.scalar(select(Territory).limit(1)) is None:
        summary = import_terc_file(source)
        click.echo(f"Rejestr TERC z {source.name}: {summary.created} jednostek terytorialnych.")
    units = _demo_units()
    questionnaires = sync_questionnaires()
    today = date.today()
    links = []
    for questionnaire in questionnaires:
        survey = current_app.extensions["esmon_surveys"].by_key[questionnaire.key].survey
        round_ = db.session.scalar(select(Round).filter_by(questionnaire_id=questionnaire.id,
                                                           period="2025"))
        if round_ is None:
            round_ = create_round(questionnaire, period="2025", reporting_year=2025,
                                  opens_on=today, deadline=today + timedelta(days=30))
            # the invitation e-mails land in the outbox (instance/outbox/ by default)
            launch_round(round_, [u for u in units if u.kind in survey.unit_kinds])
        for invitation in db.session.scalars(select(Invitation).filter_by(round_id=round_.id)):
            token = issue_token(invitation)  # only hashes are kept: a fresh link to print
            links.append((invitation.unit, questionnaire, token))
    password = _demo_admin()
    db.session.commit()
    base = current_app.config["ESMON_BASE_URL"]
    if password:
        click.echo(f"\nKonto pracownika ROPS (demo): {DEMO_ADMIN} / {password}\n"
                   f"      {base}/logowanie")
    click.echo("\nOsobiste linki respondentów (runda 2025):")
    for unit, questionnaire, token in links:
        click.echo(f"  {questionnaire.key:12} {unit.name}\n      {base}/r/{token}")


def _demo_admin() -> str | None:
    """A demo admin with a fresh random password (printed once), unless it already exists."""
    if db.session.scalar(select(User).filter_by(email=DEMO_ADMIN)) is not None:
        click.echo(f"\nKonto pracownika ROPS (demo): {DEMO_ADMIN} — hasło jak przy pierwszym "
                   f"uruchomieniu; nowe: flask users create {DEMO_ADMIN} --role admin")
        return None
    password = secrets.token_urlsafe(12)
    user = User(email=DEMO_ADMIN, role="admin", full_name="Administrator demo")
    user.set_password(password)
    db.session.add(user)
    return password


def _demo_units() -> list[Unit]:
    units = []
    for kind, name, teryt, email in DEMO_UNITS:
        unit = db.session.scalar(select(Unit).filter_by(name=name))
        if unit is None:
            unit = Unit(kind=kind, name=name, teryt=teryt, emails=email,
                        contact_person="Anna Nowak")
            db.session.add(unit)
        units.append(unit)
    db.session.flush()
    return units
