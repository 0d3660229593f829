"""``python -m bench``: run every ``bench/*_bench.py`` module's ``main()`` in turn.

Benchmarks are not tests: they print their figures for a person to read (``make bench``).
Arguments after ``python -m bench`` are passed to each benchmark unchanged.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def run_all() -> None:
    from bench.hygiene import Load

    for path in sorted(Path(__file__).parent.glob("*_bench.py")):
        print(f"== {path.stem} ==", flush=True)
        with Load() as load:  # every benchmark's figures come with the load they ran under
            importlib.import_module(f"bench.{path.stem}").main()
        print(f"({path.stem}: {load.line()})", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    run_all()
