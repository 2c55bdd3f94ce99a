"""The leaders' land-supply map (供地一张图): available 亩 by park and by town, with labels."""

from __future__ import annotations

from typing import Any

import folium
import shapely

from gis.labels import message
from maps.basemaps import add_basemaps
from maps.inventory import add_tools
from maps.render import new_map
from maps.style import GREENS


def classes(values: list[float]) -> list[float]:
    """Upper bounds of five equal classes from 0 to the largest value."""
    top = max(values, default=0) or 1
    return [top * (i + 1) / len(GREENS) for i in range(len(GREENS))]


def colour_of(value: float, bounds: list[float]) -> str:
    """The class colour of `value`."""
    for colour, bound in zip(GREENS, bounds, strict=True):
        if value <= bound:
            return colour
    return GREENS[-1]


def _choropleth(
    outlines: dict[str, Any], available: dict[str, float], kind: str, lang: str, *, show: bool
) -> folium.FeatureGroup:
    bounds = classes(list(available.values()))
    group = folium.FeatureGroup(name=message(f"web.supply.layer_{kind}", lang), overlay=True, show=show)
    for feature in outlines["features"]:
        code, name = feature["id"], feature["properties"]["name"]
        mu = available.get(code, 0.0)
        feature["properties"]["label"] = message("web.supply.map_label", lang, name=name, mu=f"{mu:,.0f}")
        style = {"color": "#37474f", "weight": 1, "fillColor": colour_of(mu, bounds), "fillOpacity": 0.75}
        folium.GeoJson(
            feature,
            style_function=lambda _f, style=style: style,
            tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        ).add_to(group)
        point = shapely.geometry.shape(feature["geometry"]).representative_point()
        folium.Marker(
            (point.y, point.x),
            icon=folium.DivIcon(
                class_name="ls-area-label",
                icon_size=(120, 34),
                icon_anchor=(60, 17),
                html=f"<div>{name}<br><b>{mu:,.0f}</b> {message('unit.mu', lang)}</div>",
            ),
        ).add_to(group)
    return group


def supply_map(
    *,
    parks: dict[str, Any],
    towns: dict[str, Any],
    park_available: dict[str, float],
    town_available: dict[str, float],
    lang: str,
    basemap: str,
    tianditu_key: str | None,
) -> folium.Map:
    """Parks and towns shaded by the 亩 still available, each labelled; switch between the two."""
    m = new_map()
    _choropleth(parks, park_available, "park", lang, show=True).add_to(m)
    _choropleth(towns, town_available, "town", lang, show=False).add_to(m)
    add_basemaps(m, lang=lang, first=basemap, tianditu_key=tianditu_key)
    add_tools(m, lang)
    folium.LayerControl(position="topright", collapsed=False).add_to(m)
    if towns["features"]:
        x0, y0, x1, y1 = shapely.bounds(
            shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in towns["features"]])
        ).tolist()
        m.fit_bounds([[y0, x0], [y1, x1]])
    return m
