"""Benchmark: how light the processes are — a web worker's memory, the command line's start.

``python -m bench.worker_bench [--requests 1000] [--runs 5]``

* web worker: a fresh process builds the app (``create_app``, an SQLite file), then answers
  ``--requests`` respondent requests (section GET + draft POST of the 40-question survey,
  ``bench/respondent_cpu_bench.py``, many units) through Flask's test client, as a gunicorn
  sync worker would; it prints its resident memory (VmRSS) and peak (VmHWM), and whether
  pandas was imported. Goal: ≤ 100 MB after 1 000 requests.
* command line: ``flask --help`` and ``flask reports export --help`` (wall and CPU seconds of
  the child), and the start of an export: ``flask reports export`` of a round of no answers
  (everything an export does before its first row). Goals: ``--help`` < 0.5 s, export start
  < 1 s. The commands run interleaved, ``--runs`` times; medians with min–max.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_RSS_MB, GOAL_HELP_S, GOAL_EXPORT_S = 100, 0.5, 1.0


def _memory() -> dict[str, float]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


def worker_phase(requests: int) -> dict:
    """In a fresh process: the app, ``requests`` respondent requests, then its memory."""
    sys.path.insert(0, str(ROOT))
    from bench.respondent_cpu_bench import Esmon
    from tests.support.scratch_db import scratch_database

    with (tempfile.TemporaryDirectory(prefix="esmon-bench-") as tmp,
          scratch_database(None, Path(tmp), "esmon_bench") as url):
        pairs = requests // 2
        esmon = Esmon(url, Path(tmp), units=pairs // 20 + 2)
        started = _memory()
        for i in range(pairs):
            if i % 20 == 0:  # a new unit every 20 pairs: sessions, responses, versions grow
                esmon._drafting = esmon._open(esmon.tokens.pop())
            esmon.section_pair()
        return {**_memory(), "after_app": started["VmRSS"],
                "pandas": "pandas" in sys.modules}


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of a child command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)}:\n{done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _empty_round(url: str, tmp: Path) -> int:
    """A launched round of the benchmark survey with no answers (for the export's start)."""
    from app import create_app
    from bench.survey_40 import KEY, write_definition
    from extensions import db
    from tests.support import World

    write_definition(tmp / "defs")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x" * 32,
                      "ESMON_ENV": "development", "SURVEY_DEFS_DIR": str(tmp / "defs")},
                     read_environment=False)
    with app.app_context():
        db.create_all()
    return World(app).round(KEY)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--phase", choices=["worker"], help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    if args.phase == "worker":
        print(json.dumps(worker_phase(args.requests)))
        return
    sys.path.insert(0, str(ROOT))
    from bench.hygiene import Load, Spread, interleaved

    env = {**os.environ, "ESMON_ENV": "development"}
    # an installed deployment keeps its compiled modules (__pycache__): a sandbox that forbids
    # writing them would measure the compiler at every start, not the command
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with Load() as worker_load:
        done = subprocess.run([sys.executable, "-m", "bench.worker_bench", "--phase", "worker",
                               "--requests", str(args.requests)], cwd=ROOT, env=env,
                              capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"pomiar procesu WWW nie powiódł się:\n{done.stderr[-3000:]}")
    worker = json.loads(done.stdout.strip().splitlines()[-1])
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "app"]
    with tempfile.TemporaryDirectory(prefix="esmon-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        round_id = _empty_round(url, Path(tmp))
        cli_env = {**env, "DATABASE_URL": url, "SURVEY_DEFS_DIR": str(Path(tmp) / "defs")}
        out = str(Path(tmp) / "out.xlsx")
        commands = {
            "flask --help": flask + ["--help"],
            "flask reports export --help": flask + ["reports", "export", "--help"],
            "start eksportu (runda bez odpowiedzi)": flask + [
                "reports", "export", "--round", str(round_id), "--kind", "raw", "-o", out],
        }
        timings: dict[str, list[tuple[float, float]]] = {}
        for command in commands.values():  # once, unmeasured: compiles the modules
            _timed(command, cli_env)
        with Load() as cli_load:
            results = interleaved({name: (lambda c=command: _timed(c, cli_env))
                                   for name, command in commands.items()}, args.runs)
        timings = results  # type: ignore[assignment]
    print(f"Proces WWW po {args.requests} żądaniach respondenta: RSS "
          f"{worker['VmRSS']:.0f} MB (po starcie aplikacji {worker['after_app']:.0f} MB, "
          f"szczyt {worker['VmHWM']:.0f} MB); pandas wczytany: "
          f"{'tak' if worker['pandas'] else 'nie'} (cel ≤ {GOAL_RSS_MB} MB: "
          f"{'spełniony' if worker['VmRSS'] <= GOAL_RSS_MB else 'niespełniony'})")
    print(f"  {worker_load.line()}")
    print("Wiersz poleceń (czas ścienny; w nawiasie CPU procesu):")
    for name, values in timings.items():
        wall = Spread.of([w for w, _ in values])
        cpu = Spread.of([c for _, c in values])
        goal = GOAL_EXPORT_S if name.startswith("start") else GOAL_HELP_S
        print(f"  {name:<40} {wall.text(' s')} (CPU {cpu.median:.2f} s) — cel < {goal:g} s: "
              f"{'spełniony' if wall.median < goal else 'niespełniony'}")
    print(f"  {cli_load.line()}")


if __name__ == "__main__":
    main()
