"""The leaders' land-supply map (供地一张图): available 亩 by park and by town, with labels that
never cover one another (a label that would is hidden at that zoom, the larger area kept; its
outline's tooltip still names it) and the legend of the colours' classes in 亩."""

from __future__ import annotations

import html
from typing import Any

import folium
import shapely
from branca.element import MacroElement
from folium.template import Template

from gis.labels import message
from gis.mbtiles import TilePackage
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


def legend(available: dict[str, float]) -> list[tuple[str, float, float]]:
    """(colour, from 亩, to 亩) of each class of the shading."""
    bounds = classes(list(available.values()))
    return [
        (colour, 0.0 if i == 0 else bounds[i - 1], bound)
        for i, (colour, bound) in enumerate(zip(GREENS, bounds, strict=True))
    ]


class Declutter(MacroElement):
    """Shows the labels that fit, the largest area first, hiding (transparent, not removed) any
    that would cover one shown, again after every zoom, move or change of layer and once the fonts
    are in; then marks the map's box `data-decluttered` with the zoom it was done for."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
          function clash(a, b) {
            return !(a.right <= b.left || a.left >= b.right || a.bottom <= b.top || a.top >= b.bottom);
          }
          function declutter() {
            var shown = [], box = map.getContainer();
            var labels = Array.prototype.slice.call(box.querySelectorAll(".ls-area-label > div"));
            labels.sort(function (a, b) { return Number(b.dataset.mu) - Number(a.dataset.mu); });
            labels.forEach(function (label) {
              var r = label.getBoundingClientRect(), hide = shown.some(function (s) { return clash(r, s); });
              label.parentNode.classList.toggle("ls-label-hidden", hide);
              if (!hide) { shown.push(r); }
            });
            box.dataset.decluttered = String(map.getZoom());
          }
          map.on("zoomend moveend overlayadd overlayremove resize", declutter);
          map.whenReady(function () { window.requestAnimationFrame(declutter); });
          // the labels' widths change when the page's fonts arrive
          window.addEventListener("load", declutter);
          if (document.fonts) { document.fonts.ready.then(declutter); }
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement is unannotated
        self._name = "Declutter"


def _choropleth(
    outlines: dict[str, Any], available: dict[str, float], kind: str, lang: str, *, show: bool
) -> folium.FeatureGroup:
    bounds = classes(list(available.values()))
    group = folium.FeatureGroup(name=message(f"web.supply.layer_{kind}", lang), overlay=True, show=show)
    unit = message("unit.mu", lang)
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
                html=f'<div data-mu="{mu:.2f}">{html.escape(name)}<br><b>{mu:,.0f}</b> {unit}</div>',
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
    package: TilePackage | None = None,
) -> folium.Map:
    """Parks and towns shaded by the 亩 still available, each labelled; switch between the two."""
    m = new_map()
    _choropleth(parks, park_available, "park", lang, show=True).add_to(m)
    _choropleth(towns, town_available, "town", lang, show=False).add_to(m)
    add_basemaps(m, lang=lang, first=basemap, tianditu_key=tianditu_key, package=package)
    add_tools(m, lang)
    folium.LayerControl(position="topright", collapsed=False).add_to(m)
    Declutter().add_to(m)
    if towns["features"]:
        x0, y0, x1, y1 = shapely.bounds(
            shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in towns["features"]])
        ).tolist()
        m.fit_bounds([[y0, x0], [y1, x1]])
    return m
