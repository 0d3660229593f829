"""Importing the PRG gmina layer (``flask maps import``): shapefile in a ZIP, or GeoJSON.

GUGiK publishes the boundaries of gminas as a shapefile (layer ``A03_Granice_gmin``) in
PUWG 1992 (EPSG:2180) with the TERYT code in ``JPT_KOD_JE`` (7 digits, WWPPGGR) and the name
in ``JPT_NAZWA_``. The file comes from outside, so it is read defensively: size caps before
anything is unpacked, no paths from the archive used on disk, every problem reported with the
file and the feature (record) number, and nothing is written unless the whole layer is good.
The result is stored like the shipped layers: WGS 84, simplified, ``teryt`` and ``nazwa``.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapefile
import shapely
from pyproj import Transformer
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

#: the largest file accepted and the most it may unpack to (the whole country is ~90 MB)
MAX_FILE_BYTES = 200 * 2**20
MAX_UNPACKED_BYTES = 600 * 2**20
MAX_FEATURES = 10_000
MAX_PROBLEMS = 50
CODE_FIELD, NAME_FIELDS = "JPT_KOD_JE", ("JPT_NAZWA_", "JPT_NAZWA", "nazwa")
TOLERANCE = 0.0005  # degrees, ~40 m: a gmina map of a whole województwo stays small
PLACES = 4


class LayerError(Exception):
    """The file cannot be imported; ``problems`` are Polish texts with file and feature."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Layer:
    features: list[dict[str, Any]]

    @property
    def count(self) -> int:
        return len(self.features)


def read_layer(path: Path) -> Layer:
    """Read and check a gmina layer file. :raise LayerError: with every problem found."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as err:
        raise LayerError([f"{name}: nie można odczytać pliku ({err.strerror})."]) from err
    if size > MAX_FILE_BYTES:
        raise LayerError([f"{name}: plik ma {size // 2**20} MB, więcej niż dopuszczalne "
                          f"{MAX_FILE_BYTES // 2**20} MB."])
    data = path.read_bytes()
    is_zip = data[:4] == b"PK\x03\x04"
    return _checked(name, _from_zip(name, data) if is_zip else _from_geojson(name, data))


def _from_zip(name: str, data: bytes) -> list[tuple[int, dict[str, Any], BaseGeometry | None,
                                                  str]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as err:
        raise LayerError([f"{name}: uszkodzony plik ZIP."]) from err
    members = archive.infolist()
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise LayerError([f"{name}: archiwum rozpakowuje się do ponad "
                          f"{MAX_UNPACKED_BYTES // 2**20} MB."])
    shps = [m for m in members if m.filename.lower().endswith(".shp")]
    if len(shps) != 1:
        raise LayerError([f"{name}: archiwum musi zawierać dokładnie jeden plik .shp "
                          f"(zawiera {len(shps)})."])
    stem = shps[0].filename[:-4]
    parts = {m.filename[len(stem):].lower(): m for m in members
             if m.filename[:len(stem)] == stem}
    if ".dbf" not in parts:
        raise LayerError([f"{name}: brak pliku {Path(stem).name}.dbf z atrybutami."])
    prj = archive.read(parts[".prj"]).decode("latin-1") if ".prj" in parts else ""
    try:
        reader = shapefile.Reader(shp=io.BytesIO(archive.read(parts[".shp"])),
                                  dbf=io.BytesIO(archive.read(parts[".dbf"])),
                                  shx=io.BytesIO(archive.read(parts[".shx"]))
                                  if ".shx" in parts else None, encoding="utf-8",
                                  encodingErrors="replace")
        fields = [f[0] for f in reader.fields[1:]]
        if len(reader) > MAX_FEATURES:
            raise LayerError([f"{name}: {len(reader)} obiektów, więcej niż {MAX_FEATURES}."])
        found = []
        for number, record in enumerate(reader.iterShapeRecords(), start=1):
            properties = dict(zip(fields, record.record, strict=False))
            geometry = shape(record.shape.__geo_interface__) if record.shape.points else None
            found.append((number, properties, geometry, prj))
    except (shapefile.ShapefileException, ValueError, struct.error) as err:
        raise LayerError([f"{name}: nie można odczytać pliku shapefile ({err})."]) from err
    return found


def _from_geojson(name: str, data: bytes) -> list[tuple[int, dict[str, Any],
                                                        BaseGeometry | None, str]]:
    try:
        layer = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        line = getattr(err, "lineno", 1)
        raise LayerError([f"{name}, wiersz {line}: to nie jest plik GeoJSON ani ZIP "
                          f"z plikiem shapefile."]) from err
    if not isinstance(layer, dict) or not isinstance(layer.get("features"), list):
        raise LayerError([f"{name}: oczekiwano GeoJSON typu FeatureCollection z listą "
                          f"„features”."])
    crs = json.dumps(layer.get("crs") or "")
    if len(layer["features"]) > MAX_FEATURES:
        raise LayerError([f"{name}: {len(layer['features'])} obiektów, więcej niż "
                          f"{MAX_FEATURES}."])
    found = []
    for number, feature in enumerate(layer["features"], start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        try:
            geometry = shape(feature["geometry"]) if feature.get("geometry") else None
        except (KeyError, TypeError, ValueError, AttributeError):
            geometry = None
        found.append((number, properties if isinstance(properties, dict) else {}, geometry,
                      crs))
    return found


def _to_wgs84(crs: str, sample: BaseGeometry):
    """A transformer from the layer's coordinates; PUWG 1992 unless they are degrees."""
    minx, miny, maxx, maxy = sample.bounds
    degrees = -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
    if degrees and "2180" not in crs and "1992" not in crs:
        return None
    return Transformer.from_crs("EPSG:2180", "EPSG:4326", always_xy=True).transform


