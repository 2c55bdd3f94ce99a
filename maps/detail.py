"""The small map of a parcel or factory page: the record itself, framed, over the basemap."""

from __future__ import annotations

from typing import Any

import folium
import orjson

from maps.basemaps import add_basemaps
from maps.inventory import add_tools
from maps.render import new_map
from maps.style import LOOKS


def draw_site(m: folium.Map, geometry: dict[str, Any], colour: str, **marked: str) -> list[list[float]]:
    """Draw one site in its status colour (a ringed dot where only its location is known); return
    the corners of its bounds. `marked` may give a tooltip and a class_name."""
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
            **marked,
        ).add_to(m)
        return [[lat, lon], [lat, lon]]
    style = {"color": "#333333", "weight": 2, "fillColor": colour, "fillOpacity": 0.6}
    if "class_name" in marked:
        style["className"] = marked["class_name"]
    shape = folium.GeoJson(geometry, tooltip=marked.get("tooltip"), style_function=lambda _f: style)
    shape.add_to(m)
    return [[float(v or 0) for v in corner] for corner in shape.get_bounds()]


def detail_map(
    geojson: str | None, kind: str, status: str, *, lang: str, basemap: str, tianditu_key: str | None
) -> folium.Map:
    """A map framing one record's shape (a point for a factory known only by its location)."""
    m = new_map(height="100%")
    add_basemaps(m, lang=lang, first=basemap, tianditu_key=tianditu_key)
    if geojson:
        geometry = orjson.loads(geojson)
        (south, west), (north, east) = draw_site(m, geometry, LOOKS[kind].colours.get(status, "#888888"))
        if geometry["type"] == "Point":
            m.location, m.options["zoom"] = [south, west], 16
        else:
            m.fit_bounds([[south, west], [north, east]], max_zoom=17)
    add_tools(m, lang)
    folium.LayerControl(position="topright", collapsed=True).add_to(m)
    return m
