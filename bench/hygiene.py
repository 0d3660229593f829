"""Bench hygiene shared by every benchmark: machine load, interleaved pairs, median and range.

The machine a benchmark runs on is often shared. A figure alone says little, so every
benchmark prints how busy the rest of the machine was while it ran (other processes' CPU,
read from ``/proc/stat`` minus this process and its children), runs its pair interleaved
(A B A B …, so a burst of load hits both sides) and reports the median of at least five runs
with the minimum and maximum. A ratio measured this way stays meaningful under load; an
absolute time does not, and the report says so when the machine was too busy.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: other processes using more than this share of the machine make absolute figures unreliable
BUSY_SHARE = 0.25
MIN_RUNS = 5
#: a side that runs the same code every run (a floor) and whose slowest run took more than
#: this many times its fastest ran on an unsteady machine: a shared host's contention (its
#: caches, its memory) slows this one without showing as other processes' load here
UNSTEADY_SPREAD = 1.5


def _busy_jiffies() -> int | None:
    """CPU time the whole machine spent busy (every core), in clock ticks; None off Linux."""
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in first[1:9])
    return user + nice + system + irq + softirq + steal


def _own_seconds() -> float:
    """CPU seconds of this process and the children it waited for."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


@dataclass
class Load:
    """Other processes' CPU while a benchmark ran (``with Load() as load: …``)."""

    cores: int = field(default_factory=lambda: os.cpu_count() or 1)
    #: CPU seconds other processes used, and the wall seconds of the measurement
    others: float = 0.0
    wall: float = 0.0
    available: bool = True

    def __enter__(self) -> Load:
        self._busy, self._own, self._wall = _busy_jiffies(), _own_seconds(), time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        busy = _busy_jiffies()
        self.wall = time.monotonic() - self._wall
        if busy is None or self._busy is None:
            self.available = False
            return
        machine = (busy - self._busy) / os.sysconf("SC_CLK_TCK")
        self.others = max(0.0, machine - (_own_seconds() - self._own))

    @property
    def share(self) -> float:
        """Other processes' CPU as a share of the whole machine (0–1)."""
        return self.others / (self.wall * self.cores) if self.wall else 0.0

    @property
    def too_busy(self) -> bool:
        return self.available and self.share > BUSY_SHARE

    def line(self) -> str:
        if not self.available:
            return "obciążenie maszyny: nieznane (brak /proc/stat)"
        text = (f"obciążenie maszyny: inne procesy {self.others:.1f} s CPU w {self.wall:.1f} s "
                f"= {self.share:.0%} z {self.cores} rdzeni")
        if self.too_busy:
            text += (" — maszyna zbyt zajęta: czasy bezwzględne się nie liczą, stosunki z "
                     "przeplatanych pomiarów orientacyjnie")
        return text


@dataclass(frozen=True)
class Spread:
    """Median, minimum and maximum of repeated measurements."""

    median: float
    low: float
    high: float
    runs: int

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        return cls(statistics.median(values), min(values), max(values), len(values))

    def steadiness(self, what: str) -> str:
        """A line for the report when the runs of ``what`` (the same code every run) differ
        by more than ``UNSTEADY_SPREAD`` (slowest ÷ fastest), else an empty string."""
        if self.low <= 0 or self.high / self.low <= UNSTEADY_SPREAD:
            return ""
        return (f"maszyna niestabilna: przebiegi {what} (ten sam kod) różniły się "
                f"{self.high / self.low:.1f}× — figury z tego uruchomienia orientacyjne, "
                f"powtórz pomiar na spokojnej maszynie")

    def text(self, unit: str = "", scale: float = 1.0, digits: int = 2) -> str:
        return (f"{self.median * scale:.{digits}f}{unit} (min–max {self.low * scale:.{digits}f}"
                f"–{self.high * scale:.{digits}f}, {self.runs} przebiegów)")


def interleaved(sides: dict[str, Callable[[], float]], runs: int = MIN_RUNS
                ) -> dict[str, list[float]]:
    """Run each side in turn, ``runs`` times (A B A B …); each call returns its own figure."""
    results: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(max(runs, MIN_RUNS)):
        for name, measure in sides.items():
            results[name].append(measure())
    return results


def ratios(numerator: list[float], denominator: list[float]) -> Spread:
    """The ratio of each interleaved pair (run i of A ÷ run i of B), summarised."""
    return Spread.of([a / b for a, b in zip(numerator, denominator, strict=True) if b])


def page_times(client: Any, path: str, repeat: int) -> tuple[float, float]:
    """p50 and p95 in ms of ``repeat`` GETs of ``path`` through a Flask test client.

    The first GET warms the caches and checks the page answers 200; it is not counted.
    """
    assert client.get(path).status_code == 200, path
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        reply = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert reply.status_code == 200
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
