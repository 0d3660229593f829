"""Rounds end to end: launch by staff, invitations over real SMTP, links, dashboard, reminders."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from extensions import db
from models import Invitation, Questionnaire, Round, RoundReminder
from services.progress import round_progress
from services.questionnaires import registry
from services.rounds import queue_due_reminders

from support import STAFF_PASSWORD
from support.confirming import confirm
from support.respondent import section_post
from support.smtp import smtp_settings
from support.valid_answers import JST

GMINAS = [("160402", "Gmina Kluczbork", "kluczbork@example.pl"),
          ("160403", "Gmina Lasowice Wielkie", "lasowice@example.pl"),
          ("160404", "Gmina Wołczyn", "wolczyn@example.pl")]


@pytest.fixture
def app_config(app_config, smtp_server):
    app_config.update(smtp_settings(smtp_server), MAIL_SEND_INLINE=False)
    return app_config


@pytest.fixture
def admin(app, staff_user):
    staff_user("admin@rops.example.pl", "admin")
    client = app.test_client()
    client.post("/logowanie", data={"email": "admin@rops.example.pl",
                                    "password": STAFF_PASSWORD})
    return client


def _units(world):
    ids = [world.unit("gmina", teryt, name=name, emails=email) for teryt, name, email in GMINAS]
    world.unit("cis", "160402", name="CIS Kluczbork", emails="cis@example.pl")  # not for JST
    return ids


def _launch(app, admin) -> int:
    with app.app_context():
        from services.questionnaires import sync_questionnaires

        sync_questionnaires()
        db.session.commit()
        questionnaire_id = db.session.scalar(select(Questionnaire.id).filter_by(key="jst-annual"))
    today = date.today()
    page = admin.post("/admin/rundy/nowa", data={
        "questionnaire_id": questionnaire_id, "reporting_year": "2025", "half": "",
        "opens_on": today.isoformat(), "deadline": (today + timedelta(days=20)).isoformat(),
        "reminder_days": "7, 2", "kinds": ["gmina"]})
    assert page.status_code == 302, page.text[:3000]
    with app.app_context():
        round_id = db.session.scalar(select(Round.id))
    assert confirm(admin, f"/admin/rundy/{round_id}/uruchom").status_code == 302
    return round_id


def _drain(runner):
    result = runner.invoke(args=["mail-worker", "--once"])
    assert result.exit_code == 0, result.output


def _token(mail) -> str:
    return re.search(r"http://esmon\.test/r/([A-Za-z0-9_-]+)", mail.text).group(1)


def _submit(app, token):
    with app.app_context():
        survey = registry().by_key["jst-annual"].survey
    client = app.test_client()
    assert client.get(f"/r/{token}").status_code == 303
    for section in survey.sections:
        assert client.post(f"/ankieta/sekcja/{section.id}",
                           data=section_post(survey, section.id, JST)).status_code == 302
    assert client.post("/ankieta/wyslij").status_code == 303
    return client


def test_launch_sends_invitations_that_lead_to_a_submission(app, world, admin, runner,
                                                            smtp_server):
    _units(world)
    round_id = _launch(app, admin)
    with app.app_context():
        assert len(db.session.scalars(select(Invitation)).all()) == 3  # CIS is not invited
    _drain(runner)
    invitations = [m for m in smtp_server.received if "prośba o wypełnienie" in m.subject]
    assert sorted(m.rcpt_tos[0] for m in invitations) == sorted(g[2] for g in GMINAS)
    for mail in invitations:
        assert "Termin wypełnienia" in mail.text
        assert mail.html
        assert "Otwórz ankietę" in mail.html
    page = admin.get(f"/admin/rundy/{round_id}").text
    assert "0 z 3 (0,0%)" in page
    kluczbork = next(m for m in invitations if m.rcpt_tos == ("kluczbork@example.pl",))
    _submit(app, _token(kluczbork))
    lasowice = next(m for m in invitations if m.rcpt_tos == ("lasowice@example.pl",))
    app.test_client().get(f"/r/{_token(lasowice)}")  # opened, not submitted
    with app.app_context():
        progress = round_progress(db.session.get(Round, round_id))
    assert progress.overall.counts["invited"] == 3
    assert progress.overall.counts["opened"] == 2
    assert progress.overall.counts["submitted"] == 1
    page = admin.get(f"/admin/rundy/{round_id}").text
    assert "1 z 3 (33,3%)" in page
    assert "Zaproszenia: wysłano 3 z 3." in page  # sending progress: all three went out
    _drain(runner)  # the confirmation with a copy of the answers
    confirmation = [m for m in smtp_server.received if m.subject.startswith("Potwierdzenie")]
    assert [m.rcpt_tos for m in confirmation] == [("kluczbork@example.pl",)]


def test_reminders_go_only_to_units_that_have_not_submitted(app, world, admin, runner,
                                                            smtp_server):
    _units(world)
    round_id = _launch(app, admin)
    _drain(runner)
    kluczbork = next(m for m in smtp_server.received if m.rcpt_tos == ("kluczbork@example.pl",))
    _submit(app, _token(kluczbork))
    before = len(smtp_server.received)
    assert confirm(admin, f"/admin/rundy/{round_id}/przypomnij").status_code == 302
    _drain(runner)
    reminders = [m for m in smtp_server.received[before:] if m.subject.startswith("Przypomnienie")]
    assert sorted(m.rcpt_tos[0] for m in reminders) == ["lasowice@example.pl",
                                                        "wolczyn@example.pl"]
    # the reminder's fresh link works, and so does the original one
    assert app.test_client().get(f"/r/{_token(reminders[0])}").status_code == 303


def test_scheduled_reminders_are_sent_once_per_threshold(app, world, admin):
    _units(world)
    round_id = _launch(app, admin)
    with app.app_context():
        deadline = db.session.get(Round, round_id).deadline
        assert queue_due_reminders(deadline - timedelta(days=10)) == 0
        assert queue_due_reminders(deadline - timedelta(days=7)) == 3
        assert queue_due_reminders(deadline - timedelta(days=6)) == 0
        assert queue_due_reminders(deadline - timedelta(days=2)) == 3
        assert queue_due_reminders(deadline - timedelta(days=1)) == 0
        db.session.commit()
        sent = sorted(db.session.scalars(select(RoundReminder.days_before)))
    assert sent == [2, 7]


def test_reissued_link_replaces_the_old_one(app, world, admin, runner, smtp_server):
    _units(world)
    round_id = _launch(app, admin)
    _drain(runner)
    old = next(m for m in smtp_server.received if m.rcpt_tos == ("wolczyn@example.pl",))
    with app.app_context():
        invitation_id = next(i.id for i in db.session.scalars(select(Invitation))
                             if i.unit.name == "Gmina Wołczyn")
    confirm(admin, f"/admin/rundy/{round_id}/zaproszenia/{invitation_id}/wymien")
    _drain(runner)
    new = [m for m in smtp_server.received if m.rcpt_tos == ("wolczyn@example.pl",)][-1]
    assert _token(new) != _token(old)
    gone = app.test_client().get(f"/r/{_token(old)}")
    assert gone.status_code == 410
    assert "zastąpiony nowym" in gone.text
    assert app.test_client().get(f"/r/{_token(new)}").status_code == 303


@pytest.mark.parametrize(("allow_late", "status"), [(False, 410), (True, 303)])
def test_closing_blocks_or_allows_late_submissions(app, world, admin, runner, smtp_server,
                                                   allow_late, status):
    _units(world)
    round_id = _launch(app, admin)
    _drain(runner)
    data = {"allow_late": "y", "reason": "Koniec"} if allow_late else {"reason": "Koniec"}
    assert confirm(admin, f"/admin/rundy/{round_id}/zamknij", data).status_code == 302
    mail = smtp_server.received[0]
    assert app.test_client().get(f"/r/{_token(mail)}").status_code == status


def test_round_form_errors_are_polish(app, world, admin):
    page = admin.post("/admin/rundy/nowa", data={"reporting_year": "1999", "opens_on": "",
                                                 "deadline": "2025-01-01"})
    assert page.status_code == 200
    assert "Rok musi być między 2000 a 2100." in page.text
    assert "Podaj datę otwarcia." in page.text


def test_mail_worker_sends_scheduled_reminders_when_due(app, world, admin, runner,
                                                        smtp_server, monkeypatch):
    _units(world)
    round_id = _launch(app, admin)
    with app.app_context():
        deadline = db.session.get(Round, round_id).deadline
    import commands.mail as mail_command

    monkeypatch.setattr(mail_command, "today_in_poland", lambda: deadline - timedelta(days=7))
    _drain(runner)
    _drain(runner)  # the second run finds the reminder already sent
    reminders = [m for m in smtp_server.received if m.subject.startswith("Przypomnienie")]
    assert sorted(m.rcpt_tos[0] for m in reminders) == sorted(g[2] for g in GMINAS)
