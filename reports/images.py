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

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402 - the backend is chosen first
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch, PathPatch  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402
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
    with plt.rc_context(STYLE):
        if spec.kind == "target":
            return _target(spec, translate, locale)
        return _bars(spec, translate, locale)


def _axis_format(fmt: str, locale: str) -> FuncFormatter:
    return FuncFormatter(lambda value, _pos: format_value(value, fmt, locale)
                         if fmt != "share" else f"{round(value * 100):d}%")


def _bars(spec: ChartSpec, translate: Translate, locale: str) -> Figure:
    n, k = len(spec.categories), len(spec.series)
    height = max(1.6, 0.8 + 0.24 * n * max(1, k * 0.75))
    figure = Figure(figsize=(WIDTH_IN, height), layout="constrained")
    ax = figure.subplots()
    thickness = 0.8 / k
    labels = [textwrap.shorten(c, 38, placeholder="…") for c in spec.categories]
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
    ax.xaxis.set_major_formatter(_axis_format(spec.fmt, locale))
    ax.set_title(translate(spec.title))
    if k > 1:
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    return figure


def _target(spec: ChartSpec, translate: Translate, locale: str) -> Figure:
    n = len(spec.categories)
    figure = Figure(figsize=(WIDTH_IN, 3.4), layout="constrained")
    ax = figure.subplots()
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
    ax.legend(loc="upper right", fontsize=7.5, frameon=False, ncols=3)
    return figure


def map_figure(spec: MapSpec, translate: Translate = _same, locale: str = "pl_PL") -> Figure:
    """The choropleth with the województwo outline and a legend in the reader's language."""
    with plt.rc_context(STYLE):
        xs, ys = [], []
        for area in spec.areas:
            minx, miny, maxx, maxy = area.geometry.bounds
            xs += [minx, maxx]
            ys += [miny, maxy]
        if not xs:
            xs, ys = [14.1, 24.2], [49.0, 54.9]
        scale = _lat_scale((min(ys) + max(ys)) / 2)
        aspect = (max(ys) - min(ys)) / max(1e-6, (max(xs) - min(xs)) * scale)
        width = WIDTH_IN
        figure = Figure(figsize=(width, min(8.0, max(3.0, width * 0.72 * aspect + 0.6))),
                        layout="constrained")
        ax = figure.subplots()
        for area in spec.areas:
            color = spec.classes.colors[area.klass] if area.klass is not None else None
            _draw(ax, area.geometry, scale, face=color or NO_DATA_COLOR, edge="#ffffff",
                  width=0.6, hatch=None if color else "///")
        for outline in spec.outline:
            _draw(ax, outline, scale, face="none", edge="#333333", width=1.1)
        ax.set_aspect("equal")
        ax.autoscale_view()
        ax.set_axis_off()
        ax.set_title(translate(spec.title))
        handles = [Patch(facecolor=color, edgecolor="#999999", label=translate(label),
                         hatch="///" if label == NO_DATA else None)
                   for color, label in spec.legend(locale)]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False,
                  fontsize=8, title=None)
        return figure


def _lat_scale(latitude: float) -> float:
    return math.cos(math.radians(latitude))


def _draw(ax, geometry: BaseGeometry, scale: float, face: str, edge: str, width: float,
          hatch: str | None = None) -> None:
    polygons = (list(geometry.geoms) if isinstance(geometry, MultiPolygon)
                else [geometry] if isinstance(geometry, Polygon) else [])
    for polygon in polygons:
        rings = [polygon.exterior, *polygon.interiors]
        path = MplPath.make_compound_path(*(
            MplPath([(x * scale, y) for x, y in ring.coords], closed=True) for ring in rings))
        ax.add_patch(PathPatch(path, facecolor=face, edgecolor=edge, linewidth=width,
                               hatch=hatch))


def png(figure: Figure) -> bytes:
    out = io.BytesIO()
    with plt.rc_context(STYLE):
        figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()
