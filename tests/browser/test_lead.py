"""The box 粘贴项目信息 of the matching page in a real browser, as investment staff at 390, 900 and
1440 px: the issue's example pasted and read fills the form (industry, land, class, investment,
clear height, distance to a port), each phrase understood is marked with what it became, what could not be placed is listed, and the match runs with the filled fields; a
lead without a known industry asks for one; what the form has no field for is named; an empty
box sends nothing."""

import itertools

import pytest

from tests.browser.conftest import account
from tests.conftest import TEST_PASSWORD

WIDTHS = (390, 900, 1440)
EXAMPLE = "医药制造，固定资产投资3亿元，需地约60亩，二类工业，靠近港口，层高8米以上"
PHRASES = ["医药制造", "固定资产投资3亿元", "需地约60亩", "二类工业", "靠近港口", "层高8米以上"]
ACCOUNTS = itertools.count()
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
MARKS = "() => Array.from(document.querySelectorAll('#lead-marked mark')).map(m => [m.textContent, m.title])"


@pytest.fixture
def staff(page, live_server):
    """The page, signed in as investment staff, on /match."""
    name = f"zhaoshang-lead-{next(ACCOUNTS)}"
    account(live_server, name, "investment")
    page.sign_in(name, TEST_PASSWORD)
    return page


def read(page, text: str) -> None:
    """Paste `text` into the box and press 解析; wait for the answer to be shown."""
    page.goto("/match")
    page.page.fill("#lead-text", text)
    with page.page.expect_response(lambda r: r.url.startswith(page.base + "/api/match/parse")) as answer:
        page.page.click("#lead-parse")
    assert answer.value.status == 200
    page.page.wait_for_selector("#lead-result:not([hidden])")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_example_fills_the_form_is_marked_and_matched(staff, live_server, width):
    staff.page.set_viewport_size({"width": width, "height": 900})

    read(staff, EXAMPLE + "，做火箭的")

    form = {f: staff.page.input_value(f"#{f}") for f in ("industry", "land_min_mu", "land_max_mu")}
    assert form == {"industry": "27 医药制造业", "land_min_mu": "54", "land_max_mu": "66"}
    assert staff.page.input_value("#nuisance_class") == "2"
    assert staff.page.input_value("#fixed_investment_wan") == "30000"
    assert staff.page.input_value("#clear_height_min_m") == "8"
    assert staff.page.input_value("#max_distance_port") == "10"
    marks = dict(staff.page.evaluate(MARKS))
    assert list(marks) == PHRASES
    assert marks["层高8米以上"] == "厂房净高需求（米） = 8"
    assert marks["需地约60亩"] == "用地需求下限（亩） = 54；用地需求上限（亩） = 66"
    assert marks["靠近港口"].endswith("港口 ≤ 10 km")
    assert staff.page.locator("#lead-unplaced li").all_inner_texts() == ["做火箭的 — 未能识别"]
    assert staff.page.locator("#lead-status").inner_text().startswith("已填入下方表单")
    assert staff.page.evaluate(OVERFLOW) <= 0, f"the page scrolls sideways at {width} px"
    assert staff.accessibility() == [], "the box and what it shows pass axe"
    staff.screenshot(f"match-lead-{width}-{live_server.backend}")

    with staff.page.expect_response(lambda r: r.url.startswith(staff.base + "/api/match?")) as matched:
        staff.page.click("#match-form button[type=submit]")
    sent = matched.value.request.post_data_json
    assert matched.value.status == 200
    assert (sent["industry_code"], sent["land_min_mu"], sent["land_max_mu"]) == ("27", 54, 66)
    assert (sent["nuisance_class"], sent["fixed_investment_wan"]) == (2, 30000)
    assert (sent["clear_height_min_m"], sent["max_distance_km"]) == (8, {"port": 10})
    assert matched.value.json()["need"]["industry_code"] == "27"
    staff.page.wait_for_selector("#match-results .ls-candidate")


def test_a_lead_without_a_known_industry_asks_for_one(staff):
    read(staff, "做火箭发动机的，需地60亩，M3")

    assert staff.page.locator("#lead-status").inner_text() == "未识别出行业，请在“行业”中选择。"
    assert staff.page.evaluate("() => document.activeElement.id") == "industry"
    assert staff.page.input_value("#industry") == ""
    assert staff.page.input_value("#land_min_mu") == "54" and staff.page.input_value("#nuisance_class") == "3"
    assert staff.page.locator("#lead-unplaced li").all_inner_texts() == ["做火箭发动机的 — 未能识别"]
    assert staff.page.locator("#lead-marked .ls-lead-miss").all_inner_texts() == ["做火箭发动机的"]


def test_everything_understood_says_so_and_an_empty_box_sends_nothing(staff):
    read(staff, "电子，用地50～80亩，七通一平")

    ticked = staff.page.locator("input[name=required_readiness]:checked")
    assert staff.page.locator("#lead-unplaced li").all_inner_texts() == ["全部内容均已识别。"]
    assert [ticked.nth(i).get_attribute("value") for i in range(ticked.count())] == [
        "road",
        "power",
        "water",
        "drainage",
        "telecom",
        "gas",
        "heat",
        "leveled",
    ]

    asked = []
    staff.page.on("request", lambda r: asked.append(r.url) if "/api/match/parse" in r.url else None)
    staff.page.fill("#lead-text", "  ")
    staff.page.click("#lead-parse")
    assert staff.page.locator("#lead-status").inner_text() == "请先粘贴项目信息。"
    assert asked == []


def test_what_the_form_has_no_field_for_is_named(staff):
    staff.goto("/match")
    staff.page.evaluate("() => document.getElementById('land_max_mu').remove()")
    staff.page.fill("#lead-text", "医药，用地50-80亩")
    with staff.page.expect_response(lambda r: r.url.startswith(staff.base + "/api/match/parse")):
        staff.page.click("#lead-parse")
    staff.page.wait_for_selector("#lead-result:not([hidden])")

    said = staff.page.locator("#lead-status").inner_text()
    assert said.startswith("已填入下方表单") and said.endswith(
        "表单中没有对应项、未填入的条件： 用地需求上限（亩）"
    )
    assert staff.page.input_value("#land_min_mu") == "50"
