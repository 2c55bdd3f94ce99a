"""The basemap in a real browser, at 390, 900 and 1440 px: with no tile package configured every
role's inventory map draws the context from Landstock's own data, labelled, asking nothing of any
other server; with a generated package its tiles load from /basemap; and a basemap that cannot
load says so in the map box and gives way to the context, never leaving grey."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from playwright.sync_api import Route

from harness.live import serve
from service.main import create_app
from service.settings import MapSettings
from tests.browser.conftest import LiveServer, Sessions, Watched
from tests.conftest import BACKENDS, settings_for
from tests.tile_packages import raster_package

WIDTHS = (390, 900, 1440)
ROLES = (None, "investment", "park_manager", "leader", "admin")
OSM = "https://tile.openstreetmap.org/**"

CONTEXT_DRAWN = """() => document.querySelectorAll('.leaflet-lsContext-pane path').length > 20
  && document.querySelectorAll('.ls-ctx-label').length > 10"""
COUNTS = """() => ({
  shapes: document.querySelectorAll('.leaflet-lsContext-pane path').length,
  labels: Array.from(document.querySelectorAll('.ls-ctx-label')).map((e) => e.textContent),
  inBox: Array.from(document.querySelectorAll('.ls-ctx-label')).filter((e) => {
    const r = e.getBoundingClientRect(), box = document.querySelector('.leaflet-container').getBoundingClientRect();
    return r.width > 0 && r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom;
  }).length,
})"""
PACKAGE_TILES = """() => Array.from(document.querySelectorAll('img.leaflet-tile-loaded'))
  .filter((img) => new URL(img.src).pathname.startsWith('/basemap/') && img.naturalWidth > 0).length"""


@pytest.fixture(scope="module")
def sessions(browser, live_server) -> Iterator[Sessions]:
    opened = Sessions(browser, live_server, "basemap", "P02")
    yield opened
    opened.close()


@pytest.mark.parametrize("role", ROLES)
def test_without_a_package_the_map_draws_the_context_offline(sessions, role):
    watched = sessions.of(role)

    for width in WIDTHS:
        watched.page.set_viewport_size({"width": width, "height": 900})
        watched.goto("/")
        watched.page.wait_for_function(CONTEXT_DRAWN)
        drawn = watched.page.evaluate(COUNTS)

        assert {"汇龙镇", "吕四港镇", "G40沪陕高速", "通启运河"} <= set(drawn["labels"]), width
        assert drawn["inBox"] >= 5, width  # labels the reader sees, inside the map's box
        if width == WIDTHS[0] and role is None:
            watched.screenshot(f"basemap-context-{width}")
    assert watched.outside == [] and watched.errors == []


def _open(browser, base: str, width: int) -> Watched:
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    return Watched(context.new_page(), base)


@pytest.fixture(scope="module", params=BACKENDS)
def configured(request, databases, tmp_path_factory) -> Iterator[dict[str, LiveServer]]:
    """Two apps on one sample database: one with a generated tile package, one showing OpenStreetMap
    first (which, on a machine without internet, cannot load)."""
    url = databases.url(str(request.param), sample=True)
    package = raster_package(tmp_path_factory.mktemp("basemap") / "city.mbtiles", max_zoom=3)
    with_package = dataclasses.replace(settings_for(url), map=MapSettings(basemap_tiles=package))
    with_osm = dataclasses.replace(settings_for(url), map=MapSettings(basemap="osm"))
    with serve(create_app(with_package)) as packaged, serve(create_app(with_osm)) as online:
        backend = str(request.param)
        yield {"package": LiveServer(packaged, url, backend), "osm": LiveServer(online, url, backend)}


def test_with_a_package_the_map_draws_its_tiles_from_basemap(browser, configured):
    for width in WIDTHS:
        watched = _open(browser, configured["package"].base, width)
        watched.goto("/")
        watched.page.wait_for_function(f"() => ({PACKAGE_TILES})() > 0")

        first = watched.page.locator(".leaflet-control-layers-base label").first.inner_text()
        assert first.strip() == "测试底图"
        assert watched.page.locator(".ls-basemap-notice").count() == 0
        assert watched.page.locator(".ls-ctx-label").count() == 0  # the context waits, not drawn
        watched.page.context.close()
        assert watched.outside == [] and watched.errors == []


def test_a_basemap_that_cannot_load_says_so_and_shows_the_context(browser, configured):
    failed: list[str] = []

    def unreachable(route: Route) -> None:
        failed.append(route.request.url)
        route.abort()

    for width in (WIDTHS[0], WIDTHS[-1]):
        watched = _open(browser, configured["osm"].base, width)
        # an unreachable tile server, as on an intranet (this test's own route: not an outside
        # request of the page's making but of the setting's)
        watched.page.route(OSM, unreachable)
        watched.page.goto(watched.base + "/", wait_until="load")
        notice = watched.page.locator(".ls-basemap-notice")
        notice.wait_for()
        watched.page.wait_for_function(CONTEXT_DRAWN)

        assert failed and "OpenStreetMap" in notice.inner_text() and "无法加载" in notice.inner_text()
        assert notice.is_visible() and notice.get_attribute("role") == "alert"
        box = watched.page.locator(".leaflet-container").bounding_box()
        shown = notice.bounding_box()
        assert (
            box
            and shown
            and box["x"] <= shown["x"]
            and shown["x"] + shown["width"] <= box["x"] + box["width"]
        )
        watched.screenshot(f"basemap-failed-{width}")
        watched.page.context.close()
        assert watched.outside == []
        # the browser's own note of each refused tile is the failure the page reports in words
        assert all("Failed to load resource" in e for e in watched.errors)
