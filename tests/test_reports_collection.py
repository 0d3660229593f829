"""``reports.collection.paused``: no collections while a report decodes, the collector as before."""

from __future__ import annotations

import gc
import threading

import pytest

from reports import collection


@pytest.fixture
def collector_enabled():
    gc.enable()
    yield
    gc.enable()


@pytest.mark.usefixtures("collector_enabled")
def test_the_collector_is_off_in_the_block_and_on_after_the_last_block_ends():
    with collection.paused():
        assert not gc.isenabled()
        with collection.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_enabled")
def test_a_block_that_fails_still_turns_the_collector_back_on():
    with pytest.raises(ValueError, match="broken"), collection.paused():
        raise ValueError("broken")
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off():
    gc.disable()
    try:
        with collection.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.usefixtures("collector_enabled")
def test_reports_built_side_by_side_turn_it_back_on_when_both_are_done():
    inside, leave = threading.Event(), threading.Event()

    def other_report() -> None:
        with collection.paused():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=other_report)
    with collection.paused():
        thread.start()
        inside.wait(5)
    assert not gc.isenabled()  # the other thread's report is still being built
    leave.set()
    thread.join(5)
    assert gc.isenabled()
