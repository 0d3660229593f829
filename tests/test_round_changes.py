"""A round before and after launch: the preview invites exactly who launch invites; the
deadline, reminder days, late invitations and withdrawals change what units see and get."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from extensions import db
from models import (
    AuditEvent,
    Invitation,
    OutboxMessage,
    Questionnaire,
    Response,
    Round,
    RoundReminder,
    Territory,
    Unit,
)
from services.progress import round_progress
from services.rounds import queue_due_reminders

from support.confirming import confirm


@pytest.fixture
def app_config(app_config):
    app_config["MAIL_SEND_INLINE"] = False  # messages stay queued: we read the outbox
    return app_config


def _outside_territory(app) -> int:
    """A gmina in małopolskie (not the deployment's opolskie) with a unit in it."""
    with app.app_context():
        for code, level, name in (("12", "wojewodztwo", "MAŁOPOLSKIE"),
                                  ("1202", "powiat", "brzeski"),
                                  ("120201", "gmina", "Brzesko")):
            db.session.add(Territory(code=code, level=level, name=name, kind_label="gmina",
                                     valid_on=date(2025, 1, 1)))
        unit = Unit(kind="gmina", teryt="120201", name="Gmina Brzesko",
                    emails="brzesko@example.pl")
        db.session.add(unit)
        db.session.commit()
        return unit.id


def _new_round(app, admin, **choices) -> int:
    with app.app_context():
        from services.questionnaires import sync_questionnaires

        sync_questionnaires()
        db.session.commit()
        questionnaire_id = db.session.scalar(select(Questionnaire.id).filter_by(key="jst-annual"))
    today = date.today()
    page = admin.post("/admin/rundy/nowa", data={
        "questionnaire_id": questionnaire_id, "reporting_year": "2025", "half": "",
        "opens_on": today.isoformat(), "deadline": (today + timedelta(days=20)).isoformat(),
        "reminder_days": "7, 2", **choices})
    assert page.status_code == 302, page.text[:2000]
    assert "/odbiorcy" in page.headers["Location"]  # a draft first, then its recipients
    with app.app_context():
        return db.session.scalars(select(Round.id).order_by(Round.id.desc())).first()


def _names_in(html: str, caption: str) -> set[str]:
    table = re.search(re.escape(caption) + r".*?</table>", html, re.S).group(0)
    return set(re.findall(r'<th scope="row">([^<]+)</th>', table))


def test_preview_lists_exactly_the_units_launch_invites(app, world, login):
    admin = login("admin")
    kluczbork = world.unit("gmina", "160402", name="Gmina Kluczbork", emails="k@example.pl")
    world.unit("gmina", "160403", name="Gmina Lasowice Wielkie", emails="l@example.pl")
    world.unit("gmina", "160404", name="Gmina Wołczyn", emails="")  # no address
    world.unit("gmina", "166101", name="Miasto Opole", emails="k@example.pl")  # shared
    world.unit("cis", "160402", name="CIS Kluczbork", emails="cis@example.pl")  # wrong kind
    world.unit("gmina", "160401", name="Gmina Byczyna", emails="b@example.pl",
               is_active=False)
    world.unit("powiat", "1604", name="Powiat Kluczborski", emails="p@example.pl")
    _outside_territory(app)
    round_id = _new_round(app, admin, kinds=["gmina"])
    page = admin.get(f"/admin/rundy/{round_id}/odbiorcy").text
    shown = _names_in(page, "Odbiorcy: ")
    assert shown == {"Gmina Kluczbork", "Gmina Lasowice Wielkie", "Gmina Wołczyn",
                     "Miasto Opole"}
    assert "brak adresu e-mail — nie dostanie zaproszenia" in page
    assert "ten sam adres k@example.pl co: Miasto Opole" in page
    assert f"/admin/jednostki/{kluczbork}" in page  # a link to fix it
    # staff leave one out and add the powiat by hand (the autocomplete's picked value)
    with app.app_context():
        lasowice = db.session.scalar(select(Unit.id).filter_by(name="Gmina Lasowice Wielkie"))
        powiat = db.session.scalar(select(Unit.id).filter_by(name="Powiat Kluczborski"))
    admin.post(f"/admin/rundy/{round_id}/odbiorcy/pomin", data={"jednostka": f"id:{lasowice}"})
    admin.post(f"/admin/rundy/{round_id}/odbiorcy/dodaj", data={"jednostka": f"id:{powiat}"})
    page = admin.get(f"/admin/rundy/{round_id}/odbiorcy").text
    shown = _names_in(page, "Odbiorcy: ")
    assert shown == {"Gmina Kluczbork", "Gmina Wołczyn", "Miasto Opole", "Powiat Kluczborski"}
    launch = admin.get(f"/admin/rundy/{round_id}/uruchom").text
    assert "3 jednostki dostaną teraz e-mail" in launch
    assert "1 jednostka bez adresu e-mail nie zostanie zaproszona." in launch
    assert confirm(admin, f"/admin/rundy/{round_id}/uruchom").status_code == 302
    with app.app_context():
        invited = {i.unit.name for i in db.session.scalars(
            select(Invitation).where(Invitation.round_id == round_id))}
        actions = db.session.scalars(select(AuditEvent.action)
                                     .where(AuditEvent.action == "round_recipients")).all()
    assert invited == shown - {"Gmina Wołczyn"}
    assert len(actions) == 2


def test_a_unit_is_found_by_name_without_javascript(app, world, login):
    admin = login("admin")
    world.unit("gmina", "160402", name="Gmina Kluczbork", emails="k@example.pl")
    world.unit("powiat", "1604", name="Powiat Kluczborski", emails="p@example.pl")
    world.unit("powiat", "1609", name="Powiat Opolski", emails="o@example.pl")
    round_id = _new_round(app, admin, kinds=["gmina"])
    several = admin.post(f"/admin/rundy/{round_id}/odbiorcy/dodaj", data={"jednostka": "Powiat"})
    assert several.status_code == 302
    page = admin.get(several.headers["Location"]).text
    assert "Jednostki pasujące do „Powiat”" in page
    assert "Powiat Kluczborski" in page
    assert "Powiat Opolski" in page
    one = admin.post(f"/admin/rundy/{round_id}/odbiorcy/dodaj", data={"jednostka": "opolski"})
    assert one.status_code == 302
    page = admin.get(f"/admin/rundy/{round_id}/odbiorcy").text
    assert "Powiat Opolski" in _names_in(page, "Odbiorcy: ")
    suggestions = admin.get(f"/admin/podpowiedzi/jednostki?runda={round_id}&q=kluczb").json
    assert [s["label"] for s in suggestions] == ["Gmina Kluczbork (Gmina, 160402)",
                                                 "Powiat Kluczborski (Powiat, 1604)"]


def test_invitation_and_questionnaire_previews_show_what_units_will_get(app, world, login):
    admin = login("admin")
    world.unit("gmina", "160402", name="Gmina Kluczbork", emails="k@example.pl")
    round_id = _new_round(app, admin)
    page = admin.get(f"/admin/rundy/{round_id}/podglad-zaproszenia").text
    assert "Gmina Kluczbork" in page
    assert "prośba o wypełnienie ankiety do" in page
    html = admin.get(f"/admin/rundy/{round_id}/podglad-zaproszenia/tresc.html")
    assert "Otwórz ankietę" in html.text
    assert "frame-ancestors 'self'" in html.headers["Content-Security-Policy"]
    assert "script-src" not in html.headers["Content-Security-Policy"]
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.id)) is None  # nothing was queued
    survey = admin.get(f"/admin/rundy/{round_id}/podglad-ankiety").text
    assert "<fieldset disabled>" in survey
    assert "Metryczka" in survey
    conditional = admin.get(f"/admin/rundy/{round_id}/podglad-ankiety/d3").text
    assert "Pytanie warunkowe, widoczne, gdy:" in conditional
    assert admin.get(f"/admin/rundy/{round_id}/podglad-ankiety/nie-ma").status_code == 404


