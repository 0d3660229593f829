"""Charts and maps as inline SVG for the screen, drawn directly from their specs.

matplotlib needs about half a second a figure on a busy server, and a regional report shows a
dozen; these drawings take milliseconds and are made for a page: a ``viewBox`` that scales
with the column, ``role="img"`` named by the title and described by the data table beside it
(WCAG 1.1.1; the page's caption is the visible title), a ``<title>`` on every bar and area
for a pointer's tooltip, texts as text.
The same specs give the PNGs of the document (``reports.images``), so the colours, classes
and order are the same.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable
from functools import lru_cache
from html import escape

from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from reports.charts import BASELINE, TARGET, ChartSpec
from reports.classes import NO_DATA, NO_DATA_COLOR, format_value
from reports.maps import MapSpec

Translate = Callable[[str], str]
SERIES_COLORS = ("#3182bd", "#9ecae1", "#08519c")
TARGET_COLOR, BASELINE_COLOR, TEXT, AXIS = "#b2182b", "#555555", "#1a1a1a", "#767676"
WIDTH = 720
_FONT = 'font-family="DejaVu Sans, Verdana, sans-serif"'


def _same(text: str) -> str:
    return text


def _open(width: float, height: float, label: str, described_by: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'role="img" aria-label="{escape(label)}" aria-describedby="{escape(described_by)}" '
            f'class="figure" focusable="false" {_FONT} font-size="12">')


def _text(x: float, y: float, text: str, anchor: str = "start", size: float = 12,
          weight: str = "normal", fill: str = TEXT) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'font-weight="{weight}" fill="{fill}">{escape(text)}</text>')


def chart_svg(spec: ChartSpec, label: str, described_by: str, translate: Translate = _same,
              locale: str = "pl_PL") -> str:
    if spec.kind == "target":
        return _target(spec, label, described_by, translate, locale)
    return _bars(spec, label, described_by, translate, locale)


def _ticks(top: float, fmt: str) -> list[float]:
    if fmt == "share":
        return [0, 0.25, 0.5, 0.75, 1.0] if top <= 1.0 else [0, 0.5, 1.0, 1.5, 2.0][
            :math.ceil(top / 0.5) + 1]
    if top <= 0:
        return [0]
    step = 10 ** math.floor(math.log10(top / 4))
    for factor in (1, 2, 2.5, 5, 10):
        if top / (step * factor) <= 5:
            step *= factor
            break
    return [step * i for i in range(int(top // step) + 2)]


def _bars(spec: ChartSpec, label: str, described_by: str, translate: Translate,
          locale: str) -> str:
    left, right, top_margin, row = 230, 70, 10, 20
    k = max(1, len(spec.series))
    group = row * k + 8
    legend = 22 if k > 1 else 0
    height = top_margin + legend + group * len(spec.categories) + 30
    values = [v for s in spec.series for v in s.values if v is not None]
    ticks = _ticks(max(values, default=1.0) or 1.0, spec.fmt)
    scale_top = ticks[-1] or 1.0
    plot = WIDTH - left - right

    def x(value: float) -> float:
        return left + plot * value / scale_top

    parts = [_open(WIDTH, height, label, described_by)]
    y0 = top_margin + legend
    if k > 1:
        for j, series in enumerate(spec.series):
            lx = left + j * 170
            parts.append(f'<rect x="{lx}" y="{top_margin - 2}" width="12" height="12" '
                         f'fill="{SERIES_COLORS[j % 3]}"/>')
            parts.append(_text(lx + 18, top_margin + 8, translate(series.name), size=11))
    bottom = y0 + group * len(spec.categories)
    for tick in ticks:
        parts.append(f'<line x1="{x(tick):.1f}" y1="{y0 - 4}" x2="{x(tick):.1f}" '
                     f'y2="{bottom}" stroke="#e0e0e0"/>')
        tick_text = (f"{round(tick * 100):d}%" if spec.fmt == "share"
                     else format_value(tick, "count" if spec.fmt != "money" else "money",
                                       locale).replace(",00", ""))
        parts.append(_text(x(tick), bottom + 16, tick_text, "middle", 10, fill=AXIS))
    for i, category in enumerate(spec.categories):
        gy = y0 + i * group
        parts.append(_text(left - 8, gy + group / 2 + 4,
                           textwrap.shorten(category, 34, placeholder="…"), "end", 11))
        for j, series in enumerate(spec.series):
            value = series.values[i]
            by = gy + 4 + j * row
            shown = format_value(value, spec.fmt, locale) if value is not None else "—"
            width = x(value) - left if value is not None else 0
            parts.append(f'<rect x="{left}" y="{by}" width="{max(width, 0):.1f}" '
                         f'height="{row - 4}" fill="{SERIES_COLORS[j % 3]}">'
                         f'<title>{escape(category)} — {escape(translate(series.name))}: '
                         f'{escape(shown)}</title></rect>')
            parts.append(_text(left + max(width, 0) + 4, by + row - 8, shown, size=10))
    parts.append(f'<line x1="{left}" y1="{y0 - 4}" x2="{left}" y2="{bottom}" '
                 f'stroke="{AXIS}"/></svg>')
    return "".join(parts)


def _target(spec: ChartSpec, label: str, described_by: str, translate: Translate,
            locale: str) -> str:
    left, top_margin, plot_h = 50, 36, 220
    n = max(1, len(spec.categories))
    slot = (WIDTH - left - 10) / n
    values = spec.series[0].values
    # about five round ticks however far a value overshoots its target (841 %, 2 431 %)
    ticks = _ticks(max([1.2, *(v * 1.1 for v in values if v is not None)]), "count")
    top = ticks[-1]
    height = top_margin + plot_h + 62

    def y(value: float) -> float:
        return top_margin + plot_h - plot_h * value / top

    parts = [_open(WIDTH, height, label, described_by)]
    legend = [(SERIES_COLORS[0], translate(spec.series[0].name), "rect"),
              (TARGET_COLOR, translate(TARGET), "line"),
              (BASELINE_COLOR, translate(BASELINE), "diamond")]
    for j, (color, text, shape) in enumerate(legend):
        lx = left + j * 150
        if shape == "rect":
            parts.append(f'<rect x="{lx}" y="6" width="12" height="12" fill="{color}"/>')
        elif shape == "line":
            parts.append(f'<line x1="{lx}" y1="12" x2="{lx + 14}" y2="12" stroke="{color}" '
                         f'stroke-width="3"/>')
        else:
            parts.append(f'<path d="M{lx + 6} 6 l6 6 -6 6 -6 -6z" fill="{color}"/>')
        parts.append(_text(lx + 20, 16, text, size=11))
    for tick in ticks:
        parts.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{WIDTH - 10}" '
                     f'y2="{y(tick):.1f}" stroke="#e0e0e0"/>')
        parts.append(_text(left - 6, y(tick) + 4, f"{round(tick * 100):d}%", "end", 10,
                           fill=AXIS))
    for i, category in enumerate(spec.categories):
        cx = left + slot * (i + 0.5)
        value = values[i]
        bar_w = min(60, slot * 0.6)
        details = "; ".join(f"{translate(name)}: {vals[i]}" for name, vals in spec.details)
        if value is not None:
            parts.append(f'<rect x="{cx - bar_w / 2:.1f}" y="{y(value):.1f}" '
                         f'width="{bar_w:.1f}" height="{y(0) - y(value):.1f}" '
                         f'fill="{SERIES_COLORS[0]}"><title>{escape(category)}: '
                         f'{escape(details)}</title></rect>')
        shown = f"{round(value * 100):d}%" if value is not None else translate(NO_DATA)
        parts.append(_text(cx, y(value or 0) - 4, shown, "middle", 10))
        parts.append(f'<line x1="{cx - bar_w / 2 - 6:.1f}" y1="{y(1):.1f}" '
                     f'x2="{cx + bar_w / 2 + 6:.1f}" y2="{y(1):.1f}" stroke="{TARGET_COLOR}" '
                     f'stroke-width="3"/>')
        baseline = spec.baselines[i] if i < len(spec.baselines) else None
        if baseline is not None:
            by = y(baseline)
            parts.append(f'<path d="M{cx:.1f} {by - 6:.1f} l6 6 -6 6 -6 -6z" '
                         f'fill="{BASELINE_COLOR}"/>')
        for line, piece in enumerate(textwrap.wrap(category, max(8, int(slot / 7)))[:3]):
            parts.append(_text(cx, y(0) + 14 + 12 * line, piece, "middle", 10))
    parts.append("</svg>")
    return "".join(parts)


@lru_cache(maxsize=2048)
def _path(geometry: BaseGeometry, frame: tuple[float, float, float, float, float]) -> str:
    """The ``d`` of an outline in the frame of its map: the same outlines (the shipped
    layers) are drawn on every round page, only their colours change, so each is written once.
    """
    minx, maxy, x_scale, y_scale, top = frame
    polygons = (list(geometry.geoms) if isinstance(geometry, MultiPolygon)
                else [geometry] if isinstance(geometry, Polygon) else [])
    rings = []
    for polygon in polygons:
        for ring in (polygon.exterior, *polygon.interiors):
            points = " ".join(f"{(px - minx) * x_scale:.1f},{top + (maxy - py) * y_scale:.1f}"
                              for px, py in ring.coords)
            rings.append(f"M{points}Z")
    return "".join(rings)


def map_svg(spec: MapSpec, label: str, described_by: str, translate: Translate = _same,
            locale: str = "pl_PL") -> str:
    """The choropleth: areas with a tooltip each, the outline, the legend on the right."""
    bounds = [a.geometry.bounds for a in spec.areas] or [(14.1, 49.0, 24.2, 54.9)]
    minx, miny = min(b[0] for b in bounds), min(b[1] for b in bounds)
    maxx, maxy = max(b[2] for b in bounds), max(b[3] for b in bounds)
    squeeze = math.cos(math.radians((miny + maxy) / 2))
    map_w = 500
    scale = map_w / max(1e-9, (maxx - minx) * squeeze)
    map_h = (maxy - miny) * scale
    top = 4

    def path(geometry: BaseGeometry) -> str:
        return _path(geometry, (minx, maxy, squeeze * scale, scale, top))

    labels = spec.classes.labels(spec.fmt, locale)
    parts = [_open(WIDTH, top + map_h + 10, label, described_by),
             '<g stroke="#ffffff" stroke-width="0.8">']
    for area in spec.areas:
        color = spec.classes.colors[area.klass] if area.klass is not None else NO_DATA_COLOR
        value = (format_value(area.value, spec.fmt, locale) if area.value is not None
                 else translate(NO_DATA))
        klass = f" ({labels[area.klass]})" if area.klass is not None else ""
        parts.append(f'<path d="{path(area.geometry)}" fill="{color}" fill-rule="evenodd">'
                     f'<title>{escape(area.name)}: {escape(value)}{escape(klass)}</title>'
                     f'</path>')
    parts.append('</g><g fill="none" stroke="#333333" stroke-width="1.4">')
    parts += [f'<path d="{path(outline)}"/>' for outline in spec.outline]
    parts.append("</g>")
    for j, (color, text) in enumerate(spec.legend(locale)):
        ly = top + 10 + j * 22
        parts.append(f'<rect x="{map_w + 30}" y="{ly}" width="18" height="14" fill="{color}" '
                     f'stroke="#999999"/>')
        parts.append(_text(map_w + 56, ly + 12, translate(text), size=12))
    parts.append("</svg>")
    return "".join(parts)
