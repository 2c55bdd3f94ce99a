"""The small map of a parcel or factory page: the record itself, framed, over the basemap."""

from __future__ import annotations

import folium
import orjson

from maps.basemaps import add_basemaps
from maps.inventory import add_tools
from maps.render import new_map
from maps.style import LOOKS


def detail_map(
    geojson: str | None, kind: str, status: str, *, lang: str, basemap: str, tianditu_key: str | None
) -> folium.Map:
    """A map framing one record's shape (a point for a factory known only by its location)."""
    m = new_map(height="100%")
    add_basemaps(m, lang=lang, first=basemap, tianditu_key=tianditu_key)
    if geojson:
        geometry = orjson.loads(geojson)
        colour = LOOKS[kind].colours.get(status, "#888888")
        if geometry["type"] == "Point":
            lon, lat = geometry["coordinates"]
            folium.CircleMarker(
                (lat, lon),
                radius=8,
                color="#ffffff",
                weight=2,
                fill=True,
                fill_color=colour,
                fill_opacity=0.95,
            ).add_to(m)
            m.location, m.options["zoom"] = [lat, lon], 16
        else:
            shape = folium.GeoJson(
                geometry,
                style_function=lambda _f: {
                    "color": "#333333",
                    "weight": 2,
                    "fillColor": colour,
                    "fillOpacity": 0.6,
                },
            )
            shape.add_to(m)
            m.fit_bounds(shape.get_bounds(), max_zoom=17)  # type: ignore[arg-type]
    add_tools(m, lang)
    folium.LayerControl(position="topright", collapsed=True).add_to(m)
    return m
