"""Confirm with consequences: no destructive staff action runs without its confirmation step.

The walk covers every staff POST route: each one is either marked ``needs_confirmation`` (and
then a POST without the confirmation page's stamp changes nothing and shows the page) or is
listed below as harmless, with the reason.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from extensions import db
from models import AuditEvent, Invitation, InvitationToken, OutboxMessage, Response, Round

from support.confirming import confirm, confirm_stamp

#: staff POST routes that need no confirmation step, and why
HARMLESS = {
    "units.new": "adds a unit; nothing is sent",
    "units.edit": "a form of its own; audited, reversible",
    "review.accept_response": "reversible (reopen), sends nothing",
    "review.decide_contact": "one click on a unit's own request, reversible by editing",
    "review.enter_on_behalf": "opens the unit's form; changes nothing by itself",
    "register.import_units_file": "an upload form: the file is the decision",
    "register.create_jst": "an upload form: adds units, sends nothing",
    "register.upload_subregions": "an upload form: replaces a division, sends nothing",
    "round_setup.change_recipients": "changes a draft's list by hand; sends nothing",
    "round_setup.change_many": "leaves out (or takes back) a draft's ticked or matching "
                               "recipients; sends nothing, reversible, audited",
    "round_setup.recipients_from_list": "an upload form: the file is the draft's recipients, "
                                        "sends nothing, audited; launch is confirmed",
    "round_changes.reminder_days": "a form of its own; sends nothing now",
    "round_changes.deadline": "a form of its own that says who gets an e-mail",
    "rounds.resend": "the same link once more: nothing stops working",
    "calls.unit_calls": "logs a call (a form of its own); 'online' sends the same link once "
                        "more, nothing stops working; audited",
    "calls.assign_callers": "puts units on a caller's list; sends nothing, reassignable",
    "rounds.new": "creates a draft; sends nothing",
    "organisations.new_partner": "adds a partner organisation; sends nothing, audited",
    "organisations.new_account": "adds a staff account; sends nothing, audited",
    "xlsform.upload": "an upload form: shows a preview, stores nothing",
    "xlsform.save": "the preview page is its confirmation; adds a version, sends nothing",
    "api_tokens.create": "creates the owner's own read token; sends nothing",
    "api_tokens.revoke": "ends the owner's own token (audited); a new one is a click away",
    "auth.login": "not an action", "auth.logout": "not an action",
    "auth.unlock_login": "lifts a login lock early (it ends by itself in 15 minutes); audited",
}


def _staff_post_endpoints(app) -> dict[str, str]:
    return {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()
            if "POST" in rule.methods and rule.rule.startswith(("/admin/", "/logowanie",
                                                                "/wyloguj"))}


def test_every_staff_post_route_is_confirmed_or_known_to_be_harmless(app):
    confirmed = {endpoint for endpoint in _staff_post_endpoints(app)
                 if getattr(app.view_functions[endpoint], "needs_confirmation", False)}
    unknown = set(_staff_post_endpoints(app)) - confirmed - set(HARMLESS)
    assert not unknown, f"decide: needs_confirmation or HARMLESS: {sorted(unknown)}"
    assert confirmed == set(DESTRUCTIVE), "every confirmed route is walked below"


def _state(app) -> dict:
    """Everything a destructive action could change."""
    with app.app_context():
        count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
        return {
            "rounds": sorted(db.session.execute(select(Round.id, Round.status, Round.deadline))
                             .all()),
            "responses": sorted(db.session.execute(select(Response.id, Response.status)).all()),
            "revoked": db.session.scalar(select(func.count()).select_from(InvitationToken)
                                         .where(InvitationToken.revoked_at.is_not(None))),
            "withdrawn": db.session.scalar(select(func.count()).select_from(Invitation)
                                           .where(Invitation.withdrawn_at.is_not(None))),
            "invitations": count(Invitation), "outbox": count(OutboxMessage),
            "audit": count(AuditEvent),
        }


@pytest.fixture
def scene(app, world, login):
    """A draft, an open round with a submitted and an accepted response and a unit invited
    late, and a closed round; returns the ids the routes need."""
    from services.rounds import close_round

    admin = login("admin")
    units = [world.unit("gmina", teryt, name=name, emails=f"{teryt}@example.pl")
             for teryt, name in (("160402", "Gmina Kluczbork"), ("160403", "Gmina Lasowice"),
                                 ("160404", "Gmina Wołczyn"), ("160401", "Gmina Byczyna"))]
    draft = world.round("jst-annual", status="draft", year=2026)
    open_id = world.round("jst-annual", year=2025)
    closed = world.round("jst-annual", year=2024)
    for unit_id in units[:3]:
        world.invite(open_id, unit_id)
    for unit_id in units[:2]:
        world.invite(closed, unit_id)
    with app.app_context():
        round_ = db.session.get(Round, open_id)
        first, second = sorted(round_.invitations, key=lambda i: i.unit.name)[:2]
        submitted = Response(invitation=first, answers={}, status="submitted")
        accepted = Response(invitation=second, answers={}, status="accepted")
        db.session.add_all([submitted, accepted])
        close_round(db.session.get(Round, closed), allow_late=False, reason="koniec")
        pending = db.session.get(Round, closed).invitations[0]
        db.session.commit()
        ids = {"draft": draft, "open": open_id, "closed": closed,
               "submitted": submitted.id, "accepted": accepted.id,
               "invitation": first.id, "closed_invitation": pending.id}
    # Wołczyn has not sent (a reminder has work to do); Byczyna fits the open round but was
    # not invited ("invite later" has work to do)
    return admin, ids


#: endpoint → (URL, form data the page before would send) for the scene above
DESTRUCTIVE = {
    "rounds.launch": lambda i: (f"/admin/rundy/{i['draft']}/uruchom", {}),
    "rounds.delete": lambda i: (f"/admin/rundy/{i['draft']}/usun", {}),
    "rounds.remind": lambda i: (f"/admin/rundy/{i['open']}/przypomnij", {}),
    "rounds.close": lambda i: (f"/admin/rundy/{i['open']}/zamknij", {"reason": "koniec"}),
    "rounds.reopen": lambda i: (f"/admin/rundy/{i['closed']}/otworz", {}),
    "rounds.replace_link": lambda i: (
        f"/admin/rundy/{i['open']}/zaproszenia/{i['invitation']}/wymien", {}),
    "round_changes.withdraw": lambda i: (
        f"/admin/rundy/{i['closed']}/zaproszenia/{i['closed_invitation']}/wycofaj",
        {"reason": "zamknięta"}),
    "round_changes.invite": lambda i: (f"/admin/rundy/{i['open']}/zapros", {}),
    "review.return_response": lambda i: (f"/admin/odpowiedzi/{i['submitted']}/zwroc",
                                         {"comment": "popraw", "n_zam_ogolem_liczba": "?"}),
    "review.reopen_response": lambda i: (f"/admin/odpowiedzi/{i['accepted']}/otworz",
                                         {"reason": "błąd"}),
    "review.accept_clean": lambda i: (f"/admin/odpowiedzi/runda/{i['open']}/przyjmij-bez-uwag",
                                      {}),
}


def test_every_destructive_route_refuses_a_post_without_the_confirmation_step(app, scene):
    admin, ids = scene
    for endpoint, where in DESTRUCTIVE.items():
        url, data = where(ids)
        before = _state(app)
        page = admin.post(url, data=data)
        assert page.status_code == 200, (endpoint, page.status_code, page.text[:500])
        assert confirm_stamp(page.text), endpoint  # it is the confirmation page, again
        assert 'class="warning-text"' in page.text, endpoint
        assert _state(app) == before, f"{endpoint} acted without the confirmation step"
        forged = admin.post(url, data={**data, "confirm": "not-the-stamp"})
        assert forged.status_code == 409, endpoint
        assert "Stan zmienił się" in forged.text
        assert _state(app) == before, f"{endpoint} acted on a stale confirmation"


def test_each_confirmation_page_says_what_happens_and_its_button_does_it(app, scene):
    admin, ids = scene
    page = admin.get(f"/admin/rundy/{ids['open']}/zaproszenia/{ids['invitation']}/wymien")
    assert "Stary link przestanie działać" in page.text
    assert "160402@example.pl" in page.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InvitationToken)
                                 .where(InvitationToken.revoked_at.is_not(None))) == 0
    done = confirm(admin, f"/admin/rundy/{ids['open']}/zaproszenia/{ids['invitation']}/wymien")
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InvitationToken)
                                 .where(InvitationToken.revoked_at.is_not(None))) == 1
    launch = admin.get(f"/admin/rundy/{ids['draft']}/uruchom").text
    assert "4 jednostki dostaną teraz e-mail z zaproszeniem" in launch
    assert "Tak, uruchom i wyślij 4 zaproszenia" in launch


def test_the_confirmation_comes_again_when_the_state_changed_meanwhile(app, scene):
    admin, ids = scene
    url = f"/admin/rundy/{ids['draft']}/uruchom"
    stamp = confirm_stamp(admin.get(url).text)
    with app.app_context():
        from models import Unit

        db.session.add(Unit(kind="gmina", teryt="166101", name="Miasto Opole",
                            emails="opole@example.pl"))
        db.session.commit()
    page = admin.post(url, data={"confirm": stamp})
    assert page.status_code == 409
    assert "5 jednostek dostanie teraz e-mail" in page.text
    with app.app_context():
        assert db.session.get(Round, ids["draft"]).status == "draft"


def test_actions_that_would_do_nothing_are_not_offered(app, world, login):
    admin = login("admin")
    unit_id = world.unit("gmina", "160402", name="Gmina Kluczbork", emails="")
    draft = world.round("jst-annual", status="draft")
    page = admin.get(f"/admin/rundy/{draft}").text
    assert f"/admin/rundy/{draft}/uruchom" not in page  # nobody has an address
    assert "Żadna z wybranych jednostek nie ma adresu e-mail" in page
    with app.app_context():
        from models import Unit

        db.session.get(Unit, unit_id).emails = "kluczbork@example.pl"
        db.session.commit()
    assert f"/admin/rundy/{draft}/uruchom" in admin.get(f"/admin/rundy/{draft}").text
    confirm(admin, f"/admin/rundy/{draft}/uruchom")
    with app.app_context():
        invitation = db.session.scalars(select(Invitation)).one()
        db.session.add(Response(invitation=invitation, answers={}, status="submitted"))
        db.session.commit()
    page = admin.get(f"/admin/rundy/{draft}").text
    assert "/przypomnij" not in page  # everyone has sent: no "remind 0 units"
    assert "nie ma komu przypominać" in page
    refused = admin.post(f"/admin/rundy/{draft}/przypomnij")
    assert refused.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .filter_by(kind="reminder")) == 0


def test_closing_early_records_who_and_why_and_tells_respondents_so(app, world, login):
    admin = login("admin")
    unit_id = world.unit("gmina", "160402", name="Gmina Kluczbork")
    round_id = world.round("jst-annual")
    token = world.invite(round_id, unit_id)
    done = confirm(admin, f"/admin/rundy/{round_id}/zamknij",
                   {"reason": "Zmiana ustawy — badanie odwołane."})
    assert done.status_code == 302
    page = admin.get(f"/admin/rundy/{round_id}").text
    assert "admin@rops.example.pl" in page
    assert "Zmiana ustawy — badanie odwołane." in page
    gone = app.test_client().get(f"/r/{token}")
    assert gone.status_code == 410
    assert "zamknięta przez Regionalny Ośrodek Polityki Społecznej w Opolu dnia" in gone.text
    assert "Powód: Zmiana ustawy — badanie odwołane." in gone.text
    assert "monitoring@rops.example.pl" in gone.text  # whom to ask (issue 12)
    assert "minął" not in gone.text
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).filter_by(action="round_close")).one()
        assert event.after["reason"] == "Zmiana ustawy — badanie odwołane."
        assert event.actor == "admin@rops.example.pl"


def test_closing_after_the_deadline_says_the_deadline_passed(app, world, login):
    admin = login("admin")
    unit_id = world.unit("gmina", "160402", name="Gmina Kluczbork")
    round_id = world.round("jst-annual")
    token = world.invite(round_id, unit_id)
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        round_.opens_on, round_.deadline = date.today() - timedelta(days=40), \
            date.today() - timedelta(days=3)
        db.session.commit()
    page = admin.get(f"/admin/rundy/{round_id}/zamknij").text
    assert "Termin minął." in page  # the reason is filled in for the usual case
    confirm(admin, f"/admin/rundy/{round_id}/zamknij", {"reason": "Termin minął."})
    gone = app.test_client().get(f"/r/{token}")
    assert gone.status_code == 410
    assert "minął" in gone.text
    assert "zamknięta przez" not in gone.text


def test_a_draft_can_be_deleted_and_nothing_else_can(app, world, login):
    admin = login("admin")
    world.unit("gmina", "160402")
    draft = world.round("jst-annual", status="draft")
    open_id = world.round("jst-annual", year=2024)
    assert admin.get(f"/admin/rundy/{open_id}/usun").status_code == 302  # refused, with a flash
    assert confirm(admin, f"/admin/rundy/{draft}/usun").status_code == 302
    with app.app_context():
        assert db.session.get(Round, draft) is None
        assert db.session.get(Round, open_id) is not None
        assert db.session.scalars(select(AuditEvent.action)).all() == ["login", "round_delete"]
