"""Figures' PNGs drawn in a forked child while the parent goes on writing the document.

Why: matplotlib's import (~0.25 s) and drawing (~0.1 s a figure) used to stand in line with
the tables; on a machine with a core to spare they now cost the document little. The child
is forked when an export starts (``started_early``: matplotlib loads while the report's
tables are computed) or when the figures are known; it is sent the figures (pickled: specs
and shapes, ~100 kB) and sends back each PNG as it is drawn. Why a fork and not a new
interpreter: the child has every module but matplotlib loaded already.

The child is given its texts ready-made (translation belongs to the parent: the reader's
language, Flask); a figure that asks for a text it was not given, a child that fails or one
later than ``TIMEOUT_SECONDS`` leaves its figures to be drawn in the parent as before
(``get`` returns ``None``). The child keeps none of the parent's open files (a database
socket, a pipe another child's end waits on) and leaves by
``os._exit``, so nothing of the parent is flushed or closed twice. A process running
threads (gunicorn's gthread worker) does not fork: a lock held by another thread would stay
locked in the child for ever, so its figures are drawn in process.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import pickle
import select
import signal
import struct
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

TIMEOUT_SECONDS = 60.0
#: a result's header: the figure's index and its PNG's length (0: not drawn)
_HEADER = struct.Struct(">iI")
#: the jobs' length before their pickle
_LENGTH = struct.Struct(">Q")


def threads_running() -> bool:
    """Whether threads other than this one run in the process (then nothing is forked)."""
    return threading.active_count() > 1


class DrawnAhead:
    """A child that loads matplotlib at once and draws the jobs it is sent, in their order.

    ``started_early`` makes one at the start of an export (matplotlib loads while the
    report's tables are computed); ``take`` hands it, or a new one, to the figures.
    """

    def __init__(self) -> None:
        self._results: dict[int, bytes | None] = {}
        self._buffer = bytearray()
        self._pid: int | None = None
        self._read = self._jobs = -1
        self._count = 0
        self._deadline = time.monotonic() + TIMEOUT_SECONDS
        if not hasattr(os, "fork") or threads_running():
            return  # (a fork copies a lock another thread holds: the parent draws instead)
        read, write = os.pipe()
        jobs_read, jobs_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: draw, send, leave without the parent's clean-up
            status = 1
            try:
                os.close(read)
                os.close(jobs_write)
                _child_setup((write, jobs_read))
                _serve(jobs_read, write)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        os.close(jobs_read)
        self._pid, self._read, self._jobs = pid, read, jobs_write

    def send(self, jobs: Sequence[tuple[Any, Mapping[str, str]]], locale: str) -> None:
        """Give the child its jobs — (figure, {text: its translation}) — once."""
        if self._pid is None:
            return
        self._count = len(jobs)
        self._deadline = time.monotonic() + TIMEOUT_SECONDS
        try:
            data = pickle.dumps((list(jobs), locale), protocol=pickle.HIGHEST_PROTOCOL)
            _send(self._jobs, _LENGTH.pack(len(data)) + data)
            os.close(self._jobs)
            self._jobs = -1
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            self.close()
        if not jobs:
            self.close()

    def get(self, index: int) -> bytes | None:
        """The PNG of job ``index``, waiting for the child; ``None``: draw it yourself."""
        while index not in self._results and self._pid is not None:
            if not self._receive():
                self.close()
        return self._results.get(index)

    def _receive(self) -> bool:
        """Read what the child sent so far into results; False when it is over or late."""
        left = self._deadline - time.monotonic()
        if left <= 0 or not select.select([self._read], [], [], left)[0]:
            return False
        chunk = os.read(self._read, 1 << 20)
        if not chunk:
            return False
        self._buffer += chunk
        while len(self._buffer) >= _HEADER.size:
            index, length = _HEADER.unpack_from(self._buffer)
            end = _HEADER.size + length
            if len(self._buffer) < end:
                break
            self._results[index] = bytes(self._buffer[_HEADER.size:end]) or None
            del self._buffer[:end]
        if len(self._results) == self._count:
            self.close()
        return True

    def close(self) -> None:
        """Stop the child (done or not) and reap it."""
        pid, self._pid = self._pid, None
        if pid is None:
            return
        for fd in (self._read, self._jobs):
            if fd >= 0:
                os.close(fd)
        self._read = self._jobs = -1
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


_EARLY: ContextVar[DrawnAhead | None] = ContextVar("figures_drawn_ahead", default=None)


@contextmanager
def started_early() -> Iterator[None]:
    """Start the drawing child now, for the figures of the document made in the block."""
    ahead = DrawnAhead()
    token = _EARLY.set(ahead)
    try:
        yield
    finally:
        _EARLY.reset(token)
        ahead.close()  # (used, it is closed already)


def take() -> DrawnAhead:
    """The child started early (once), or a new one."""
    early = _EARLY.get()
    if early is not None:
        _EARLY.set(None)
        return early
    return DrawnAhead()


def _child_setup(keep: tuple[int, ...]) -> None:
    """Only the pipes and the standard streams stay open; signals as by default."""
    gc.disable()  # nothing of the parent's is finalised here (its files are closed below)
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    last = 3
    for fd in sorted(keep):
        os.closerange(last, fd)
        last = fd + 1
    os.closerange(last, os.sysconf("SC_OPEN_MAX"))


def _serve(jobs_in: int, out: int) -> None:
    """Load matplotlib while the jobs are awaited, then draw each and send its PNG."""
    loading = threading.Thread(target=importlib.import_module, args=("reports.images",))
    loading.start()
    data = _receive_all(jobs_in)
    loading.join()
    if len(data) < _LENGTH.size:
        return  # the parent made no document with figures
    jobs, locale = pickle.loads(data[_LENGTH.size:])  # noqa: S301 - our own parent's pickle
    from reports import images
    from reports.maps import MapSpec

    for index, (figure, texts) in enumerate(jobs):
        try:
            drawn = (images.map_figure(figure, texts.__getitem__, locale)
                     if isinstance(figure, MapSpec)
                     else images.chart_figure(figure, texts.__getitem__, locale))
            png = images.png(drawn)
        except Exception:  # noqa: BLE001 - a text not given, or any failure: the parent draws it
            png = b""
        _send(out, _HEADER.pack(index, len(png)) + png)


def _receive_all(fd: int) -> bytes:
    parts = []
    while chunk := os.read(fd, 1 << 20):
        parts.append(chunk)
    return b"".join(parts)


def _send(out: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(out, view):]
