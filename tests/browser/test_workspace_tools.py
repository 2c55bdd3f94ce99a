"""The workspace's tools in a real browser at 390, 900 and 1440 px, as a park manager (and an
administrator, who sees every park): the list searched, filtered and sorted in the URL (with htmx
and without JS), the map beside it (below it on a phone) linked to the rows both ways, a bulk status
change with the project picked from matches, and a refused status change keeping what was typed."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import httpx

from tests.browser.conftest import account, close, signed_in_page

WIDTHS = (390, 900, 1440)
OWN_PROJECT = "XM-2026-004"  # prefers P02
MIN_MAP_HEIGHT = 250

LAID_OUT = """() => {
  const root = document.documentElement;
  const map = document.querySelector('#ws-map').getBoundingClientRect();
  const list = document.querySelector('#ws-results').getBoundingClientRect();
  return {map: {top: map.top, left: map.left, right: map.right, height: map.height},
          list: {top: list.top, left: list.left, right: list.right},
          viewport: root.clientWidth, sideways: root.scrollWidth - root.clientWidth};
}"""


# the map shows every listed site, closer than the county view it opens on
FRAMED = """() => {
  const map = window.landstockWorkspaceMap, sites = window.landstockWorkspaceSites;
  if (!map || !sites || !sites.getLayers().length) return false;
  return map.getBounds().pad(0.05).contains(sites.getBounds())
    && (map.getZoom() > 10 || !map.getBounds().pad(-0.3).contains(sites.getBounds()));
}"""


def fresh(name: str) -> str:
    return f"{name}-{dt.datetime.now().timestamp()}"


def listed(watched, plural="parcels") -> list[str]:
    rows = watched.page.locator(f"#my-{plural} tbody tr[data-code]")
    return [rows.nth(i).get_attribute("data-code") for i in range(rows.count())]


def laid_out(watched, width: int) -> dict:
    watched.page.wait_for_selector("#ws-map .leaflet-container")
    watched.page.wait_for_function(FRAMED, timeout=10_000)  # the listed sites in view, not the county
    seen = watched.page.evaluate(LAID_OUT)
    assert seen["map"]["height"] >= MIN_MAP_HEIGHT, (width, seen)
    assert seen["sideways"] <= 0, f"the workspace scrolls sideways at {width} px"
    assert seen["map"]["left"] >= 0 and seen["map"]["right"] <= seen["viewport"] + 0.5, seen
    if width < 992:
        assert seen["map"]["top"] > seen["list"]["top"], "on a phone the map comes below the list"
    else:
        assert seen["map"]["left"] >= seen["list"]["right"] - 1, "the map stands beside the list"
    return seen


def test_search_filter_sort_and_the_linked_map_at_every_width(browser, live_server):
    for role, areas in (("park_manager", ("P02",)), ("admin", ())):
        for width in WIDTHS:
            watched = signed_in_page(
                browser, live_server, fresh(f"ws-{role}-{width}"), role, *areas, width=width
            )
            watched.goto("/workspace")
            laid_out(watched, width)
            codes = listed(watched)
            p02 = {
                f["id"]
                for f in httpx.get(
                    f"{live_server.base}/api/parcels", params={"park": "P02", "limit": 1000}
                ).json()["features"]
            }
            if role == "park_manager":
                assert codes and set(codes) <= p02
            else:
                assert set(codes) - p02, "an administrator lists every park"

            wanted = codes[1]
            watched.page.fill("#ws-q", wanted)  # htmx: the list alone is replaced, the URL follows
            watched.page.wait_for_function(
                "code => [...document.querySelectorAll('#my-parcels tbody tr[data-code]')]"
                ".every(r => r.dataset.code.includes(code))",
                arg=wanted,
            )
            assert wanted in listed(watched) and parse_qs(urlparse(watched.page.url).query)["q"] == [wanted]

            watched.page.fill("#ws-q", "")
            watched.page.select_option("#ws-kind", "parcel")
            watched.page.select_option("#ws-sort", "-size")
            watched.page.wait_for_function("() => location.search.includes('sort=-size')")
            watched.page.wait_for_selector("#my-factories", state="detached")
            sizes = [
                float(t.replace(",", ""))
                for t in watched.page.locator("#my-parcels tbody tr[data-code] td.text-end").all_inner_texts()
            ]
            assert sizes == sorted(sizes, reverse=True) and len(sizes) > 1
            bookmarked = watched.page.url
            watched.goto(urlparse(bookmarked).path + "?" + urlparse(bookmarked).query)
            assert (
                watched.page.input_value("#ws-sort") == "-size"
                and watched.page.input_value("#ws-kind") == "parcel"
            )

            first = listed(watched)[0]
            watched.page.locator(f'#my-parcels tr[data-code="{first}"] td').nth(2).click()
            watched.page.wait_for_function(
                "key => document.querySelector('#ws-map .leaflet-container').dataset.chosen === key",
                arg=f"parcel:{first}",
            )
            assert "ls-chosen" in watched.page.locator(f'#my-parcels tr[data-code="{first}"]').get_attribute(
                "class"
            )

            other = listed(watched)[-1]
            watched.page.locator("#ws-map").scroll_into_view_if_needed()
            site = watched.page.locator(f'#ws-map path.ls-ws-site[data-key="parcel:{other}"]')
            site.dispatch_event("click")
            watched.page.wait_for_function(
                "code => document.querySelector(`#my-parcels tr[data-code='${code}']`).classList.contains('ls-chosen')",
                arg=other,
            )
            watched.screenshot(f"workspace-tools-{role}-{width}-{live_server.backend}")
            close(watched)


def test_the_filters_work_without_javascript(browser, live_server):
    account(live_server, "ws-nojs", "park_manager", "P02")
    context = browser.new_context(
        locale="zh-CN", java_script_enabled=False, viewport={"width": 390, "height": 900}
    )
    page = context.new_page()
    page.goto(f"{live_server.base}/login")
    page.fill("#name", "ws-nojs")
    page.fill("#password", "correct-horse-battery")
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(f"{live_server.base}/workspace")
    page.select_option("#ws-kind", "factory")
    with page.expect_navigation():
        page.click("#ws-filter button[type=submit]")
    assert "kind=factory" in page.url
    assert page.locator("#my-parcels").count() == 0 and page.locator("#my-factories").count() == 1
    context.close()


def test_a_bulk_change_with_a_picked_project_lists_what_changed_and_what_was_refused(browser, live_server):
    for width in WIDTHS:
        name = fresh(f"ws-bulk-{width}")
        watched = signed_in_page(browser, live_server, name, "park_manager", "P02", width=width)
        admin = account(live_server, fresh("ws-bulk-admin"), "admin")
        watched.goto("/workspace?kind=parcel&status=available")
        a, b = listed(watched)[:2]
        # someone else changes b after the page was read: its box carries the old version
        version = httpx.get(f"{live_server.base}/api/parcels/{b}").json()["properties"]["version"]
        moved = httpx.patch(
            f"{live_server.base}/api/parcels/{b}",
            json={"properties": {"remarks": "他人修改"}},
            headers={**admin, "If-Match": f'"{version}"'},
        )
        assert moved.status_code == 200
        for code in (a, b):
            watched.page.check(f'#my-parcels tr[data-code="{code}"] input[name=pick]')
        watched.page.select_option("#bulk-status", "reserved")
        watched.page.locator("#bulk-project").fill(OWN_PROJECT[-3:])
        watched.page.wait_for_function(
            "code => [...document.querySelectorAll('#bulk-project-choices option')].some(o => o.value === code)",
            arg=OWN_PROJECT,
        )
        watched.page.fill("#bulk-project", OWN_PROJECT)
        watched.page.fill("#bulk-note", "批量意向")
        watched.screenshot(f"workspace-bulk-form-{width}-{live_server.backend}")
        with watched.page.expect_navigation():
            watched.page.click("#bulk-apply")

        assert watched.page.inner_text("#bulk-summary") == "已变更 1 条，未变更 1 条。"
        changed = watched.page.locator(f'#bulk-result tr[data-code="{a}"]').inner_text()
        refused = watched.page.locator(f'#bulk-result tr[data-code="{b}"]').inner_text()
        assert "可供 → 意向" in changed and "未变更" in refused and "刷新" in refused
        assert watched.page.input_value("#bulk-note") == "批量意向"
        assert "状态：可供 → 意向" in watched.page.inner_text("#ws-recent")  # the latest changes, readable
        box = watched.page.locator("#bulk-result").bounding_box()
        assert box is not None and box["x"] + box["width"] <= width + 0.5
        watched.screenshot(f"workspace-bulk-result-{width}-{live_server.backend}")
        states = {
            c: httpx.get(f"{live_server.base}/api/parcels/{c}").json()["properties"]["status"] for c in (a, b)
        }
        assert states == {a: "reserved", b: "available"}
        close(watched)


def test_a_refused_status_change_keeps_what_was_typed(browser, live_server):
    for width in WIDTHS:
        watched = signed_in_page(
            browser, live_server, fresh(f"ws-status-{width}"), "park_manager", "P02", width=width
        )
        code = httpx.get(
            f"{live_server.base}/api/parcels", params={"park": "P02", "status": "available", "limit": 1}
        ).json()["features"][0]["id"]
        watched.goto(f"/parcels/{code}")
        watched.page.select_option("#new-status", "reserved")
        watched.page.fill("#project", "没有这个项目")
        watched.page.fill("#note", "已与企业洽谈三次")
        watched.expect_refusal(f"/parcels/{code}/status")
        with watched.page.expect_navigation():
            watched.page.click("#status-form button[type=submit]")
        assert "没有您可查看的此编号或名称的项目" in watched.page.inner_text("#status-problem")
        assert watched.page.input_value("#note") == "已与企业洽谈三次"
        assert watched.page.input_value("#project") == "没有这个项目"
        assert watched.page.input_value("#new-status") == "reserved"
        close(watched)
