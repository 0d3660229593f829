"""Classes of a choropleth: fixed breaks (response rates) or quantiles (key figures).

A map reader compares colours, not numbers, so the legend must say exactly which values each
colour stands for, in Polish notation, and areas with no answers get their own "brak danych"
swatch instead of the lightest colour (which would read as "low").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from l10n import N_
from l10n.numbers import format_number

#: ColorBrewer "Blues" (sequential, colour-blind safe, readable in greyscale print)
PALETTES = {
    2: ("#9ecae1", "#3182bd"),
    3: ("#deebf7", "#9ecae1", "#3182bd"),
    4: ("#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"),
    5: ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"),
}
NO_DATA_COLOR = "#d9d9d9"
NO_DATA = N_("brak danych")
#: response rate classes everyone reads the same way: below half, 50–70, 70–90, 90 and more
RESPONSE_RATE_BREAKS = (0.0, 0.5, 0.7, 0.9, 1.0)


@dataclass(frozen=True)
class Classes:
    """``breaks`` are the k+1 ascending edges; a class holds [edge, next edge), the last
    one also its upper edge."""

    breaks: tuple[float, ...]
    method: str  # "fixed" | "quantiles"

    @property
    def count(self) -> int:
        return max(1, len(self.breaks) - 1)

    @property
    def colors(self) -> tuple[str, ...]:
        return PALETTES[max(2, self.count)][-self.count:] if self.count > 1 else (
            PALETTES[2][1],)

    def index(self, value: float | None) -> int | None:
        """The class of a value (0 = lowest), ``None`` for no data."""
        if value is None or value != value:
            return None
        if len(self.breaks) < 2:
            return 0
        position = bisect_right(self.breaks, float(value)) - 1
        return min(max(position, 0), self.count - 1)

    def color(self, value: float | None) -> str:
        found = self.index(value)
        return NO_DATA_COLOR if found is None else self.colors[found]

    def labels(self, fmt: str, locale: str = "pl_PL") -> list[str]:
        """Legend texts, lowest class first: ``50–70%``, ``1 200–3 400``."""
        if len(self.breaks) < 2:
            return [format_value(self.breaks[0], fmt, locale)] if self.breaks else []
        texts = []
        for low, high in zip(self.breaks, self.breaks[1:], strict=False):
            first, last = _edge(low, fmt, locale), _edge(high, fmt, locale)
            texts.append(last if first == last else f"{first}–{last}")
        if fmt in ("share", "pct"):
            texts = [t.replace("%", "") + "%" for t in texts]
        return texts


def _edge(value: float, fmt: str, locale: str) -> str:
    """A class edge, as short as exact: ``50%`` rather than ``50,0%``."""
    text = format_value(value, fmt, locale)
    return re.sub(r"[,.]0(?=%|$| zł)", "", text)


def fixed(breaks: Sequence[float] = RESPONSE_RATE_BREAKS) -> Classes:
    return Classes(tuple(float(b) for b in breaks), "fixed")


def quantiles(values: Iterable[float | None], k: int = 5) -> Classes:
    """Up to ``k`` classes with about as many areas in each; fewer when values repeat."""
    known = sorted(float(v) for v in values if v is not None and v == v)
    if not known:
        return Classes((), "quantiles")
    edges = [known[0]]
    for i in range(1, k):
        edge = known[min(len(known) - 1, round(i * len(known) / k))]
        if edge > edges[-1]:
            edges.append(edge)
    if known[-1] > edges[-1] or len(edges) == 1:
        edges.append(known[-1])
    return Classes(tuple(edges), "quantiles")


def format_value(value: float | Decimal | int | None, fmt: str, locale: str = "pl_PL") -> str:
    """A figure as tables print it: shares ``81,7%``, money ``1 234 zł``, counts ``1 234``."""
    if value is None:
        return "—"
    if fmt == "share":
        return f"{format_number(Decimal(str(round(float(value) * 100, 1))), 1, locale)}%"
    if fmt == "pct":
        return f"{format_number(Decimal(str(round(float(value), 1))), 1, locale)}%"
    number = Decimal(str(value))
    if fmt == "money":
        return f"{format_number(number, 2, locale)} zł"
    if fmt == "count" or number == number.to_integral_value():
        return format_number(number.quantize(Decimal(1)), 0, locale)
    return format_number(number, 2 if abs(number) < 1000 else 0, locale)
