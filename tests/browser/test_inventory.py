"""The inventory map in a real browser: it loads offline, and the map shows what the filters select."""

import contextlib

import httpx
from playwright.sync_api import TimeoutError as PlaywrightTimeout

WAIT_TILES = "() => landstock.renderedCodes('parcels').length > 0"


def api_codes(server, **params) -> set[str]:
    body = httpx.get(f"{server.base}/api/parcels", params={**params, "limit": 1000}).json()
    assert body["numberMatched"] == body["numberReturned"]
    return {f["id"] for f in body["features"]}


SAME_CODES = """(expected) => {
  const got = landstock.renderedCodes('parcels');
  return got.length === expected.length && expected.every((c) => got.includes(c));
}"""


def drawn_codes(page, expected: set[str] | None = None) -> set[str]:
    """The parcels the map draws; given `expected`, wait (up to the timeout) until it draws them."""
    page.page.wait_for_function(WAIT_TILES)
    page.page.wait_for_load_state("networkidle")
    if expected is not None:
        with contextlib.suppress(PlaywrightTimeout):  # the caller's assertion shows the difference
            page.page.wait_for_function(SAME_CODES, arg=sorted(expected), timeout=15_000)
    return set(page.page.evaluate("() => landstock.renderedCodes('parcels')"))


def test_inventory_map_loads_with_every_parcel_and_factory(page, live_server):
    page.goto("/")

    expected = api_codes(live_server)
    assert drawn_codes(page, expected) == expected
    assert page.page.evaluate("() => landstock.renderedCodes('factories').length") == 101
    assert "556" in page.page.locator(".ls-total").inner_text()
    assert page.page.locator(".ls-legend").is_visible()
    page.screenshot(f"inventory-{live_server.backend}")


def test_the_map_opens_framed_and_asks_only_for_the_tiles_it_shows(page):
    # framed before the layers are added: no tile of the folium default zoom is drawn for nothing
    asked = []
    page.page.on("request", lambda r: asked.append(r.url) if "/tiles/" in r.url else None)
    page.goto("/")
    page.page.wait_for_function(WAIT_TILES)

    name = page.page.evaluate("() => Object.keys(window).find(k => k.startsWith('map_'))")
    zoom = page.page.evaluate(f"() => {name}.getZoom()")
    zooms = {int(url.split("/tiles/")[1].split("/")[1]) for url in asked}
    assert asked and zooms == {zoom}


def test_a_filter_in_the_url_draws_exactly_the_selected_parcels(page, live_server):
    page.goto("/?park=P04&status=available")

    expected = api_codes(live_server, park="P04", status="available")
    assert 0 < len(expected) < 556
    assert drawn_codes(page, expected) == expected
    assert f"{len(expected)}" in page.page.locator(".ls-total").inner_text()


def test_changing_the_form_updates_map_table_and_counts_together(page, live_server):
    page.goto("/")
    page.page.wait_for_function(WAIT_TILES)

    with page.page.expect_response(lambda r: "/inventory/results" in r.url):
        page.page.select_option("#park", "P01")
    with page.page.expect_response(lambda r: "/inventory/results" in r.url):
        page.page.check("#status-reserved")
    page.page.wait_for_function("() => location.search.includes('status=reserved')")

    expected = api_codes(live_server, park="P01", status="reserved")
    assert drawn_codes(page, expected) == expected
    rows = page.page.locator("#parcel-table tbody tr[data-code]")
    assert {rows.nth(i).get_attribute("data-code") for i in range(rows.count())} == expected
    assert str(len(expected)) in page.page.locator(".ls-total").inner_text()


def test_search_by_code_finds_one_parcel_and_its_popup_links_to_it(page):
    page.goto("/?q=KFQ-001")

    assert drawn_codes(page) == {"KFQ-001"}
    box = page.page.locator(".ls-map").bounding_box()
    page.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    popup = page.page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "KFQ-001" in popup.inner_text()
    popup.locator("a.ls-popup-link").click()
    page.page.wait_for_url("**/parcels/KFQ-001")


def test_english_switch(page, live_server):
    page.goto("/parcels/KFQ-001")
    page.page.click("#lang-switch")
    page.page.wait_for_load_state("networkidle")

    assert page.page.locator("nav").inner_text().count("Inventory map") == 1
    assert "Area (mu)" in page.page.locator(".ls-facts").inner_text()
    page.screenshot(f"parcel-en-{live_server.backend}")


def test_factory_page(page, live_server):
    page.goto("/factories/CF-KFQ-001")

    assert "CF-KFQ-001" in page.page.locator("h1, .text-muted").first.inner_text() + page.page.content()
    page.screenshot(f"factory-{live_server.backend}")


LEAFLET_TITLES = """() => [".leaflet-control-zoom-in", ".leaflet-control-zoom-out", ".leaflet-control-layers-toggle",
                             ".leaflet-control-attribution a"].map((s) => document.querySelector(s).title)"""


def test_leaflet_controls_speak_the_page_language(page):
    for path in ("/", "/parcels/KFQ-001", "/factories/CF-KFQ-001", "/match", "/supply"):
        page.goto(path)
        assert page.page.evaluate(LEAFLET_TITLES) == ["放大", "缩小", "图层", "开源交互地图库"], path

    page.goto("/supply?lang=en")
    assert page.page.evaluate(LEAFLET_TITLES)[:3] == ["Zoom in", "Zoom out", "Layers"]
