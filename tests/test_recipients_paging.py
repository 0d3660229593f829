"""A draft round of a national size: the recipients page is paged and narrowed, and leaving
out "every matching unit" takes the units of every page, not only the ones shown."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import insert, select

from extensions import db
from models import Questionnaire, Round, Unit
from services.rounds import RoundSelection


def _units(app, prefix: str, count: int) -> None:
    with app.app_context():
        db.session.execute(insert(Unit), [
            {"kind": "gmina", "teryt": "160402", "name": f"Gmina {prefix} {i:03d}",
             "emails": f"{prefix.lower()}{i}@example.pl", "is_active": True}
            for i in range(count)])
        db.session.commit()


def _draft(app, admin) -> int:
    with app.app_context():
        from services.questionnaires import sync_questionnaires

        sync_questionnaires()
        db.session.commit()
        questionnaire_id = db.session.scalar(select(Questionnaire.id).filter_by(key="jst-annual"))
    today = date.today()
    made = admin.post("/admin/rundy/nowa", data={
        "questionnaire_id": questionnaire_id, "reporting_year": "2025", "half": "",
        "opens_on": today.isoformat(), "deadline": (today + timedelta(days=20)).isoformat(),
        "reminder_days": "7, 2", "kinds": ["gmina"]})
    assert made.status_code == 302, made.text[:2000]
    with app.app_context():
        return db.session.scalars(select(Round.id).order_by(Round.id.desc())).first()


def _rows(html: str) -> list[str]:
    return re.findall(r'<th scope="row">([^<]+)</th>', html)


def _ids(html: str) -> list[int]:
    return [int(v) for v in re.findall(r'name="jednostki" value="(\d+)"', html)]


def _excluded(app, round_id: int) -> set[int]:
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        return set(RoundSelection.from_json(round_.selection).excluded)


def test_recipients_are_paged_and_all_matching_means_every_page(app, world, login):
    admin = login("admin")
    _units(app, "Alfa", 150)
    _units(app, "Beta", 80)
    round_id = _draft(app, admin)
    here = f"/admin/rundy/{round_id}/odbiorcy"

    first = admin.get(here).text
    assert len(_rows(first)) == 100
    assert "Odbiorcy: 230 (strona 1 z 3)" in first
    assert "Po uruchomieniu rundy zaproszenie dostanie 230 jednostek." in first
    assert f'href="{here}?strona=2"' in first
    assert "Następna →" in first
    last = admin.get(f"{here}?strona=3").text
    assert len(_rows(last)) == 30
    assert "← Poprzednia" in last
    assert set(_rows(first)).isdisjoint(_rows(last))
    assert _rows(admin.get(f"{here}?strona=999").text) == _rows(last)  # clamped to the last

    narrowed = admin.get(f"{here}?filtr=alfa").text
    assert "Odbiorcy: 150 (z 230) (strona 1 z 2)" in narrowed
    assert all("Alfa" in name for name in _rows(narrowed))
    assert "Zaznacz wszystkie pasujące: 150 jednostek, także na innych stronach listy" in narrowed
    assert "strona=2&amp;filtr=alfa" in narrowed or "filtr=alfa&amp;strona=2" in narrowed

    # ticked ones only: two units of the page shown
    ticked = _ids(narrowed)[:2]
    done = admin.post(f"{here}/zaznaczone/pomin", data={"jednostki": ticked, "filtr": "alfa"})
    assert done.status_code == 302
    assert "filtr=alfa" in done.headers["Location"]
    assert _excluded(app, round_id) == set(ticked)
    assert "Pominięto 2 jednostki — nie dostaną zaproszenia." in admin.get(
        done.headers["Location"]).text

    # every matching unit: one ticked on page 1, yet all 148 left of the 150 "Alfa" go
    done = admin.post(f"{here}/zaznaczone/pomin", data={
        "jednostki": _ids(narrowed)[2:3], "wszystkie": "1", "filtr": "alfa"})
    assert done.status_code == 302
    with app.app_context():
        alfa = set(db.session.scalars(select(Unit.id).where(Unit.name.like("Gmina Alfa%"))))
    assert _excluded(app, round_id) == alfa
    page = admin.get(here).text
    assert "Pominięto 148 jednostek — nie dostaną zaproszenia." in page
    assert "Odbiorcy: 80" in page
    assert "(strona" not in page.split("Odbiorcy: 80")[1][:20]
    assert set(_rows(page)) == {f"Gmina Beta {i:03d}" for i in range(80)}
    assert "Pominięte ręcznie (150)" in page
    assert page.count('name="jednostka" value="id:') <= 80 + 100  # left-out list is capped
    assert "… i 50 innych." in page
    launch = admin.get(f"/admin/rundy/{round_id}/uruchom").text
    assert "80 jednostek dostanie teraz e-mail z zaproszeniem" in launch

    restored = admin.post(f"{here}/zaznaczone/przywroc", data={"wszystkie": "1"})
    assert restored.status_code == 302
    assert _excluded(app, round_id) == set()
    assert "Odbiorcy: 230 (strona 1 z 3)" in admin.get(here).text


def test_bulk_changes_need_a_selection_and_a_draft(app, world, login):
    admin = login("admin")
    _units(app, "Alfa", 3)
    round_id = _draft(app, admin)
    here = f"/admin/rundy/{round_id}/odbiorcy"
    nothing = admin.post(f"{here}/zaznaczone/pomin", data={})
    assert "Nie zaznaczono żadnej jednostki." in admin.get(nothing.headers["Location"]).text
    assert _excluded(app, round_id) == set()


def test_a_coordinator_sees_the_pages_but_changes_nothing(app, world, login):
    admin = login("admin")
    _units(app, "Alfa", 120)
    round_id = _draft(app, admin)
    assert admin.post("/wyloguj").status_code == 302
    coordinator = login("coordinator", "koordynator@rops.example.pl")
    here = f"/admin/rundy/{round_id}/odbiorcy"
    assert coordinator.post(f"{here}/zaznaczone/pomin", data={"wszystkie": "1"}).status_code \
        == 403
    page = coordinator.get(here).text
    assert len(_rows(page)) == 100
    assert 'name="wszystkie"' not in page
    assert _excluded(app, round_id) == set()
