"""Phone follow-up (CATI): the call list, logging calls, call-backs, interviews by phone, export."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from extensions import db
from l10n.clock import POLAND
from models import AuditEvent, CallAttempt, Invitation, OutboxMessage, Response, Round, User
from models.types import utcnow
from services.calls import CallEntry, call_list, callers_list, log_call
from services.questionnaires import registry
from services.review import return_for_correction

from support import STAFF_PASSWORD
from support.respondent import section_post
from support.valid_answers import JST

WARSAW = POLAND


def _staff(app, staff_user, email="admin@rops.example.pl", role="admin"):
    staff_user(email, role)
    client = app.test_client()
    assert client.post("/logowanie", data={"email": email,
                                           "password": STAFF_PASSWORD}).status_code == 302
    return client


@pytest.fixture
def scene(app, world):
    """An open JST round: Kluczbork (phones), Lasowice (no phone), Wołczyn (submitted on the
    web), Byczyna (withdrawn); returns ids by short name."""
    round_id = world.round("jst-annual")
    ids = {"round": round_id}
    for _short, teryt, name, phones in (
            ("kluczbork", "160402", "Gmina Kluczbork", "77 418 00 00, +48 600 100 200"),
            ("lasowice", "160403", "Gmina Lasowice Wielkie", None),
            ("wolczyn", "160404", "Gmina Wołczyn", "77 418 85 00"),
            ("byczyna", "160401", "Gmina Byczyna", "77 413 41 00")):
        unit_id = world.unit("gmina", teryt, name=name, emails=f"{teryt}@example.pl",
                             phones=phones)
        world.invite(round_id, unit_id)
    with app.app_context():
        by_unit = {inv.unit.name: inv for inv in db.session.scalars(select(Invitation))}
        ids.update({short: by_unit[name].id for short, name in (
            ("kluczbork", "Gmina Kluczbork"), ("lasowice", "Gmina Lasowice Wielkie"),
            ("wolczyn", "Gmina Wołczyn"), ("byczyna", "Gmina Byczyna"))})
        wolczyn = db.session.get(Invitation, ids["wolczyn"])
        db.session.add(Response(invitation=wolczyn, answers={}, warnings={}, status="submitted",
                                sections_saved=[], carried_over=[], question_notes={}))
        db.session.get(Invitation, ids["byczyna"]).withdrawn_at = utcnow()
        db.session.commit()
    return ids


def _user(email="admin@rops.example.pl", role="admin") -> User:
    user = db.session.scalars(select(User).filter_by(email=email)).first()
    if user is None:
        user = User(email=email, role=role)
        user.set_password(STAFF_PASSWORD)
        db.session.add(user)
        db.session.flush()
    return user


def test_call_list_has_the_units_still_to_answer_with_phones_and_calls(app, scene, staff_user):
    staff = _staff(app, staff_user)
    page = staff.get(f"/admin/rundy/{scene['round']}/telefony")
    assert page.status_code == 200
    text = page.text
    assert "Gmina Kluczbork" in text
    assert "Gmina Lasowice Wielkie" in text
    assert "Gmina Wołczyn" not in text  # submitted
    assert "Gmina Byczyna" not in text  # withdrawn
    assert 'href="tel:+48600100200"' in text
    assert "brak numeru" in text  # Lasowice has no phone in the register
    # reachable from the round dashboard
    dashboard = staff.get(f"/admin/rundy/{scene['round']}").text
    assert f'/admin/rundy/{scene["round"]}/telefony' in dashboard


def test_returned_response_comes_back_on_the_list(app, scene):
    with app.app_context():
        round_ = db.session.get(Round, scene["round"])
        assert {r.invitation.id for r in call_list(round_)} == {scene["kluczbork"],
                                                                scene["lasowice"]}
        wolczyn = db.session.get(Invitation, scene["wolczyn"]).response
        return_for_correction(wolczyn, "Proszę uzupełnić dział 2.", {})
        db.session.commit()
        assert scene["wolczyn"] in {r.invitation.id for r in call_list(round_)}


def test_call_back_shows_up_for_its_caller_at_its_time_and_not_before(app, scene):
    booked_at = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    callback = booked_at + timedelta(hours=5)
    with app.app_context():
        caller, other = _user(), _user("inna@rops.example.pl")
        invitation = db.session.get(Invitation, scene["kluczbork"])
        log_call(invitation, caller, CallEntry("callback", 120, "Dyrektor na urlopie",
                                               callback), now=booked_at)
        db.session.commit()
        round_ = db.session.get(Round, scene["round"])

        def due(user, now):
            return [r.invitation.id for r in callers_list(round_, user, now).now]

        def later(user, now):
            return [r.invitation.id for r in callers_list(round_, user, now).later]

        assert scene["kluczbork"] not in due(caller, callback - timedelta(minutes=1))
        assert later(caller, callback - timedelta(minutes=1)) == [scene["kluczbork"]]
        assert due(caller, callback) == [scene["kluczbork"]]
        assert due(caller, callback + timedelta(days=1)) == [scene["kluczbork"]]
        assert later(caller, callback) == []
        # it is the caller's call-back: nobody else's list shows it
        assert due(other, callback) == []
        assert later(other, callback) == []


def test_call_back_booked_on_the_page_in_polish_time(app, scene, staff_user):
    staff = _staff(app, staff_user)
    url = f"/admin/rundy/{scene['round']}/telefony/{scene['kluczbork']}"
    tomorrow = (datetime.now(WARSAW) + timedelta(days=1)).replace(hour=10, minute=30,
                                                                  second=0, microsecond=0)
    page = staff.post(url, data={"outcome": "callback", "minutes": "3",
                                 "callback_at": tomorrow.strftime("%Y-%m-%dT%H:%M"),
                                 "note": "Proszę dzwonić po 10"})
    assert page.status_code == 302
    with app.app_context():
        attempt = db.session.scalars(select(CallAttempt)).one()
        assert attempt.callback_at == tomorrow.astimezone(UTC)
        assert attempt.duration_seconds == 180
        assert attempt.phone == "77 418 00 00, +48 600 100 200"
        assert db.session.get(Invitation, scene["kluczbork"]).caller_id == attempt.caller_id
    listing = staff.get(f"/admin/rundy/{scene['round']}/telefony").text
    mine_later = listing.split("umówione na później")[1].split("Wszystkie jednostki")[0]
    assert "Gmina Kluczbork" in mine_later
    assert "Gmina Kluczbork" not in listing.split("do zadzwonienia teraz")[1].split(
        "umówione na później")[0]


def test_wrong_call_entries_are_messages_at_their_fields_and_nothing_is_saved(app, scene,
                                                                           staff_user):
    staff = _staff(app, staff_user)
    url = f"/admin/rundy/{scene['round']}/telefony/{scene['kluczbork']}"
    page = staff.post(url, data={"outcome": "callback", "minutes": "2",
                                 "note": "Sekretariat prosi o telefon jutro"})
    assert page.status_code == 200
    assert "Podaj, kiedy oddzwonić." in page.text
    assert "Sekretariat prosi o telefon jutro" in page.text  # what was typed stays
    page = staff.post(url, data={"outcome": "callback", "callback_at": "2020-01-01T10:00"})
    assert "Termin ponownego kontaktu musi być w przyszłości." in page.text
    page = staff.post(url, data={"outcome": "callback", "callback_at": "jutro rano"})
    assert "Wpisz datę i godzinę" in page.text
    page = staff.post(url, data={"outcome": "no_answer", "minutes": "900"})
    assert "Czas rozmowy: od 0 do 240 minut." in page.text
    page = staff.post(url, data={"minutes": "1"})
    assert "Wybierz wynik rozmowy." in page.text
    page = staff.post(url, data={"outcome": "hacked"})
    assert page.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CallAttempt)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "call_attempt")) == 0


def test_will_fill_online_sends_the_link_again(app, scene, staff_user):
    staff = _staff(app, staff_user)
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    page = staff.post(f"/admin/rundy/{scene['round']}/telefony/{scene['kluczbork']}",
                      data={"outcome": "online", "minutes": "1"})
    assert page.status_code == 302
    with app.app_context():
        messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert len(messages) == before + 1
        assert "160402@example.pl" in str(messages[-1].recipients)
        assert db.session.scalars(select(CallAttempt)).one().outcome == "online"


def test_completed_by_phone_is_a_phone_response_by_the_caller(app, scene, staff_user):
    survey_ = registry
    staff = _staff(app, staff_user)
    page = staff.post(f"/admin/rundy/{scene['round']}/telefony/{scene['kluczbork']}",
                      data={"outcome": "completed", "minutes": "25",
                            "note": "Wywiad z kierownikiem OPS"})
    assert page.headers["Location"].endswith("/ankieta")
    assert "Wpis w imieniu jednostki" in staff.get("/ankieta").text
    with app.app_context():
        survey = survey_().by_key["jst-annual"].survey
    for section in survey.sections:
        page = staff.post(f"/ankieta/sekcja/{section.id}",
                          data=section_post(survey, section.id, JST))
        assert page.status_code == 302, (section.id, page.text[:2000])
    assert staff.post("/ankieta/wyslij").headers["Location"].endswith("/ankieta/potwierdzenie")
    with app.app_context():
        invitation = db.session.get(Invitation, scene["kluczbork"])
        response = invitation.response
        assert response.status == "submitted"
        assert response.mode == "phone"
        (version,) = response.versions
        assert version.author == "admin@rops.example.pl"
        attempt = db.session.scalars(select(CallAttempt)).one()
        assert attempt.response_id == response.id
        assert attempt.caller_id == version.entered_by_id
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"call_attempt", "response_staff_entry"} <= actions
    listing = staff.get(f"/admin/rundy/{scene['round']}/telefony").text
    assert "Gmina Kluczbork" not in listing  # answered: off the list
    detail = staff.get(f"/admin/odpowiedzi/{response.id}").text
    assert re.search(r"Sposób odpowiedzi</dt><dd>telefonicznie \(CATI\)", detail)


def test_staff_entry_without_a_call_is_a_staff_entry_and_the_unit_web(app, scene,
                                                                      staff_user):
    staff = _staff(app, staff_user)
    with app.app_context():
        survey = registry().by_key["jst-annual"].survey
    staff.post(f"/admin/odpowiedzi/zaproszenie/{scene['lasowice']}/wpis")
    for section in survey.sections:
        staff.post(f"/ankieta/sekcja/{section.id}", data=section_post(survey, section.id, JST))
    assert staff.post("/ankieta/wyslij").headers["Location"].endswith("/ankieta/potwierdzenie")
    with app.app_context():
        lasowice = db.session.get(Invitation, scene["lasowice"]).response
        assert (lasowice.status, lasowice.mode) == ("submitted", "staff")
        assert db.session.get(Invitation, scene["wolczyn"]).response.mode == "web"


def test_only_admins_log_calls_and_assign(app, scene, staff_user):
    coordinator = _staff(app, staff_user, "koordynator@rops.example.pl", "coordinator")
    url = f"/admin/rundy/{scene['round']}/telefony"
    page = coordinator.get(url)
    assert page.status_code == 200
    assert "Przydziel" not in page.text
    assert coordinator.post(f"{url}/{scene['kluczbork']}",
                            data={"outcome": "no_answer"}).status_code == 403
    assert coordinator.post(f"{url}/przydziel", data={"caller": "",
                                                      "zaproszenie": [scene["kluczbork"]]}
                            ).status_code == 403


def test_assigning_units_puts_them_on_the_callers_list(app, scene, staff_user):
    staff = _staff(app, staff_user)
    with app.app_context():
        caller = User(email="owes@rops.example.pl", role="admin", full_name="Anna Dzwoniąca")
        caller.set_password(STAFF_PASSWORD)
        db.session.add(caller)
        db.session.commit()
        caller_id = caller.id
    url = f"/admin/rundy/{scene['round']}/telefony"
    page = staff.post(f"{url}/przydziel", data={
        "caller": str(caller_id), "zaproszenie": [scene["kluczbork"], scene["lasowice"],
                                                  scene["wolczyn"]]})  # Wołczyn: not listed
    assert page.status_code == 302
    with app.app_context():
        assert {i.id for i in db.session.scalars(select(Invitation)
                                                 .filter_by(caller_id=caller_id))} == {
            scene["kluczbork"], scene["lasowice"]}
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .filter_by(action="call_assign")) == 2
        mine = callers_list(db.session.get(Round, scene["round"]),
                            db.session.get(User, caller_id))
        assert [r.unit.name for r in mine.now] == ["Gmina Kluczbork", "Gmina Lasowice Wielkie"]
    assert "Anna Dzwoniąca" in staff.get(url).text
    page = staff.post(f"{url}/przydziel", data={"caller": "", "zaproszenie": []})
    assert "Zaznacz jednostki" in staff.get(url).text


def test_call_log_export_is_a_workbook_whose_text_never_becomes_a_formula(app, scene,
                                                                          staff_user):
    staff = _staff(app, staff_user)
    url = f"/admin/rundy/{scene['round']}/telefony"
    staff.post(f"{url}/{scene['kluczbork']}", data={"outcome": "no_answer"})
    staff.post(f"{url}/{scene['lasowice']}", data={
        "outcome": "refused", "minutes": "2", "note": '=HYPERLINK("http://zlo.example","x")'})
    page = staff.get(f"{url}/rejestr-rozmow.xlsx")
    assert page.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(page.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("Data i godzina", "Jednostka", "Rodzaj jednostki", "Kod TERYT",
                           "Telefon", "Dzwonił(a)", "Wynik")
    assert [r[1] for r in rows[1:3]] == ["Gmina Kluczbork", "Gmina Lasowice Wielkie"]
    assert rows[1][6] == "nie odbiera"
    assert rows[2][6] == "odmowa udziału"
    assert rows[2][7] == 2
    note = sheet.cell(row=3, column=9)
    assert note.data_type == "s"
    assert note.value.startswith("=HYPERLINK")
    assert note.quotePrefix
    # refused units stay listed, but not as someone to call now
    listing = staff.get(url).text
    assert "nie dzwonić (odmowa)" in listing
    with app.app_context():
        assert db.session.scalars(select(AuditEvent).filter_by(action="export")).one()
    audit = staff.get("/admin/dziennik/").text
    assert "rozmowa telefoniczna z jednostką" in audit
    assert re.search(r"Gmina Lasowice Wielkie[^<]*odmowa udziału", audit)


def test_reports_count_answers_by_mode(app, scene, runner, tmp_path):
    with app.app_context():
        for key, mode in (("kluczbork", "phone"), ("lasowice", "staff")):
            invitation = db.session.get(Invitation, scene[key])
            db.session.add(Response(invitation=invitation, answers={}, warnings={},
                                    status="accepted", mode=mode, sections_saved=[],
                                    carried_over=[], question_notes={}))
        db.session.commit()
        from services.report_source import round_records

        modes = {r["unit_name"]: r["mode"] for r in round_records(db.session, scene["round"])}
        assert modes == {"Gmina Kluczbork": "phone", "Gmina Lasowice Wielkie": "staff",
                         "Gmina Wołczyn": "web"}  # Byczyna withdrawn: not in the report
    out = tmp_path / "raport.xlsx"
    result = runner.invoke(args=["reports", "export", "--round", str(scene["round"]),
                                 "--kind", "regional", "-o", str(out)])
    assert result.exit_code == 0, result.output
    info = {r[0].value: r[1].value
            for r in openpyxl.load_workbook(out)["Informacje"].iter_rows(min_row=2)}
    assert info["Złożone ankiety"] == 3
    assert info["w tym przez internet"] == 1
    assert info["w tym telefonicznie (CATI)"] == 1
    assert info["w tym wpisane przez pracownika (papier, e-mail)"] == 1


def test_phones_are_kept_in_the_register_form(app, world, staff_user):
    staff = _staff(app, staff_user)
    unit_id = world.unit("gmina", "160402", name="Gmina Kluczbork")
    form = {"kind": "gmina", "name": "Gmina Kluczbork", "teryt": "160402",
            "emails": "ug@kluczbork.example.pl", "is_active": "y"}
    page = staff.post(f"/admin/jednostki/{unit_id}",
                      data={**form, "phones": "77 418 00 00, rano"})
    assert page.status_code == 200
    assert "„rano” nie jest numerem telefonu" in page.text
    assert 'value="77 418 00 00, rano"' in page.text  # what was typed stays
    page = staff.post(f"/admin/jednostki/{unit_id}",
                      data={**form, "phones": "77 418 00 00 ;  +48 600 100 200"})
    assert page.status_code == 302
    with app.app_context():
        from models import Unit

        assert db.session.get(Unit, unit_id).phones == "77 418 00 00, +48 600 100 200"


def test_an_owes_partner_sees_only_its_area_of_the_call_list(app, world):
    """ROPS (woj. 16) runs the round; its OWES partner for powiat kluczborski phones there."""
    from services.organisations import create_organisation, create_user
    from services.questionnaires import sync_questionnaires
    from services.rounds import create_round, invite
    from services.scoping import act_as, set_scope
    from services.units import create_unit

    with app.app_context():
        rops = create_organisation("ROPS Opole", "woj:16")
        owes = create_organisation("OWES Kluczbork", "powiat:1604", partner_of=rops)
        create_user("rops@rops.example.pl", "admin", rops, password=STAFF_PASSWORD)
        create_user("owes@owes.example.pl", "admin", owes, full_name="Olga z OWES",
                    password=STAFF_PASSWORD)
        act_as(rops, db.session)
        jst = next(q for q in sync_questionnaires() if q.key == "jst-annual")
        round_ = create_round(jst, period="2025", reporting_year=2025,
                              opens_on=date.today() - timedelta(days=1),
                              deadline=date.today() + timedelta(days=20), status="open")
        db.session.flush()
        round_id = round_.id
        ids = {}
        for teryt, name in (("160402", "Gmina Kluczbork"), ("160403", "Gmina Lasowice Wielkie"),
                            ("160701", "Gmina Głuchołazy"), ("166101", "Miasto Opole")):
            unit = create_unit({"kind": "gmina", "name": name, "teryt": teryt,
                                "emails": f"{teryt}@example.pl", "phones": "77 400 00 00",
                                "is_active": True})
            ids[name] = invite(round_, unit)[0].id
        db.session.commit()
        set_scope(None)
    partner = app.test_client()
    assert partner.post("/logowanie", data={"email": "owes@owes.example.pl",
                                            "password": STAFF_PASSWORD}).status_code == 302
    url = f"/admin/rundy/{round_id}/telefony"
    listing = partner.get(url)
    assert listing.status_code == 200
    assert "Gmina Kluczbork" in listing.text
    assert "Gmina Lasowice Wielkie" in listing.text
    assert "Gmina Głuchołazy" not in listing.text
    assert "Miasto Opole" not in listing.text
    outside = ids["Gmina Głuchołazy"]
    assert partner.get(f"{url}/{outside}").status_code == 404
    assert partner.post(f"{url}/{outside}", data={"outcome": "no_answer"}).status_code == 404
    assert partner.post(f"{url}/{ids['Gmina Kluczbork']}",
                        data={"outcome": "no_answer"}).status_code == 302
    rops_staff = app.test_client()
    rops_staff.post("/logowanie", data={"email": "rops@rops.example.pl",
                                        "password": STAFF_PASSWORD})
    whole = rops_staff.get(url).text
    assert "Gmina Głuchołazy" in whole
    assert "Miasto Opole" in whole
    assert "Olga z OWES" in whole  # the ROPS can give units to its partner's staff
    with app.app_context():
        attempt = db.session.scalars(select(CallAttempt)).one()
        assert attempt.invitation_id == ids["Gmina Kluczbork"]


def test_an_owes_partner_of_one_subregion_phones_there_only(app, world):
    """ROPS Śląskie (woj. 24) runs the round; the OWES of subregion północny (its five powiats,
    from the loaded OWES division) sees that part of the call list and units, nothing more."""
    from services.demo_organisations import SLASKIE_TERC
    from services.organisations import (
        OrganisationError,
        create_organisation,
        create_user,
        parse_scope,
        scope_label,
    )
    from services.questionnaires import sync_questionnaires
    from services.rounds import create_round, invite
    from services.scoping import act_as, set_scope
    from services.subregions import import_subregions_file, preset_catalogue
    from services.teryt import import_terc_file
    from services.units import create_unit

    with app.app_context():
        import_terc_file(SLASKIE_TERC, "24")
        with pytest.raises(OrganisationError, match="Nie ma podregionu"):
            parse_scope("podregion:owes:północny")  # no division loaded yet
        assert import_subregions_file(preset_catalogue()["slaskie-subregiony"].path).ok
        assert parse_scope("podregion:owes:S-PN") == parse_scope("podregion:owes:Północny") \
            == "powiat:2404,2406,2407,2409,2464"
        with pytest.raises(OrganisationError, match="podregionu „wschodni”"):
            parse_scope("podregion:owes:wschodni")
        rops = create_organisation("ROPS Katowice", "woj:24")
        owes = create_organisation("OWES Północ", "podregion:owes:północny", partner_of=rops)
        assert scope_label(owes).startswith("subregion północny: powiaty")
        with pytest.raises(OrganisationError, match="obszarze organizacji"):
            create_organisation("OWES z innego województwa", "powiat:1604,2404",
                                partner_of=rops)
        create_user("rops@rops-katowice.example.pl", "admin", rops, password=STAFF_PASSWORD)
        create_user("owes@owes-polnoc.example.pl", "admin", owes, full_name="Olga z OWES",
                    password=STAFF_PASSWORD)
        act_as(rops, db.session)
        key = "slaskie-polrocze"
        questionnaire = next(q for q in sync_questionnaires() if q.key == key)
        round_ = create_round(questionnaire, period="2026-H1", reporting_year=2026,
                              opens_on=date.today() - timedelta(days=1),
                              deadline=date.today() + timedelta(days=20), status="open")
        db.session.flush()
        round_id, ids = round_.id, {}
        for kind, teryt, name in (("cis", "246401", "CIS w Częstochowie"),
                                  ("kis", "240701", "KIS w Lublińcu"),
                                  ("cis", "247301", "CIS w Rybniku"),
                                  ("wtz", "246901", "WTZ w Katowicach")):
            unit = create_unit({"kind": kind, "name": name, "teryt": teryt,
                                "emails": f"{teryt}@example.pl", "phones": "32 400 00 00",
                                "is_active": True})
            ids[name] = invite(round_, unit)[0].id
        db.session.commit()
        set_scope(None)
    partner = app.test_client()
    assert partner.post("/logowanie", data={"email": "owes@owes-polnoc.example.pl",
                                            "password": STAFF_PASSWORD}).status_code == 302
    url = f"/admin/rundy/{round_id}/telefony"
    listing = partner.get(url).text
    assert "CIS w Częstochowie" in listing
    assert "KIS w Lublińcu" in listing
    assert "CIS w Rybniku" not in listing
    assert "WTZ w Katowicach" not in listing
    units = partner.get("/admin/jednostki/").text
    assert "KIS w Lublińcu" in units
    assert "CIS w Rybniku" not in units
    assert partner.get(f"{url}/{ids['CIS w Rybniku']}").status_code == 404
    assert partner.post(f"{url}/{ids['WTZ w Katowicach']}",
                        data={"outcome": "no_answer"}).status_code == 404
    assert partner.post(f"{url}/{ids['KIS w Lublińcu']}",
                        data={"outcome": "no_answer"}).status_code == 302
    rops_staff = app.test_client()
    rops_staff.post("/logowanie", data={"email": "rops@rops-katowice.example.pl",
                                        "password": STAFF_PASSWORD})
    whole = rops_staff.get(url).text
    assert "CIS w Rybniku" in whole
    assert "WTZ w Katowicach" in whole
    assert "Olga z OWES" in whole
