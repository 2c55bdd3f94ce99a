"""The small map of a parcel or factory page: the record itself, framed, over the basemap."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import folium
import orjson

from gis.labels import message
from gis.mbtiles import TilePackage
from maps.basemaps import add_basemaps
from maps.inventory import add_tools
from maps.render import new_map
from maps.style import LOOKS, PHOTO_FAR, PHOTO_NEAR


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


def mark_photos(m: folium.Map, photos: Sequence[dict[str, Any]], lang: str) -> list[list[float]]:
    """Where each photo was taken, a camera-coloured dot (red when far from the site) with its
    tooltip; return the points, to be framed with the site."""
    group = folium.FeatureGroup(name=message("map.photo", lang))
    for photo in photos:
        colour = PHOTO_FAR if photo["far"] else PHOTO_NEAR
        folium.CircleMarker(
            (photo["lat"], photo["lon"]),
            radius=6,
            color="#ffffff",
            weight=2,
            fill=True,
            fill_color=colour,
            fill_opacity=0.95,
            tooltip=photo["tooltip"],
            class_name=f"ls-photo-mark ls-photo-{photo['id']}" + (" ls-photo-far" if photo["far"] else ""),
        ).add_to(group)
    if photos:
        group.add_to(m)
    return [[p["lat"], p["lon"]] for p in photos]


def detail_map(
    geojson: str | None,
    kind: str,
    status: str,
    *,
    lang: str,
    basemap: str,
    tianditu_key: str | None,
    package: TilePackage | None = None,
    photos: Sequence[dict[str, Any]] = (),
) -> folium.Map:
    """A map framing one record's shape (a point for a factory known only by its location) and the
    places its photos were taken."""
    m = new_map(height="100%")
    add_basemaps(m, lang=lang, first=basemap, tianditu_key=tianditu_key, package=package)
    taken = mark_photos(m, photos, lang)
    if geojson:
        geometry = orjson.loads(geojson)
        (south, west), (north, east) = draw_site(m, geometry, LOOKS[kind].colours.get(status, "#888888"))
        if geometry["type"] == "Point" and not taken:
            m.location, m.options["zoom"] = [south, west], 16
        else:
            corners = [[south, west], [north, east], *taken]
            lats, lons = [c[0] for c in corners], [c[1] for c in corners]
            m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], max_zoom=17)
    add_tools(m, lang)
    folium.LayerControl(position="topright", collapsed=True).add_to(m)
    return m
