"""The workspace's map: the reader's own parks and towns, and the parcels and factories the list
beside it shows, each linked to its row (the page's script, workspace.js, draws them from the
list's data and follows clicks both ways)."""

from __future__ import annotations

from typing import Any

import folium
from branca.element import MacroElement
from folium.template import Template

from gis.mbtiles import TilePackage
from maps.basemaps import add_basemaps
from maps.inventory import add_tools
from maps.layers import area_outlines
from maps.render import new_map


class WorkspaceLayer(MacroElement):
    """Where workspace.js draws the listed records, and links them to the list's rows."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            landstockWorkspace({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement is unannotated
        self._name = "WorkspaceLayer"


def workspace_map(
    areas: dict[str, Any],
    *,
    lang: str,
    basemap: str,
    tianditu_key: str | None,
    package: TilePackage | None = None,
) -> folium.Map:
    """The outlines of `areas` (parks, zones, towns) under the listed records."""
    m = new_map()
    add_basemaps(m, lang=lang, first=basemap, tianditu_key=tianditu_key, package=package)
    if areas["features"]:
        area_outlines(areas, "park", lang).add_to(m)
    WorkspaceLayer().add_to(m)
    add_tools(m, lang)
    folium.LayerControl(position="topright", collapsed=True).add_to(m)
    return m
