"""The joint review records on a project's page in a real browser, at 390, 900 and 1440 px: investment
staff hold a review and enter a department's opinion (signing is refused and the page says why), an
administrator decides it and moves the project to 签约 on the same page, and a leader reads the
record, with its downloads, and no form; nothing wider than the screen."""

import datetime as dt

import httpx
import pytest

from tests import pipeline_helpers
from tests.browser.conftest import account, close, signed_in_page, submit
from tests.pipeline_helpers import day

WIDTHS = (390, 900, 1440)
SITE = "SMC-001"
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


def land_project(server, headers, code):
    """A land project in 在谈, created through the API."""
    body = pipeline_helpers.land_project(code, "会审页面测试项目")
    created = httpx.post(f"{server.base}/api/projects", headers=headers, json=body)
    assert created.status_code == 201, created.text


def visit(browser, server, role, width):
    name = f"rv-{role}-{width}-{dt.datetime.now().timestamp()}"
    return signed_in_page(browser, server, name, role, width=width)


def fits(watched, width):
    overflow = watched.page.evaluate(OVERFLOW)
    assert overflow <= 0, f"{width}px: {overflow}px wider than the screen"


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_hold_and_opine_an_administrator_decides_and_signs_a_leader_reads(browser, live_server, width):
    code = f"XM-RV-{width}"
    land_project(live_server, account(live_server, f"rv-maker-{width}", "investment"), code)
    path = f"/projects/{code}"

    staff = visit(browser, live_server, "investment", width)
    staff.goto(path)
    assert staff.page.locator("#review-waits").is_visible() and staff.page.locator("#no-reviews").count() == 1
    fits(staff, width)
    staff.page.fill("#review-other-site", SITE)
    staff.page.fill("#review-held-on", day(1))
    staff.page.fill("#review-plot_ratio", "1.5")
    submit(staff, "#review-form")
    rows = staff.page.locator("#review-list tbody tr")
    assert rows.count() == 1 and "待定" in rows.first.inner_text() and SITE in rows.first.inner_text()
    number = rows.first.locator("td").first.inner_text()
    assert number.startswith("会审〔") and number.endswith("号")

    staff.page.click(".ls-review-card summary")
    staff.page.fill('[name="natural_resources.opinion"]', "用地符合国土空间规划")
    staff.page.fill('[name="natural_resources.signatory"]', "张自然")
    submit(staff, ".ls-opinions-form")
    assert staff.page.locator('[name="natural_resources.opinion"]').input_value() == "用地符合国土空间规划"
    assert staff.page.locator(".ls-outcome-form").count() == 0  # the outcome is an administrator's

    staff.expect_refusal(f"{path}/stage")
    staff.page.select_option("#stage-to", "signed")
    staff.page.fill("#stage-day", day(0))
    submit(staff, "#stage-form")
    assert "须经联合会审通过" in staff.page.locator("#stage-problem").inner_text()
    assert staff.page.locator("#stage-badge").inner_text() == "在谈"
    fits(staff, width)
    staff.screenshot(f"project-review-staff-{width}-{live_server.backend}")
    close(staff)

    admin = visit(browser, live_server, "admin", width)
    admin.goto(path)
    admin.page.click(".ls-review-card summary")
    admin.page.select_option(".ls-outcome-form select[name=outcome]", "conditional")
    admin.page.fill(".ls-outcome-form textarea[name=outcome_note]", "设计容积率须不低于 1.2")
    submit(admin, ".ls-outcome-form")
    row = admin.page.locator("#review-list tbody tr").first.inner_text()
    assert "有条件通过" in row and "设计容积率须不低于 1.2" in row
    assert admin.page.locator("#review-waits").count() == 0
    fits(admin, width)
    admin.page.select_option("#stage-to", "signed")
    admin.page.fill("#stage-day", day(0))
    submit(admin, "#stage-form")
    assert admin.page.locator("#stage-badge").inner_text() == "签约"
    admin.screenshot(f"project-review-admin-{width}-{live_server.backend}")
    close(admin)

    leader = visit(browser, live_server, "leader", width)
    leader.goto(path)
    assert "有条件通过" in leader.page.locator("#review-list").inner_text()
    for form in ("#review-form", ".ls-opinions-form", ".ls-outcome-form", "#stage-form"):
        assert leader.page.locator(form).count() == 0, form
    fits(leader, width)
    pdf = leader.page.request.get(
        live_server.base + leader.page.locator(".ls-record-pdf").get_attribute("href")
    )
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    leader.screenshot(f"project-review-leader-{width}-{live_server.backend}")
    close(leader)
