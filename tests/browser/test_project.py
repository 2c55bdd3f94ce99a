"""A project's page in a real browser at 390, 900 and 1440 px, as investment staff, a park manager
and a leader: no sideways scrolling, the linked sites on the map; investment staff save a
shortlist from the matching page, move the project a stage and add a follow-up."""

import datetime as dt

import httpx
import pytest

from gis import localtime
from tests.browser.conftest import account, signed_in_page
from tests.conftest import TEST_PASSWORD

PROJECT = "XM-2026-004"  # 在谈, preferring P02
WIDTHS = (390, 900, 1440)
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
SITES_DRAWN = "() => document.querySelectorAll('#project-map .ls-project-site').length"


@pytest.fixture
def shortlisted(live_server):
    """A P02 parcel on the project's shortlist, saved through the API."""
    staff = account(live_server, f"staff-{dt.datetime.now().timestamp()}", "investment")
    code = httpx.get(
        f"{live_server.base}/api/parcels", params={"park": "P02", "status": "available", "limit": 1}
    ).json()["features"][0]["id"]
    saved = httpx.post(
        f"{live_server.base}/api/projects/{PROJECT}/shortlist",
        headers=staff,
        json={"sites": [{"code": code, "score": 71.5}]},
    )
    assert saved.status_code == 200
    return code


@pytest.mark.parametrize(("role", "areas"), [("investment", ()), ("park_manager", ("P02",)), ("leader", ())])
def test_the_page_fits_every_width_and_maps_the_sites(browser, live_server, shortlisted, role, areas):
    watched = signed_in_page(browser, live_server, f"{role}-{dt.datetime.now().timestamp()}", role, *areas)
    try:
        for width in WIDTHS:
            watched.page.set_viewport_size({"width": width, "height": 900})
            watched.goto(f"/projects/{PROJECT}")
            assert watched.page.evaluate(OVERFLOW) <= 0, width
            assert watched.page.evaluate(SITES_DRAWN) >= 1
            assert watched.page.locator(f'#shortlist tr[data-code="{shortlisted}"]').count() == 1
            assert (watched.page.locator("#stage-form").count() == 1) == (role == "investment")
            watched.screenshot(f"project-{role}-{width}-{live_server.backend}")
    finally:
        watched.page.context.close()
    assert watched.outside == [] and watched.errors == []


def test_staff_save_a_shortlist_move_the_stage_and_add_a_follow_up(page, live_server):
    account(live_server, "zhaoshang-b", "investment")
    page.sign_in("zhaoshang-b", TEST_PASSWORD)

    page.goto(f"/match?project={PROJECT}")
    page.page.wait_for_selector(".ls-candidate:not(.ls-near) .ls-shortlist")
    first = page.page.locator(".ls-candidate:not(.ls-near):not([data-code*='+'])").first
    code = first.get_attribute("data-code")
    first.locator(".ls-shortlist").check()
    with page.page.expect_response(
        lambda r: r.url.startswith(f"{page.base}/api/projects/{PROJECT}/shortlist")
    ):
        page.page.click("#save-shortlist")
    page.page.locator("#save-status.text-success").wait_for()

    page.goto(f"/match?project={PROJECT}")  # the saved shortlist is ticked again
    page.page.wait_for_selector(f'.ls-candidate[data-code="{code}"] .ls-shortlist:checked')

    page.goto(f"/projects/{PROJECT}")
    assert page.page.locator(f'#shortlist tr[data-code="{code}"]').count() == 1
    yesterday = (localtime.today() - dt.timedelta(days=1)).isoformat()
    page.page.select_option("#stage-to", "on_hold")
    page.page.fill("#stage-day", yesterday)
    page.page.fill("#stage-note", "投资方调整计划")
    with page.page.expect_navigation():
        page.page.click("#stage-form button[type=submit]")
    assert "暂缓" in page.page.locator("#stage-badge").inner_text()

    page.page.select_option("#fu-kind", "inspection")
    page.page.fill("#fu-day", yesterday)
    page.page.fill("#fu-place", "吕四港")
    page.page.fill("#fu-outcome", "看了两块地")
    with page.page.expect_navigation():
        page.page.click("#follow-up-form button[type=submit]")
    assert "看了两块地" in page.page.locator("#follow-ups tbody tr").first.inner_text()
    assert code and page.page.locator("#timeline").inner_text().count("投资方调整计划") == 1
    page.screenshot(f"project-moved-{live_server.backend}")
