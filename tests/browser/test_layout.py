"""Every page that draws a map, at 390, 900 and 1440 px, as each role that uses it: the map is a
box of its own inside the viewport with its layers drawn in it, the page does not scroll sideways,
wide tables scroll in a box of their own, and pinch-zoom is left to the reader."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.browser.conftest import Sessions

PROJECT = "XM-2026-004"  # 在谈, preferring P02
PARK = "P02"  # the park manager's park: the edit pages open a parcel and a factory in it
WIDTHS = (390, 900, 1440)
MIN_MAP_HEIGHT = 250

# (page, path, role): None is an anonymous reader; {parcel} and {factory} are records in PARK
PAGES = [
    ("inventory", "/", None),
    ("inventory", "/", "investment"),
    ("parcel", "/parcels/{parcel}", None),
    ("parcel", "/parcels/{parcel}", "investment"),
    ("factory", "/factories/{factory}", None),
    ("factory", "/factories/{factory}", "investment"),
    ("parcel-edit", "/parcels/{parcel}/edit", "park_manager"),
    ("factory-edit", "/factories/{factory}/edit", "park_manager"),
    ("workspace", "/workspace", "park_manager"),
    ("workspace", "/workspace", "admin"),
    ("match", f"/match?project={PROJECT}", "investment"),
    ("supply", "/supply", "leader"),
    ("project", f"/projects/{PROJECT}", "investment"),
]

LAYERS = "() => document.querySelectorAll('.leaflet-container :is(path, canvas, img.leaflet-tile-loaded)').length > 0"

# Some drawn layer (a vector path, a canvas or a loaded tile) overlaps the map's box
DRAWN_IN_MAP = """() => {
  const map = document.querySelector('.leaflet-container');
  if (!map) return false;
  const box = map.getBoundingClientRect();
  if (box.height < 1 || box.width < 1) return false;
  return Array.from(map.querySelectorAll('path, canvas, img.leaflet-tile-loaded')).some((e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.right > box.left && r.left < box.right
      && r.bottom > box.top && r.top < box.bottom;
  });
}"""

MEASURE = """() => {
  const root = document.documentElement;
  const map = document.querySelector('.leaflet-container').getBoundingClientRect();
  const scrolls = (e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
  const boxed = (e) => { for (let p = e.parentElement; p; p = p.parentElement) { if (scrolls(p)) return true; } return false; };
  const loose = Array.from(document.querySelectorAll('table'))
    .filter((t) => t.getBoundingClientRect().width > 0 && !boxed(t))
    .filter((t) => t.getBoundingClientRect().right > root.clientWidth + 0.5)
    .map((t) => t.id || t.className);
  return {
    map: {left: map.left, right: map.right, width: map.width, height: map.height},
    viewport: root.clientWidth,
    sideways: root.scrollWidth - root.clientWidth,
    loose,
    viewports: Array.from(document.querySelectorAll('meta[name=viewport]')).map((m) => m.content),
  };
}"""


@pytest.fixture(scope="module")
def sessions(browser, live_server) -> Iterator[Sessions]:
    opened = Sessions(browser, live_server, "layout", PARK)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def records(live_server) -> dict[str, str]:
    """A parcel and a factory in PARK, for the detail and edit pages."""

    def first(plural: str) -> str:
        body = httpx.get(f"{live_server.base}/api/{plural}", params={"park": PARK, "limit": 1}).json()
        return str(body["features"][0]["id"])

    return {"parcel": first("parcels"), "factory": first("factories")}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    ("name", "path", "role"), PAGES, ids=[f"{n}-{r or 'anonymous'}" for n, _, r in PAGES]
)
def test_a_map_page_fits_the_width(sessions, records, live_server, name, path, role, width):
    watched = sessions.of(role)
    watched.errors.clear()
    watched.outside.clear()
    watched.page.set_viewport_size({"width": width, "height": 900})
    watched.goto(path.format(**records))
    watched.page.wait_for_function(LAYERS, timeout=15_000)

    seen = watched.page.evaluate(MEASURE)
    assert seen["map"]["height"] >= MIN_MAP_HEIGHT, seen["map"]
    assert watched.page.evaluate(DRAWN_IN_MAP), "no layer drawn inside the map"
    assert seen["map"]["left"] >= 0 and seen["map"]["right"] <= seen["viewport"] + 0.5, seen["map"]
    assert seen["sideways"] <= 0, "the page scrolls sideways"
    assert seen["loose"] == [], "tables wider than the page outside a scroll box"
    assert seen["viewports"] and not [
        c for c in seen["viewports"] if "maximum-scale" in c or "user-scalable=no" in c.replace(" ", "")
    ], seen["viewports"]
    if width == WIDTHS[0]:  # the map in the picture, wherever the page puts it on a phone
        watched.page.locator(".leaflet-container").scroll_into_view_if_needed()
        watched.screenshot(f"layout-{name}-{role or 'anonymous'}-{width}-{live_server.backend}")
    assert watched.outside == [], "requests left the server"
    assert watched.errors == [], "JS console errors"
