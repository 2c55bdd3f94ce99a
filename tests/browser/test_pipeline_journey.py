"""One lead's whole way in a real browser: investment staff enter it on /projects/new and hold its
joint review on its page, an administrator approves the review and moves it through 签约, 注册, 供地
(naming its parcel, which becomes 已供地) and 开工 (已开工), and a leader finds it among the
started projects of its park on this quarter's scorecard, one click from its page."""

import datetime as dt

import httpx

from gis import localtime
from tests.browser.conftest import close, fill_form, signed_in_page, submit

TODAY = localtime.today()
QUARTER = f"{TODAY.year}-Q{(TODAY.month - 1) // 3 + 1}"


def signed_in(browser, server, role):
    return signed_in_page(browser, server, f"journey-{role}-{dt.datetime.now().timestamp()}", role)


def step(watched, stage, sites=""):
    watched.page.select_option("#stage-to", stage)
    watched.page.fill("#stage-day", TODAY.isoformat())
    if sites:
        watched.page.fill("#stage-other-sites", sites)
    submit(watched, "#stage-form")
    assert watched.page.locator("#stage-problem").count() == 0, watched.page.locator(
        "#stage-problem"
    ).inner_text()


def test_a_lead_from_entry_through_review_signing_supply_and_start_to_the_scorecard(browser, live_server):
    base = live_server.base
    code = f"XM-J-{live_server.backend[:2].upper()}"
    parcel = httpx.get(
        f"{base}/api/parcels", params={"park": "P01", "status": "available", "limit": 1}
    ).json()
    site = parcel["features"][0]["id"]

    staff = signed_in(browser, live_server, "investment")
    staff.goto("/projects/new")
    fill_form(
        staff,
        code=code,
        name="全程测试新材料项目",
        industry_code="39",
        investor="全程测试新材料科技有限公司",
        platform="P01",
        land_min_mu="10",
        land_max_mu="200",
        investment_total_wan="150000",
    )
    with staff.page.expect_navigation():
        staff.page.click("#save-project")
    if staff.page.locator("#save-anyway").count():  # an invented investor should not, but a rerun may
        with staff.page.expect_navigation():
            staff.page.click("#save-anyway")
    assert staff.page.url.endswith(f"/projects/{code}")
    assert staff.page.locator("#stage-badge").inner_text() == "线索"
    step(staff, "negotiating")
    staff.page.fill("#review-other-site", site)
    submit(staff, "#review-form")
    assert "待定" in staff.page.locator("#review-list tbody tr").first.inner_text()
    close(staff)

    admin = signed_in(browser, live_server, "admin")
    admin.goto(f"/projects/{code}")
    admin.page.click(".ls-review-card summary")
    admin.page.select_option(".ls-outcome-form select[name=outcome]", "passed")
    submit(admin, ".ls-outcome-form")
    assert "通过" in admin.page.locator("#review-list tbody tr").first.inner_text()
    for stage in ("signed", "registered"):
        step(admin, stage)
    step(admin, "supplied", sites=site)
    step(admin, "started")
    assert admin.page.locator("#stage-badge").inner_text() == "开工"
    steps = {s.strip() for s in admin.page.locator("#timeline tbody tr b").all_inner_texts()}
    assert steps == {"线索", "在谈", "签约", "注册", "供地", "开工"}
    parcel_now = httpx.get(f"{base}/api/parcels/{site}").json()
    assert parcel_now["properties"]["status"] == "under_construction"
    close(admin)

    leader = signed_in(browser, live_server, "leader")
    leader.goto(f"/reports/scorecard?period={QUARTER}")
    started = leader.page.locator('#scorecard tr[data-area="P01"] td').nth(6)
    started.locator("summary").click()
    link = started.locator(f'a[href="/projects/{code}"]')
    assert link.count() == 1
    with leader.page.expect_navigation():
        link.click()
    assert leader.page.locator("#stage-badge").inner_text() == "开工"
    close(leader)
