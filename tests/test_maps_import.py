"""``flask maps import``: the PRG gmina layer as GeoJSON or a shapefile ZIP, checked whole."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
import shapefile
import shapely
from pyproj import Transformer
from shapely.geometry import box, mapping

from extensions import db
from models import AuditEvent
from reports import geo

_PUWG = Transformer.from_crs("EPSG:4326", "EPSG:2180", always_xy=True).transform


def puwg(shape):
    return shapely.transform(shape, _PUWG, interleaved=False)
#: three gminas of powiat kluczborski as boxes in PUWG 1992, like the PRG layer
GMINAS = {"1604011": ("Byczyna", box(18.1, 51.05, 18.3, 51.2)),
          "1604023": ("Kluczbork", box(18.1, 50.9, 18.3, 51.05)),
          "1604032": ("Lasowice Wielkie", box(18.3, 50.9, 18.5, 51.05))}


def prg_geojson(path: Path, features=None) -> Path:
    features = features if features is not None else [
        {"type": "Feature", "properties": {"JPT_KOD_JE": code, "JPT_NAZWA_": name},
         "geometry": mapping(puwg(shape))}
        for code, (name, shape) in GMINAS.items()]
    path.write_text(json.dumps({"type": "FeatureCollection", "crs": {
        "type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2180"}},
        "features": features}), encoding="utf-8")
    return path


def prg_zip(path: Path) -> Path:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON) as w:
        w.field("JPT_KOD_JE", "C", 10)
        w.field("JPT_NAZWA_", "C", 60)
        for code, (name, shape) in GMINAS.items():
            ring = list(puwg(shape).exterior.coords)[::-1]  # clockwise
            w.poly([ring])
            w.record(code, name)
    with zipfile.ZipFile(path, "w") as archive:
        for ext, data in (("shp", shp), ("shx", shx), ("dbf", dbf)):
            archive.writestr(f"A03_Granice_gmin.{ext}", data.getvalue())
        archive.writestr("A03_Granice_gmin.prj", 'PROJCS["ETRS89 / Poland CS92"]')
    return path


def stored(app) -> list[geo.Area]:
    return geo.load_layer(Path(app.instance_path) / "maps" / geo.GMINY)


@pytest.mark.parametrize("make", [prg_geojson, prg_zip], ids=["geojson", "shapefile-zip"])
def test_import_reprojects_to_wgs84_and_is_audited(app, runner, tmp_path, make):
    app.config["MAPS_DIR"] = None
    source = make(tmp_path / ("gminy.zip" if make is prg_zip else "gminy.geojson"))
    result = runner.invoke(args=["maps", "import", str(source)])
    assert result.exit_code == 0, result.output
    assert "3 obrysy" in result.output  # 2–4: obrysy (ngettext)
    areas = {a.code: a for a in stored(app)}
    assert set(areas) == set(GMINAS)
    assert areas["1604023"].name == "Kluczbork"
    minx, miny, maxx, maxy = areas["1604023"].geometry.bounds
    assert minx == pytest.approx(18.1, abs=1e-3)
    assert maxy == pytest.approx(51.05, abs=1e-3)
    with app.app_context():
        event = db.session.scalars(db.select(AuditEvent).filter_by(action="maps_import")).one()
        assert event.after["features"] == 3


def test_a_bad_layer_is_refused_with_located_problems_and_nothing_stored(app, runner,
                                                                         tmp_path):
    app.config["MAPS_DIR"] = str(tmp_path / "maps")
    good = runner.invoke(args=["maps", "import", str(prg_geojson(tmp_path / "a.geojson"))])
    assert good.exit_code == 0
    before = (tmp_path / "maps" / geo.GMINY).read_bytes()
    features = [
        {"type": "Feature", "properties": {"JPT_KOD_JE": "16040"}, "geometry": None},
        {"type": "Feature", "properties": {"JPT_KOD_JE": "1604011"},
         "geometry": {"type": "Point", "coordinates": [18.2, 51.1]}},
    ]
    bad = runner.invoke(args=["maps", "import", str(prg_geojson(tmp_path / "b.geojson",
                                                                features))])
    assert bad.exit_code == 1
    assert "b.geojson, obiekt 1: atrybut JPT_KOD_JE musi być kodem TERYT" in bad.output
    assert "b.geojson, obiekt 2 (1604011): brak obrysu" in bad.output
    assert "Nic nie wczytano" in bad.output
    assert (tmp_path / "maps" / geo.GMINY).read_bytes() == before


@pytest.mark.parametrize(("content", "message"), [
    (b"not json {", "to nie jest plik GeoJSON ani ZIP"),
    (b'{"type": "Feature"}', "FeatureCollection"),
    (b"PK\x03\x04garbage", "uszkodzony plik ZIP"),
])
def test_files_that_are_not_layers(app, runner, tmp_path, content, message):
    app.config["MAPS_DIR"] = str(tmp_path / "maps")
    path = tmp_path / "x.geojson"
    path.write_bytes(content)
    result = runner.invoke(args=["maps", "import", str(path)])
    assert result.exit_code == 1
    assert message in result.output
    assert not (tmp_path / "maps").exists()


def test_a_zip_without_attributes_is_refused(app, runner, tmp_path):
    app.config["MAPS_DIR"] = str(tmp_path / "maps")
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("gminy.shp", b"\0" * 100)
    result = runner.invoke(args=["maps", "import", str(path)])
    assert result.exit_code == 1
    assert "brak pliku gminy.dbf" in result.output
