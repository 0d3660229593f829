"""``commands.collector``: a command loads its modules without collections, then freezes them."""

from __future__ import annotations

import gc

import pytest

from commands import collector


@pytest.fixture
def unfrozen():
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()


@pytest.mark.usefixtures("unfrozen")
def test_loading_collects_nothing_and_freezes_what_it_made():
    gc.enable()
    gc.unfreeze()
    with collector.loading():
        assert not gc.isenabled()
        made = [[i] for i in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(made)


@pytest.mark.usefixtures("unfrozen")
def test_loading_leaves_a_disabled_collector_disabled_even_when_the_import_fails():
    gc.disable()
    with pytest.raises(ImportError), collector.loading():
        import esmon_no_such_module  # type: ignore[import-not-found]  # noqa: F401
    assert not gc.isenabled()
