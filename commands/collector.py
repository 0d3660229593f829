"""The garbage collector of a command's process: idle while modules load, then left out of them.

Everything an import makes (classes, functions, SQLAlchemy's tables, pandas' dtypes) lives as
long as the process, yet CPython's collector walks it again at every full collection — while a
command loads its modules (one every ~70 000 new objects) and once more for each step of the
interpreter's teardown at exit. ``flask reports export`` of an empty round spent about 0.1 s
in those collections while starting and 0.2 s when it ended, a third of the command.

So an esmon command (``app.create_app`` when it serves no request) loads its modules
``loading()``: without collections, and what they made frozen afterwards (``gc.freeze``: never
walked again, freed as usual when its last reference goes); and the objects of the run are
frozen at exit, where the process ends anyway. Garbage cycles made by the imports themselves
stay in memory — a few kilobytes in a process that ends.
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager

_state = {"frozen_at_exit": False}


@contextmanager
def loading() -> Iterator[None]:
    """Import modules without collections; what they made is then frozen (``gc.freeze``)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def freeze_at_exit() -> None:
    """Leave every object out of the collections of the interpreter's teardown (once)."""
    if not _state["frozen_at_exit"]:
        _state["frozen_at_exit"] = True
        atexit.register(gc.freeze)


def idle() -> None:
    """No collections at all: for a process that only prints (``flask … --help``)."""
    gc.disable()
    freeze_at_exit()
