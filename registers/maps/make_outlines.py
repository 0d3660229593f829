"""Make the outlines shipped in this folder from the ones in ``../shared/data/maps/``.

``python registers/maps/make_outlines.py SOURCE_DIR`` reads ``powiaty.geojson`` and
``wojewodztwa.geojson`` (WGS 84, properties ``teryt`` and ``nazwa``), simplifies every shape
(Douglas–Peucker, ``TOLERANCE`` degrees, topology kept per shape) and writes them here with
coordinates rounded to ``PLACES`` decimals. At the scale of a report page (a województwo about
12 cm wide) 0.002° (~150 m) is well below a printed line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from shapely.geometry import mapping, shape

TOLERANCE = 0.002
PLACES = 3
HERE = Path(__file__).resolve().parent


def _rounded(coords):
    if isinstance(coords[0], int | float):
        return [round(coords[0], PLACES), round(coords[1], PLACES)]
    return [_rounded(c) for c in coords]


def simplify(source: Path, target: Path) -> int:
    """Write the simplified copy of one layer; returns its number of features."""
    layer = json.loads(source.read_text(encoding="utf-8"))
    features = []
    for feature in layer["features"]:
        geometry = shape(feature["geometry"]).simplify(TOLERANCE, preserve_topology=True)
        features.append({"type": "Feature",
                         "properties": {"teryt": feature["properties"]["teryt"],
                                        "nazwa": feature["properties"]["nazwa"]},
                         "geometry": {**mapping(geometry),
                                      "coordinates": _rounded(mapping(geometry)["coordinates"])}})
    features.sort(key=lambda f: f["properties"]["teryt"])
    target.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                                 ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return len(features)


def main(source_dir: str) -> None:
    for name in ("powiaty.geojson", "wojewodztwa.geojson"):
        count = simplify(Path(source_dir) / name, HERE / name)
        print(f"{name}: {count} obrysów, {(HERE / name).stat().st_size // 1024} KB")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(HERE.parents[2] / "shared/data/maps"))
