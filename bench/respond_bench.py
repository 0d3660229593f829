"""Benchmark: 50 respondents filling in ``jst-annual`` at once, against gunicorn on PostgreSQL.

``python -m bench.respond_bench [--db URL] [--respondents 50] [--workers 2]``

The real app runs under gunicorn (``gunicorn.conf.py``, 2 workers) on a fresh PostgreSQL
schema (created with ``db.create_all()``, dropped afterwards). Each simulated respondent is a
thread with its own ``requests.Session`` — cookies, CSRF token and form versions parsed from
the pages as a browser would — that opens its personal link, opens the questionnaire, opens
and saves every section as a draft (realistic answers: ``tests/support/valid_answers.py``),
opens the review page, submits and opens the confirmation. Mail is queued in the outbox table
as in production (a mail worker would send it; not measured here).

The floor, in the same run and the same server processes: a bare endpoint registered only by
this module's app factory (``ESMON_BENCH_FLOOR=1``; the factory refuses it in production)
that inserts the final JSON of a submitted response into the same ``responses`` table, one
request an insert, from the same number of threads.

It prints submissions per second, p50/p95/p99 latency per request type, errors, the floor's
inserts per second, and the ratio esmon submissions/s ÷ floor inserts/s (goal ≥ 0.7,
p95 < 150 ms, 0 errors). One submission is a whole visit of many requests while one floor
insert is one request, so it also prints the per-request ratio (esmon requests/s ÷ floor
requests/s) — the figure that says how far each esmon request is from the bare minimum.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
KEY = "jst-annual"
GOAL_RATIO, GOAL_P95_MS = 0.7, 150.0
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="(\d+)"')


# --- the app gunicorn serves --------------------------------------------------------------

def bench_app():
    """``gunicorn 'bench.respond_bench:bench_app()'``: the real app, plus the floor endpoint."""
    from app import create_app
    from security import is_production

    app = create_app()
    if os.environ.get("ESMON_BENCH_FLOOR") == "1":
        if is_production(app):
            raise RuntimeError("ESMON_BENCH_FLOOR nie może być włączony w produkcji.")
        app.register_blueprint(_floor_blueprint())
    return app


def _floor_blueprint():
    """``POST /_bench/floor``: one INSERT of a response's final JSON, one commit, nothing else."""
    from flask import Blueprint, request

    from extensions import csrf, db
    from models import Response
    from models.types import utcnow

    bp = Blueprint("bench_floor", __name__)
    table = Response.__table__

    @bp.post("/_bench/floor")
    def insert_response():
        payload = request.get_json()
        now = utcnow()
        db.session.execute(table.insert().values(
            invitation_id=payload["invitation_id"], answers=payload["answers"], warnings={},
            status="submitted", sections_saved=payload["sections"], carried_over=[],
            question_notes={}, version=1, created_at=now, updated_at=now, submitted_at=now))
        db.session.commit()
        return "", 204

    csrf.exempt(bp)
    return bp


# --- data ---------------------------------------------------------------------------------

@dataclass
class Seed:
    tokens: list[str]
    floor_invitations: list[int]
    survey: Any
    answers: dict[str, Any]


def seed(url: str, respondents: int, floor_rounds: int, outbox: Path) -> Seed:
    """Tables, the TERC sample, a round with one invited gmina a respondent, floor invitations."""
    from sqlalchemy import insert

    from app import create_app
    from extensions import db
    from models import Invitation, Unit
    from services.questionnaires import registry, sync_questionnaires
    from services.rounds import create_round, invite
    from services.teryt import import_terc_file
    from tests.support.valid_answers import VALID

    kind, teryt, answers = VALID[KEY]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(16),
                      "MAIL_OUTBOX_DIR": str(outbox), "MAIL_SEND_INLINE": False})
    with app.app_context():
        db.create_all()
        import_terc_file(ROOT / "demo" / "terc_sample.csv")
        questionnaire = next(q for q in sync_questionnaires() if q.key == KEY)
        from datetime import date, timedelta

        today = date.today()

        def new_round(title: str):
            return create_round(questionnaire, period="2025", reporting_year=2025,
                                opens_on=today - timedelta(days=1),
                                deadline=today + timedelta(days=30), status="open", title=title)

        round_ = new_round("Benchmark")
        units = [Unit(kind=kind, teryt=teryt, name=f"Gmina benchmarkowa {i}",
                      emails=f"gmina{i}@example.pl") for i in range(respondents)]
        db.session.add_all(units)
        db.session.flush()
        tokens = [invite(round_, unit)[1] for unit in units]
        floor_ids: list[int] = []
        for n in range(floor_rounds):
            floor_round = new_round(f"Podłoga {n}")
            db.session.flush()
            rows = db.session.execute(
                insert(Invitation).returning(Invitation.id),
                [{"round_id": floor_round.id, "unit_id": u.id} for u in units]).scalars()
            floor_ids += list(rows)
        db.session.commit()
        survey = registry().by_key[KEY].survey
        db.engine.dispose()
    return Seed(tokens, floor_ids, survey, answers)


