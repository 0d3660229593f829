"""Map layers a deployment imports (the PRG gmina layer): checked, stored, audited.

The geometry code (shapely, numpy) is imported where a layer is read, not with this module:
the exports service asks it only for ``maps_dir`` (``tests/test_light_imports.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

from services.audit import record

if TYPE_CHECKING:
    from reports.geo_import import Layer


def maps_dir() -> Path:
    """Where imported layers live (``MAPS_DIR``; by default ``instance/maps``)."""
    return Path(current_app.config.get("MAPS_DIR") or Path(current_app.instance_path) / "maps")


def import_gmina_layer(path: Path) -> Layer:
    """Replace the gmina layer with the one in ``path``.

    :raise reports.geo_import.LayerError: with every problem; the stored layer is untouched.
    """
    from reports.geo import GMINY
    from reports.geo_import import read_layer, save_layer

    layer = read_layer(path)
    save_layer(layer, maps_dir() / GMINY)
    record("maps_import", None, summary=f"Warstwa gmin z {path.name}: {layer.count} obrysów",
           after={"file": path.name, "features": layer.count})
    return layer
