"""The pipeline pages in a real browser at 390, 900 and 1440 px, as investment staff, a park manager
and a leader: the page never scrolls sideways, the table stays usable (cards on a phone, its own
scroll box in between), the filters and the funnel narrow the table; and the new-project form,
refused and shown again, then a duplicate lead confirmed and saved."""

import httpx
import openpyxl
import pytest

from tests.browser.conftest import account, fill_form
from tests.conftest import TEST_PASSWORD

WIDTHS = (390, 900, 1440)
AREAS = {"park_manager": ("P02",)}


def sign_in(page, live_server, role, purpose="list"):
    name = f"pipeline-{purpose}-{role}"
    headers = account(live_server, name, role, *AREAS.get(role, ()))
    page.goto("/login?next=/projects")
    page.sign_in(name, TEST_PASSWORD)
    assert page.page.url.endswith("/projects")
    return headers


def overflows(page) -> bool:
    return page.page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def shown_codes(page):
    rows = page.page.locator("#project-table tbody tr[data-code]")
    return [rows.nth(i).get_attribute("data-code") for i in range(rows.count())]


def stages_shown(page):
    rows = page.page.locator("#project-table tbody tr[data-code]")
    return {rows.nth(i).get_attribute("data-stage") for i in range(rows.count())}


@pytest.mark.parametrize("role", ["investment", "park_manager", "leader"])
def test_the_pipeline_fits_every_width_and_its_filters_and_funnel_narrow_it(page, live_server, role):
    headers = sign_in(page, live_server, role)
    readable = {
        p["code"]
        for p in httpx.get(
            f"{live_server.base}/api/projects", params={"limit": 1000}, headers=headers
        ).json()["projects"]
    }
    for width in WIDTHS:
        page.page.set_viewport_size({"width": width, "height": 900})
        page.goto("/projects")
        first = page.page.locator("#project-table tbody tr[data-code]").first
        link = first.locator("td a").first

        assert not overflows(page), f"{role} at {width} px scrolls sideways"
        assert page.page.locator("#nav-projects").is_visible()
        assert page.page.locator("#new-project").count() == (role == "investment")
        # only those who may enter projects are offered the ledger and its import
        assert page.page.locator("#import-card").count() == page.page.locator("#projects-ledger").count()
        assert page.page.locator("#import-card").count() == (role == "investment")
        assert link.is_visible() and set(shown_codes(page)) <= readable and shown_codes(page)
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        cards = page.page.locator("#project-table thead").is_hidden()
        assert cards == (width < 768)
        page.screenshot(f"projects-{role}-{width}-{live_server.backend}")

    page.page.check("#stage-signed")
    with page.page.expect_navigation():
        page.page.click("#apply-filters")
    assert "stage=signed" in page.page.url and stages_shown(page) <= {"signed"}
    assert not overflows(page)

    page.goto("/projects")
    with page.page.expect_navigation():
        page.page.click(".ls-funnel-step[data-stage='started']")
    assert stages_shown(page) <= {"started", "producing"} and shown_codes(page)
    assert (
        page.page.locator("#stage-started").is_checked()
        and page.page.locator("#stage-producing").is_checked()
    )


def test_a_new_lead_is_refused_then_confirmed_as_a_possible_duplicate(page, live_server):
    headers = sign_in(page, live_server, "investment", "form")
    page.expect_refusal("/projects/new")
    page.expect_refusal("/projects/XM-B-001")  # the project's own page is another issue's
    page.page.set_viewport_size({"width": 390, "height": 900})
    with page.page.expect_navigation():
        page.page.click("#new-project")
    assert not overflows(page)
    fill_form(
        page,
        code="XM-B-001",
        name="浏览器测试项目",
        industry_code="27",
        investor="沪启生物医药科技有限公司",
        credit_code="123",
        source_unit="SH",
    )
    page.page.check("#area-P03")
    with page.page.expect_navigation():
        page.page.click("#save-project")

    assert "统一社会信用代码" in page.page.locator("#new-project-problem").inner_text()
    assert page.page.input_value("#f-code") == "XM-B-001" and page.page.is_checked("#area-P03")
    page.page.fill("#f-credit_code", "")
    with page.page.expect_navigation():
        page.page.click("#save-project")

    duplicates = page.page.locator("#duplicate-list li")
    assert duplicates.count() >= 1 and duplicates.first.get_attribute("data-code") == "XM-2026-001"
    assert page.page.input_value("#f-name") == "浏览器测试项目"
    for width in WIDTHS:
        page.page.set_viewport_size({"width": width, "height": 900})
        assert not overflows(page), f"the form at {width} px scrolls sideways"
    page.screenshot(f"new-project-duplicates-{live_server.backend}")
    with page.page.expect_navigation():
        page.page.click("#save-anyway")

    assert page.page.url.endswith("/projects/XM-B-001")
    stored = httpx.get(f"{live_server.base}/api/projects/XM-B-001", headers=headers).json()
    marks = httpx.get(f"{live_server.base}/api/projects/XM-B-001/duplicates", headers=headers).json()
    assert stored["source_unit"] == "SH" and stored["preferred_areas"] == ["P03"]
    assert "XM-2026-001" in [m["code"] for m in marks]


def test_staff_export_the_ledger_edit_it_check_it_and_import_it_back(page, live_server, tmp_path):
    headers = sign_in(page, live_server, "investment", "ledger")
    page.page.set_viewport_size({"width": 900, "height": 900})
    page.goto("/projects")
    with page.page.expect_download() as fetched:
        page.page.click("#projects-ledger")
    ledger = tmp_path / "台账.xlsx"
    fetched.value.save_as(ledger)
    book = openpyxl.load_workbook(ledger)
    sheet = book.worksheets[0]
    heads = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[heads.index("编号")].value)
    code = row[heads.index("编号")].value
    row[heads.index("备注")].value = "园区复核：用地需求已确认"
    book.save(ledger)
    total = sheet.max_row - 1

    def remarks() -> str:
        return httpx.get(f"{live_server.base}/api/projects/{code}", headers=headers).json()["remarks"]

    assert page.page.inner_text("#import-title") == "导入台账"  # a table, not a survey file
    assert page.page.locator("#import-crs").count() == page.page.locator("#import-accept-moves").count() == 0
    page.page.set_input_files("#import-file", str(ledger))
    page.page.set_checked("#import-dry", True)
    page.page.click("#import-form button[type=submit]")
    page.page.locator("#import-outcome").wait_for()
    assert page.page.inner_text("#import-outcome") == f"检查通过（未写入）：共 {total} 行。"
    assert remarks() != "园区复核：用地需求已确认"

    page.page.evaluate("() => document.getElementById('import-report').replaceChildren()")
    page.page.set_checked("#import-dry", False)
    page.page.click("#import-form button[type=submit]")
    page.page.locator("#import-outcome").wait_for()
    page.screenshot(f"projects-ledger-imported-{live_server.backend}")
    assert (
        page.page.inner_text("#import-outcome") == f"已导入：新增 0，更新 1，无变化 {total - 1}，状态变更 0。"
    )
    assert remarks() == "园区复核：用地需求已确认"
