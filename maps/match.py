"""The map of the matching page: the inventory for context, the candidates highlighted on top.

The candidates arrive in the browser from /api/match; `MatchLayer` only names the layer the
page's script fills (numbered markers, highlighted outlines).
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from gis.mbtiles import TilePackage
from gis.vocabulary import SiteKind
from maps.basemaps import add_basemaps
from maps.inventory import add_tools
from maps.layers import Legend, VectorTiles, area_outlines
from maps.render import new_map


class MatchLayer(JSCSSMixin, MacroElement):
    """Where the page's script draws the ranked sites."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            landstock.matchLayer({{ this._parent.get_name() }});
        {% endmacro %}
    """)
    default_js = [("landstock_map_js", "landstock_map_js")]

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement is unannotated
        self._name = "MatchLayer"


def match_map(
    *,
    parks: dict[str, Any],
    lang: str,
    basemap: str,
    tianditu_key: str | None,
    package: TilePackage | None = None,
) -> folium.Map:
    """Parks, the parcels by status (faint, for context) and the layer of candidates."""
    m = new_map()
    add_basemaps(m, lang=lang, first=basemap, tianditu_key=tianditu_key, package=package)
    area_outlines(parks, "park", lang).add_to(m)
    VectorTiles(SiteKind.PARCEL, lang).add_to(m)
    MatchLayer().add_to(m)
    Legend(lang, kinds=(SiteKind.PARCEL,)).add_to(m)
    add_tools(m, lang)
    folium.LayerControl(position="topright", collapsed=True).add_to(m)
    return m
