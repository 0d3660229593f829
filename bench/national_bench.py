"""Benchmark: a national "Nowa wiedza" round of every JST of the country on PostgreSQL.

``python -m bench.national_bench [--repeat 20] [--db URL] [--terc PATH]`` loads the TERC
register (``--terc``; default the full register beside the repository,
``../shared/data/teryt/TERC_Urzedowy_2025-01-01.xml``, else the sample of one województwo),
creates a national operator (``kraj``) with every gmina and powiat as a unit, a plan round and
its follow-up with every JST invited and responses in a realistic mix (bulk inserts), and a
regional partner (``woj:24``). It times whole requests through the application (Flask test
client) as the operator and as the partner — the dashboard, the round page, the response
list and a draft round's recipients page — and prints p50 / p95 over ``--repeat`` loads. Then
the plan report (frame + tables + workbook) against its floor — read the same responses,
decode the JSON, write the raw cells with xlsxwriter (``bench.reports_bench.floor_phase``) —
each in a fresh process so peak RSS is its own, ``--runs`` pairs interleaved
(``bench/hygiene.py``), the ratio as median and range.
The report's modules (pandas, xlsxwriter, matplotlib) load before its clock starts, as the
floor's do and as in ``bench.reports_bench``; their loading is printed beside the ratio.
Goals: pages < 300 ms p95, report ≤ 3 × the floor (the reports issue's ratio for a report
beside its raw data).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests.support.scratch_db import scratch_database

ROOT = Path(__file__).resolve().parent.parent
GOAL_P95_MS, GOAL_RATIO = 300, 3.0

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FULL_TERC = Path(__file__).resolve().parents[2] / "shared" / "data" / "teryt" / \
    "TERC_Urzedowy_2025-01-01.xml"
AREAS = ("pomoc", "zatrudnienie", "dzieci", "zdrowie", "rynek_pracy")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="powtórzeń każdego żądania")
    parser.add_argument("--db", default=DEFAULT_DB, help="URL bazy PostgreSQL")
    parser.add_argument("--terc", type=Path, default=FULL_TERC, help="plik TERC (XML/CSV)")
    parser.add_argument("--runs", type=int, default=5,
                        help="par podłoga–raport planu, na przemian (co najmniej 5)")
    parser.add_argument("--phase", choices=["plan", "floor"], help=argparse.SUPPRESS)
    parser.add_argument("--round", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    if args.phase:
        from bench.reports_bench import floor_phase

        measure = plan_phase if args.phase == "plan" else floor_phase
        print(json.dumps(measure(args.db, args.round, Path(args.out))))
        return
    with (tempfile.TemporaryDirectory(prefix="esmon-bench-") as tmp,
          scratch_database(args.db, Path(tmp), "esmon_bench") as url):
        run(url, args.repeat, Path(tmp), args.terc, args.runs)


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


def _seed(app, terc: Path) -> tuple[int, int, int, int]:
    """Register, organisations, the two rounds with their responses and a draft round;
    returns the follow-up's and the draft's ids, the number of units and of plans."""
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
        # next year's plan round, not launched yet: its recipients page lists every JST
        draft = create_round(by_key["plan-uslug"], period="2027", reporting_year=2027,
                             opens_on=today, deadline=today + timedelta(days=30),
                             status="draft").id
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
        return rounds[1], draft, len(unit_ids), len(plans)


def _time(client, path: str, repeat: int) -> tuple[float, float]:
    from bench.hygiene import page_times

    return page_times(client, path, repeat)


def _app(url: str, folder: Path):
    sys.path.insert(0, str(ROOT / "tests"))
    from app import create_app

    from support import make_config

    return create_app(make_config(url, folder, ESMON_LOG_LEVEL="WARNING", ESMON_WOJEWODZTWO=""),
                      read_environment=False)


def run(url: str, repeat: int, folder: Path, terc: Path, runs: int = 5) -> None:
    from bench.hygiene import Load
    from extensions import db

    app = _app(url, folder)
    from support import STAFF_PASSWORD
    with app.app_context():
        db.create_all()
    started = time.perf_counter()
    round_id, draft_id, units, plans = _seed(app, terc)
    region = "24" if terc.exists() else "16"
    print(f"Rejestr: {units} JST, plany: {plans}; zapis w {time.perf_counter() - started:.1f} s "
          f"({url.split('?')[0]}).")
    print(f"{'strona':<42}{'p50 ms':>10}{'p95 ms':>10}")
    with Load() as load:
        worst = _pages(app, round_id, draft_id, region, repeat, STAFF_PASSWORD)
    print(load.line())
    print(f"najgorsze p95: {worst:.1f} ms (cel < {GOAL_P95_MS} ms) — "
          f"{'OK' if worst < GOAL_P95_MS else 'PONAD CEL'}")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    _report_against_floor(url, round_id, folder, runs)


def _pages(app, round_id: int, draft_id: int, region: str, repeat: int, password: str
           ) -> float:
    """Print every page's p50 / p95; returns the worst p95."""
    worst = 0.0
    for who in ("operator", "partner"):
        client = app.test_client()
        login = client.post("/logowanie", data={"email": f"{who}@nowawiedza.example.pl",
                                                "password": password})
        assert login.status_code == 302, login.text
        for name, path in {"pulpit (rundy)": "/admin/",
                           "runda: odsetek odpowiedzi": f"/admin/rundy/{round_id}",
                           "runda: jedno województwo":
                               f"/admin/rundy/{round_id}?wojewodztwo={region}",
                           "lista odpowiedzi": f"/admin/odpowiedzi/runda/{round_id}",
                           "lista odpowiedzi, strona 10":
                               f"/admin/odpowiedzi/runda/{round_id}?strona=10",
                           "lista odpowiedzi, województwo":
                               f"/admin/odpowiedzi/runda/{round_id}?wojewodztwo={region}",
                           "szkic rundy: odbiorcy": f"/admin/rundy/{draft_id}/odbiorcy",
                           "szkic rundy: odbiorcy, strona 20":
                               f"/admin/rundy/{draft_id}/odbiorcy?strona=20",
                           }.items():
            p50, p95 = _time(client, path, repeat)
            worst = max(worst, p95)
            print(f"{who + ': ' + name:<42}{p50:>10.1f}{p95:>10.1f}")
    return worst