def _open_round_with_three_units(app, world, admin):
    units = {name: world.unit("gmina", teryt, name=name, emails=email)
             for teryt, name, email in (("160402", "Gmina Kluczbork", "k@example.pl"),
                                        ("160403", "Gmina Lasowice Wielkie", "l@example.pl"),
                                        ("160404", "Gmina Wołczyn", "w@example.pl"))}
    round_id = _new_round(app, admin, kinds=["gmina"])
    confirm(admin, f"/admin/rundy/{round_id}/uruchom")
    tokens = {}
    with app.app_context():
        for invitation in db.session.get(Round, round_id).invitations:
            from services.rounds import issue_token

            tokens[invitation.unit.name] = issue_token(invitation)
        submitted = next(i for i in db.session.get(Round, round_id).invitations
                         if i.unit.name == "Gmina Kluczbork")
        db.session.add(Response(invitation=submitted, answers={}, status="submitted"))
        db.session.commit()
    return round_id, units, tokens


def test_extending_the_deadline_changes_what_respondents_see_and_tells_only_non_submitters(
        app, world, login):
    admin = login("admin")
    round_id, _units, tokens = _open_round_with_three_units(app, world, admin)
    unit = app.test_client()
    unit.get(f"/r/{tokens['Gmina Wołczyn']}")
    with app.app_context():
        old = db.session.get(Round, round_id).deadline
        db.session.add(RoundReminder(round_id=round_id, days_before=2, recipients=2))
        db.session.commit()
    new = old + timedelta(days=14)
    form = admin.get(f"/admin/rundy/{round_id}/termin").text
    assert "dostaną 2 jednostki, które nie wysłały jeszcze odpowiedzi" in form
    page = admin.post(f"/admin/rundy/{round_id}/termin",
                      data={"deadline": new.isoformat(), "notify": "y"})
    assert page.status_code == 302
    with app.app_context():
        notices = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.subject.startswith("Nowy termin"))).all()
        assert sorted(m.recipients[0] for m in notices) == ["l@example.pl", "w@example.pl"]
        assert all(m.status == "queued" for m in notices)
        event = db.session.scalars(select(AuditEvent).filter_by(action="round_deadline")).one()
        assert event.before == {"deadline": old.isoformat()}
        assert event.after["notified"] == 2
        # the "2 days before" reminder is armed again for the new date
        assert db.session.scalars(select(RoundReminder)).all() == []
        assert queue_due_reminders(new - timedelta(days=2)) == 2
    from l10n.web import long_date

    with app.test_request_context():
        shown = long_date(new)
    assert shown in unit.get("/ankieta").text  # the respondent sees the new deadline
    round_page = admin.get(f"/admin/rundy/{round_id}").text
    assert "zmiana terminu rundy" in round_page
    assert "powiadomiono 2 jednostki" in round_page
    past = admin.post(f"/admin/rundy/{round_id}/termin",
                      data={"deadline": (date.today() - timedelta(days=1)).isoformat()})
    assert "Nowy termin nie może być w przeszłości." in past.text


