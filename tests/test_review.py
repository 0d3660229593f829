"""Review workflow: return for correction by e-mail, resubmit, history, lock, prefill, prev(),
concurrent saves, entry on a unit's behalf, contact handover and the audit log."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import select

from extensions import db
from models import AuditEvent, ContactChange, Invitation, OutboxMessage, Response, Unit
from services.questionnaires import registry

from support import STAFF_PASSWORD
from support.confirming import confirm
from support.respondent import section_post
from support.smtp import smtp_settings
from support.valid_answers import JST

UNIT_EMAIL = "es@kluczbork.example.pl"


@pytest.fixture
def app_config(app_config, smtp_server):
    app_config.update(smtp_settings(smtp_server), MAIL_SEND_INLINE=False)
    return app_config


def _survey(app):
    with app.app_context():
        return registry().by_key["jst-annual"].survey


def _fill_and_submit(client, survey, answers=JST):
    for section in survey.sections:
        page = client.post(f"/ankieta/sekcja/{section.id}",
                           data=section_post(survey, section.id, answers))
        assert page.status_code == 302, (section.id, page.text[:3000])
    page = client.post("/ankieta/wyslij")
    assert page.headers["Location"].endswith("/ankieta/potwierdzenie"), page.text[:2000]


def _response(app) -> Response:
    with app.app_context():
        response = db.session.scalars(select(Response).order_by(Response.id.desc())).first()
        db.session.expunge(response)
        return response


def _respondent(app, world, year=2025):
    unit_id = world.unit("gmina", "160402", name="Gmina Kluczbork", emails=UNIT_EMAIL)
    token = world.invite(world.round("jst-annual", year=year), unit_id)
    client = app.test_client()
    assert client.get(f"/r/{token}").status_code == 303
    return client, unit_id


def _staff(app, staff_user, role="admin"):
    email = f"{role}@rops.example.pl"
    staff_user(email, role)
    client = app.test_client()
    assert client.post("/logowanie", data={"email": email,
                                           "password": STAFF_PASSWORD}).status_code == 302
    return client


def _drain(runner):
    result = runner.invoke(args=["mail-worker", "--once"])
    assert result.exit_code == 0, result.output


def test_return_mail_resubmit_and_history(app, world, staff_user, runner, smtp_server):
    survey = _survey(app)
    unit_client, _ = _respondent(app, world)
    _fill_and_submit(unit_client, survey)
    response = _response(app)
    assert response.status == "submitted"
    staff = _staff(app, staff_user)
    page = confirm(staff, f"/admin/odpowiedzi/{response.id}/zwroc", {
        "comment": "Proszę sprawdzić liczbę przeszkolonych pracowników."},
        first={"n_pracownicy_przeszkoleni": "Czy na pewno 3 osoby? W planie było 7."})
    assert page.status_code == 302
    assert _response(app).status == "returned"
    _drain(runner)
    returned = [m for m in smtp_server.received if m.subject.startswith("Sprawozdanie do poprawy:")]
    assert len(returned) == 1
    mail = returned[0]
    assert mail.rcpt_tos == (UNIT_EMAIL,)
    assert "Proszę sprawdzić liczbę przeszkolonych pracowników." in mail.text
    assert "W planie było 7." in mail.text
    token = re.search(r"http://esmon\.test/r/([A-Za-z0-9_-]+)", mail.text).group(1)

    fresh = app.test_client()  # the unit follows the link from the e-mail
    assert fresh.get(f"/r/{token}").status_code == 303
    section = fresh.get("/ankieta/sekcja/d6").text
    assert "Proszę sprawdzić liczbę przeszkolonych pracowników." in section
    assert "W planie było 7." in section
    data = section_post(survey, "d6", dict(JST, pracownicy_przeszkoleni=7))
    assert fresh.post("/ankieta/sekcja/d6", data=data).status_code == 302
    assert fresh.post("/ankieta/wyslij").status_code == 303

    response = _response(app)
    assert response.status == "submitted"
    with app.app_context():
        versions = db.session.get(Response, response.id).versions
        assert [v.number for v in versions] == [1, 2]
        assert versions[0].answers["pracownicy_przeszkoleni"] == 3
        assert versions[1].answers["pracownicy_przeszkoleni"] == 7
    detail = staff.get(f"/admin/odpowiedzi/{response.id}").text
    assert "Wersja 2" in detail
    assert "Wersja 1" in detail
    changed = re.search(r"Zmienione pola względem wersji 1.*?</table>", detail, re.S).group(0)
    assert "Liczba pracowników JST" in changed
    assert "Kontakt" not in changed  # only the changed field is listed
    assert ">3<" in changed
    assert ">7<" in changed


def test_accepted_response_is_read_only_for_the_unit(app, world, staff_user):
    survey = _survey(app)
    unit_client, _ = _respondent(app, world)
    _fill_and_submit(unit_client, survey)
    response = _response(app)
    staff = _staff(app, staff_user)
    assert staff.post(f"/admin/odpowiedzi/{response.id}/przyjmij").status_code == 302
    assert _response(app).status == "accepted"
    page = unit_client.post("/ankieta/sekcja/d6", data=section_post(
        survey, "d6", dict(JST, pracownicy_przeszkoleni=9)))
    assert page.status_code == 409
    assert "Wysłanej odpowiedzi nie można zmieniać" in page.text
    assert _response(app).answers["pracownicy_przeszkoleni"] == 3
    # an admin can reopen it, with a reason; then the unit can correct it
    refused = confirm(staff, f"/admin/odpowiedzi/{response.id}/otworz", {"reason": ""})
    assert refused.status_code == 200
    assert "Podaj powód." in refused.text
    assert _response(app).status == "accepted"
    confirm(staff, f"/admin/odpowiedzi/{response.id}/otworz", {"reason": "Błąd w D6."})
    assert _response(app).status == "returned"
    assert unit_client.post("/ankieta/sekcja/d6", data=section_post(
        survey, "d6", dict(JST, pracownicy_przeszkoleni=9))).status_code == 302


def test_coordinator_reads_but_cannot_decide(app, world, staff_user):
    survey = _survey(app)
    unit_client, _ = _respondent(app, world)
    _fill_and_submit(unit_client, survey)
    response = _response(app)
    coordinator = _staff(app, staff_user, "coordinator")
    assert coordinator.get(f"/admin/odpowiedzi/{response.id}").status_code == 200
    assert coordinator.post(f"/admin/odpowiedzi/{response.id}/przyjmij").status_code == 403
    assert _response(app).status == "submitted"


def _previous_round(app, world, unit_id, answers):
    """A 2024 round with the unit's accepted response."""
    round_id = world.round("jst-annual", year=2024)
    world.invite(round_id, unit_id)
    with app.app_context():
        invitation = db.session.scalars(select(Invitation).filter_by(round_id=round_id)).one()
        db.session.add(Response(invitation=invitation, answers=answers, status="accepted"))
        db.session.commit()


