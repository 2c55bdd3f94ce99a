"""The leaders' land-supply page in a real browser: the supply for anyone, the project pipeline
and the Excel download for signed-in readers."""

from tests.browser.conftest import account
from tests.conftest import TEST_PASSWORD


def test_supply_map_labels_every_park_and_flags_overdue_starts(page, live_server):
    page.goto("/supply")
    assert page.page.locator("#pipeline-sign-in").is_visible() and page.page.locator("#xlsx").count() == 0
    account(live_server, "lingdao-overdue", "leader")
    page.page.click("#sign-in")
    page.sign_in("lingdao-overdue", TEST_PASSWORD)

    labels = page.page.locator(".ls-area-label")
    assert labels.count() == 10  # 4 parks and 6 town zones
    assert "亩" in labels.first.inner_text()
    assert (
        int(page.page.locator("#overdue-count").inner_text())
        == page.page.locator("#overdue tr.table-danger").count()
    )
    page.screenshot(f"supply-{live_server.backend}")


def test_an_earlier_date_shows_an_earlier_state_and_the_excel_downloads(page, live_server):
    account(live_server, "lingdao-excel", "leader")
    page.sign_in("lingdao-excel", TEST_PASSWORD)
    page.goto("/supply")
    today = page.page.locator("#by-park").inner_text()
    page.page.fill("#as_of", "2022-06-30")
    with page.page.expect_navigation():
        page.page.click("form[action='/supply'] button")

    assert "2022-06-30" in page.page.locator("h1").inner_text()
    assert page.page.locator("#by-park").inner_text() != today
    with page.page.expect_download() as download:
        page.page.click("#xlsx")
    assert download.value.suggested_filename == "landstock-supply-2022-06-30.xlsx"
