"""The benchmarks' shared hygiene (``bench/hygiene.py``): medians, ranges, steadiness."""

from __future__ import annotations

from bench.hygiene import MIN_RUNS, Spread, interleaved, ratios


def test_a_floor_whose_runs_differ_too_much_marks_the_machine_unsteady():
    steady = Spread.of([1.0, 1.1, 1.2, 1.05, 1.3])
    assert steady.steadiness("podłogi") == ""
    unsteady = Spread.of([1.0, 1.1, 2.4, 1.05, 1.2])
    note = unsteady.steadiness("podłogi")
    assert "maszyna niestabilna" in note
    assert "podłogi" in note
    assert "2.4×" in note


def test_ratios_pair_run_i_with_run_i_and_runs_are_interleaved():
    order: list[str] = []

    def side(name: str, value: float):
        def measure() -> float:
            order.append(name)
            return value
        return measure

    results = interleaved({"a": side("a", 3.0), "b": side("b", 1.5)}, runs=2)
    assert order[:4] == ["a", "b", "a", "b"], "A B A B"
    assert len(results["a"]) == MIN_RUNS, "never fewer than the minimum"
    spread = ratios(results["a"], results["b"])
    assert (spread.median, spread.low, spread.high, spread.runs) == (2.0, 2.0, 2.0, MIN_RUNS)
