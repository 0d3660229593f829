"""A national round's pages: województwa first (with their map), then the powiats of one; the
units without an answer a page at a time; a regional partner sees its part of the same round."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from support import STAFF_PASSWORD

OPERATOR, PARTNER = "op@nw.example.pl", "partner@nw.example.pl"
#: units of opolskie in the round: more than the 50 of one page of units without an answer
OPOLSKIE_UNITS = 70
SLASKIE_POWIATS = ["Katowice (miasto na prawach powiatu)", "powiat częstochowski"]


@pytest.fixture
def national(app, world):
    """A national operator's follow-up round: 70 units in opolskie (every fourth answered) and
    the two gminas of śląskie (Katowice answered) invited; a partner for śląskie."""
    from sqlalchemy import select

    from extensions import db
    from models import Response, Territory
    from services.organisations import create_organisation, create_user
    from services.questionnaires import sync_questionnaires
    from services.rounds import create_round, invite
    from services.scoping import act_as, set_scope
    from services.units import create_unit

    from support.organisations import add_slaskie

    with app.app_context():
        add_slaskie()
        operator = create_organisation("Nowa wiedza", "kraj")
        partner = create_organisation("Partner Śląskie", "woj:24", partner_of=operator)
        create_user(OPERATOR, "admin", operator, password=STAFF_PASSWORD)
        create_user(PARTNER, "coordinator", partner, password=STAFF_PASSWORD)
        db.session.commit()
        act_as(operator, db.session)
        follow_up = next(q for q in sync_questionnaires() if q.key == "plan-uslug-wykonanie")
        round_ = create_round(follow_up, period="2026", reporting_year=2026,
                              opens_on=date.today(), deadline=date.today() + timedelta(days=9),
                              status="open")
        gminas = db.session.scalars(select(Territory).where(Territory.level == "gmina")
                                    .order_by(Territory.code)).all()
        opolskie = [t for t in gminas if t.code.startswith("16")]
        # more units than one page of the round's list: several per gmina of opolskie
        units = [(f"JST {opolskie[i % len(opolskie)].code}-{i:02d}",
                  opolskie[i % len(opolskie)], i % 4 == 0) for i in range(OPOLSKIE_UNITS)]
        units += [("JST 246901", db.session.get(Territory, "246901"), True),
                  ("JST 240401", db.session.get(Territory, "240401"), False)]
        for name, territory, answered in units:
            unit = create_unit({"kind": "gmina", "name": name, "teryt": territory.code,
                                "emails": f"{territory.code}@ex.pl", "is_active": True})
            invitation, _token = invite(round_, unit)
            if answered:
                db.session.add(Response(invitation=invitation, answers={}, status="submitted",
                                        version=1))
        db.session.commit()
        set_scope(None)
        return {"round_id": round_.id, "opolskie": OPOLSKIE_UNITS, "slaskie": 2}


def _login(app, email):
    client = app.test_client()
    assert client.post("/logowanie", data={"email": email, "password": STAFF_PASSWORD}
                       ).status_code == 302
    return client


def _rows(html: str, caption: str) -> list[str]:
    """The row headers of the table with this caption (text only)."""
    table = html.split(f"<caption>{caption}")[1].split("</table>")[0]
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r'<th scope="row">(.*?)</th>', table, re.S)]


def test_the_round_page_shows_wojewodztwa_with_a_map_then_the_powiats_of_one(app, national):
    client = _login(app, OPERATOR)
    page = client.get(f"/admin/rundy/{national['round_id']}").text
    regions = _rows(page, "Według województw")
    assert regions == ["województwo opolskie", "województwo śląskie"]
    assert "Według powiatów" not in page  # 380 powiats of a country wait for a choice
    svg = page.split('<svg', 1)[1].split("</svg>")[0]
    assert 'role="img"' in svg
    # the map's areas say the rate: śląskie 1 of 2 sent, opolskie 18 of 70
    assert re.search(r"<title>śląskie: 50(,0)?\s?%", svg), svg[:300]
    assert re.search(r"<title>opolskie: 25[,.]7\s?%", svg), svg[:300]
    assert "<title>dolnośląskie: brak danych" in svg
    assert f'href="/admin/rundy/{national["round_id"]}?wojewodztwo=24#powiaty"' in page

    chosen = client.get(f"/admin/rundy/{national['round_id']}?wojewodztwo=24").text
    assert _rows(chosen, "Według powiatów") == SLASKIE_POWIATS
    assert "kluczborski" not in chosen
    # the list of units without an answer follows the choice
    assert _rows(chosen, "Jednostki, które nie wysłały odpowiedzi") == ["JST 240401"]
    # while the reminder still goes to every unit of the round without an answer
    assert "Wyślij przypomnienie do 53 jednostek" in chosen
    # the powiat map of the chosen województwo
    assert "<title>Katowice: " in chosen.split("<svg", 1)[1]
    # a code that is not one of the round's województwa shows the województwa again
    other = client.get(f"/admin/rundy/{national['round_id']}?wojewodztwo=02").text
    assert "Według powiatów" not in other


def test_units_without_an_answer_come_a_page_at_a_time(app, national):
    client = _login(app, OPERATOR)
    total = national["opolskie"] + national["slaskie"]
    answered = len(range(0, OPOLSKIE_UNITS, 4)) + 1
    pending = total - answered
    assert pending > 50, "the sample register must give more than one page"
    first = client.get(f"/admin/rundy/{national['round_id']}").text
    assert f"Jednostki bez wysłanej odpowiedzi ({pending})" in first
    rows = _rows(first, "Jednostki, które nie wysłały odpowiedzi")
    assert len(rows) == 50
    assert 'aria-current="page">1<' in first
    second = client.get(f"/admin/rundy/{national['round_id']}?strona=2").text
    more = _rows(second, "Jednostki, które nie wysłały odpowiedzi")
    assert len(more) == pending - 50
    assert not set(rows) & set(more)
    # the whole list with its filters is one link away
    assert "stan=invited&amp;stan=opened&amp;stan=draft&amp;stan=returned" in first


def test_the_review_list_groups_by_wojewodztwo_then_powiat(app, national):
    client = _login(app, OPERATOR)
    base = f"/admin/odpowiedzi/runda/{national['round_id']}"
    page = client.get(base).text
    assert _rows(page, "Według województw") == ["województwo opolskie", "województwo śląskie"]
    assert 'name="powiat"' not in page  # no 380 checkboxes before a województwo is chosen
    chosen = client.get(f"{base}?wojewodztwo=24").text
    assert "Jednostki: 2" in chosen
    assert _rows(chosen, "Powiaty: województwo śląskie") == SLASKIE_POWIATS
    assert 'name="powiat" value="2469"' in chosen
    assert 'value="1604"' not in chosen
    one = client.get(f"{base}?wojewodztwo=24&powiat=2469").text
    assert "Jednostki: 1" in one
    assert "JST 246901" in one
    # paging keeps the filter in the URL
    opolskie = client.get(f"{base}?wojewodztwo=16").text
    assert f"Jednostki: {national['opolskie']}" in opolskie
    assert "wojewodztwo=16&amp;strona=2" in opolskie


def test_a_regional_partner_sees_its_part_of_the_round(app, national):
    client = _login(app, PARTNER)
    page = client.get(f"/admin/rundy/{national['round_id']}").text
    assert "Według województw" not in page  # its part lies in one województwo
    assert "JST 16" not in page
    assert "kluczborski" not in page
    assert _rows(page, "Według powiatów") == SLASKIE_POWIATS
    assert "Jednostki bez wysłanej odpowiedzi (1)" in page
    listed = client.get(f"/admin/odpowiedzi/runda/{national['round_id']}").text
    assert f"Jednostki: {national['slaskie']}" in listed
    assert "JST 16" not in listed
    # asking for another województwo by URL shows nothing of it
    other = client.get(f"/admin/odpowiedzi/runda/{national['round_id']}?wojewodztwo=16").text
    assert "Jednostki: 0" in other
    assert "JST 16" not in other