def _checked(name: str, records: list[tuple[int, dict[str, Any], BaseGeometry | None, str]]
             ) -> Layer:
    problems: list[str] = []
    features, seen = [], set()
    project = None
    for number, properties, geometry, crs in records:
        code = str(properties.get(CODE_FIELD) or "").strip()
        where = f"{name}, obiekt {number}"
        if not code.isdigit() or len(code) not in (6, 7):
            problems.append(f"{where}: atrybut {CODE_FIELD} musi być kodem TERYT gminy "
                            f"(6 lub 7 cyfr), jest {code[:20]!r}.")
            continue
        if geometry is None or geometry.is_empty or geometry.geom_type not in (
                "Polygon", "MultiPolygon"):
            problems.append(f"{where} ({code}): brak obrysu (wielokąta).")
            continue
        if code in seen:
            problems.append(f"{where}: kod {code} powtarza się.")
            continue
        seen.add(code)
        if project is None:
            project = _to_wgs84(crs, geometry) or False
        if project:
            geometry = shapely.transform(geometry, project, interleaved=False)
        outline = geometry.simplify(TOLERANCE, preserve_topology=True)
        if not outline.is_valid:
            outline = outline.buffer(0)
        nazwa = next((str(properties[f]) for f in NAME_FIELDS if properties.get(f)), code)
        features.append({"type": "Feature",
                         "properties": {"teryt": code, "nazwa": nazwa[:100]},
                         "geometry": _rounded(mapping(outline))})
    if not records:
        problems.append(f"{name}: warstwa nie zawiera żadnego obiektu.")
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"… i {len(problems) - MAX_PROBLEMS} kolejnych problemów.")
        raise LayerError(shown)
    return Layer(features)


def _rounded(geometry: dict[str, Any]) -> dict[str, Any]:
    def walk(coords):
        if isinstance(coords[0], int | float):
            return [round(coords[0], PLACES), round(coords[1], PLACES)]
        return [walk(c) for c in coords]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def save_layer(layer: Layer, target: Path) -> None:
    """Write the layer atomically (a half-written file would break every map after it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".tmp")
    partial.write_text(json.dumps({"type": "FeatureCollection", "features": layer.features},
                                  ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    partial.replace(target)
