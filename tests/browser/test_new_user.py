"""Issue 6's "done when", as one visit: a new user runs `make run` (`landstock demo`, then the
server), opens the site with nothing reachable but the server, browses the Qidong inventory,
matches a project and reads the land-supply map without signing in, then signs in with the
demo account of a park manager and changes a status — which the supply map then shows."""

import re
from collections.abc import Iterator

import httpx
import pytest
from typer.testing import CliRunner

from gis.sample import DEMO_PASSWORD
from harness.live import serve
from service.cli import app as cli
from service.main import create_app
from tests.browser.conftest import LiveServer
from tests.conftest import BACKENDS, settings_for


@pytest.fixture(scope="module", params=BACKENDS)
def live_server(request: pytest.FixtureRequest, databases) -> Iterator[LiveServer]:
    """The service as `make run` leaves it: `landstock demo` on an empty database, then served."""
    url = databases.blank_url(str(request.param))
    demo = CliRunner().invoke(cli, ["demo"], env={"LANDSTOCK_DATABASE_URL": url})
    assert demo.exit_code == 0, demo.output
    with serve(create_app(settings_for(url))) as base:
        yield LiveServer(base, url, str(request.param))


def available_mu(page, park: str) -> int:
    """The available 亩 the supply map labels `park` with."""
    label = page.page.locator(".ls-area-label", has_text=park).inner_text()
    return int(re.search(r"([\d,]+)\s*亩", label)[1].replace(",", ""))


def test_a_new_user_browses_matches_reads_the_supply_map_and_changes_a_status(page, live_server):
    parcel = httpx.get(
        f"{live_server.base}/api/parcels", params={"park": "P01", "status": "available", "limit": 1}
    ).json()["features"][0]
    code, park = parcel["id"], parcel["properties"]["park_name"]

    page.goto("/")
    assert page.page.locator("#sign-in").is_visible()
    assert "556" in page.page.locator(".ls-total").inner_text()
    page.page.wait_for_function("() => landstock.renderedCodes('parcels').length > 100")
    with page.page.expect_response(lambda r: "/inventory/results" in r.url):
        page.page.locator("#q").press_sequentially(code)
    with page.page.expect_navigation():
        page.page.locator(f'#parcel-table tr[data-code="{code}"] a').first.click()
    page.page.locator(
        "#fits-sign-in"
    ).wait_for()  # projects are for signed-in readers (the fragment comes after)
    assert (
        page.page.url.endswith(f"/parcels/{code}")
        and "适配项目" in page.page.locator(".ls-detail").inner_text()
    )

    with page.page.expect_navigation():
        page.page.click("nav >> text=项目选址")
    page.page.fill("#industry", "34")
    page.page.fill("#land_min_mu", "20")
    page.page.fill("#land_max_mu", "60")
    page.page.click("#match-form button[type=submit]")
    page.page.wait_for_selector(".ls-candidate")
    assert page.page.evaluate("() => landstock.highlighted()") > 0

    with page.page.expect_navigation():
        page.page.click("nav >> text=供地一张图")
    before = available_mu(page, park)

    page.page.click("#sign-in")
    page.sign_in("kfq", DEMO_PASSWORD)
    assert page.page.url.endswith("/supply") and page.page.locator("#sign-out").is_visible()
    page.goto(f"/parcels/{code}")
    page.page.select_option("#new-status", "unavailable")
    page.page.fill("#note", "规划调整")
    with page.page.expect_navigation():
        page.page.click("#status-form button[type=submit]")
    assert "暂不可供" in page.page.locator("#status-badge").inner_text()

    page.goto("/supply")
    assert before - available_mu(page, park) == round(parcel["properties"]["area_mu"])
