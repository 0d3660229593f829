"""Plan against execution: the report's numbers against an independent recount of the answers."""

from __future__ import annotations

import io
import random
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from forms.loader import load_survey_file
from reports.frame import build_frame
from reports.plan import AREAS, plan_report

ROOT = Path(__file__).resolve().parent.parent
SURVEY, _ = load_survey_file(ROOT / "survey_defs" / "plan-uslug-wykonanie.yaml")
REGIONS = {"02": "DOLNOŚLĄSKIE", "16": "OPOLSKIE", "24": "ŚLĄSKIE"}


def _records(n: int = 60, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    found = []
    for i in range(n):
        region = rng.choice(sorted(REGIONS))
        answers = {}
        for area in AREAS:
            planned = rng.choice([0, 0, 1, 2, 5])
            answers[f"{area}_plan_liczba"] = planned
            answers[f"{area}_plan_wartosc"] = f"{planned * rng.randint(1000, 9000)}.{i % 100:02d}"
            done = max(0, planned + rng.choice([-1, 0, 0, 1]))
            answers[f"{area}_wyk_liczba"] = done
            answers[f"{area}_wyk_wartosc"] = f"{done * rng.randint(1000, 9000)}.{i % 7:02d}"
        found.append({
            "unit_id": i, "unit_name": f"Gmina {i:03d}", "unit_kind": "gmina",
            "territory": f"{region}01{i % 90:02d}", "rodz": "2", "powiat_name": "p",
            "wojewodztwo_name": REGIONS[region],
            "status": "invited" if i % 10 == 9 else rng.choice(["submitted", "accepted"]),
            "answers": answers})
    return found


def _recount(records: list[dict]) -> dict:
    """The same figures computed straight from the answers, with plain Decimals."""
    done = [r for r in records if r["status"] in ("submitted", "accepted")]
    totals: dict[tuple[str | None, str, str], Decimal] = {}
    met: dict[str | None, list[bool]] = {}
    for r in done:
        a, region = r["answers"], r["territory"][:2]
        ok = True
        for area in AREAS:
            for measure in ("plan_liczba", "wyk_liczba", "plan_wartosc", "wyk_wartosc"):
                value = Decimal(str(a[f"{area}_{measure}"]))
                for key in (None, region):
                    totals[key, area, measure] = totals.get((key, area, measure), 0) + value
            planned = (Decimal(str(a[f"{area}_plan_liczba"])),
                       Decimal(a[f"{area}_plan_wartosc"]))
            if planned != (0, 0) and (a[f"{area}_wyk_liczba"] < planned[0]
                                      or Decimal(a[f"{area}_wyk_wartosc"]) < planned[1]):
                ok = False
        for key in (None, region):
            met.setdefault(key, []).append(ok)
    return {"totals": totals, "met": met, "count": len(done)}


def test_plan_report_numbers_match_an_independent_recount():
    records = _records()
    frame = build_frame(records, SURVEY, reporting_year=2026)
    report = plan_report(frame)
    expected = _recount(records)
    assert report.jst_count == expected["count"] == 54
    assert report.met_count == sum(expected["met"][None])
    assert 0 < report.met_count < report.jst_count  # both kinds of JST are in the sample
    for row in report.national.to_dict("records"):
        area = next(a for a, label in AREAS.items() if label == row["obszar"])
        for measure in ("plan_liczba", "wyk_liczba", "plan_wartosc", "wyk_wartosc"):
            assert row[measure] == expected["totals"][None, area, measure], (area, measure)
        assert row["odsetek_spelnionych"] == sum(expected["met"][None]) / expected["count"]
    for row in report.by_wojewodztwo.to_dict("records"):
        region = row["wojewodztwo"][:2]
        area = next(a for a, label in AREAS.items() if label == row["obszar"])
        assert row["wyk_wartosc"] == expected["totals"][region, area, "wyk_wartosc"]
        assert row["jst"] == len(expected["met"][region])
        assert row["jst_plan_spelniony"] == sum(expected["met"][region])
    assert len(report.by_jst) == 54
    assert set(report.by_wojewodztwo["wojewodztwo"]) == {
        "02 dolnośląskie", "16 opolskie", "24 śląskie"}


def _plan_workbook(records: list[dict]):
    """The plan workbook of ``records``, read back."""
    from reports.build import plan as plan_content
    from reports.xlsx import ReportInfo, write_report

    frame = build_frame(records, SURVEY, reporting_year=2026)
    info = ReportInfo(title="Plan a wykonanie", round_label="Wykonanie 2026", period="2026",
                      questionnaire="plan-uslug-wykonanie 2026.1",
                      generated_at=datetime(2026, 12, 2, 3, 30))
    buffer = io.BytesIO()
    write_report(buffer, plan_content(info, frame))
    return load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)