#: what the plan report loads (pandas, xlsxwriter, matplotlib for the maps): loaded before the
#: clock starts, as ``bench.reports_bench.report_phase`` and the floor load theirs, and timed
#: on their own — a web worker pays it once, not per report
REPORT_MODULES = ("reports.build", "reports.frame", "reports.plan", "reports.plan_maps",
                  "reports.figures", "reports.xlsx", "reports.chart_xlsx", "reports.images")


def plan_phase(url: str, round_id: int, out: Path) -> dict[str, float]:
    """The real plan report: database → frame → the three tables → workbook."""
    import importlib

    from services.exports import ReportRequest, prepare_report, write_workbook

    app = _app(url, out.parent)
    loading = time.perf_counter()
    for module in REPORT_MODULES:
        importlib.import_module(module)
    imports = time.perf_counter() - loading
    with app.app_context():
        started, cpu = time.perf_counter(), time.process_time()
        content, _info = prepare_report(ReportRequest(round_id, "plan", ("powiat",), None,
                                                      False, None))
        built = time.perf_counter() - started
        with out.open("wb") as handle:
            write_workbook(handle, content)
        done = time.perf_counter()
    return {"tables": built, "xlsx": done - started - built, "total": done - started,
            "imports": imports, "cpu": time.process_time() - cpu,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _child(phase: str, url: str, round_id: int, out: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.national_bench", "--phase", phase, "--db", url,
               "--round", str(round_id), "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{phase} nie powiodło się:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["size_kib"] = out.stat().st_size / 1024
    return result


def _report_against_floor(url: str, round_id: int, folder: Path, runs: int) -> None:
    """Plan report and floor interleaved in fresh processes; the ratio's median and range."""
    from bench.hygiene import Load, interleaved, ratios

    with Load() as load:
        results = interleaved({
            "floor": lambda: _child("floor", url, round_id, folder / "floor.xlsx"),
            "plan": lambda: _child("plan", url, round_id, folder / "plan.xlsx"),
        }, runs)
    plans, floors = results["plan"], results["floor"]
    spread = ratios([p["total"] for p in plans], [f["total"] for f in floors])
    pairs = sorted(zip(plans, floors, strict=True),
                   key=lambda pair: pair[0]["total"] / pair[1]["total"])
    plan, floor = pairs[len(pairs) // 2]
    print(load.line())
    print(f"raport planu (przebieg o medianie stosunku): tabele {plan['tables']:.2f} s, "
          f"xlsx {plan['xlsx']:.2f} s, razem {plan['total']:.2f} s ({plan['size_kib']:.0f} KiB)")
    print(f"podłoga: odczyt + JSON {floor['read']:.2f} s, xlsx {floor['xlsx']:.2f} s, "
          f"razem {floor['total']:.2f} s ({floor['size_kib']:.0f} KiB)")
    print(f"szczyt RSS: raport {plan['rss_mb']:.0f} MB, podłoga {floor['rss_mb']:.0f} MB")
    with_imports = ratios([p["total"] + p["imports"] for p in plans], [f["total"] for f in floors])
    print(f"ładowanie modułów raportu (pandas, xlsxwriter, matplotlib; poza pomiarem, jak w "
          f"reports_bench): {plan['imports']:.2f} s; z nim raport / podłoga = "
          f"{with_imports.text('×')}")
    if all("cpu" in f for f in floors):
        # the process's own CPU seconds: what other processes on a shared machine take from
        # the wall clock drops out (the database server's work does not count on either side)
        print(f"czas CPU procesu: raport / podłoga = "
              f"{ratios([p['cpu'] for p in plans], [f['cpu'] for f in floors]).text('×')}")
    verdict = "OK" if spread.median <= GOAL_RATIO else "PONAD CEL"
    print(f"raport planu / podłoga = {spread.text('×')} (cel ≤ {GOAL_RATIO:.0f}×) — {verdict}")


if __name__ == "__main__":
    main()
