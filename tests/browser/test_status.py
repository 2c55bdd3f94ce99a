"""A park manager changes a status through the form; the map colour follows; a stale form is told so."""

from gis.accounts import create_user
from gis.database import Database, make_engine
from maps.style import PARCEL_COLOURS
from tests.conftest import OPERATOR

PASSWORD = "correct horse battery staple"


def available_parcel_of(server, park: str) -> str:
    import httpx

    body = httpx.get(
        f"{server.base}/api/parcels", params={"park": park, "status": "available", "limit": 1}
    ).json()
    return body["features"][0]["id"]


def test_park_manager_changes_a_status_and_the_map_colour_changes(page, live_server):
    db = Database(make_engine(live_server.database_url))
    with db.write() as session:
        create_user(session, OPERATOR, "p01-manager", "park_manager", PASSWORD, areas=["P01"])
    db.dispose()
    code = available_parcel_of(live_server, "P01")
    page.sign_in("p01-manager", PASSWORD)

    page.goto(f"/?q={code}")
    page.page.wait_for_function(f"() => landstock.styleOf('parcels', '{code}') !== null")
    assert page.page.evaluate(f"() => landstock.styleOf('parcels', '{code}')") == PARCEL_COLOURS["available"]

    page.goto(f"/parcels/{code}")
    stale = page.page.context.new_page()
    stale.goto(f"{live_server.base}/parcels/{code}", wait_until="networkidle")
    page.page.select_option("#new-status", "unavailable")
    page.page.fill("#note", "规划调整")
    with page.page.expect_navigation():
        page.page.click("#status-form button[type=submit]")
    assert "暂不可供" in page.page.locator("#status-badge").inner_text()
    page.page.locator("#fits-none").wait_for()
    page.screenshot(f"parcel-status-{live_server.backend}")

    page.goto(f"/?q={code}")
    page.page.wait_for_function(f"() => landstock.styleOf('parcels', '{code}') !== null")
    assert (
        page.page.evaluate(f"() => landstock.styleOf('parcels', '{code}')") == PARCEL_COLOURS["unavailable"]
    )

    stale.select_option("#new-status", "unavailable")
    stale.fill("#note", "同时修改")
    with stale.expect_navigation():
        stale.click("#status-form button[type=submit]")
    problem = stale.locator("#status-problem").inner_text()
    assert "p01-manager" in problem and "刷新" in problem
    stale.close()
