"""A folium map cut into the three parts a Jinja page places: head, map element and script."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import branca.element
import folium
import jinja2
from branca.element import Figure
from markupsafe import Markup

from maps.assets import Assets, localise
from maps.layers import MapWords


class _Text:
    """Rendered text that branca would compile as a template to render it unchanged."""

    def __init__(self, source: str) -> None:
        # what Jinja's defaults make of a text without tags: newlines normalised to \n, and one
        # trailing newline dropped (keep_trailing_newline is off)
        self.text = source.replace("\r\n", "\n").replace("\r", "\n").removesuffix("\n")

    def render(self, *_args: Any, **_kwargs: Any) -> str:
        return self.text


def _template_or_text(source: str, *args: Any, **kwargs: Any) -> Any:
    """branca wraps every piece a macro renders in an element whose template is that very text,
    and compiles it with Jinja to render it: some thirty compilations a page, a quarter of
    drawing the inventory page. A text that holds no Jinja tag renders as itself without them."""
    if args or kwargs or any(tag in source for tag in ("{{", "{%", "{#")):
        return jinja2.Template(source, *args, **kwargs)
    return _Text(source)


branca.element.Template = _template_or_text  # type: ignore[attr-defined,assignment]

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
