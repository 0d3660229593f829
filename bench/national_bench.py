"""Benchmark: a national "Nowa wiedza" round of every JST of the country on PostgreSQL.

``python -m bench.national_bench [--repeat 20] [--db URL] [--terc PATH]`` loads the TERC
register (``--terc``; default the full register beside the repository,
``../shared/data/teryt/TERC_Urzedowy_2025-01-01.xml``, else the sample of one województwo),
creates a national operator (``kraj``) with every gmina and powiat as a unit, a plan round and
its follow-up with every JST invited and responses in a realistic mix (bulk inserts), and a
regional partner (``woj:24``). It times whole requests through the application (Flask test
client) as the operator and as the partner — the dashboard, the round page and the response
list — and prints p50 / p95 over ``--repeat`` loads, then the plan report's build time
(frame + tables + workbook). Goal: pages < 300 ms p95.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from tests.support.scratch_db import scratch_database

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FULL_TERC = Path(__file__).resolve().parents[2] / "shared" / "data" / "teryt" / \
    "TERC_Urzedowy_2025-01-01.xml"
AREAS = ("pomoc", "zatrudnienie", "dzieci", "zdrowie", "rynek_pracy")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="powtórzeń każdego żądania")
    parser.add_argument("--db", default=DEFAULT_DB, help="URL bazy PostgreSQL")
    parser.add_argument("--terc", type=Path, default=FULL_TERC, help="plik TERC (XML/CSV)")
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    with (tempfile.TemporaryDirectory(prefix="esmon-bench-") as tmp,
          scratch_database(args.db, Path(tmp), "esmon_bench") as url):
        run(url, args.repeat, Path(tmp), args.terc)


def _answers(rng: random.Random, plan: dict | None) -> dict:
    answers = {}
    for area in AREAS:
        planned = plan[f"{area}_plan_liczba"] if plan else rng.choice([0, 1, 2, 3, 5])
        value = plan[f"{area}_plan_wartosc"] if plan else f"{planned * rng.randint(1000, 50000)}.00"
        answers[f"{area}_plan_liczba"], answers[f"{area}_plan_wartosc"] = planned, value
        if plan is not None:
            done = max(0, planned + rng.choice([-1, 0, 0, 1]))
            answers[f"{area}_wyk_liczba"] = done
            answers[f"{area}_wyk_wartosc"] = f"{done * rng.randint(1000, 50000)}.00"
    return answers


def _seed(app, terc: Path) -> tuple[int, int, int]:
    """Register, organisations, the two rounds and their responses; returns the ids."""
    from sqlalchemy import insert, select, text

    from extensions import db
    from models import Invitation, Response, Territory, Unit
    from services.organisations import create_organisation, create_user
    from services.questionnaires import sync_questionnaires
    from services.rounds import create_round
    from services.scoping import act_as, set_scope
    from services.teryt import import_terc_file
    from services.units_import import jst_unit_name

    from support import SAMPLE_TERC, STAFF_PASSWORD

    rng = random.Random(14)
    with app.app_context():
        import_terc_file(terc if terc.exists() else SAMPLE_TERC)
        operator = create_organisation("Operator Nowa wiedza", "kraj")
        create_user("operator@nowawiedza.example.pl", "admin", operator,
                    password=STAFF_PASSWORD)
        region = "24" if terc.exists() else "16"
        partner = create_organisation("Partner regionalny", f"woj:{region}",
                                      partner_of=operator)
        create_user("partner@nowawiedza.example.pl", "coordinator", partner,
                    password=STAFF_PASSWORD)
        act_as(operator, db.session)
        territories = db.session.scalars(select(Territory).where(
            Territory.level.in_(("gmina", "powiat"))).order_by(Territory.code)).all()
        units = [{"kind": t.level, "teryt": t.code, "name": jst_unit_name(t),
                  "emails": f"jst{t.code}@example.pl", "is_active": True,
                  "organisation_id": operator.id} for t in territories]
        unit_ids = db.session.scalars(insert(Unit).returning(Unit.id), units).all()
        by_key = {q.key: q for q in sync_questionnaires()}
        today = date.today()
        rounds = []
        for key, year, status in (("plan-uslug", 2025, "closed"),
                                  ("plan-uslug-wykonanie", 2026, "open")):
            round_ = create_round(by_key[key], period=str(year), reporting_year=year,
                                  opens_on=today - timedelta(days=10),
                                  deadline=today + timedelta(days=20), status=status)
            rounds.append(round_.id)
        plans = {}
        for index, round_id in enumerate(rounds):
            invitations = db.session.scalars(insert(Invitation).returning(Invitation.id), [
                {"round_id": round_id, "unit_id": u} for u in unit_ids]).all()
            responses = []
            for unit_id, invitation_id in zip(unit_ids, invitations, strict=True):
                state = rng.choice(["submitted"] * 5 + ["accepted"] * 3 + ["draft", None])
                if state is None or (index == 1 and unit_id not in plans):
                    continue
                answers = _answers(rng, plans.get(unit_id) if index else None)
                if index == 0 and state != "draft":
                    plans[unit_id] = answers
                responses.append({"invitation_id": invitation_id, "status": state,
                                  "version": 1, "answers": answers, "warnings": {},
                                  "sections_saved": [], "carried_over": [],
                                  "question_notes": {}})
            db.session.execute(insert(Response), responses)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # what autovacuum does soon after any bulk load: without statistics the planner
            # takes 2 859 rows for one and loops where it should hash
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        set_scope(None)
        return rounds[1], len(unit_ids), len(plans)


def _time(client, path: str, repeat: int) -> tuple[float, float]:
    from bench.hygiene import page_times

    return page_times(client, path, repeat)


def run(url: str, repeat: int, folder: Path, terc: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from app import create_app
    from extensions import db

    from support import STAFF_PASSWORD, make_config

    app = create_app(make_config(url, folder, ESMON_LOG_LEVEL="WARNING", ESMON_WOJEWODZTWO=""),
                     read_environment=False)
    with app.app_context():
        db.create_all()
    started = time.perf_counter()
    round_id, units, plans = _seed(app, terc)
    region = "24" if terc.exists() else "16"
    print(f"Rejestr: {units} JST, plany: {plans}; zapis w {time.perf_counter() - started:.1f} s "
          f"({url.split('?')[0]}).")
    print(f"{'strona':<42}{'p50 ms':>10}{'p95 ms':>10}")
    for who in ("operator", "partner"):
        client = app.test_client()
        login = client.post("/logowanie", data={"email": f"{who}@nowawiedza.example.pl",
                                                "password": STAFF_PASSWORD})
        assert login.status_code == 302, login.text
        for name, path in {"pulpit (rundy)": "/admin/",
                           "runda: odsetek odpowiedzi": f"/admin/rundy/{round_id}",
                           "runda: jedno województwo":
                               f"/admin/rundy/{round_id}?wojewodztwo={region}",
                           "lista odpowiedzi": f"/admin/odpowiedzi/runda/{round_id}",
                           "lista odpowiedzi, strona 10":
                               f"/admin/odpowiedzi/runda/{round_id}?strona=10",
                           "lista odpowiedzi, województwo":
                               f"/admin/odpowiedzi/runda/{round_id}?wojewodztwo={region}"
                           }.items():
            p50, p95 = _time(client, path, repeat)
            print(f"{who + ': ' + name:<42}{p50:>10.1f}{p95:>10.1f}")
    _report_time(app, round_id)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _report_time(app, round_id: int) -> None:
    from services.exports import ReportRequest, prepare_report, write_workbook

    with app.app_context():
        started = time.perf_counter()
        content, _info = prepare_report(ReportRequest(round_id, "plan", ("powiat",), None,
                                                      False, None))
        built = time.perf_counter() - started
        buffer = io.BytesIO()
        write_workbook(buffer, content)
        total = time.perf_counter() - started
    print(f"raport planu: tabele {built:.2f} s, z plikiem xlsx {total:.2f} s "
          f"({len(buffer.getvalue()) // 1024} KiB)")


if __name__ == "__main__":
    main()
