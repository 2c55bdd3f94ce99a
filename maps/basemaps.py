"""Basemaps: a local tile package served at /basemap (first when configured), the context drawn
from Landstock's own data (offline; "none"), 天地图 vector and imagery with labels, OpenStreetMap,
AMap (GCJ-02).

天地图 is aligned with CGCS2000/WGS84 and needs a key (`tk`); without one its layers are left
out. AMap tiles are in GCJ-02: a map drawn over them must shift every feature to GCJ-02 at
draw time (the page's `gcj02` mode), so AMap is never offered beside the other basemaps.
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template
from xyzservices import TileProvider

from gis.labels import message
from gis.mbtiles import TilePackage

TIANDITU = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?service=wmts&request=GetTile&version=1.0.0"
    "&LAYER={layer}&tileMatrixSet=w&TileMatrix={{z}}&TileRow={{y}}&TileCol={{x}}"
    "&style=default&format=tiles&tk={key}"
)
OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
AMAP = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
CONTEXT_URL = "/basemap/context.geojson"
# landstock-map.js patches VectorGrid's canvas as it loads: the basemaps, the first elements of a
# map to ask for it, ask for VectorGrid before it
LANDSTOCK_JS = [("vectorGrid", "vectorGrid"), ("landstock_map_js", "landstock_map_js")]
# base layer -> its label layer
TIANDITU_LAYERS = {"tianditu_vec": ("vec", "cva"), "tianditu_img": ("img", "cia")}


def _tile_layer(url: str, attr: str, **options: Any) -> folium.TileLayer:
    """A tile layer of `url`. folium looks every URL given as text up among xyzservices' named
    providers first, which flattens their whole catalogue (~10 ms of every page); handed a
    provider, it takes it as it is."""
    return folium.TileLayer(TileProvider(name="landstock", url=url, attribution=attr), attr=attr, **options)


def _tianditu(name: str, key: str, lang: str, show: bool) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=message(f"map.basemap.{name}", lang), overlay=False, show=show)
    for layer in TIANDITU_LAYERS[name]:
        _tile_layer(
            TIANDITU.format(s="{s}", layer=layer, key=key),
            message("map.attr.tianditu", lang),
            subdomains="01234567",
            max_zoom=18,
            control=False,
        ).add_to(group)
    return group


class PackageBasemap(JSCSSMixin, Layer):
    """The local tile package (/basemap): pictures with L.tileLayer, vector tiles with VectorGrid,
    each of its layers drawn light."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = landstock.packageBasemap({{ this.options|tojson }});
        {% endmacro %}
    """)
    default_js = LANDSTOCK_JS

    def __init__(self, package: TilePackage, lang: str, *, show: bool) -> None:
        super().__init__(name=package.name, overlay=False, show=show)
        self._name = "PackageBasemap"
        self.options = {
            "url": "/basemap/{z}/{x}/{y}",
            "vector": package.vector,
            "layers": list(package.layers),
            "minNativeZoom": package.min_zoom,
            "maxNativeZoom": package.max_zoom,
            "attribution": package.attribution or message("map.attr.package", lang),
        }


class ContextBasemap(JSCSSMixin, Layer):
    """The context drawn from Landstock's own data (/basemap/context.geojson): coastline, county,
    roads, waterways, towns, parks, ports, highway exits and stations, light and labelled. Works
    with no internet; fetched once when first shown."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = landstock.contextBasemap({{ this.options|tojson }});
        {% endmacro %}
    """)
    default_js = LANDSTOCK_JS

    def __init__(self, lang: str, *, show: bool) -> None:
        super().__init__(name=message("map.basemap.none", lang), overlay=False, show=show)
        self._name = "ContextBasemap"
        self.options = {"url": CONTEXT_URL, "attribution": message("map.attr.context", lang)}


class BasemapWatch(JSCSSMixin, MacroElement):
    """Says so in the map box when `basemap` cannot load (several tiles failed, none loaded) and
    switches to `fallback` (the context drawn from Landstock's own data), never leaving grey."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            landstock.watchBasemap({{ this._parent.get_name() }}, {{ this.basemap.get_name() }},
                {{ this.fallback.get_name() if this.fallback else "null" }}, {{ this.words|tojson }});
        {% endmacro %}
    """)
    default_js = LANDSTOCK_JS

    def __init__(self, basemap: Layer, fallback: Layer | None, lang: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement is unannotated
        self._name = "BasemapWatch"
        self.basemap, self.fallback = basemap, fallback
        key = "map.basemap.failed" if fallback else "map.basemap.failed_alone"
        self.words = {"failed": message(key, lang, name=basemap.layer_name)}


def _osm(lang: str, *, show: bool) -> folium.TileLayer:
    return _tile_layer(
        OSM, message("map.attr.osm", lang), max_zoom=19, name=message("map.basemap.osm", lang), show=show
    )


def available(tianditu_key: str | None) -> list[str]:
    """The basemaps a page can offer (天地图 only with a key)."""
    return ["none", "osm", *(TIANDITU_LAYERS if tianditu_key else ())]


def add_basemaps(
    m: folium.Map,
    *,
    lang: str,
    first: str,
    tianditu_key: str | None,
    gcj02: bool = False,
    package: TilePackage | None = None,
) -> None:
    """Add the switchable basemaps to `m`: the tile package first and shown when there is one, else
    `first` shown (the context when unavailable); each that loads from a server is watched."""
    if gcj02:
        amap = _tile_layer(
            AMAP,
            message("map.attr.amap", lang),
            subdomains="1234",
            max_zoom=18,
            name=message("map.basemap.amap", lang),
        )
        amap.add_to(m)
        BasemapWatch(amap, None, lang).add_to(m)
        return
    offered = available(tianditu_key)
    first = "package" if package else first if first in offered else "none"
    served: list[Layer] = [PackageBasemap(package, lang, show=True)] if package else []
    context = ContextBasemap(lang, show=first == "none")
    for name in offered:
        if name == "osm":
            served.append(_osm(lang, show=name == first))
        elif name != "none":
            served.append(_tianditu(name, str(tianditu_key), lang, name == first))
    # the package first in the layer control, then the context, then the rest
    for layer in (*served[:1], context, *served[1:]) if package else (context, *served):
        layer.add_to(m)
    for layer in served:
        BasemapWatch(layer, context, lang).add_to(m)
