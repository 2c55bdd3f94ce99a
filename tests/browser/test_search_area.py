"""The inventory map's search area in a real browser, for an anonymous reader and investment staff
at 390, 900 and 1440 px: a place typed and picked flies there and keeps what lies within 5 km of
it, a circle set in the URL is drawn and filters, and both leave the list and the map with exactly
what the API says; no serious accessibility violation."""

from collections.abc import Iterator

import httpx
import pytest

from tests.browser.conftest import Sessions
from tests.browser.test_inventory import drawn_codes

WIDTHS = (390, 900, 1440)
CIRCLE = "121.70,31.78,3000"


@pytest.fixture(scope="module")
def sessions(browser, live_server) -> Iterator[Sessions]:
    opened = Sessions(browser, live_server, "search", "P01")
    yield opened
    opened.close()


def api_codes(server, **params) -> set[str]:
    body = httpx.get(f"{server.base}/api/parcels", params={**params, "limit": 1000}).json()
    assert body["numberMatched"] == body["numberReturned"]
    return {f["id"] for f in body["features"]}


@pytest.mark.parametrize("role", [None, "investment"])
def test_a_place_picked_and_a_circle_in_the_url_filter_the_list_and_the_map(sessions, live_server, role):
    page = sessions.of(role)
    near = api_codes(live_server, near="RAIL-QD", km=5)
    circle = api_codes(live_server, circle=CIRCLE)
    assert 0 < len(near) < 556 and 0 < len(circle) < 556

    for width in WIDTHS:
        page.page.set_viewport_size({"width": width, "height": 900})
        page.goto("/")
        page.page.fill("#place", "启东站")
        page.page.locator('#place-list [data-code="RAIL-QD"]').wait_for()
        with page.page.expect_response(lambda r: "/inventory/results" in r.url):
            page.page.click('#place-list [data-code="RAIL-QD"]')
        page.page.wait_for_function("() => location.search.includes('near=RAIL-QD')")

        assert "km=5" in page.page.evaluate("() => location.search")
        assert page.page.locator("#area-words").inner_text() == "距启东站 5 公里以内"
        assert drawn_codes(page, near if width == 1440 else None) <= near
        rows = page.page.locator("#parcel-table tbody tr[data-code]")
        assert {rows.nth(i).get_attribute("data-code") for i in range(rows.count())} <= near
        assert str(len(near)) in page.page.locator(".ls-total").inner_text()
        assert page.accessibility() == []

        page.goto(f"/?circle={CIRCLE}")
        assert drawn_codes(page, circle if width == 1440 else None) <= circle
        assert str(len(circle)) in page.page.locator(".ls-total").inner_text()
        assert page.page.locator("#area-words").inner_text() == "圆形范围（半径 3.0 公里）"
        assert page.page.evaluate("() => document.querySelectorAll('.leaflet-draw-draw-circle').length") == 1
        page.screenshot(f"search-area-{role or 'anonymous'}-{width}-{live_server.backend}")


def test_the_matching_form_keeps_sites_within_km_of_a_place(sessions, live_server):
    page = sessions.of("investment")
    need = {"industry_code": "39", "land_min_mu": 8, "land_max_mu": 200, "near": "启东站", "km": 6}
    expected = httpx.post(f"{live_server.base}/api/match", json=need).json()

    page.page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/match")
    page.page.fill("#industry", "39")
    page.page.fill("#land_min_mu", "8")
    page.page.fill("#land_max_mu", "200")
    page.page.locator("#match-more > summary").click()
    page.page.fill("#near", "启东站")
    page.page.fill("#near_km", "6")
    with page.page.expect_response(lambda r: r.url.startswith(page.base + "/api/match")) as answer:
        page.page.click("#match-form button[type=submit]")
    page.page.wait_for_selector(".ls-candidate")

    assert answer.value.json()["counts"] == expected["counts"]
    shown = page.page.locator(".ls-candidate:not(.ls-near)").first.get_attribute("data-code")
    assert shown == expected["parcels"][0]["code"]
    outside = [c for c in expected["near_misses"]["parcels"] if any("不在搜索范围内" in g for g in c["gaps"])]
    assert outside, "the sites just outside are near misses"
    card = page.page.locator(f'.ls-near[data-code="{outside[0]["code"]}"]')
    assert "不在搜索范围内（距启东站" in card.inner_text()
    assert page.accessibility() == []
