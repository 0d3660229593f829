"""Reviewing a region's responses: search, filters, sort and pages done in SQL; bulk accept
of the clean ones; the response page's summary, last year's values, notes on demand, the
sticky bar and previous / next within the filter; the dashboard's worklist."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select
from werkzeug.datastructures import MultiDict

from extensions import db
from models import AuditEvent, Invitation, Response
from services.review_list import ResponseFilter, neighbours, response_page

from support.confirming import confirm
from support.review_seed import seed_review_round

#: (name, TERYT, status or None, warnings?, ROPS notes?) — submitted in this order
UNITS = [
    ("Gmina Łambinowice", "160403", "submitted", False, False),
    ("Gmina Lasowice Wielkie", "160403", "submitted", True, False),
    ("Gmina Zębowice", "160404", "accepted", False, False),
    ("Gmina Świerczów", "160404", "returned", False, True),
    ("Gmina Kluczbork", "160402", "submitted", False, False),
    ("Gmina Byczyna", "160401", "draft", False, False),
    ("Miasto Opole", "166101", None, False, False),
    ("Gmina Cisek", "160402", "submitted", False, True),
]


@pytest.fixture
def review_round(app, world):
    """A round with the units above; returns (round id, name → response id)."""
    round_id = world.round("jst-annual")
    ids = {}
    start = datetime(2026, 1, 10, 9, tzinfo=UTC)
    for index, (name, teryt, status, warned, noted) in enumerate(UNITS):
        unit_id = world.unit("gmina", teryt, name=name)
        world.invite(round_id, unit_id)
        if status is None:
            continue
        with app.app_context():
            invitation = db.session.scalars(select(Invitation).filter_by(unit_id=unit_id)).one()
            response = Response(
                invitation=invitation, status=status, answers={"zam_ogolem_liczba": 10 + index},
                warnings={"zam_ogolem_liczba": {"messages": ["Wartość dużo wyższa niż rok "
                                                             "wcześniej."],
                                                "comment": "Nowy program."}} if warned else {},
                question_notes={"zam_ogolem_liczba": "Sprawdź."} if noted else {},
                submitted_at=None if status == "draft" else start + timedelta(days=index))
            db.session.add(response)
            db.session.commit()
            ids[name] = response.id
    return round_id, ids


def _names(page_text: str) -> list[str]:
    body = re.search(r"<tbody>(.*?)</tbody>", page_text, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", cell).split("  ")[0].strip()
            for cell in re.findall(r'<th scope="row">(.*?)<span class="muted">', body, re.S)]


def test_search_filters_and_polish_sort(app, review_round, login):
    round_id, _ids = review_round
    staff = login("coordinator")
    url = f"/admin/odpowiedzi/runda/{round_id}"
    names = _names(staff.get(url).text)
    assert names == ["Gmina Byczyna", "Gmina Cisek", "Gmina Kluczbork", "Gmina Lasowice Wielkie",
                     "Gmina Łambinowice", "Gmina Świerczów", "Gmina Zębowice", "Miasto Opole"]
    assert _names(staff.get(url + "?sort=-nazwa").text) == names[::-1]
    assert _names(staff.get(url + "?szukaj=łamb").text) == ["Gmina Łambinowice"]
    assert _names(staff.get(url + "?szukaj=160404").text) == ["Gmina Świerczów",
                                                              "Gmina Zębowice"]
    assert _names(staff.get(url + "?powiat=1661").text) == ["Miasto Opole"]
    assert _names(staff.get(url + "?stan=submitted&stan=returned").text) == [
        "Gmina Cisek", "Gmina Kluczbork", "Gmina Lasowice Wielkie", "Gmina Łambinowice",
        "Gmina Świerczów"]
    assert _names(staff.get(url + "?stan=invited").text) == ["Miasto Opole"]
    assert _names(staff.get(url + "?ostrzezenia=1").text) == ["Gmina Lasowice Wielkie"]
    assert _names(staff.get(url + "?uwagi=1").text) == ["Gmina Cisek", "Gmina Świerczów"]
    assert _names(staff.get(url + "?sort=wyslano&stan=submitted").text) == [
        "Gmina Łambinowice", "Gmina Lasowice Wielkie", "Gmina Kluczbork", "Gmina Cisek"]
    page = staff.get(url + "?stan=submitted&ostrzezenia=1").text
    assert "Jednostki: 1" in page
    assert 'aria-sort="ascending"' in page


def test_pages_are_cut_by_the_database(app, review_round):
    round_id, _ids = review_round
    statements: list[str] = []
    with app.app_context():
        listen = lambda conn, cursor, sql, *rest: statements.append(sql)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            first = response_page(round_id, ResponseFilter(), page_size=3)
            third = response_page(round_id, ResponseFilter(page=3), page_size=3)
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
    assert (first.total, first.pages) == (8, 3)
    assert [r.name for r in first.rows] == ["Gmina Byczyna", "Gmina Cisek", "Gmina Kluczbork"]
    assert [r.name for r in third.rows] == ["Gmina Zębowice", "Miasto Opole"]
    listing = [s for s in statements if "LIMIT" in s.upper() and "ORDER BY" in s.upper()]
    assert len(listing) == 2  # one query a page, ordered and cut in SQL
    assert all("COLLATE" in s.upper() for s in listing)


def test_previous_and_next_follow_the_filter(app, review_round, login):
    round_id, ids = review_round
    staff = login("admin")
    chosen = ResponseFilter.from_args(MultiDict({"stan": "submitted"}))
    with app.app_context():
        around = neighbours(round_id, chosen, ids["Gmina Kluczbork"])
    assert (around.previous, around.next) == (ids["Gmina Cisek"], ids["Gmina Lasowice Wielkie"])
    assert (around.position, around.count) == (2, 4)
    page = staff.get(f"/admin/odpowiedzi/{ids['Gmina Kluczbork']}?stan=submitted").text
    assert f'href="/admin/odpowiedzi/{ids["Gmina Lasowice Wielkie"]}?stan=submitted" rel="next"' \
        in page
    assert "2 z 4" in page
    # accept and go on: the next response of the same filter opens
    done = staff.post(f"/admin/odpowiedzi/{ids['Gmina Kluczbork']}/przyjmij?stan=submitted"
                      "&dalej=1")
    assert done.headers["Location"].endswith(
        f"/admin/odpowiedzi/{ids['Gmina Lasowice Wielkie']}?stan=submitted")


def test_bulk_accept_takes_only_clean_sent_responses_of_the_filter(app, review_round, login):
    round_id, ids = review_round
    staff = login("admin")
    page = staff.get(f"/admin/odpowiedzi/runda/{round_id}").text
    assert "Przyjmij 2 odpowiedzi bez ostrzeżeń i uwag…" in page  # Łambinowice, Kluczbork
    narrowed = staff.get(f"/admin/odpowiedzi/runda/{round_id}?powiat=1604&szukaj=kluczb").text
    assert "Przyjmij 1 odpowiedź bez ostrzeżeń i uwag…" in narrowed
    url = f"/admin/odpowiedzi/runda/{round_id}/przyjmij-bez-uwag"
    confirmation = staff.get(url).text
    assert "2 wysłane odpowiedzi zostaną przyjęte" in confirmation
    assert "Gmina Łambinowice" in confirmation
    assert "Gmina Lasowice Wielkie" not in confirmation  # it has a warning
    assert staff.post(url).status_code == 200  # no confirmation: nothing happens
    with app.app_context():
        assert db.session.get(Response, ids["Gmina Kluczbork"]).status == "submitted"
    assert confirm(staff, url).status_code == 302
    with app.app_context():
        statuses = {name: db.session.get(Response, i).status for name, i in ids.items()}
        accepted = db.session.scalars(select(AuditEvent).filter_by(action="response_accept"))
        assert len(accepted.all()) == 2
    assert statuses["Gmina Kluczbork"] == statuses["Gmina Łambinowice"] == "accepted"
    assert statuses["Gmina Lasowice Wielkie"] == statuses["Gmina Cisek"] == "submitted"
    again = staff.get(f"/admin/odpowiedzi/runda/{round_id}").text
    assert "bez ostrzeżeń i uwag…" not in again  # nothing left to offer


def test_response_page_summary_last_year_notes_on_demand_and_sticky_bar(app, world, login):
    staff = login("admin")
    unit_id = world.unit("gmina", "160402", name="Gmina Kluczbork")
    before, now = world.round("jst-annual", year=2024), world.round("jst-annual", year=2025)
    world.invite(before, unit_id)
    world.invite(now, unit_id)
    with app.app_context():
        old, new = (db.session.scalars(select(Invitation).filter_by(round_id=r)).one()
                    for r in (before, now))
        db.session.add(Response(invitation=old, status="accepted",
                                answers={"zam_ogolem_liczba": 40, "pracownicy_przeszkoleni": 3}))
        response = Response(
            invitation=new, status="submitted", submitted_at=datetime.now(UTC),
            answers={"zam_ogolem_liczba": 100, "pracownicy_przeszkoleni": 3},
            warnings={"zam_ogolem_liczba": {"messages": ["Dużo więcej niż rok wcześniej."],
                                            "comment": "Doszły zamówienia szpitala."}})
        db.session.add(response)
        db.session.commit()
        response_id = response.id
    page = staff.get(f"/admin/odpowiedzi/{response_id}").text
    summary = page.index("Ostrzeżenie i wyjaśnienie jednostki (1)")
    assert summary < page.index('id="sec-d1"')  # at the top, before the answers
    assert 'href="#pytanie-zam_ogolem_liczba"' in page
    assert "Doszły zamówienia szpitala." in page
    assert "+150,0%" in page  # 40 → 100
    assert "duża zmiana" in page
    assert "(0,0%)" in page  # 3 → 3
    assert page.count('<details class="add-note">') == 2  # closed: notes on demand
    assert 'form="return-form"' in page
    bar = page[page.index('class="review-bar"'):]
    assert "Przyjmij" in bar
    assert "Zwróć do korekty…" in bar
    # a note typed on the page goes with the return (to its confirmation page)
    confirmation = staff.post(f"/admin/odpowiedzi/{response_id}/zwroc",
                              data={"n_zam_ogolem_liczba": "Proszę o rozbicie na umowy."})
    assert "Proszę o rozbicie na umowy." in confirmation.text


def test_dashboard_lists_what_waits_for_review(app, review_round, login):
    round_id, _ids = review_round
    page = login("coordinator").get("/admin/").text
    assert "Do przeglądu" in page
    assert "4 wysłane odpowiedzi czekają na przyjęcie lub zwrot: Ankieta JST" in page
    assert f"/admin/odpowiedzi/runda/{round_id}?stan=submitted&amp;sort=wyslano" in page


@pytest.mark.postgres_only
def test_two_thousand_responses_on_postgresql(app, world, login):
    """Filters, sort and pages hold on PostgreSQL at a region's scale: each page is one
    ordered, limited query, and no statement brings back more rows than a page."""
    with app.app_context():
        round_id = seed_review_round(2000)
        submitted = db.session.scalar(
            select(db.func.count()).select_from(Response).join(Invitation)
            .where(Invitation.round_id == round_id, Response.status == "submitted"))
    staff = login("coordinator")
    fetched: list[int] = []
    with app.app_context():
        count = lambda conn, cursor, *rest: fetched.append(cursor.rowcount)  # noqa: E731
        event.listen(db.engine, "after_cursor_execute", count)
    try:
        page = staff.get(f"/admin/odpowiedzi/runda/{round_id}?stan=submitted&sort=-nazwa"
                         "&strona=2")
    finally:
        with app.app_context():
            event.remove(db.engine, "after_cursor_execute", count)
    assert page.status_code == 200
    assert f"Jednostki: {submitted}" in page.text
    names = _names(page.text)
    assert len(names) == 50
    with app.app_context():
        from l10n import polish_sort_key
        from models import Unit

        expected = sorted(db.session.scalars(
            select(Unit.name).select_from(Response)
            .join(Invitation, Invitation.id == Response.invitation_id)
            .join(Unit, Unit.id == Invitation.unit_id)
            .where(Invitation.round_id == round_id, Response.status == "submitted")),
            key=polish_sort_key, reverse=True)
    assert names == expected[50:100]
    assert max(fetched) <= 60, fetched  # the page, counts and the session — never all rows
