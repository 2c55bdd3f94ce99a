"""A joint review record's printable page in a real browser, for each role that reads it, at a
phone's, a tablet's and a desktop's width: the number, the project, the five departments' rows
and the outcome, nothing wider than the screen, and A4 when printed."""

import re

import httpx
import pytest

from tests.browser.conftest import account
from tests.conftest import TEST_PASSWORD

DEPARTMENTS = ("发展改革委", "商务局", "自然资源和规划局", "住房和城乡建设局", "行政审批局")
# XM-2026-001 prefers 生命健康科技城 (P03): its park manager reads it
READERS = {"admin": (), "investment": (), "leader": (), "park_manager": ("P03",)}


@pytest.fixture(scope="module")
def review(live_server) -> dict:
    """A decided review of XM-2026-001, with an opinion, held through the API."""
    admin = account(live_server, "review-holder", "admin")
    base = f"{live_server.base}/api/projects/XM-2026-001/reviews"
    held = httpx.post(base, json={"site": "SMC-001", "plot_ratio": 1.5}, headers=admin)
    url = f"{live_server.base}{held.json()['links']['self']}"
    opined = httpx.patch(
        f"{url}/opinions",
        headers={**admin, "If-Match": held.headers["ETag"]},
        json={"commerce": {"opinion": "同意引进，纳入重点项目跟踪", "signatory": "李商务"}},
    )
    decided = httpx.put(
        f"{url}/outcome",
        headers={**admin, "If-Match": opined.headers["ETag"]},
        json={"outcome": "conditional", "outcome_note": "设计容积率须不低于 1.2"},
    )
    assert decided.status_code == 200, decided.text
    return decided.json()


@pytest.mark.parametrize("role", list(READERS))
def test_the_review_prints_for_each_reader_at_every_width(page, live_server, review, role):
    name = f"review-{role}"
    account(live_server, name, role, *READERS[role])
    page.sign_in(name, TEST_PASSWORD)

    for width in (390, 900, 1440):
        page.page.set_viewport_size({"width": width, "height": 900})
        page.goto(review["links"]["html"])
        text = page.page.locator("body").inner_text()
        assert review["number"] in text and "创新药CDMO生产基地" in text
        assert all(name in text for name in DEPARTMENTS) and "同意引进，纳入重点项目跟踪" in text
        assert "☑ 有条件通过" in text and "设计容积率须不低于 1.2" in text
        overflow = page.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{width}px: {overflow}px wider than the screen"
        page.screenshot(f"review-{role}-{width}-{live_server.backend}")

    page.page.emulate_media(media="print")
    pdf = page.page.pdf(prefer_css_page_size=True)
    width_pt, height_pt = map(float, re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())
    assert (round(width_pt), round(height_pt)) == (595, 842)  # A4 portrait, in points