def test_prefill_from_last_round_and_prev_warning(app, world):
    unit_id = world.unit("gmina", "160402", name="Gmina Kluczbork", emails=UNIT_EMAIL)
    _previous_round(app, world, unit_id, {
        "lpres_status": "odrebny", "lpres_nazwa_uchwala": "Uchwała LXII/880/23",
        "lpres_od": 2023, "lpres_do": 2028, "zadania_zlecone_wartosc": "100000.00",
        "zadania_zlecone_liczba": 5})
    token = world.invite(world.round("jst-annual", year=2025), unit_id)
    client = app.test_client()
    client.get(f"/r/{token}")
    page = client.get("/ankieta/sekcja/d2").text
    assert 'value="Uchwała LXII/880/23"' in page
    assert re.search(r'value="odrebny" checked', page)
    assert "Wartość przeniesiona z poprzedniej rundy" in page
    assert "zadania_zlecone_wartosc" not in _response(app).answers  # not a prefill question
    survey = _survey(app)
    # 300 000 against 100 000 last year: more than +50% → a warning asking for a comment
    data = section_post(survey, "d4", dict(JST, zadania_zlecone_wartosc="300000.00"))
    page = client.post("/ankieta/sekcja/d4", data=data)
    assert page.status_code == 302
    warning = _response(app).warnings["zadania_zlecone_wartosc"]
    assert "o ponad 50%" in warning["messages"][0]
    assert warning["comment"] is None
    assert "o ponad 50%" in client.get("/ankieta/sekcja/d4").text
    # 120 000 is within ±50%: no warning
    data = section_post(survey, "d4", dict(JST, zadania_zlecone_wartosc="120000.00"))
    client.post("/ankieta/sekcja/d4", data=data)
    assert "zadania_zlecone_wartosc" not in _response(app).warnings
    # the carried-over mark goes once the unit saves the section
    client.post("/ankieta/sekcja/d2", data=section_post(survey, "d2", JST))
    assert _response(app).carried_over == []