# --- the clients --------------------------------------------------------------------------

@dataclass
class Timings:
    by_type: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, problem: str | None = None) -> None:
        with self.lock:
            self.by_type[kind].append(seconds * 1000)
            if problem:
                self.errors.append(f"{kind}: {problem}")

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.by_type.values())


def _request(session, timings: Timings, kind: str, method: str, url: str, expect: int,
             **kwargs):
    started = time.perf_counter()
    try:
        reply = session.request(method, url, allow_redirects=False, timeout=60, **kwargs)
    except Exception as err:  # noqa: BLE001 - every failure is counted, none stops the run
        timings.record(kind, time.perf_counter() - started, f"{type(err).__name__}: {err}")
        return None
    problem = None if reply.status_code == expect else f"HTTP {reply.status_code}"
    timings.record(kind, time.perf_counter() - started, problem)
    return reply


def _respondent(base: str, token: str, address: str, seeded: Seed, timings: Timings,
                done: list[int], start: threading.Barrier) -> None:
    import requests

    from tests.support.respondent import section_post

    session = requests.Session()
    session.headers["X-Forwarded-For"] = address
    start.wait()
    if _request(session, timings, "open link", "GET", f"{base}/r/{token}", 303) is None:
        return
    page = _request(session, timings, "start page", "GET", f"{base}/ankieta", 200)
    for section in seeded.survey.sections:
        url = f"{base}/ankieta/sekcja/{section.id}"
        page = _request(session, timings, "section GET", "GET", url, 200)
        if page is None or page.status_code != 200:
            return
        data = section_post(seeded.survey, section.id, seeded.answers, action="draft")
        data["csrf_token"] = _CSRF.search(page.text).group(1)
        data["version"] = _VERSION.search(page.text).group(1)
        if _request(session, timings, "section POST (draft)", "POST", url, 302,
                    data=data) is None:
            return
    page = _request(session, timings, "review", "GET", f"{base}/ankieta/przeglad", 200)
    if page is None or page.status_code != 200:
        return
    sent = _request(session, timings, "submit", "POST", f"{base}/ankieta/wyslij", 303,
                    data={"csrf_token": _CSRF.search(page.text).group(1)})
    if sent is not None and sent.status_code == 303:
        with timings.lock:
            done.append(1)
    _request(session, timings, "confirmation", "GET", f"{base}/ankieta/potwierdzenie", 200)


def _floor_client(base: str, ids: list[int], payload: dict, timings: Timings,
                  done: list[int], start: threading.Barrier) -> None:
    import requests

    session = requests.Session()
    start.wait()
    for invitation_id in ids:
        reply = _request(session, timings, "floor insert", "POST", f"{base}/_bench/floor", 204,
                         json={**payload, "invitation_id": invitation_id})
        if reply is not None and reply.status_code == 204:
            with timings.lock:
                done.append(1)


@dataclass
class Phase:
    seconds: float
    #: CPU seconds of the gunicorn workers and of this (client) process during the phase
    server_cpu: float
    client_cpu: float


def _cpu_of(pids: list[int]) -> float:
    """User + system CPU seconds of processes (Linux ``/proc``; 0 where unreadable)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def _workers(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def _run_threads(targets: list[tuple], master: int) -> Phase:
    """Start every client together; time from the start signal to the last one's end."""
    start = threading.Barrier(len(targets) + 1)
    threads = [threading.Thread(target=fn, args=(*args, start)) for fn, *args in targets]
    for thread in threads:
        thread.start()
    workers = _workers(master)
    server_before, client_before = _cpu_of(workers), time.process_time()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    return Phase(seconds, _cpu_of(workers) - server_before, time.process_time() - client_before)


def _final_answers(url: str) -> tuple[dict, list]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        answers, sections = connection.execute(sa.text(
            "SELECT answers, sections_saved FROM responses WHERE status = 'submitted' "
            "LIMIT 1")).one()
    engine.dispose()
    return answers, sections


# --- the server ---------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_gunicorn(url: str, workers: int, outbox: Path, log: Path) -> tuple[Any, str]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(32),
        "ESMON_ENV": "benchmark",
        "ESMON_BENCH_FLOOR": "1",
        "ESMON_BIND": f"127.0.0.1:{port}",
        "ESMON_WORKERS": str(workers),
        "ESMON_PROXY_FIX": "1",
        "MAIL_SEND_INLINE": "0",
        "MAIL_OUTBOX_DIR": str(outbox),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"), "bench.respond_bench:bench_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(process, base, log)
    except BaseException:
        process.terminate()
        process.wait(timeout=30)
        raise
    return process, base


