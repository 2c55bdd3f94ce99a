"""Work in the field, in a real browser: a park manager taps 核实无变化 and their to-do shrinks; a
leader reads the records due per park on /supply; /quality lists a planted overlap; 我的位置 on a
phone lists what is around, and says so when the position is refused. At 390, 900 and 1440 px."""

import datetime as dt

import pytest
import shapely
from geoalchemy2.shape import to_shape
from sqlalchemy import select, update

from gis.access import operator
from gis.database import Database, make_engine
from gis.gateway import sites
from gis.models import Area, Parcel
from gis.vocabulary import SiteKind
from tests.browser.conftest import Watched, account, close, signed_in_page
from tests.browser.test_todo import overflowing
from tests.conftest import TEST_PASSWORD

WIDTHS = (390, 900, 1440)
LONG_AGO = dt.datetime(2025, 2, 1, 3, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def planted(live_server):
    """Three P01 parcels last verified long ago, and a parcel drawn over KFQ-001 (an overlap)."""
    db = Database(make_engine(live_server.database_url))
    with db.write() as session:
        stale = list(
            session.scalars(
                select(Parcel.code)
                .join(Area, Area.id == Parcel.park_id)
                .where(Area.code == "P01", Parcel.deleted_at.is_(None))
                .order_by(Parcel.code.desc())
                .limit(3)
            )
        )
        session.execute(update(Parcel).where(Parcel.code.in_(stale)).values(verified_at=LONG_AGO))
        outline = to_shape(session.scalar(select(Parcel.geom).where(Parcel.code == "KFQ-001")))
        values = {"code": "KFQ-991", "land_use": "100102", "plot_ratio_max": 2.0, "ready_road": True,
                  "price_wan_per_mu": 30.0}  # fmt: skip
        sites.create(session, SiteKind.PARCEL, values, outline, who=operator("管理员"))
    db.dispose()
    return {"stale": stale, "inside": shapely.point_on_surface(outline)}


def fits(page):
    """Nothing makes the page scroll sideways (map panes reach past the window, clipped: allowed)."""
    return page.page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    )


def due_rows(page):
    return page.page.locator("#todo-unverified a.ls-due")


def nav_count(page):
    page.page.wait_for_selector("#todo-count")
    return int(page.page.locator("#todo-count").inner_text())


@pytest.mark.usefixtures("planted")
def test_a_park_manager_taps_verified_and_the_todo_shrinks(browser, live_server):
    for width in WIDTHS:
        page = signed_in_page(browser, live_server, f"kfq-field-{width}", "park_manager", "P01", width=width)
        page.goto("/todo")
        before, badge = due_rows(page).count(), nav_count(page)
        assert before >= 1 and overflowing(page) == [], width
        code = due_rows(page).first.get_attribute("data-code")
        with page.page.expect_navigation():
            due_rows(page).first.click()
        button = page.page.locator("#verify-button")
        assert button.is_visible() and fits(page), width
        with page.page.expect_navigation():
            button.click()
        assert page.page.locator("#verified-done").is_visible()
        assert page.page.url.endswith(f"/parcels/{code}?verified=1")
        page.screenshot(f"field-verified-{width}-{live_server.backend}")
        page.goto("/todo")
        assert due_rows(page).count() == before - 1 and nav_count(page) == badge - 1, width
        assert page.page.locator(f"#todo-unverified a[data-code='{code}']").count() == 0
        close(page)


@pytest.mark.usefixtures("planted")
def test_a_leader_sees_the_records_due_per_park_on_the_supply_page(page, live_server):
    account(live_server, "ld-field", "leader")
    page.sign_in("ld-field", TEST_PASSWORD)
    for width in WIDTHS:
        page.page.set_viewport_size({"width": width, "height": 900})
        page.goto("/supply")
        table = page.page.locator("#freshness")
        table.scroll_into_view_if_needed()
        assert table.is_visible() and "待核实" in page.page.content()
        row = page.page.locator("#freshness tr[data-park='P01']")
        assert int(row.get_attribute("data-stale")) >= 1 and row.is_visible()
        assert fits(page), width
        page.screenshot(f"field-supply-{width}-{live_server.backend}")


@pytest.mark.usefixtures("planted")
def test_the_quality_page_lists_the_planted_overlap(page, live_server):
    account(live_server, "kfq-quality", "park_manager", "P01")
    page.sign_in("kfq-quality", TEST_PASSWORD)
    for width in WIDTHS:
        page.page.set_viewport_size({"width": width, "height": 900})
        page.goto("/workspace")
        assert int(page.page.locator("#quality-link .badge").inner_text()) >= 1
        with page.page.expect_navigation():
            page.page.click("#quality-link")
        finding = page.page.locator("a.ls-finding[data-check='overlap'][data-code='KFQ-001']")
        assert finding.is_visible() and "KFQ-991" in finding.inner_text()
        assert overflowing(page) == [], width
        page.screenshot(f"field-quality-{width}-{live_server.backend}")
    with page.page.expect_navigation():
        finding.click()
    assert page.page.url.endswith("/parcels/KFQ-001")


def phone(browser, live_server, **options):
    """A fresh 390 px page, not signed in (the inventory is public), with these context options."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, **options)
    return Watched(context.new_page(), live_server.base)


def test_my_location_on_a_phone_lists_what_is_around_nearest_first(browser, live_server, planted):
    spot = planted["inside"]
    page = phone(
        browser,
        live_server,
        permissions=["geolocation"],
        geolocation={"latitude": spot.y, "longitude": spot.x},
    )
    page.goto("/")
    page.page.click("#locate-me")
    page.page.wait_for_selector("#nearby[data-state='listed'] a.ls-near")
    first = page.page.locator("#nearby a.ls-near").first
    assert first.get_attribute("data-code") in ("KFQ-001", "KFQ-991")
    assert first.locator(".ls-near-distance").inner_text() == "0 m"
    assert page.page.locator("#nearby").is_visible() and fits(page)
    page.screenshot(f"field-locate-390-{live_server.backend}")
    with page.page.expect_navigation():
        first.click()
    assert page.page.url.endswith(("/parcels/KFQ-001", "/parcels/KFQ-991"))
    close(page)


def test_my_location_refused_is_said_not_silent(browser, live_server):
    page = phone(browser, live_server)  # no permission granted: the browser refuses
    page.goto("/")
    page.page.click("#locate-me")
    page.page.wait_for_selector("#nearby[data-state='refused']")
    message = page.page.locator("#nearby [role='alert']")
    assert message.is_visible() and "无法获取位置" in message.inner_text()
    close(page)
