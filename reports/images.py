"""Charts and maps drawn with matplotlib: PNG for the workbook and the document.

The Agg backend (no display) and DejaVu Sans, which matplotlib ships and which has every
Polish letter, so a chart looks the same on a server without fonts. The screen draws the same
specs as SVG (``reports.svg``: milliseconds instead of half a second a figure).
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Callable
from typing import Any

import matplotlib

matplotlib.use("Agg")  # figures are made as ``Figure`` objects: pyplot (~0.3 s) never loads

from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402
from shapely.geometry import MultiPolygon, Polygon  # noqa: E402
from shapely.geometry.base import BaseGeometry  # noqa: E402

from reports.charts import BASELINE, TARGET, ChartSpec  # noqa: E402
from reports.classes import NO_DATA, NO_DATA_COLOR, format_value  # noqa: E402
from reports.maps import MapSpec  # noqa: E402

Translate = Callable[[str], str]
STYLE: Any = {  # matplotlib types its rc keys as a Literal of every setting
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "svg.fonttype": "none",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titleweight": "bold",
    "axes.titlesize": 11,
    "axes.titlelocation": "left",
}
SERIES_COLORS = ("#3182bd", "#9ecae1", "#08519c")
TARGET_COLOR, BASELINE_COLOR = "#b2182b", "#555555"
WIDTH_IN = 6.3  # text width of an A4 page with 2.5 cm margins
DPI = 150


def _same(text: str) -> str:
    return text


def chart_figure(spec: ChartSpec, translate: Translate = _same, locale: str = "pl_PL"
                 ) -> Figure:
    with matplotlib.rc_context(STYLE):
        if spec.kind == "target":
            return _target(spec, translate, locale)
        return _bars(spec, translate, locale)


def _axis_format(fmt: str, locale: str) -> FuncFormatter:
    return FuncFormatter(lambda value, _pos: _tick(value, fmt, locale))


def _tick(value: float, fmt: str, locale: str) -> str:
    """An axis tick as short as readable: ``2,5 mln zł``, ``500 tys.``, ``40%``."""
    if fmt == "share":
        return f"{round(value * 100):d}%"
    if fmt in ("money", "count", "decimal") and abs(value) >= 10_000:
        millions = abs(value) >= 1_000_000
        short = format_value(value / (1_000_000 if millions else 1_000), "decimal", locale)
        short = short.rstrip("0").rstrip(",.") if "," in short or "." in short else short
        polish = locale.startswith("pl")
        unit = ("mln" if millions else "tys.") if polish else ("M" if millions else "k")
        return f"{short} {unit}" + (" zł" if fmt == "money" else "")
    if fmt == "money":
        return format_value(round(value), "count", locale) + " zł"
    return format_value(value, fmt, locale)


def _title_lines(title: str, width: int = 64) -> list[str]:
    return textwrap.wrap(title, width)[:3] or [""]


def _bars(spec: ChartSpec, translate: Translate, locale: str) -> Figure:
    n, k = len(spec.categories), len(spec.series)
    title = _title_lines(translate(spec.title))
    height = max(1.6, 0.8 + 0.24 * n * max(1, k * 0.75)) + 0.18 * (len(title) - 1)
    figure = Figure(figsize=(WIDTH_IN, height))
    labels = [textwrap.shorten(c, 38, placeholder="…") for c in spec.categories]
    # fixed margins (no layout pass): the labels' column, the title above, the ticks below
    left = min(0.45, 0.04 + 0.0105 * max((len(t) for t in labels), default=4))
    top_margin = 0.35 + 0.18 * len(title)
    ax = figure.add_axes((left, 0.4 / height, 0.9 - left, 1 - (0.4 + top_margin) / height))
    thickness = 0.8 / k
    top = max([v for s in spec.series for v in s.values if v is not None] or [1])
    for j, series in enumerate(spec.series):
        positions = [i + (j - (k - 1) / 2) * thickness for i in range(n)]
        values = [v or 0 for v in series.values]
        bars = ax.barh(positions, values, height=thickness * 0.92,
                       color=SERIES_COLORS[j % len(SERIES_COLORS)], label=translate(series.name))
        for bar, value in zip(bars, series.values, strict=True):
            text = format_value(value, spec.fmt, locale) if value is not None else "—"
            ax.text(bar.get_width() + top * 0.01, bar.get_y() + bar.get_height() / 2, text,
                    va="center", fontsize=7.5)
    ax.set_yticks(range(n), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.15 if spec.fmt != "share" else max(1.0, top * 1.12))
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.xaxis.set_major_formatter(_axis_format(spec.fmt, locale))
    # the title over the whole width (long question texts), wrapped, never cut off
    figure.suptitle("\n".join(title), x=0.01, y=1 - 0.08 / height, ha="left", va="top",
                    fontsize=11, fontweight="bold")
    if k > 1:
        ax.legend(loc="best", fontsize=8, frameon=True, framealpha=0.9, edgecolor="none")
    return figure


def _target(spec: ChartSpec, translate: Translate, locale: str) -> Figure:
    n = len(spec.categories)
    figure = Figure(figsize=(WIDTH_IN, 4.0))
    ax = figure.add_axes((0.08, 1.15 / 4.0, 0.9, 1 - 1.55 / 4.0))
    values = spec.series[0].values
    ax.bar(range(n), [v or 0 for v in values], width=0.6, color=SERIES_COLORS[0],
           label=translate(spec.series[0].name))
    ax.scatter(range(n), [1.0] * n, marker="_", s=900, linewidths=2.5, color=TARGET_COLOR,
               label=translate(TARGET), zorder=3)
    known = [(i, b) for i, b in enumerate(spec.baselines) if b is not None]
    if known:
        ax.scatter([i for i, _ in known], [b for _, b in known], marker="D", s=28,
                   color=BASELINE_COLOR, label=translate(BASELINE), zorder=3)
    for i, value in enumerate(values):
        text = f"{round(value * 100):d}%" if value is not None else translate(NO_DATA)
        ax.text(i, (value or 0) + 0.03, text, ha="center", va="bottom", fontsize=7.5)
    ax.set_xticks(range(n), ["\n".join(textwrap.wrap(c, 22)[:3]) for c in spec.categories],
                  fontsize=7)
    ax.yaxis.set_major_formatter(_axis_format("share", locale))
    ax.set_ylim(0, max([1.2, *(v * 1.15 for v in values if v is not None)]))
    ax.set_title(translate(spec.title))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.62 / 2.45), fontsize=7.5,
              frameon=False, ncols=3, markerscale=0.5)
    return figure


def map_figure(spec: MapSpec, translate: Translate = _same, locale: str = "pl_PL") -> Figure:
    """The choropleth with the województwo outline and a legend in the reader's language.

    Areas go in as one collection per class (a patch each would make matplotlib measure
    every Bézier curve for the axis limits: 40 s for a national map on a busy server), the
    limits come from the shapes' bounds and the margins are fixed, so no layout pass runs.
    """
    with matplotlib.rc_context(STYLE):
        bounds = [a.geometry.bounds for a in spec.areas] or [(14.1, 49.0, 24.2, 54.9)]
        minx, miny = min(b[0] for b in bounds), min(b[1] for b in bounds)
        maxx, maxy = max(b[2] for b in bounds), max(b[3] for b in bounds)
        scale = _lat_scale((miny + maxy) / 2)
        aspect = (maxy - miny) / max(1e-6, (maxx - minx) * scale)
        map_width = WIDTH_IN * 0.72
        title = _title_lines(translate(spec.title))
        height = min(8.0, max(3.0, map_width * aspect + 0.5)) + 0.18 * (len(title) - 1)
        figure = Figure(figsize=(WIDTH_IN, height))
        ax = figure.add_axes((0.01, 0.02, 0.72, 1 - (0.32 + 0.18 * len(title)) / height))
        groups: dict[int | None, list[MplPath]] = {}
        for area in spec.areas:
            groups.setdefault(area.klass, []).extend(_paths(area.geometry, scale))
        for klass, paths in groups.items():
            face = spec.classes.colors[klass] if klass is not None else NO_DATA_COLOR
            ax.add_collection(PathCollection(paths, facecolors=face, edgecolors="#ffffff",
                                             linewidths=0.5, hatch=None if klass is not None
                                             else "///"), autolim=False)
        outline = [p for geometry in spec.outline for p in _paths(geometry, scale)]
        if outline:
            ax.add_collection(PathCollection(outline, facecolors="none", edgecolors="#333333",
                                             linewidths=1.0), autolim=False)
        pad = 0.01 * (maxx - minx)
        ax.set_xlim(minx * scale - pad, maxx * scale + pad)
        ax.set_ylim(miny - pad, maxy + pad)
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_axis_off()
        figure.suptitle("\n".join(title), x=0.01, y=0.995, ha="left", va="top",
                        fontsize=11, fontweight="bold")
        handles = [Patch(facecolor=color, edgecolor="#999999", label=translate(label),
                         hatch="///" if label == NO_DATA else None)
                   for color, label in spec.legend(locale)]
        figure.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.75, 0.9),
                      frameon=False, fontsize=8)
        return figure


def _lat_scale(latitude: float) -> float:
    return math.cos(math.radians(latitude))


def _paths(geometry: BaseGeometry, scale: float) -> list[MplPath]:
    polygons = (list(geometry.geoms) if isinstance(geometry, MultiPolygon)
                else [geometry] if isinstance(geometry, Polygon) else [])
    return [MplPath.make_compound_path(*(
        MplPath([(x * scale, y) for x, y in ring.coords], closed=True)
        for ring in (polygon.exterior, *polygon.interiors))) for polygon in polygons]


def png(figure: Figure) -> bytes:
    out = io.BytesIO()
    with matplotlib.rc_context(STYLE):
        figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()