def test_reminder_days_change_is_audited_and_followed(app, world, login):
    admin = login("admin")
    round_id, _units, _tokens = _open_round_with_three_units(app, world, admin)
    assert admin.post(f"/admin/rundy/{round_id}/przypomnienia",
                      data={"reminder_days": "10, 3"}).status_code == 302
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        assert round_.reminder_days == [10, 3]
        assert queue_due_reminders(round_.deadline - timedelta(days=10)) == 2
        event = db.session.scalars(select(AuditEvent)
                                   .filter_by(action="round_reminder_days")).one()
        assert event.before == {"reminder_days": [7, 2]}
    assert "10, 3 dni przed terminem" in admin.get(f"/admin/rundy/{round_id}").text


def test_a_unit_registered_after_launch_can_be_invited(app, world, login):
    admin = login("admin")
    round_id, _units, _tokens = _open_round_with_three_units(app, world, admin)
    assert f"/admin/rundy/{round_id}/zapros\"" not in admin.get(f"/admin/rundy/{round_id}").text
    world.unit("gmina", "166101", name="Miasto Opole", emails="opole@example.pl")
    page = admin.get(f"/admin/rundy/{round_id}").text
    assert "Zaproś 1 jednostkę dodaną później…" in page
    done = confirm(admin, f"/admin/rundy/{round_id}/zapros")
    assert done.status_code == 302
    with app.app_context():
        message = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.recipients.is_not(None)).order_by(OutboxMessage.id.desc())).first()
        assert message.recipients == ["opole@example.pl"]
        assert message.kind == "invitation"
        assert len(db.session.get(Round, round_id).invitations) == 4
        assert db.session.scalars(select(AuditEvent).filter_by(action="round_invite")).one() \
            .after["units"] == ["Miasto Opole"]


def test_a_withdrawn_unit_loses_its_link_and_stops_counting(app, world, login):
    admin = login("admin")
    round_id, _units, tokens = _open_round_with_three_units(app, world, admin)
    with app.app_context():
        invitation = next(i for i in db.session.get(Round, round_id).invitations
                          if i.unit.name == "Gmina Wołczyn")
        invitation_id = invitation.id
    done = confirm(admin, f"/admin/rundy/{round_id}/zaproszenia/{invitation_id}/wycofaj",
                   {"reason": "Połączenie z gminą Kluczbork."})
    assert done.status_code == 302
    gone = app.test_client().get(f"/r/{tokens['Gmina Wołczyn']}")
    assert gone.status_code == 410
    assert "wycofał Państwa jednostkę" in gone.text
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        assert round_progress(round_).overall.invited == 2
        assert queue_due_reminders(round_.deadline - timedelta(days=7)) == 1  # Lasowice only
    page = admin.get(f"/admin/rundy/{round_id}").text
    assert "Połączenie z gminą Kluczbork." in page
    assert "wycofanie jednostki z rundy" in page


def test_messages_say_queued_until_the_worker_sends_them(app, world, login, runner):
    admin = login("admin")
    for teryt, name in (("160402", "Gmina Kluczbork"), ("160403", "Gmina Lasowice Wielkie")):
        world.unit("gmina", teryt, name=name, emails=f"{teryt}@example.pl")
    round_id = _new_round(app, admin, kinds=["gmina"])
    done = confirm(admin, f"/admin/rundy/{round_id}/uruchom")
    page = admin.get(done.headers["Location"]).text
    assert "Zakolejkowano 2 zaproszenia" in page
    assert "Wysłano 2" not in page
    assert "Zaproszenia: wysłano 0 z 2; w kolejce 2." in page
    assert admin.get(f"/admin/rundy/{round_id}/poczta").json["waiting"] == 2
    assert runner.invoke(args=["mail-worker", "--once"]).exit_code == 0
    status = admin.get(f"/admin/rundy/{round_id}/poczta").json
    assert status == {"text": "Zaproszenia: wysłano 2 z 2.", "waiting": 0, "stuck": False}
