"""``python -m bench``: run every ``bench/*_bench.py`` module in turn, each in a process of
its own.

Benchmarks are not tests: they print their figures for a person to read (``make bench``).
Arguments after ``python -m bench`` are passed to each benchmark unchanged.

A process of its own, as a server's worker is: run one after another in one interpreter, a
benchmark inherited what the ones before it left — their imported libraries, a heap grown
to hundreds of megabytes by 60 000 report rows, the collector's tracked objects — and the
respondent path measured 8.6 ms a section where the same code measured 5.0 ms alone.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_all(arguments: list[str]) -> int:
    """Run each benchmark; returns how many of them failed (each one's error is printed)."""
    from bench.hygiene import Load

    failed = 0
    for path in sorted(Path(__file__).parent.glob("*_bench.py")):
        print(f"== {path.stem} ==", flush=True)
        with Load() as load:  # every benchmark's figures come with the load they ran under
            done = subprocess.run([sys.executable, "-m", f"bench.{path.stem}", *arguments],
                                  cwd=ROOT, check=False)
        if done.returncode:
            failed += 1
            print(f"({path.stem}: zakończony błędem, kod {done.returncode})", flush=True)
        print(f"({path.stem}: {load.line()})", flush=True)
    return failed


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(1 if run_all(sys.argv[1:]) else 0)
