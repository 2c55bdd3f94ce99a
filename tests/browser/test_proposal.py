"""Proposal pages (推介页) in a real browser at 390, 900 and 1440 px: investment staff publish one
from a project's page and read its link once; the link opened by an anonymous reader (a context
of its own, no sign-in) shows the sites, their photo and the map and nothing of the project; the
project's page then counts one opening (also for a leader, who has no forms); revoked, the link
answers the one 404. axe finds no serious violation on either page."""

import datetime as dt

import httpx
import pytest

from tests.browser.conftest import Sessions, account
from tests.photos import phone_jpeg

PROJECT = "XM-2026-004"  # 在谈, preferring P02
WIDTHS = (390, 900, 1440)
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
SITES_DRAWN = "() => document.querySelectorAll('#proposal-map .ls-project-site').length"
PHOTOS_SHOWN = (
    "() => [...document.querySelectorAll('.ls-proposal-site img')].filter(i => i.naturalWidth > 0).length"
)


@pytest.fixture
def shortlist(live_server):
    """Two P02 parcels on the project's shortlist, the first with a photo; the project's name."""
    staff = account(live_server, f"prop-staff-{dt.datetime.now().timestamp()}", "investment")
    admin = account(live_server, f"prop-admin-{dt.datetime.now().timestamp()}", "admin")
    base = live_server.base
    codes = [
        f["id"]
        for f in httpx.get(
            f"{base}/api/parcels", params={"park": "P02", "status": "available", "limit": 2}
        ).json()["features"]
    ]
    photo = httpx.post(
        f"{base}/api/parcels/{codes[0]}/attachments",
        headers=admin,
        files=[("files", ("site.jpg", phone_jpeg(), "image/jpeg"))],
    )
    saved = httpx.post(
        f"{base}/api/projects/{PROJECT}/shortlist",
        headers=staff,
        json={"sites": [{"code": c, "score": 70} for c in codes]},
    )
    assert photo.status_code == 201 and saved.status_code == 200
    project = httpx.get(f"{base}/api/projects/{PROJECT}", headers=staff).json()
    return codes, project["name"], project["investor"]


def test_staff_publish_the_investor_opens_it_the_page_counts_it_and_revoking_ends_it(
    browser, live_server, shortlist
):
    codes, name, investor = shortlist
    sessions = Sessions(browser, live_server, "proposal", "P02")
    staff, investor_view, leader = sessions.of("investment"), sessions.of(None), sessions.of("leader")
    staff.page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.base)
    problems: list[str] = []
    try:
        for width in WIDTHS:
            for watched in (staff, investor_view, leader):
                watched.page.set_viewport_size({"width": width, "height": 900})
            staff.goto(f"/projects/{PROJECT}")
            staff.page.click("#proposal-card summary")
            staff.page.fill("#proposal-title", f"启东推荐选址 {width}")
            staff.page.fill("#proposal-days", "14")
            with staff.page.expect_navigation():
                staff.page.click("#proposal-submit")
            link = staff.page.input_value("#proposal-link")
            staff.page.click("#proposal-copy")
            staff.page.locator("#proposal-copied").wait_for()
            assert staff.page.evaluate("() => navigator.clipboard.readText()") == link
            path = link[link.index("/p/") :]
            assert staff.page.evaluate(OVERFLOW) <= 0, width
            problems += staff.accessibility()

            investor_view.goto(path)
            page = investor_view.page
            assert page.inner_text("#proposal-title") == f"启东推荐选址 {width}"
            assert [page.get_attribute(f"#site-{n}", "data-code") for n in (1, 2)] == codes
            assert page.evaluate(SITES_DRAWN) == 2
            assert page.evaluate(PHOTOS_SHOWN) >= 1
            text = page.inner_text("body")
            assert "亩" in text and "容积率" in text
            assert name not in text and investor not in text and PROJECT not in text
            assert page.evaluate(OVERFLOW) <= 0, width
            problems += investor_view.accessibility()
            investor_view.screenshot(f"proposal-{width}-{live_server.backend}")

            staff.goto(f"/projects/{PROJECT}")
            row = staff.page.locator("#proposal-list tbody tr").first
            assert row.locator(".ls-opens").inner_text() == "1"
            assert row.get_attribute("data-state") == "active"
            leader.goto(f"/projects/{PROJECT}")
            assert (
                leader.page.locator("#proposal-list tbody tr").first.locator(".ls-opens").inner_text() == "1"
            )
            assert leader.page.locator("#proposal-list button").count() == 0
            assert leader.page.locator("#proposal-form").count() == 0
            assert leader.page.evaluate(OVERFLOW) <= 0, width
            staff.page.locator("#proposals").scroll_into_view_if_needed()
            staff.screenshot(f"proposal-project-{width}-{live_server.backend}")

            with staff.page.expect_navigation():
                row.locator("button").click()
            assert staff.page.locator("#proposal-revoked").count() == 1
            assert (
                staff.page.locator("#proposal-list tbody tr").first.get_attribute("data-state") == "revoked"
            )

            investor_view.expect_refusal(path)
            gone = investor_view.page.goto(live_server.base + path)
            assert gone is not None and gone.status == 404
            assert investor_view.page.locator("#proposal-gone").count() == 1
    finally:
        sessions.close()
    for watched in (staff, investor_view, leader):
        assert watched.outside == [] and watched.errors == []
    assert problems == [], "\n".join(problems)
