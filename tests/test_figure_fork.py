"""Figures drawn ahead in a forked child (``reports.figure_fork``): the same PNGs as drawn
in process, every text translated by the parent, the parent drawing what the child could
not, and the child holding none of the parent's files."""

from __future__ import annotations

import os

import pytest

from reports import charts, figure_fork, geo, images, maps
from reports.classes import fixed
from reports.figures import Figures, texts

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only on POSIX")


@pytest.fixture
def single_threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The child is forked as in a single-threaded process (a sync worker, the command line),
    whatever idle threads the test run itself keeps (the browser tests' live server, SMTP
    servers); the test with a thread of its own checks the other case."""
    monkeypatch.setattr(figure_fork, "threads_running", lambda: False)


def _shout(text: str) -> str:
    return f"<{text.upper()}>"


def _figures() -> list[charts.ChartSpec | maps.MapSpec]:
    bars = charts.ChartSpec("bars", "Odsetek odpowiedzi wg powiatu", ["a", "b", "c"],
                            [charts.Series("odsetek", [0.5, None, 0.25]),
                             charts.Series("poprzednia runda", [0.4, 0.3, None])], "share")
    target = charts.ChartSpec("target", "Wskaźniki względem celów", ["CIS", "KIS"],
                              [charts.Series("osiągnięto", [0.8, None])], "share",
                              baselines=[0.5, None])
    powiats = geo.of_wojewodztwa(geo.powiaty(), ["16"])
    values = {a.code: (i / 10 if i % 4 else None) for i, a in enumerate(powiats)}
    choropleth = maps.choropleth("Odsetek odpowiedzi wg powiatów", "powiat", values, "share",
                                 powiats, fixed())
    return [bars, target, choropleth]


def _in_process(figure: charts.ChartSpec | maps.MapSpec) -> bytes:
    drawn = (images.map_figure(figure, _shout, "pl_PL") if isinstance(figure, maps.MapSpec)
             else images.chart_figure(figure, _shout, "pl_PL"))
    return images.png(drawn)


@pytest.mark.usefixtures("single_threaded")
def test_the_child_draws_every_kind_as_the_parent_would_with_the_parents_texts():
    """Each PNG comes from the child (none left to the parent: ``texts`` names every text
    the drawing translates) and is the very PNG drawn in process."""
    figures = _figures()
    ahead = figure_fork.DrawnAhead()
    try:
        ahead.send([(f, {t: _shout(t) for t in texts(f, "pl_PL")}) for f in figures], "pl_PL")
        drawn = [ahead.get(i) for i in range(len(figures))]
    finally:
        ahead.close()
    assert all(png is not None for png in drawn)
    assert drawn == [_in_process(f) for f in figures]


@pytest.mark.usefixtures("single_threaded")
def test_a_figure_the_child_cannot_draw_is_drawn_by_the_parent():
    """A text the child was not given: that figure comes back empty, the others drawn;
    ``Figures.png`` then draws it in process — the same PNG either way."""
    bars, target, choropleth = _figures()
    ahead = figure_fork.DrawnAhead()
    try:
        ahead.send([(bars, {}), (choropleth, {t: t for t in texts(choropleth, "pl_PL")})],
                   "pl_PL")
        assert ahead.get(0) is None
        assert ahead.get(1) is not None
    finally:
        ahead.close()
    holder = Figures(drawn={"a": bars, "b": target, "c": choropleth})
    with holder.drawn_ahead([bars, target, choropleth], _shout, "pl_PL"):
        holder._ahead._deadline = 0  # a child too late: the parent draws
        assert holder.png(target, _shout, "pl_PL") == _in_process(target)


@pytest.mark.usefixtures("single_threaded")
def test_the_child_keeps_none_of_the_parents_files_and_is_reaped():
    """A pipe the parent holds (as LibreOffice's standard input) ends when the parent
    closes its end, the child alive or not; leaving ``started_early`` stops the child."""
    read, write = os.pipe()
    with figure_fork.started_early():
        early = figure_fork.take()
        later = figure_fork.take()
        later.close()
        assert later is not early  # the early child is handed out once
        os.close(write)
        assert os.read(read, 1) == b""  # no copy of the write end stayed in the child
        pid = early._pid
        assert pid is not None
    os.close(read)
    early.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_a_process_running_threads_draws_in_process():
    """With another thread running (a gthread worker) nothing is forked; the figures are
    drawn by the parent, the same PNGs."""
    import threading

    bars = _figures()[0]
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        ahead = figure_fork.DrawnAhead()
        assert ahead._pid is None
        holder = Figures(drawn={"a": bars})
        with holder.drawn_ahead([bars], _shout, "pl_PL"):
            assert holder.png(bars, _shout, "pl_PL") == _in_process(bars)
    finally:
        stop.set()
        other.join()


@pytest.mark.parametrize(("file_format", "kind", "started"), [
    ("pdf", "regional", {"figures"}), ("docx", "municipal", {"figures"}),
    ("xlsx", "regional", {"figures"}), ("xlsx", "indicators", set()),
    ("pdf", "half-year", set()), ("xlsx", "raw", set()), ("csv", "raw", set())])
def test_an_export_starts_ahead_only_what_its_file_will_use(monkeypatch, file_format, kind,
                                                            started):
    """``services.exports.started_ahead``: the drawing child for a document with figures or
    a workbook with maps (a workbook's charts are its own); nothing for the rest."""
    from contextlib import contextmanager

    from services.exports import started_ahead

    seen: set[str] = set()

    def recorder(name: str):
        @contextmanager
        def started():
            seen.add(name)
            yield
        return started

    monkeypatch.setattr(figure_fork, "started_early", recorder("figures"))
    with started_ahead(file_format, kind):
        pass
    assert seen == started
