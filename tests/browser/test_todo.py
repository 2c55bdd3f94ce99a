"""The to-do page (待办) and the alert counts on the leaders' page, in a real browser at phone,
tablet and desktop widths, for investment staff, a park manager and a leader."""

import pytest

from gis import localtime
from gis.database import Database, make_engine
from tests.alert_rows import ago, plant_history, plant_project
from tests.browser.conftest import account
from tests.conftest import TEST_PASSWORD

WIDTHS = (390, 900, 1440)
TODAY = localtime.today()


@pytest.fixture(scope="module")
def planted(live_server):
    """A late project of P02 with an officer, a secret late one of P04, a P02 parcel long reserved."""
    account(live_server, "zs-todo", "investment")
    db = Database(make_engine(live_server.database_url))
    steps = [(ago(400, TODAY), "lead"), (ago(300, TODAY), "signed")]
    plant_project(db, "XM-B-OWN", steps, platform="P02", officer="zs-todo", agreed=ago(9, TODAY))
    plant_project(db, "XM-B-SECRET", steps, platform="P04", agreed=ago(20, TODAY))
    site = plant_history(db, "parcel", "P02", 0, [(ago(300, TODAY), "reserved")], "XM-B-OWN")
    db.dispose()
    return site


OVERFLOWING = """() => { const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 1)
    .map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`).slice(0, 5); }"""


def overflowing(page) -> list[str]:
    """The elements that stick out to the right of the window (none, on a page that fits)."""
    return page.page.evaluate(OVERFLOWING)


def check_todo(page, backend, name, shot):
    """The page at each width: no sideways scrolling, the navigation's count equals the rows."""
    for width in WIDTHS:
        page.page.set_viewport_size({"width": width, "height": 900})
        page.goto("/todo")
        page.page.wait_for_selector("#todo-count")
        rows = page.page.locator("a.ls-alert")
        assert int(page.page.locator("#todo-count").inner_text()) == rows.count()
        per_kind = [int(n) for n in page.page.locator("#todo-counts .ls-todo-count").all_inner_texts()]
        # six kinds of alert, and 待核实 for those who keep records verified
        due = page.page.locator("#todo-unverified").count()
        assert sum(per_kind) == rows.count() and len(per_kind) == 6 + due
        assert overflowing(page) == [], f"{name} at {width} px"
        page.screenshot(f"todo-{shot}-{width}-{backend}")
    return page.page.locator("a.ls-alert")


def test_investment_staff_see_every_alert_and_open_the_record(page, live_server, planted):
    account(live_server, "zs-todo-reader", "investment")
    page.sign_in("zs-todo-reader", TEST_PASSWORD)

    rows = check_todo(page, live_server.backend, "investment staff", "investment")

    codes = set(rows.evaluate_all("rows => rows.map(r => r.dataset.code)"))
    assert {"XM-B-OWN", "XM-B-SECRET", planted} <= codes
    with page.page.expect_navigation():
        page.page.locator(f"#todo-reservation_held a.ls-alert[data-code='{planted}']").click()
    assert page.page.url.endswith(f"/parcels/{planted}")


def test_a_park_manager_sees_their_park_only_and_mine(page, live_server, planted):
    account(live_server, "gl-todo", "park_manager", "P02")
    page.sign_in("gl-todo", TEST_PASSWORD)

    rows = check_todo(page, live_server.backend, "a park manager", "manager")

    codes = set(rows.evaluate_all("rows => rows.map(r => r.dataset.code)"))
    assert {"XM-B-OWN", planted} <= codes and "XM-B-SECRET" not in codes
    assert "XM-B-SECRET" not in page.page.content()
    with page.page.expect_navigation():
        page.page.click("#todo-mine")
    mine = set(page.page.locator("a.ls-alert").evaluate_all("rows => rows.map(r => r.dataset.code)"))
    assert planted in mine and "XM-B-OWN" not in mine  # the project names its officer, not the manager


@pytest.mark.usefixtures("planted")
def test_a_leader_follows_a_count_from_the_supply_page_to_the_todo_list(page, live_server):
    account(live_server, "ld-todo", "leader")
    page.sign_in("ld-todo", TEST_PASSWORD)
    check_todo(page, live_server.backend, "a leader", "leader")

    for width in WIDTHS:
        page.page.set_viewport_size({"width": width, "height": 900})
        page.goto("/supply")
        links = page.page.locator("#supply-alerts a")
        assert links.count() == 6
        late = page.page.locator("#supply-alerts a[data-kind='overdue_start']")
        assert late.is_visible()
        page.screenshot(f"supply-alerts-{width}-{live_server.backend}")
    expected = int(late.locator(".badge").inner_text())
    with page.page.expect_navigation():
        late.click()

    assert "kind=overdue_start" in page.page.url
    assert page.page.locator("section[id^='todo-']").count() == 1
    assert page.page.locator("#todo-overdue_start a.ls-alert").count() == expected >= 2
