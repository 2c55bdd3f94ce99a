"""Pages load every JS/CSS file from Landstock itself; folium's CDN links never reach a page."""

import re

import folium
import pytest
from folium import plugins

from harness.paths import ROOT
from maps.assets import OWN, VENDOR, Assets, UnknownAsset, localise
from maps.inventory import add_tools
from maps.style import FACTORY_COLOURS, PARCEL_COLOURS


def test_every_vendor_file_is_installed_from_the_lock():
    missing = [path for path in VENDOR.values() if path and not (ROOT / "node_modules" / path).is_file()]

    assert missing == [], "run `make assets`, or add the package to package.json"


def test_own_files_exist():
    assert all((ROOT / "service" / "static" / "landstock" / name).is_file() for name in OWN.values())


def test_localise_rewrites_every_folium_link_to_a_local_url():
    m = folium.Map(tiles=None)
    add_tools(m, "zh")
    plugins.Draw().add_to(m)
    plugins.MarkerCluster().add_to(m)
    folium.Marker((31.8, 121.7), icon=folium.Icon(icon="info-sign")).add_to(m)

    localise(m, Assets())
    html = m.get_root().render()

    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("/static/") for u in urls)
    assert "cdn" not in html.split("<body>")[0]
    assert "bootstrap.min.css" not in html, "the page template loads Bootstrap once itself"


def test_cdn_mode_uses_the_pinned_versions():
    assert Assets(cdn=True).url("leaflet") == "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"
    assert (
        Assets(cdn=True)
        .url("awesome_markers_font_css")
        .startswith("https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.7.2/")
    )


def test_measure_tool_speaks_the_page_language():
    assert Assets(lang="zh").url("leaflet_measure_js").endswith("leaflet-measure.cn.js")
    assert Assets(lang="en").url("leaflet_measure_js").endswith("leaflet-measure.en.js")


def test_an_unknown_resource_is_an_error_not_an_outside_request():
    m = folium.Map(tiles=None)
    plugins.Geocoder().add_to(m)

    with pytest.raises(UnknownAsset):
        localise(m, Assets())


def test_stylesheet_colours_match_the_map_colours():
    css = (ROOT / "service" / "static" / "landstock" / "landstock.css").read_text(encoding="utf-8")

    for status, colour in PARCEL_COLOURS.items():
        assert f".ls-status-{status} {{ background: {colour}; color: " in css
    for status, colour in FACTORY_COLOURS.items():
        assert f".ls-fstatus-{status} {{ background: {colour}; color: " in css
