"""The inventory map (存量资源一张图): towns, parks, parcels by status, factories.

Parcels and factories come as vector tiles, whatever their number, so the page stays small and
pans smoothly at 10^5 parcels; only the handful of park and town outlines are inlined.
"""

from __future__ import annotations

from typing import Any

import folium
import numpy as np
import shapely
from folium import plugins

from gis.crs import cgcs2000_to_gcj02
from gis.labels import message
from gis.mbtiles import TilePackage
from gis.vocabulary import SiteKind
from maps.basemaps import add_basemaps
from maps.layers import Framed, Legend, VectorTiles, area_outlines
from maps.render import new_map


def shifted_to_gcj02(collection: dict[str, Any]) -> dict[str, Any]:
    """A copy of a FeatureCollection moved onto AMap's GCJ-02 tiles (for drawing only)."""
    features = collection["features"]
    geoms = cgcs2000_to_gcj02(np.array([shapely.geometry.shape(f["geometry"]) for f in features]))
    return {
        **collection,
        "features": [
            {**f, "geometry": shapely.geometry.mapping(g)} for f, g in zip(features, geoms, strict=True)
        ],
    }


def add_tools(m: folium.Map, lang: str) -> None:
    """Fullscreen, measure and scale: the tools every full-size map has."""
    plugins.Fullscreen(
        position="topleft",
        title=message("map.fullscreen", lang),
        title_cancel=message("map.fullscreen_exit", lang),
    ).add_to(m)
    # leaflet-measure computes areas on the sphere (turf), never in Web Mercator; 1 m² = 0.0015 亩
    plugins.MeasureControl(
        position="topleft",
        primary_length_unit="meters",
        secondary_length_unit="kilometers",
        primary_area_unit="mu",
        secondary_area_unit="sqmeters",
        units={"mu": {"factor": 0.0015, "display": message("unit.mu", lang), "decimals": 2}},
    ).add_to(m)


def inventory_map(
    *,
    towns: dict[str, Any],
    parks: dict[str, Any],
    lang: str,
    basemap: str,
    tianditu_key: str | None,
    package: TilePackage | None = None,
    query: str,
    gcj02: bool = False,
    bbox: tuple[float, float, float, float] | None = None,
) -> folium.Map:
    """The map of the inventory page; `query` is the filter applied to the parcel tiles, `bbox`
    what they select."""
    m = new_map()
    if bbox is not None:  # the page frames the box again after a new filter
        Framed(bbox, max_zoom=15).add_to(m)
    add_basemaps(m, lang=lang, first=basemap, tianditu_key=tianditu_key, package=package, gcj02=gcj02)
    if gcj02:
        towns, parks = shifted_to_gcj02(towns), shifted_to_gcj02(parks)
    area_outlines(towns, "town", lang).add_to(m)
    area_outlines(parks, "park", lang).add_to(m)
    VectorTiles(SiteKind.PARCEL, lang, query=query, gcj02=gcj02).add_to(m)
    VectorTiles(SiteKind.FACTORY, lang, gcj02=gcj02).add_to(m)
    Legend(lang).add_to(m)
    add_tools(m, lang)
    folium.LayerControl(position="topright", collapsed=True).add_to(m)
    return m
