"""The small map of a project's page: its supplied, shortlisted and reserved sites, each drawn in
its status colour with its code, framed together over the basemap."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import folium
import orjson

from gis.mbtiles import TilePackage
from gis.vocabulary import SiteKind
from maps.basemaps import add_basemaps
from maps.detail import draw_site
from maps.inventory import add_tools
from maps.render import new_map
from maps.style import LOOKS


class Site(Protocol):
    """What the map reads of a linked site."""

    kind: SiteKind
    code: str
    status: str
    geojson: str | None


def _draw(m: folium.Map, site: Site) -> list[list[float]]:
    """Draw one site; return the corners of its bounds."""
    colour = LOOKS[site.kind].colours.get(site.status, "#888888")
    geometry = orjson.loads(site.geojson or "null")
    return draw_site(m, geometry, colour, tooltip=site.code, class_name="ls-project-site")


def project_map(
    sites: Sequence[Site],
    *,
    lang: str,
    basemap: str,
    tianditu_key: str | None,
    package: TilePackage | None = None,
) -> folium.Map:
    """A map of the project's sites (Qidong as a whole when it has none)."""
    m = new_map(height="100%")
    add_basemaps(m, lang=lang, first=basemap, tianditu_key=tianditu_key, package=package)
    corners = [c for s in sites if s.geojson for c in _draw(m, s)]
    if corners:
        lats, lons = [c[0] for c in corners], [c[1] for c in corners]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], max_zoom=16)
    add_tools(m, lang)
    folium.LayerControl(position="topright", collapsed=True).add_to(m)
    return m
