"""A folium map cut into the three parts a Jinja page places: head, map element and script."""

from __future__ import annotations

import re
from dataclasses import dataclass

import folium
from branca.element import Figure
from markupsafe import Markup

from maps.assets import Assets, localise
from maps.layers import MapWords

# folium's header sets the page's viewport with zoom turned off (maximum-scale=1,
# user-scalable=no); the page's own viewport (base.html) leaves pinch-zoom to the reader.
FOLIUM_VIEWPORT = re.compile(r"<meta\s+name=\"viewport\"[^>]*>\s*")


@dataclass(frozen=True)
class RenderedMap:
    """The map's <head> links and styles, its <div>, and its <script>; `name` is its JS variable."""

    header: Markup
    html: Markup
    script: Markup
    name: str


def render(m: folium.Map, assets: Assets) -> RenderedMap:
    """Render `m` with Landstock's own JS/CSS instead of folium's CDN links, and Leaflet's own
    words in the page language."""
    MapWords(assets.lang).add_to(m)
    localise(m, assets)
    root = m.get_root()
    if not isinstance(root, Figure):
        raise TypeError("a folium map renders inside a branca Figure")
    root.render()
    return RenderedMap(
        header=Markup(FOLIUM_VIEWPORT.sub("", root.header.render())),  # noqa: S704 - folium's own output
        html=Markup(root.html.render()),
        script=Markup(f"<script>\n{root.script.render()}\n</script>"),
        name=m.get_name(),
    )


def new_map(
    *, location: tuple[float, float] = (31.86, 121.70), zoom: int = 10, height: str = "100%"
) -> folium.Map:
    """An empty map centred on Qidong, with no basemap of folium's choosing."""
    return folium.Map(
        location=location,
        zoom_start=zoom,
        tiles=None,
        height=height,
        control_scale=True,
        prefer_canvas=False,
        max_zoom=20,
    )
