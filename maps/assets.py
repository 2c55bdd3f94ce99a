"""Where the browser gets every JS and CSS file: from Landstock itself, never from a CDN.

Many users sit on an intranet with no internet, so folium's CDN links are rewritten to files
installed from the npm registry (`package.json`, `npm ci` into `node_modules/`, served under
`/static/vendor/`). A setting may switch to a public CDN (jsDelivr) for the same versions.
A folium element asking for a resource this table does not know is an error, not a silent
outside request.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from branca.element import Element

VENDOR_URL = "/static/vendor"
OWN_URL = "/static/landstock"
CDN_URL = "https://cdn.jsdelivr.net/npm"

# folium's resource names (and ours) -> "npm-package/path/in/package", or None when a page never
# needs it (jQuery, Bootstrap 3 glyphicons, the icon-rotation CSS kept only on GitHub).
VENDOR: dict[str, str | None] = {
    "leaflet": "leaflet/dist/leaflet.js",
    "leaflet_css": "leaflet/dist/leaflet.css",
    "bootstrap": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "bootstrap_css": "bootstrap/dist/css/bootstrap.min.css",
    "jquery": None,
    "glyphicons_css": None,
    "awesome_rotate_css": None,
    "awesome_markers": "leaflet.awesome-markers/dist/leaflet.awesome-markers.min.js",
    "awesome_markers_css": "leaflet.awesome-markers/dist/leaflet.awesome-markers.css",
    "awesome_markers_font_css": "@fortawesome/fontawesome-free/css/all.min.css",
    "Control.Fullscreen.js": "leaflet.fullscreen/Control.FullScreen.js",
    "Control.FullScreen.css": "leaflet.fullscreen/Control.FullScreen.css",
    "leaflet_measure_js": "leaflet-measure/dist/leaflet-measure.cn.js",
    "leaflet_measure_css": "leaflet-measure/dist/leaflet-measure.css",
    "leaflet_draw_js": "leaflet-draw/dist/leaflet.draw.js",
    "leaflet_draw_css": "leaflet-draw/dist/leaflet.draw.css",
    "markerclusterjs": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "markerclustercss": "leaflet.markercluster/dist/MarkerCluster.css",
    "markerclusterdefaultcss": "leaflet.markercluster/dist/MarkerCluster.Default.css",
    "vectorGrid": "leaflet.vectorgrid/dist/Leaflet.VectorGrid.bundled.min.js",
    "htmx": "htmx.org/dist/htmx.min.js",
    # the API's own documentation pages, /docs and /redoc
    "swagger_ui_js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger_ui_css": "swagger-ui-dist/swagger-ui.css",
    "swagger_ui_favicon": "swagger-ui-dist/favicon-32x32.png",
    "redoc_js": "redoc/bundles/redoc.standalone.js",
}

# Per-language builds of a plugin (leaflet-measure ships its messages compiled in).
LOCALISED = {("leaflet_measure_js", "en"): "leaflet-measure/dist/leaflet-measure.en.js"}

# Landstock's own files (committed, under service/static/).
OWN: dict[str, str] = {
    "landstock_map_js": "landstock-map.js",
    "landstock_css": "landstock.css",
    "landstock_search_js": "landstock-search.js",
}

# What every page's base template loads itself; map headers must not load them a second time.
PAGE_PROVIDED = ("bootstrap", "bootstrap_css", "jquery")


class UnknownAsset(KeyError):
    """A page asked for a JS/CSS resource that Landstock does not serve."""


@lru_cache(maxsize=4)
def _versions(package_json: Path) -> dict[str, str]:
    return dict(json.loads(package_json.read_text(encoding="utf-8"))["dependencies"])


def _package_of(path: str) -> tuple[str, str]:
    parts = path.split("/")
    cut = 2 if parts[0].startswith("@") else 1
    return "/".join(parts[:cut]), "/".join(parts[cut:])


@dataclass(frozen=True)
class Assets:
    """Turns resource names into URLs: local files, or the same versions on a public CDN."""

    cdn: bool = False
    lang: str = "zh"
    package_json: Path = Path(__file__).resolve().parent.parent / "package.json"

    def url(self, name: str) -> str | None:
        """The URL of resource `name`; None when pages do without it."""
        if name in OWN:
            return f"{OWN_URL}/{OWN[name]}"
        if name not in VENDOR:
            raise UnknownAsset(name)
        path = LOCALISED.get((name, self.lang), VENDOR[name])
        if path is None:
            return None
        if not self.cdn:
            return f"{VENDOR_URL}/{path}"
        package, inner = _package_of(path)
        return f"{CDN_URL}/{package}@{_versions(self.package_json)[package]}/{inner}"

    def urls(self, *names: str) -> list[str]:
        """The URLs of several resources, skipping those pages do without."""
        return [u for u in (self.url(n) for n in names) if u]


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def _rewrite(links: list[tuple[str, str]], assets: Assets) -> list[tuple[str, str]]:
    kept = []
    for name, _cdn_url in links:
        url = None if name in PAGE_PROVIDED else assets.url(name)
        if url:
            kept.append((name, url))
    return kept


def localise(root: Element, assets: Assets) -> None:
    """Point every folium element under `root` at Landstock's own copies of its JS and CSS."""
    for element in _walk(root):
        if hasattr(element, "default_js"):
            element.default_js = _rewrite(element.default_js, assets)
        if hasattr(element, "default_css"):
            element.default_css = _rewrite(element.default_css, assets)
