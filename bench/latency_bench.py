"""Benchmark: latency under load — closed loop at 1, 4, 16, 50 clients, then an open loop.

``python -m bench.latency_bench [--db URL] [--workers 2] [--threads 1] [--clients 1,4,16,50]
[--visits 40] [--open-visits 60]``

The real app under gunicorn on PostgreSQL (``bench/respond_bench.py`` starts it the same
way), ``jst-annual`` filled in by simulated respondents: each visit opens the personal link,
the start page, every section (GET + draft POST), the review, submits and opens the
confirmation.

* closed loop: ``c`` clients, each starting its next visit when the last one ends, until
  ``--visits`` visits are done; submissions a second, p50/p95 of every request, errors and
  the server's CPU seconds per submission, for each ``c``.
* open loop: visits arrive at random (a Poisson process) at half the best closed-loop rate,
  whatever the server's state — the way real respondents come; the goal is p95 < 100 ms per
  request and no error. A closed loop hides queueing (a slow server slows its own clients);
  an open loop shows it.

It prints the machine's load beside the figures (``bench/hygiene.py``): on a shared machine
latency figures measure the neighbours too.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_P95_MS = 100.0


class _Started:
    """A barrier that is already open: later visits of a client start at once."""

    def wait(self) -> None:
        return None


def _closed_loop(base: str, tokens: list[str], clients: int, seeded, master: int):
    """``clients`` threads taking visits from ``tokens`` until none is left."""
    from bench.respond_bench import Timings, _cpu_of, _respondent, _workers

    timings, done = Timings(), []
    lock = threading.Lock()
    queue = list(tokens)

    def client(n: int) -> None:
        while True:
            with lock:
                if not queue:
                    return
                token = queue.pop()
            _respondent(base, token, f"198.51.100.{(n * 7 + len(queue)) % 250 + 1}", seeded,
                        timings, done, _Started())

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    workers = _workers(master)
    cpu_before, began = _cpu_of(workers), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    return timings, len(done), seconds, _cpu_of(workers) - cpu_before


def _open_loop(base: str, tokens: list[str], rate: float, seeded, seed: int = 18):
    """Visits arriving as a Poisson process of ``rate`` a second, each in its own thread."""
    from bench.respond_bench import Timings, _respondent

    rng = random.Random(seed)
    timings, done = Timings(), []
    threads, at = [], 0.0
    began = time.perf_counter()
    for i, token in enumerate(tokens):
        at += rng.expovariate(rate)
        delay = began + at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        thread = threading.Thread(target=_respondent, args=(
            base, token, f"192.0.2.{i % 250 + 1}", seeded, timings, done, _Started()))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return timings, len(done), time.perf_counter() - began, at


def _all(timings) -> list[float]:
    return [v for values in timings.by_type.values() for v in values]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get(
        "ESMON_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="wątki procesu (gthread > 1)")
    parser.add_argument("--clients", default="1,4,16,50")
    parser.add_argument("--visits", type=int, default=40, help="wizyt w każdej fazie")
    parser.add_argument("--open-visits", type=int, default=60)
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa

    from bench.hygiene import Load
    from bench.respond_bench import _percentiles, _start_gunicorn, _table, seed
    from tests.support.scratch_db import scratch_schema

    try:
        engine = sa.create_engine(args.db)
        engine.connect().close()
        engine.dispose()
    except sa.exc.OperationalError as err:
        print(f"Pomijam: PostgreSQL nieosiągalny ({str(err).splitlines()[0]}).")
        return
    clients = [int(c) for c in args.clients.split(",") if c.strip()]
    if args.threads > 1:
        os.environ["ESMON_THREADS"] = str(args.threads)
    process = None
    lines: list[str] = []
    with (scratch_schema(args.db, "esmon_bench") as url,
          tempfile.TemporaryDirectory(prefix="esmon-bench-") as tmp, Load() as load):
        try:
            outbox, log = Path(tmp) / "outbox", Path(tmp) / "gunicorn.log"
            total = args.visits * len(clients) + args.open_visits
            seeded = seed(url, total, 0, outbox)
            process, base = _start_gunicorn(url, args.workers, outbox, log)
            tokens = list(seeded.tokens)
            best = 0.0
            lines.append(f"gunicorn: {args.workers} procesy × {args.threads} wątki "
                         f"({'gthread' if args.threads > 1 else 'sync'}), PostgreSQL, "
                         f"ankieta jst-annual")
            lines.append(f"  {'klienci':>7} {'wysłania/s':>10} {'p50 ms':>8} {'p95 ms':>8} "
                         f"{'błędy':>6} {'CPU serwera/wysłanie':>21}")
            for c in clients:
                phase, tokens = tokens[:args.visits], tokens[args.visits:]
                timings, submitted, seconds, cpu = _closed_loop(base, phase, c, seeded,
                                                                process.pid)
                rate = submitted / seconds if seconds else 0.0
                best = max(best, rate)
                p50, p95, _ = _percentiles(_all(timings))
                lines.append(f"  {c:>7} {rate:>10.2f} {p50:>8.1f} {p95:>8.1f} "
                             f"{len(timings.errors):>6} "
                             f"{(cpu / submitted * 1000 if submitted else 0):>18.0f} ms")
            arrival = best / 2
            timings, submitted, seconds, span = _open_loop(base, tokens[:args.open_visits],
                                                           arrival, seeded)
            p50, p95, p99 = _percentiles(_all(timings))
            met = p95 < GOAL_P95_MS and not timings.errors
            lines.append(f"otwarta pętla: {args.open_visits} wizyt, przybycia Poissona "
                         f"{arrival:.2f}/s (połowa najlepszej przepustowości {best:.2f}/s), "
                         f"rzeczywiście {args.open_visits / span:.2f}/s; wysłane {submitted}")
            lines += _table(timings)
            lines.append(f"  wszystkie żądania: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 "
                         f"{p99:.1f} ms; błędy {len(timings.errors)} (cel: p95 < "
                         f"{GOAL_P95_MS:.0f} ms, 0 błędów: "
                         f"{'spełniony' if met else 'niespełniony'})")
            lines += [f"  błąd: {e}" for e in timings.errors[:5]]
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
    print("\n".join(lines))
    print(load.line())


if __name__ == "__main__":
    main()
