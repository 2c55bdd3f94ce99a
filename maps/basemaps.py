"""Basemaps: 天地图 vector and imagery with labels, OpenStreetMap, none (offline), AMap (GCJ-02).

天地图 is aligned with CGCS2000/WGS84 and needs a key (`tk`); without one its layers are left
out. AMap tiles are in GCJ-02: a map drawn over them must shift every feature to GCJ-02 at
draw time (the page's `gcj02` mode), so AMap is never offered beside the other basemaps.
"""

from __future__ import annotations

import folium

from gis.labels import message

TIANDITU = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?service=wmts&request=GetTile&version=1.0.0"
    "&LAYER={layer}&tileMatrixSet=w&TileMatrix={{z}}&TileRow={{y}}&TileCol={{x}}"
    "&style=default&format=tiles&tk={key}"
)
OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
AMAP = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
# base layer -> its label layer
TIANDITU_LAYERS = {"tianditu_vec": ("vec", "cva"), "tianditu_img": ("img", "cia")}


def _tianditu(name: str, key: str, lang: str, show: bool) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=message(f"map.basemap.{name}", lang), overlay=False, show=show)
    for layer in TIANDITU_LAYERS[name]:
        folium.TileLayer(
            TIANDITU.format(s="{s}", layer=layer, key=key),
            subdomains="01234567",
            attr=message("map.attr.tianditu", lang),
            max_zoom=18,
            control=False,
        ).add_to(group)
    return group


def available(tianditu_key: str | None) -> list[str]:
    """The basemaps a page can offer (天地图 only with a key)."""
    return ["none", "osm", *(TIANDITU_LAYERS if tianditu_key else ())]


def add_basemaps(
    m: folium.Map, *, lang: str, first: str, tianditu_key: str | None, gcj02: bool = False
) -> None:
    """Add the switchable basemaps to `m`, `first` shown (falls back to none when unavailable)."""
    if gcj02:
        folium.TileLayer(
            AMAP,
            subdomains="1234",
            attr=message("map.attr.amap", lang),
            max_zoom=18,
            name=message("map.basemap.amap", lang),
        ).add_to(m)
        return
    offered = available(tianditu_key)
    first = first if first in offered else "none"
    for name in offered:
        show = name == first
        if name == "none":
            folium.FeatureGroup(name=message("map.basemap.none", lang), overlay=False, show=show).add_to(m)
        elif name == "osm":
            folium.TileLayer(
                OSM,
                attr=message("map.attr.osm", lang),
                max_zoom=19,
                name=message("map.basemap.osm", lang),
                show=show,
            ).add_to(m)
        else:
            _tianditu(name, str(tianditu_key), lang, show).add_to(m)
