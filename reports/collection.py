"""The cyclic garbage collector paused while a report decodes or writes a round.

A report makes millions of objects that live until it is done — the decoded answers, the
column lists, the cells' values — and none of them in a cycle (they are freed by their
reference counts). CPython's collector still walks every one of them at each full collection,
and the more of them there are the more such collections come: 1.2 s of the 4.5 s a
60 000-response frame took, 0.5 s of its workbook (``bench/reports_bench.py``).

``paused()`` turns the collector off for the block and back on after the last block still
running ends (threads of a web worker may build reports side by side); garbage cycles made
meanwhile wait for the next collection.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_state = {"depth": 0, "resume": False}


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic garbage collection while the block runs (as it was after the last one)."""
    with _lock:
        if _state["depth"] == 0:
            _state["resume"] = gc.isenabled()
            gc.disable()
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            if _state["depth"] == 0 and _state["resume"]:
                gc.enable()
