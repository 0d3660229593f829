"""Benchmark: how fast the command line starts (``flask --help``, a command's help, ``db``).

``python -m bench.cli_bench [--runs 5] [--baseline PATH]``

Each command runs in a fresh process, interleaved with the others (A B C A B C …); the
figures are the child's wall time and CPU seconds, median with min–max. The floor is a
process that only imports Flask and SQLAlchemy's ORM: what any command of a Flask +
SQLAlchemy application pays. ``--baseline`` names another checkout (e.g. a worktree of an
older commit) whose commands run interleaved with this one's: a before/after on the same
machine load. Goal: ``flask --help`` < 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_HELP_S = 0.5
COMMANDS = {
    "flask --help": ["--help"],
    "flask reports export --help": ["reports", "export", "--help"],
    "flask db heads": ["db", "heads"],
}
FLOOR = "import flask, sqlalchemy.orm"


def _timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of a child command."""
    env = {**os.environ, "ESMON_ENV": "development"}
    # an installed deployment keeps its compiled modules (__pycache__): a sandbox that forbids
    # writing them would measure the compiler at every start, not the command
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} ({cwd}):\n{done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _sides(baseline: Path | None) -> dict[str, tuple[list[str], Path]]:
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    sides: dict[str, tuple[list[str], Path]] = {
        "podłoga (import flask, sqlalchemy.orm)": ([sys.executable, "-c", FLOOR], ROOT)}
    for name, args in COMMANDS.items():
        sides[name] = (flask + args, ROOT)
        if baseline:
            sides[f"{name} [{baseline.name}]"] = (flask + args, baseline)
    return sides


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="inny checkout do porównania (przed)")
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    sys.path.insert(0, str(ROOT))
    from bench.hygiene import Load, Spread, interleaved

    sides = _sides(args.baseline)
    for command, cwd in sides.values():  # once, unmeasured: compiles the modules
        _timed(command, cwd)
    with Load() as load:
        timings = interleaved({name: (lambda c=command, d=cwd: _timed(c, d))  # type: ignore[misc]
                               for name, (command, cwd) in sides.items()}, args.runs)
    print("Start wiersza poleceń (czas ścienny; CPU procesu potomnego):")
    for name, values in timings.items():
        wall = Spread.of([w for w, _ in values])  # type: ignore[misc]
        cpu = Spread.of([c for _, c in values])  # type: ignore[misc]
        goal = (f" — cel < {GOAL_HELP_S:g} s: "
                f"{'spełniony' if wall.median < GOAL_HELP_S else 'niespełniony'}"
                if name == "flask --help" else "")
        print(f"  {name:<44} {wall.text(' s')}; CPU {cpu.text(' s')}{goal}")
    print(f"  {load.line()}")


if __name__ == "__main__":
    main()
