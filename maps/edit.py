"""The map of an edit page: the record's shape, editable with Leaflet.draw or replaced by a file."""

from __future__ import annotations

import folium
import orjson

from gis.mbtiles import TilePackage
from maps.basemaps import add_basemaps
from maps.layers import GeometryEditor
from maps.render import new_map


def edit_map(
    geojson: str | None,
    *,
    lang: str,
    basemap: str,
    tianditu_key: str | None,
    package: TilePackage | None = None,
    input_id: str,
    file_id: str,
) -> folium.Map:
    """A map whose drawn shape is written to the form input `input_id`."""
    m = new_map()
    add_basemaps(m, lang=lang, first=basemap, tianditu_key=tianditu_key, package=package)
    geometry = orjson.loads(geojson) if geojson else None
    if geometry and geometry["type"] == "Point":
        lon, lat = geometry["coordinates"]
        folium.CircleMarker((lat, lon), radius=6, color="#333333").add_to(m)
        m.location, m.options["zoom"] = [lat, lon], 16
        geometry = None
    GeometryEditor(geometry, lang, input_id=input_id, file_id=file_id).add_to(m)
    folium.LayerControl(position="topright", collapsed=True).add_to(m)
    return m