def test_concurrent_saves_one_wins_other_sees_conflict(app, world):
    survey = _survey(app)
    unit_id = world.unit("gmina", "160402", name="Gmina Kluczbork", emails=UNIT_EMAIL)
    token = world.invite(world.round("jst-annual"), unit_id)
    first, second = app.test_client(), app.test_client()
    first.get(f"/r/{token}")
    second.get(f"/r/{token}")
    first.get("/ankieta")  # creates the response
    version = int(re.search(r'name="version" value="(\d+)"',
                            first.get("/ankieta/sekcja/d6").text).group(1))
    assert int(re.search(r'name="version" value="(\d+)"',
                         second.get("/ankieta/sekcja/d6").text).group(1)) == version
    mine = dict(section_post(survey, "d6", dict(JST, pracownicy_przeszkoleni=4)),
                version=[str(version)])
    theirs = dict(section_post(survey, "d6", dict(JST, pracownicy_przeszkoleni=8)),
                  version=[str(version)])
    assert first.post("/ankieta/sekcja/d6", data=mine).status_code == 302
    conflict = second.post("/ankieta/sekcja/d6", data=theirs)
    assert conflict.status_code == 409
    assert "Tę sekcję ktoś zapisał w międzyczasie" in conflict.text
    assert _response(app).answers["pracownicy_przeszkoleni"] == 4  # the first save stands
    assert re.search(r"<td>4</td><td>8</td>", conflict.text)  # both values are shown
    # the losing values are kept in the page and can be saved on purpose
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
                             conflict.text))
    assert hidden["q_pracownicy_przeszkoleni"] == "8"
    resend = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
                                          conflict.text))
    assert second.post("/ankieta/sekcja/d6", data=resend).status_code == 302
    assert _response(app).answers["pracownicy_przeszkoleni"] == 8


def test_staff_enters_on_units_behalf(app, world, staff_user):
    survey = _survey(app)
    unit_id = world.unit("gmina", "160402", name="Gmina Kluczbork", emails=UNIT_EMAIL)
    world.invite(world.round("jst-annual"), unit_id)
    staff = _staff(app, staff_user)
    with app.app_context():
        invitation_id = db.session.scalars(select(Invitation)).one().id
    page = staff.post(f"/admin/odpowiedzi/zaproszenie/{invitation_id}/wpis")
    assert page.headers["Location"].endswith("/ankieta")
    assert "Wpis w imieniu jednostki" in staff.get("/ankieta").text
    _fill_and_submit(staff, survey)
    response = _response(app)
    with app.app_context():
        (version,) = db.session.get(Response, response.id).versions
        assert version.author == "admin@rops.example.pl"
        assert version.entered_by_id is not None
        confirmation = db.session.scalars(select(OutboxMessage).filter_by(
            kind="confirmation")).one()
        assert UNIT_EMAIL in str(confirmation.recipients)
        assert db.session.scalars(select(AuditEvent).filter_by(
            action="response_staff_entry")).one().actor == "admin@rops.example.pl"


def test_staff_entry_needs_the_staff_login(app, world, staff_user):
    unit_id = world.unit("gmina", "160402")
    world.invite(world.round("jst-annual"), unit_id)
    staff = _staff(app, staff_user)
    with app.app_context():
        invitation_id = db.session.scalars(select(Invitation)).one().id
    staff.post(f"/admin/odpowiedzi/zaproszenie/{invitation_id}/wpis")
    staff.post("/wyloguj")
    assert staff.get("/ankieta").status_code == 401


def test_contact_handover_is_reviewed_before_the_register_changes(app, world, staff_user):
    unit_client, unit_id = _respondent(app, world)
    page = unit_client.post("/ankieta/kontakt", data={
        "contact_person": "Maria Wiśniewska", "emails": "m.wisniewska@kluczbork.example.pl"})
    assert page.status_code == 302
    bad = unit_client.post("/ankieta/kontakt", data={"emails": "nie-email"})
    assert bad.status_code == 400
    assert "Niepoprawny adres e-mail" in bad.text
    with app.app_context():
        assert db.session.get(Unit, unit_id).emails == UNIT_EMAIL
        change = db.session.scalars(select(ContactChange)).one()
    staff = _staff(app, staff_user)
    assert "Maria Wiśniewska" in staff.get("/admin/odpowiedzi/kontakty").text
    staff.post(f"/admin/odpowiedzi/kontakty/{change.id}/zatwierdz")
    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        assert unit.contact_person == "Maria Wiśniewska"
        assert unit.emails == "m.wisniewska@kluczbork.example.pl"
        event = db.session.scalars(select(AuditEvent).filter_by(action="contact_approve")).one()
        assert event.before["emails"] == UNIT_EMAIL