def test_the_workbook_has_the_plan_sheets_with_the_same_figures():
    records = _records()
    book = _plan_workbook(records)
    assert {"Plan – kraj", "Plan – województwa", "Plan – JST"} <= set(book.sheetnames)
    national = list(book["Plan – kraj"].iter_rows(values_only=True))
    assert national[0][:3] == ("obszar", "plan: liczba usług", "wykonanie: liczba")
    expected = _recount(records)["totals"]
    first = next(r for r in national[1:] if r[0] == "Pomoc społeczna")
    assert Decimal(str(first[3])).quantize(Decimal("0.01")) == expected[None, "pomoc",
                                                                         "plan_wartosc"]
    jst = list(book["Plan – JST"].iter_rows(values_only=True))
    assert len(jst) == 55
    assert jst[0][-1] == "plan spełniony"


def test_a_follow_up_round_nobody_has_answered_yet_has_its_workbook():
    """Right after launch: the sheets with their headers and no row, not a traceback."""
    book = _plan_workbook([dict(r, status="invited") for r in _records(5)])
    regions = list(book["Plan – województwa"].iter_rows(values_only=True))
    assert regions[0][:2] == ("województwo", "obszar")
    assert [r for r in regions[1:] if any(v is not None for v in r)] == []


def test_a_regional_partner_gets_its_part_of_the_national_plan_report(app, world):
    from sqlalchemy import select

    from extensions import db
    from models import Invitation, Response
    from services.organisations import create_organisation, create_user, find_organisation
    from services.rounds import invite
    from services.scoping import act_as, set_scope
    from services.units import create_unit

    from support import STAFF_PASSWORD
    from support.organisations import add_slaskie

    with app.app_context():
        add_slaskie()
        operator = create_organisation("Nowa wiedza", "kraj")
        partner = create_organisation("Partner Opolskie", "woj:16", partner_of=operator)
        create_user("op@nw.example.pl", "admin", operator, password=STAFF_PASSWORD)
        create_user("p@nw.example.pl", "coordinator", partner, password=STAFF_PASSWORD)
        db.session.commit()
    with app.app_context():
        from datetime import date, timedelta

        from services.questionnaires import sync_questionnaires
        from services.rounds import create_round

        act_as(find_organisation("Nowa wiedza"), db.session)
        follow_up = next(q for q in sync_questionnaires() if q.key == "plan-uslug-wykonanie")
        round_ = create_round(follow_up, period="2026", reporting_year=2026,
                              opens_on=date.today(), deadline=date.today() + timedelta(days=9),
                              status="open")
        round_id = round_.id
        for teryt, name in (("160402", "Gmina Kluczbork"), ("246901", "Miasto Katowice")):
            unit = create_unit({"kind": "gmina", "name": name, "teryt": teryt,
                                "emails": f"{teryt}@example.pl", "is_active": True})
            invitation, _ = invite(round_, unit)
            answers = dict(_records(1)[0]["answers"])
            db.session.add(Response(invitation=invitation, answers=answers, status="submitted",
                                    version=1))
        db.session.commit()
        set_scope(None)
        assert len(db.session.scalars(select(Invitation)).all()) == 2
    for email, expected in (("op@nw.example.pl", {"Gmina Kluczbork", "Miasto Katowice"}),
                            ("p@nw.example.pl", {"Gmina Kluczbork"})):
        client = app.test_client()
        assert client.post("/logowanie", data={"email": email, "password": STAFF_PASSWORD}
                           ).status_code == 302
        page = client.get(f"/admin/zestawienia/plik?runda={round_id}&rodzaj=plan")
        assert page.status_code == 200, page.text[:300]
        book = load_workbook(io.BytesIO(page.get_data()), read_only=True)
        names = {row[2] for row in list(book["Plan – JST"].iter_rows(values_only=True))[1:]}
        assert names == expected, email
        shown = client.get(f"/admin/zestawienia/?pokaz=1&runda={round_id}&rodzaj=plan")
        assert "Plan spełniło" in shown.text
    with app.test_request_context():
        from models import Round
        from services.progress import round_progress
        from services.scoping import scope_of

        for name, invited, regions in (("Nowa wiedza", 2, 2), ("Partner Opolskie", 1, 0)):
            set_scope(scope_of(find_organisation(name), db.session))
            progress = round_progress(db.session.get(Round, round_id))
            assert progress.overall.invited == invited, name
            # a national round's dashboard groups by województwo first
            assert len(progress.by_wojewodztwo) == regions, name


