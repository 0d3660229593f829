"""Outlines for maps: the shipped powiat and województwo layers, podregions dissolved from them.

Layers are GeoJSON in WGS 84 with ``teryt`` and ``nazwa`` properties (``registers/maps/``; an
imported gmina layer is stored the same way by ``reports.geo_import``). Podregions have no
outlines of their own: a ROPS may draw its own division, so they are always glued together
from the powiats of the division stored in the database.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from shapely import unary_union
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

MAPS_DIR = Path(__file__).resolve().parent.parent / "registers" / "maps"
POWIATY, WOJEWODZTWA, GMINY = "powiaty.geojson", "wojewodztwa.geojson", "gminy.geojson"
#: neighbouring simplified outlines do not touch exactly; a buffer this wide (degrees, ~100 m)
#: closes the slivers when powiats are dissolved into a podregion
_SNAP = 0.0015


@dataclass(frozen=True)
class Area:
    """One shape of a layer: its code (TERYT, or a podregion's name), name and geometry."""

    code: str
    name: str
    geometry: BaseGeometry


def load_layer(path: Path | str) -> list[Area]:
    """The areas of a layer file written by ``make_outlines.py`` or ``flask maps import``.

    :raise OSError, ValueError: when the file is missing or is not such a layer.
    """
    return list(_cached_layer(str(Path(path).resolve()), Path(path).stat().st_mtime_ns))


@lru_cache(maxsize=8)
def _cached_layer(path: str, _mtime: int) -> tuple[Area, ...]:
    """Parsed once per file version: the powiat layer is read by every report."""
    layer = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(layer, dict) or not isinstance(layer.get("features"), list):
        raise ValueError(f"{Path(path).name}: to nie jest warstwa GeoJSON (FeatureCollection).")
    return tuple(Area(str(f["properties"]["teryt"]), str(f["properties"]["nazwa"]),
                      shape(f["geometry"])) for f in layer["features"])


def powiaty(maps_dir: Path = MAPS_DIR) -> list[Area]:
    return load_layer(maps_dir / POWIATY)


def wojewodztwa(maps_dir: Path = MAPS_DIR) -> list[Area]:
    return load_layer(maps_dir / WOJEWODZTWA)


def of_wojewodztwa(areas: Iterable[Area], codes: Iterable[str]) -> list[Area]:
    """The areas whose TERYT code starts with one of the województwo codes (WW)."""
    wanted = tuple(sorted(set(codes)))
    return [a for a in areas if a.code[:2] in wanted]


def dissolve(areas: Iterable[Area], groups: Mapping[str, str]) -> list[Area]:
    """Areas glued by ``groups`` (area code → group name); areas with no group are left out."""
    members: dict[str, list[BaseGeometry]] = {}
    for area in areas:
        group = groups.get(area.code)
        if group is not None:
            members.setdefault(group, []).append(area.geometry.buffer(_SNAP))
    return [Area(name, name, unary_union(parts).buffer(-_SNAP))
            for name, parts in sorted(members.items())]