def test_every_staff_action_leaves_one_audit_row(app, world, staff_user):
    survey = _survey(app)
    staff = _staff(app, staff_user)  # login
    page = staff.post("/admin/jednostki/nowa", data={
        "kind": "gmina", "name": "Gmina Kluczbork", "teryt": "160402", "emails": UNIT_EMAIL,
        "is_active": "y"})
    assert page.status_code == 302
    with app.app_context():
        unit_id = db.session.scalars(select(Unit)).one().id
    staff.post(f"/admin/jednostki/{unit_id}", data={
        "kind": "gmina", "name": "Gmina Kluczbork (UM)", "teryt": "160402",
        "emails": UNIT_EMAIL, "is_active": "y"})
    round_id = world.round("jst-annual", status="draft")
    confirm(staff, f"/admin/rundy/{round_id}/uruchom")
    confirm(staff, f"/admin/rundy/{round_id}/przypomnij")
    with app.app_context():
        invitation_id = db.session.scalars(select(Invitation)).one().id
    confirm(staff, f"/admin/rundy/{round_id}/zaproszenia/{invitation_id}/wymien")
    staff.post(f"/admin/rundy/{round_id}/zaproszenia/{invitation_id}/wyslij")
    unit_client = app.test_client()
    from services.rounds import issue_token

    with app.app_context():
        token = issue_token(db.session.get(Invitation, invitation_id))
        db.session.commit()
    unit_client.get(f"/r/{token}")
    _fill_and_submit(unit_client, survey)
    response_id = _response(app).id
    confirm(staff, f"/admin/odpowiedzi/{response_id}/zwroc", {"comment": "Popraw D6."})
    _fill_and_submit(unit_client, survey)
    staff.post(f"/admin/odpowiedzi/{response_id}/przyjmij")
    confirm(staff, f"/admin/odpowiedzi/{response_id}/otworz", {"reason": "Korekta danych."})
    confirm(staff, f"/admin/rundy/{round_id}/zamknij", {"reason": "Koniec badania."})
    confirm(staff, f"/admin/rundy/{round_id}/otworz")
    with app.app_context():
        actions = Counter(db.session.scalars(select(AuditEvent.action)))
    assert actions == Counter({
        "login": 1, "unit_create": 1, "unit_edit": 1, "round_launch": 1, "reminders": 1,
        "link_reissue": 1, "link_resend": 1, "response_return": 1, "response_accept": 1,
        "response_reopen": 1, "round_close": 1, "round_reopen": 1})
    log = staff.get("/admin/dziennik/?akcja=unit_edit")
    assert log.status_code == 200
    assert "Gmina Kluczbork (UM)" in log.text


def test_review_page_shows_table_answers_with_row_and_column_totals(app, world, staff_user):
    """Issue 11: a table question on the staff review page has each row's, each column's
    and the whole table's total, as the respondent's form showed them."""
    import re

    from models import Invitation

    unit_id = world.unit("cis", "160402", name="CIS Kluczbork")
    world.invite(world.round("cis-annual", year=2025), unit_id)
    cells = {"bezdomni": {"kobiety": 2, "mezczyzni": 3},
             "uzaleznieni_alkohol": {"kobiety": 1, "mezczyzni": 14},
             "inne": {"kobiety": 1000}}
    with app.app_context():
        invitation = db.session.scalars(select(Invitation).filter_by(unit_id=unit_id)).one()
        response = Response(invitation=invitation, status="submitted",
                            answers={"uczestnicy_wg_przeslanki": cells})
        db.session.add(response)
        db.session.commit()
        response_id = response.id
    page = _staff(app, staff_user).get(f"/admin/odpowiedzi/{response_id}")
    assert page.status_code == 200
    table = page.text.split('<table class="review-table">')[1].split("</table>")[0]
    row_totals = dict(re.findall(r'data-row-total="(\w+)">([^<]*)<', table))
    assert row_totals["bezdomni"] == "5"
    assert row_totals["uzaleznieni_alkohol"] == "15"
    assert row_totals["inne"] == "1\u00a0000"  # Polish thousands separator
    assert row_totals["uchodzcy"] == ""  # an empty row has no total
    column_totals = dict(re.findall(r'data-column-total="(\w+)">([^<]*)<', table))
    assert column_totals == {"kobiety": "1\u00a0003", "mezczyzni": "17"}
    assert re.search(r"data-grand-total>1\u00a0020<", table)
    assert "<th scope=\"col\">Razem</th>" in table
    assert "<tfoot>" in table