def test_the_plan_report_maps_wojewodztwa_in_the_page_the_workbook_and_the_document(
        app, world):
    """Response rate and the share of JST that met their plan, by województwo: an SVG on the
    exports page, a PNG with its table on 'Mapy' in the workbook, a figure in the document."""
    import docx
    from sqlalchemy import select

    from extensions import db
    from models import Invitation, Response
    from services.organisations import create_organisation, create_user
    from services.questionnaires import sync_questionnaires
    from services.rounds import create_round, invite
    from services.scoping import act_as, set_scope
    from services.units import create_unit

    from support import STAFF_PASSWORD
    from support.organisations import add_slaskie

    with app.app_context():
        from datetime import date, timedelta

        add_slaskie()
        operator = create_organisation("Nowa wiedza", "kraj")
        create_user("op@nw.example.pl", "admin", operator, password=STAFF_PASSWORD)
        act_as(operator, db.session)
        follow_up = next(q for q in sync_questionnaires() if q.key == "plan-uslug-wykonanie")
        round_ = create_round(follow_up, period="2026", reporting_year=2026,
                              opens_on=date.today(), deadline=date.today() + timedelta(days=9),
                              status="open")
        answers = dict(_records(1)[0]["answers"])
        missed = {**answers, "pomoc_wyk_liczba": 0, "pomoc_plan_liczba": 3}
        # opolskie: 2 of 3 answered, one met its plan; śląskie: 1 of 1 answered and met
        for teryt, plan in (("160401", answers), ("160402", missed), ("160403", None),
                            ("246901", answers)):
            unit = create_unit({"kind": "gmina", "name": f"JST {teryt}", "teryt": teryt,
                                "emails": f"{teryt}@example.pl", "is_active": True})
            invitation, _ = invite(round_, unit)
            if plan is not None:
                db.session.add(Response(invitation=invitation, answers=plan,
                                        status="submitted", version=1))
        round_id = round_.id
        db.session.commit()
        set_scope(None)
        assert len(db.session.scalars(select(Invitation)).all()) == 4
    client = app.test_client()
    assert client.post("/logowanie", data={"email": "op@nw.example.pl",
                                           "password": STAFF_PASSWORD}).status_code == 302
    shown = client.get(f"/admin/zestawienia/?pokaz=1&runda={round_id}&rodzaj=plan").text
    assert "Odsetek JST, które spełniły plan, wg województw" in shown
    svg = shown.split("Odsetek JST, które spełniły plan, wg województw</figcaption>")[1]
    assert "<title>opolskie: 50,0%" in svg.split("</svg>")[0]
    assert "<title>śląskie: 100,0%" in svg.split("</svg>")[0]
    book = client.get(f"/admin/zestawienia/plik?runda={round_id}&rodzaj=plan")
    workbook = load_workbook(io.BytesIO(book.get_data()))
    sheet = workbook["Mapy"]
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True) if any(r)]
    assert ("opolskie", "66,7%", "50–70%") in rows  # 2 of 3 answered
    assert ("śląskie", "100,0%", "90–100%") in rows
    assert len(sheet._images) == 2
    document = client.get(f"/admin/zestawienia/plik?runda={round_id}&rodzaj=plan&format=docx")
    assert document.status_code == 200, document.text[-3000:]
    text = docx.Document(io.BytesIO(document.get_data()))
    paragraphs = [p.text for p in text.paragraphs]
    assert "Plan a wykonanie" in paragraphs
    assert any("plan spełniło: 2 (66,7%)" in p for p in paragraphs)
    assert len(text.inline_shapes) == 2
    cells = {c.text for t in text.tables for row in t.rows for c in row.cells}
    assert {"opolskie", "śląskie", "50,0%", "100,0%"} <= cells
