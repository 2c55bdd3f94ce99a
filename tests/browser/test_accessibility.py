"""axe-core on every page, as each role that uses it: no serious or critical violation (contrast
of every text ≥ 4.5:1, names for every control and image, landmarks, a skip link)."""

from __future__ import annotations

import httpx
import pytest

from tests.browser.conftest import Watched, account, close, signed_in_page

# The pages each reader uses ("{project}" and "{factory}" come from the sample), and the widths
# at which each reader's pages are checked.
PAGES = {
    "anonymous": [
        "/",
        "/match",
        "/supply",
        "/parcels/KFQ-001",
        "/factories/{factory}",
        "/login",
        "/ogc",
        "/ogc/collections",
    ],
    "investment": [
        "/match?project={project}",
        "/projects",
        "/projects/{project}",
        "/projects/new",
        "/todo",
        "/reports/weekly",
        "/reports/scorecard",
    ],
    "park_manager": [
        "/workspace",
        "/parcels/KFQ-001",
        "/parcels/KFQ-001/edit",
        "/todo",
        "/projects",
        "/quality",
    ],
    "leader": ["/supply", "/reports/weekly", "/projects", "/parcels/KFQ-001"],
    "admin": ["/workspace", "/projects/{project}"],
}
WIDTHS = {"anonymous": (390, 1440), "park_manager": (390, 1440)}


def sample_codes(server, role):
    headers = account(server, f"a11y_codes_{role}", "admin")
    factories = httpx.get(f"{server.base}/api/factories", params={"limit": 1}).json()
    projects = httpx.get(f"{server.base}/api/projects", params={"limit": 1}, headers=headers).json()
    return {
        "factory": factories["features"][0]["properties"]["code"],
        "project": projects["projects"][0]["code"],
    }


@pytest.mark.parametrize("role", list(PAGES))
def test_every_page_passes_axe_as_each_role(browser, live_server, role):
    codes = sample_codes(live_server, role) if role in ("anonymous", "investment", "admin") else {}
    found = []
    for width in WIDTHS.get(role, (1440,)):
        if role == "anonymous":
            context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
            watched = Watched(context.new_page(), live_server.base)
        else:
            areas = ("P01",) if role == "park_manager" else ()
            watched = signed_in_page(browser, live_server, f"a11y_{role}_{width}", role, *areas, width=width)
        for path in PAGES[role]:
            watched.goto(path.format(**codes))
            found += watched.accessibility()
        close(watched)

    assert found == [], "\n".join(found)
