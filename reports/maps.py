"""Choropleth maps of a round: what is drawn (areas, values, classes), not how.

A ``MapSpec`` is drawn as SVG on screen, as PNG in the workbook and the document
(``reports.images``), and its ``rows()`` are the table beside it — the text alternative
(WCAG 1.1.1) and what a reader who cannot tell blues apart reads.

Levels: ``wojewodztwo`` and ``powiat`` (the shipped outlines), ``podregion`` (powiats dissolved
by the division stored in the database) and ``gmina`` (only with an imported PRG layer,
``flask maps import``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry.base import BaseGeometry

from l10n import N_
from reports import geo
from reports.aggregate import RATE, RESPONSE_RATE, TOTAL, Aggregate
from reports.classes import NO_DATA, NO_DATA_COLOR, Classes, fixed, format_value, quantiles

GMINA_LAYER_MISSING = N_(
    "Mapy wg gmin nie ma: brak warstwy granic gmin. Administrator może ją wczytać poleceniem "
    "„flask maps import PLIK” (warstwa PRG „Granice gmin”, ZIP z plikiem shapefile albo "
    "GeoJSON z atrybutem JPT_KOD_JE); do tego czasu dane wg gmin są w tabelach.")
NO_PODREGIONS = N_("Mapy wg podregionów nie ma: w bazie nie ma podziału powiatów na "
                   "podregiony (flask subregions import).")
NO_PODREGIONS_HERE = N_("Mapy wg podregionów nie ma: podział na podregiony w bazie nie obejmuje "
                        "powiatów z tej rundy.")
NOT_ON_MAP = N_("Na mapie nie ma grup bez obrysu: %(groups)s.")


#: level → the title of its response-rate map
RESPONSE_MAPS = {"powiat": N_("Odsetek odpowiedzi wg powiatów"),
                 "podregion": N_("Odsetek odpowiedzi wg podregionów"),
                 "wojewodztwo": N_("Odsetek odpowiedzi wg województw"),
                 "gmina": N_("Odsetek odpowiedzi wg gmin")}


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    geometry: BaseGeometry
    value: float | None
    #: the class (0 = lowest), ``None``: no data
    klass: int | None


@dataclass
class MapSpec:
    """One choropleth: areas with their values and classes, the outline drawn over them."""

    title: str
    level: str
    fmt: str
    classes: Classes
    areas: list[MapArea]
    outline: list[BaseGeometry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def legend(self, locale: str = "pl_PL") -> list[tuple[str, str]]:
        """(colour, label) lowest class first; "brak danych" last when an area has none."""
        entries = list(zip(self.classes.colors, self.classes.labels(self.fmt, locale),
                           strict=False))
        if any(a.klass is None for a in self.areas):
            entries.append((NO_DATA_COLOR, NO_DATA))
        return entries

    def rows(self, locale: str = "pl_PL", translate: Callable[[str], str] = str
             ) -> list[tuple[str, str, str]]:
        """The text alternative: (area, value, class label) in the order of the areas."""
        labels = self.classes.labels(self.fmt, locale)
        return [(a.name, format_value(a.value, self.fmt, locale) if a.value is not None
                 else translate(NO_DATA),
                 labels[a.klass] if a.klass is not None else "")
                for a in self.areas]


def group_code(level: str, group: str) -> str:
    """Aggregate group label → the code of its shape (``1604 kluczborski`` → ``1604``)."""
    return group.split(" ", 1)[0] if level in ("powiat", "wojewodztwo") else group


def figure_by_group(agg: Aggregate, column: str, measure: str) -> dict[str, float | None]:
    """One figure of an aggregate for each group (``Ogółem`` left out)."""
    table = agg.table
    rows = table[(table["kolumna"] == column) & (table["miara"] == measure)]
    if rows.empty:
        raise KeyError(f"{column} / {measure}")
    row = rows.iloc[0]
    values: dict[str, float | None] = {}
    for group in agg.groups:
        value = row[group]
        values[group] = None if value is None or value != value else float(value)
    return values


def response_rates(agg: Aggregate) -> dict[str, float | None]:
    return figure_by_group(agg, RESPONSE_RATE, RATE)


def choropleth(title: str, level: str, values: Mapping[str, float | None], fmt: str,
               areas: Sequence[geo.Area], classes: Classes | None = None,
               outline: Sequence[geo.Area] = ()) -> MapSpec:
    """The map of ``values`` (area code → figure) over ``areas``; quantiles unless given."""
    known = [values.get(a.code) for a in areas]
    classes = classes or quantiles(known)
    shapes = [MapArea(a.code, a.name, a.geometry, values.get(a.code),
                      classes.index(values.get(a.code))) for a in areas]
    spec = MapSpec(title, level, fmt, classes, shapes, [o.geometry for o in outline])
    missing = sorted(set(values) - {a.code for a in areas})
    if missing:
        spec.notes.append(N_(NOT_ON_MAP, groups=", ".join(missing)))
    return spec


def aggregate_map(title: str, agg: Aggregate, values: Mapping[str, float | None], fmt: str,
                  wojewodztwa_codes: Sequence[str], podregiony: Mapping[str, str] | None = None,
                  classes: Classes | None = None, maps_dir: Path = geo.MAPS_DIR
                  ) -> MapSpec | None:
    """A figure of a powiat or podregion aggregate on the map of the round's województwa.

    ``values`` are keyed by the aggregate's group labels. Returns ``None`` for levels that
    have no shapes (types of gmina, kinds of unit).
    """
    if agg.level not in ("powiat", "podregion", "wojewodztwo"):
        return None
    powiats = geo.of_wojewodztwa(geo.powiaty(maps_dir), wojewodztwa_codes)
    outline = geo.of_wojewodztwa(geo.wojewodztwa(maps_dir), wojewodztwa_codes)
    by_code = {group_code(agg.level, g): v for g, v in values.items() if g != TOTAL}
    if agg.level == "wojewodztwo":
        areas, outline = outline, []
    elif agg.level == "powiat":
        areas = powiats
    else:
        areas = geo.dissolve(powiats, podregiony or {})
        by_code = {k: v for k, v in by_code.items() if not k.startswith("(")}
    if not areas:
        return None
    return choropleth(title, agg.level, by_code, fmt, areas, classes, outline)


def response_rate_map(agg: Aggregate, wojewodztwa_codes: Sequence[str],
                      podregiony: Mapping[str, str] | None = None,
                      maps_dir: Path = geo.MAPS_DIR) -> MapSpec | None:
    title = RESPONSE_MAPS.get(agg.level, "")
    return aggregate_map(title, agg, response_rates(agg), "share", wojewodztwa_codes,
                         podregiony, fixed(), maps_dir)


def gmina_map(title: str, values: Mapping[str, float | None], fmt: str,
              wojewodztwa_codes: Sequence[str], maps_dir: Path,
              classes: Classes | None = None) -> MapSpec | str:
    """The map by gmina (``values`` keyed by 6-digit codes), or the note saying it is missing."""
    path = maps_dir / geo.GMINY
    if not path.exists():
        return GMINA_LAYER_MISSING
    gminas = [geo.Area(a.code[:6], a.name, a.geometry)
              for a in geo.of_wojewodztwa(geo.load_layer(path), wojewodztwa_codes)]
    outline = geo.of_wojewodztwa(geo.wojewodztwa(), wojewodztwa_codes)
    return choropleth(title, "gmina", values, fmt, gminas, classes, outline)


def wojewodztwa_of(territories: Any) -> list[str]:
    """The województwo codes of a frame's ``territory`` column."""
    return sorted({str(t)[:2] for t in territories if t and len(str(t)) >= 2})