def _wait_until_healthy(process: Any, base: str, log: Path) -> None:
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn nie wystartował:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still booting
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn nie odpowiada na /healthz po 60 s")


# --- report -------------------------------------------------------------------------------

def _percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        value = values[0] if values else 0.0
        return value, value, value
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def _table(timings: Timings) -> list[str]:
    lines = [f"  {'żądanie':<22} {'liczba':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"]
    for kind, values in timings.by_type.items():
        p50, p95, p99 = _percentiles(values)
        lines.append(f"  {kind:<22} {len(values):>7} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f}")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("ESMON_BENCH_DATABASE_URL", DEFAULT_DB),
                        help="PostgreSQL (domyślnie baza test na 127.0.0.1)")
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--floor-per-client", type=int, default=10,
                        help="wstawień na wątek w pomiarze podłogi")
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa

    from tests.support.scratch_db import scratch_schema

    try:
        engine = sa.create_engine(args.db)
        engine.connect().close()
        engine.dispose()
    except sa.exc.OperationalError as err:
        print(f"Pomijam: PostgreSQL nieosiągalny pod {args.db.split('?')[0]} "
              f"({str(err).splitlines()[0]}).")
        return
    process = None
    with (scratch_schema(args.db, "esmon_bench") as url,
          tempfile.TemporaryDirectory(prefix="esmon-bench-") as tmp):
        try:
            outbox, log = Path(tmp) / "outbox", Path(tmp) / "gunicorn.log"
            seeded = seed(url, args.respondents, args.floor_per_client, outbox)
            process, base = _start_gunicorn(url, args.workers, outbox, log)

            esmon, submitted = Timings(), []
            esmon_phase = _run_threads([
                (_respondent, base, token, f"203.0.113.{i % 250 + 1}", seeded, esmon,
                 submitted) for i, token in enumerate(seeded.tokens)], process.pid)
            answers, sections = _final_answers(url)

            floor, inserted = Timings(), []
            per_client = [seeded.floor_invitations[i::args.respondents]
                          for i in range(args.respondents)]
            floor_phase = _run_threads([
                (_floor_client, base, ids, {"answers": answers, "sections": sections}, floor,
                 inserted) for ids in per_client], process.pid)
            log_lines = len(log.read_text(errors="replace").splitlines())
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=30)

    _print(args, esmon, len(submitted), esmon_phase, floor, len(inserted), floor_phase,
           log_lines)


def _print(args, esmon: Timings, submitted: int, esmon_phase: Phase, floor: Timings,
           inserted: int, floor_phase: Phase, log_lines: int) -> None:
    esmon_seconds, floor_seconds = esmon_phase.seconds, floor_phase.seconds
    submissions = submitted / esmon_seconds
    inserts = inserted / floor_seconds
    esmon_rps = esmon.requests / esmon_seconds
    floor_rps = floor.requests / floor_seconds
    all_esmon = [v for values in esmon.by_type.values() for v in values]
    _, p95_all, _ = _percentiles(all_esmon)
    ratio = submissions / inserts if inserts else 0.0
    print(f"gunicorn: {args.workers} procesy, PostgreSQL; {args.respondents} respondentów "
          f"naraz, ankieta {KEY}")
    print(f"esmon: {submitted} wysłanych w {esmon_seconds:.2f} s = {submissions:.2f} wysłań/s; "
          f"{esmon.requests} żądań = {esmon_rps:.1f} żądań/s; błędy: {len(esmon.errors)}")
    print("\n".join(_table(esmon)))
    print(f"  {'wszystkie':<22} {len(all_esmon):>7} p95 {p95_all:.1f} ms")
    print(f"podłoga: {inserted} wstawień w {floor_seconds:.2f} s = {inserts:.1f} wstawień/s; "
          f"błędy: {len(floor.errors)}")
    print("\n".join(_table(floor)))
    print(f"stosunek wysłania/s ÷ wstawienia/s = {ratio:.3f} (cel ≥ {GOAL_RATIO}); "
          f"na żądanie: {esmon_rps / floor_rps if floor_rps else 0:.3f}; "
          f"p95 {p95_all:.1f} ms (cel < {GOAL_P95_MS:.0f}); "
          f"błędy {len(esmon.errors) + len(floor.errors)} (cel 0)")
    for name, phase, count in (("esmon", esmon_phase, esmon.requests),
                               ("podłoga", floor_phase, floor.requests)):
        print(f"CPU {name}: serwer {phase.server_cpu:.2f} s "
              f"({phase.server_cpu / count * 1000:.2f} ms/żądanie), "
              f"klient {phase.client_cpu:.2f} s, w {phase.seconds:.2f} s na {os.cpu_count()} "
              f"rdzeniach")
    print(f"(dziennik serwera: {log_lines} linii)")
    for problem in (esmon.errors + floor.errors)[:10]:
        print(f"  błąd: {problem}")


if __name__ == "__main__":
    main()
