"""``flask demo``: a region's register, last year's and this year's rounds, logins and links."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext, ngettext
from sqlalchemy import select

from commands.surveys import require_valid_definitions
from extensions import db
from l10n.clock import today_in_poland
from l10n.periods import period_label
from l10n.web import number, translate
from mailing.compose import message_id as outbox_message_id
from mailing.inline import send_committed_mail
from mailing.transport import outbox_folder, redate_copy
from models import Invitation, Territory, User
from services.demo import DEMO_UNITS, date_sent_mail, demo_register, make_demo_rounds
from services.demo_organisations import DEMO_LOGINS, demo_calls, demo_deployments
from services.questionnaires import sync_questionnaires
from services.rounds import issue_token
from services.teryt import import_terc_file

__all__ = ["DEMO_UNITS", "demo_command"]

BASE = Path(__file__).resolve().parent.parent
SHARED_TERC = BASE.parent / "shared" / "data" / "teryt" / "TERC_Urzedowy_2025-01-01.xml"
SAMPLE_TERC = BASE / "demo" / "terc_sample.csv"
DEMO_ADMIN = "admin@rops.example.pl"
DEMO_COORDINATOR = "koordynator@rops.example.pl"
#: the accounts the demo makes: e-mail, role, name
DEMO_ACCOUNTS = [(DEMO_ADMIN, "admin", "Administrator demo", "pracownik ROPS (administrator)"),
                 (DEMO_COORDINATOR, "coordinator", "Koordynator demo", "koordynator")]


@click.command("demo")
@click.option("--terc", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Plik TERC do wczytania, gdy baza nie ma jeszcze rejestru (domyślnie pełny "
                   "rejestr z ../shared, jeśli jest, a w przeciwnym razie demo/terc_sample.csv).")
@with_appcontext
def demo_command(terc: Path | None) -> None:
    """Wczytaj dane pokazowe (rejestr województwa, rundy z odpowiedziami) i wypisz konta."""
    started = time.perf_counter()
    require_valid_definitions()
    region = current_app.config["ESMON_WOJEWODZTWO"]
    if db.session.scalar(select(Territory).limit(1)) is None:
        source = terc or (SHARED_TERC if SHARED_TERC.exists() else SAMPLE_TERC)
        # the same import as ``flask territory import PLIK --region``: the region's lists only
        summary = import_terc_file(source, region or None)
        click.echo(f"Rejestr TERC z {source.name} (województwo {region}): " + ngettext(
            "%(num)d jednostka terytorialna.", "%(num)d jednostki terytorialne.",
            summary.created))
    units = demo_register()
    deployments = demo_deployments()
    questionnaires = [(q, current_app.extensions["esmon_surveys"].by_key[q.key])
                      for q in sync_questionnaires()]
    made = make_demo_rounds(questionnaires, units, today_in_poland(), deployments)
    passwords = {email: _account(email, role, name) for email, role, name, _ in DEMO_ACCOUNTS}
    passwords.update(deployments.passwords)
    demo_calls(deployments, made.current)
    accounts = [(email, role, label, "") for email, role, _name, label in DEMO_ACCOUNTS]
    accounts += [(login.email, login.role, login.label, f' --organisation "{login.organisation}"')
                 for login in DEMO_LOGINS]
    links = _links(made.current)
    db.session.commit()
    send_committed_mail()  # the invitations go out now, not when the command ends,
    _date_copies(date_sent_mail(made.made_now))  # so that they can be dated with their rounds
    db.session.commit()
    base = current_app.config["ESMON_BASE_URL"]
    if made.previous:
        states = ", ".join(f"{label}: {made.states[state]}" for state, label in _STATES.items())
        click.echo(f"Jednostek w rejestrze: {len(units)}. Rundy "
                   f"{translate(period_label(made.previous[0].period))} "
                   f"(zamknięte, odpowiedzi przyjęte) i "
                   f"{translate(period_label(made.current[0].period))} (otwarte — "
                   f"{states}).")
    click.echo("")
    for email, role, label, organisation in accounts:
        if passwords[email]:
            click.echo(f"Konto demo — {label}: {email} / {passwords[email]}")
        else:
            click.echo(f"Konto demo — {label}: {email} — hasło jak przy pierwszym uruchomieniu; "
                       f"nowe: flask users create {email} --role {role}{organisation}")
    click.echo(f"      {base}/logowanie")
    click.echo("\nOsobiste linki respondentów (runda "
               f"{translate(period_label(made.current[0].period))}):")
    for questionnaire, what, unit, token in links:
        click.echo(f"  {questionnaire:12} {what}: {unit}\n      {base}/r/{token}")
    click.echo("\n" + gettext("Dane pokazowe gotowe w %(seconds)s s.",
                             seconds=number(time.perf_counter() - started, 1)))


_STATES = {"accepted": "przyjęte", "submitted": "do przeglądu", "returned": "zwrócone do korekty",
           "draft": "w trakcie wypełniania", "invited": "nieotwarte"}


def _date_copies(messages: list) -> None:
    """The outbox folder's ``.eml`` copies say "sent" when their rows do, not today."""
    if current_app.config.get("MAIL_SERVER"):
        return
    folder = outbox_folder(current_app)
    for message in messages:
        redate_copy(folder, outbox_message_id(current_app, message.id, message.created_at),
                    message.sent_at)


def _account(email: str, role: str, name: str) -> str | None:
    """A demo account with a fresh random password (printed once), unless it already exists."""
    if db.session.scalar(select(User).filter_by(email=email)) is not None:
        return None
    password = secrets.token_urlsafe(12)
    user = User(email=email, role=role, full_name=name)
    user.set_password(password)
    db.session.add(user)
    return password


def _links(rounds: list) -> list[tuple[str, str, str, str]]:
    """A fresh link per questionnaire for a unit that has not started and for one whose
    answers came back for correction (only hashes are kept, so the links are new)."""
    links = []
    for round_ in rounds:
        invitations = db.session.scalars(select(Invitation).filter_by(round_id=round_.id)
                                         .order_by(Invitation.id)).all()
        fresh = next((i for i in invitations if i.response is None), None)
        returned = next((i for i in invitations
                         if i.response is not None and i.response.status == "returned"), None)
        key = round_.questionnaire.key
        for what, invitation in (("nowa ankieta", fresh), ("zwrócona do korekty", returned)):
            if invitation is not None:
                links.append((key, what, invitation.unit.name, issue_token(invitation)))
    return links
