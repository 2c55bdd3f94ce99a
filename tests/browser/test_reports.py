"""The reports' pages in a real browser, for investment staff and a leader at 390, 900 and 1440 px:
reached from the navigation, a week and a period chosen in the form, a number opened to the
projects behind it, the tables scrolling inside the page rather than widening it."""

import pytest

from gis.database import Database, make_engine
from tests.browser.conftest import account
from tests.conftest import TEST_PASSWORD
from tests.db.test_reports import plant

WIDTHS = (390, 900, 1440)


@pytest.fixture(scope="module")
def planted(live_server):
    """The small pipeline of tests/db/test_reports.py on the server's database (in 2018)."""
    db = Database(make_engine(live_server.database_url))
    plant(db)
    db.dispose()
    return live_server


def fits_the_width(page) -> bool:
    return page.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("role", ["investment", "leader"])
def test_the_weekly_summary_and_the_scorecard_at_each_width(page, planted, role):
    live_server = planted
    name = f"reports-{role}"
    account(live_server, name, role)
    page.sign_in(name, TEST_PASSWORD)
    for width in WIDTHS:
        page.page.set_viewport_size({"width": width, "height": 900})
        page.goto("/supply")
        with page.page.expect_navigation():
            page.page.click("nav a[href='/reports/weekly']")
        assert page.page.locator("h1").inner_text().startswith("招商项目周汇总")
        page.page.fill("#week", "2018-W11")
        page.page.fill("#as_of", "2018-03-18")
        with page.page.expect_navigation():
            page.page.click("#report-form button[type=submit]")
        assert "2018-W11" in page.page.locator("h1").inner_text()
        assert page.page.locator("#by-stage").is_visible() and fits_the_width(page), width
        opened = page.page.locator("#by-stage details.ls-rows").first
        opened.locator("summary").click()
        assert opened.locator("li").count() == int(opened.locator("summary").inner_text())
        page.screenshot(f"reports-weekly-{role}-{width}-{live_server.backend}")

        with page.page.expect_navigation():
            page.page.click("#tab-scorecard")
        page.page.fill("#period", "2018-Q1")
        page.page.fill("#as_of", "2018-03-31")
        with page.page.expect_navigation():
            page.page.click("#report-form button[type=submit]")
        first = page.page.locator("#scorecard tbody tr").first
        assert first.get_attribute("data-area") == "P01" and fits_the_width(page), width
        started = first.locator("details.ls-rows").nth(4)  # new leads, signed, registered, supplied, started
        started.locator("summary").click()
        assert started.locator("li").inner_text() == "R2 报表测试R2"
        page.screenshot(f"reports-scorecard-{role}-{width}-{live_server.backend}")


def test_a_bad_period_keeps_what_was_typed(page, live_server):
    account(live_server, "reports-typo", "investment")
    page.sign_in("reports-typo", TEST_PASSWORD)
    page.goto("/reports/scorecard")
    page.page.fill("#period", "2026-Q5")
    page.expect_refusal("/reports/scorecard?period=2026-Q5&as_of=" + page.page.input_value("#as_of"))
    with page.page.expect_navigation():
        page.page.click("#report-form button[type=submit]")

    assert page.page.input_value("#period") == "2026-Q5"
    assert "2026-Q3" in page.page.locator("#report-error").inner_text()
