"""The matching page in a real browser: a project's needs in, ranked sites out and on the map; a
shortlist that prints on A4 with the map, each site's facts and its joint review sheet; and a
saved project reached from the projects that fit a parcel."""

import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

import httpx
import pytest

from tests.browser.conftest import Sessions, Watched, account
from tests.conftest import TEST_PASSWORD

REVIEW_ROWS = ".ls-print-site .ls-print-review tr"


def fill_and_match(page) -> None:
    page.page.fill("#industry", "27")
    page.page.fill("#land_min_mu", "20")
    page.page.fill("#land_max_mu", "80")
    with page.page.expect_response(lambda r: r.url.startswith(page.base + "/api/match")):
        page.page.click("#match-form button[type=submit]")
    page.page.wait_for_selector(".ls-candidate")


def test_matching_form_ranks_and_highlights_sites(page, live_server):
    page.goto("/match")
    page.screenshot(f"match-{live_server.backend}")

    fill_and_match(page)

    assert page.page.locator(".ls-candidate:not(.ls-near)").count() > 0
    assert page.page.evaluate("() => landstock.highlighted()") > 0
    page.page.locator(".ls-candidate .ls-breakdown > summary").first.click()
    # each criterion of the first site: its fact in words, and its 0-1 value drawn as a bar
    rows = page.page.evaluate(CRITERIA)
    assert len(rows) >= 8 and all(fact for fact, *_ in rows)
    assert all(
        colour == "rgb(123, 79, 176)" and abs(drawn - share * cell) < 1
        for _, drawn, share, cell, colour in rows
    )
    assert max(share for _, _, share, *_ in rows) > 0.5
    page.screenshot(f"match-results-{live_server.backend}")


CRITERIA = """() => Array.from(document.querySelector('.ls-candidate').querySelectorAll('tr')).map(r => {
  const bar = r.querySelector('.ls-bar');
  return [r.querySelector('.ls-fact').textContent, bar.getBoundingClientRect().width,
          parseFloat(bar.style.width) / 100, bar.parentElement.clientWidth - parseFloat(getComputedStyle(bar.parentElement).paddingLeft) - parseFloat(getComputedStyle(bar.parentElement).paddingRight),
          getComputedStyle(bar).backgroundColor];
})"""


MARKERS = """() => Array.from(document.querySelectorAll('.ls-rank:not(.ls-rank-near)'))
  .map(m => [m.classList.contains('ls-rank-factory'), m.textContent])"""


def test_parcels_and_factories_ranked_apart_are_told_apart_on_the_map(page):
    # a small clean project: steered to standard factories, and offered parcels too
    page.goto("/match")
    page.page.fill("#industry", "39")
    page.page.fill("#land_min_mu", "8")
    page.page.fill("#land_max_mu", "20")
    with page.page.expect_response(lambda r: r.url.startswith(page.base + "/api/match")) as answer:
        page.page.click("#match-form button[type=submit]")
    page.page.wait_for_selector(".ls-candidate")

    body = answer.value.json()
    markers = [tuple(m) for m in page.page.evaluate(MARKERS)]
    factories = [c for c in body["factories"] if c.get("geometry")]
    assert body["parcels"] and factories
    assert sum(factory for factory, _ in markers) == len(factories)
    assert (True, "1") in markers and (False, "1") in markers and len(set(markers)) == len(markers)
    assert page.page.locator(".ls-candidate .ls-badge-factory").count() == len(body["factories"])


def test_shortlisted_sites_print_on_a4_with_map_facts_and_review_sheet(page, live_server):
    page.goto("/match")
    page.page.fill("#name", "某医药项目")
    page.page.fill("#fixed_investment_wan", "30000")
    page.page.fill("#annual_output_wan", "40000")
    page.page.fill("#annual_tax_wan", "2500")
    fill_and_match(page)
    ticks = page.page.locator(".ls-candidate:not(.ls-near) .ls-shortlist")
    with page.page.expect_response(lambda r: r.url.startswith(page.base + "/api/review")) as review:
        ticks.nth(1).check()
    ticks.nth(0).check()
    page.page.wait_for_function(f"() => document.querySelectorAll('{REVIEW_ROWS}').length === 14")

    sheet = review.value.json()
    assert review.value.status == 200 and sheet["project_name"] == "某医药项目"
    page.page.emulate_media(media="print")
    page.page.wait_for_function("() => landstock.idle()")
    picked = page.page.locator(".ls-print-site")
    codes = [picked.nth(i).get_attribute("data-code") for i in range(picked.count())]
    listed = page.page.locator(".ls-candidate:not(.ls-near)")
    assert codes == [listed.nth(0).get_attribute("data-code"), listed.nth(1).get_attribute("data-code")]
    assert page.page.locator("nav").is_hidden() and page.page.locator("#match-form").is_hidden()
    assert page.page.locator("#match-results").is_hidden() and page.page.locator("#print-empty").is_hidden()
    assert page.page.locator(".ls-match-map").is_visible() and page.page.locator(".ls-rank").count() > 0
    near = page.page.locator(".ls-rank-near")  # the recommendation prints the ranked sites only
    assert near.count() > 0 and all(near.nth(i).is_hidden() for i in range(near.count()))
    assert "某医药项目" in page.page.locator("#print-need").inner_text()
    block = picked.nth(1).inner_text()
    assert "面积(亩)" in block and "用地性质" in block and "面积匹配" in block
    assert "联合会审表" in block and "投资强度(万元/亩)" in block and "总体结论" in block
    assert "市定标准 ≥ 300 万元/亩" in block and "LANDSTOCK_" not in page.page.inner_text("body")
    assert any(word in block for word in ("通过", "不通过", "待定"))
    page.page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.page.wait_for_function("() => landstock.idle()")
    page.screenshot(f"match-print-{live_server.backend}")
    pdf = page.page.pdf(prefer_css_page_size=True)
    width, height = map(float, re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())
    assert (round(width), round(height)) == (595, 842)  # A4 portrait, in points


def test_print_without_a_shortlist_takes_the_first_three(page):
    page.goto("/match")
    fill_and_match(page)
    page.page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")

    page.page.click("#print")
    page.page.wait_for_function("() => window.printed === 1")

    assert page.page.locator(".ls-print-site").count() == 3
    assert page.page.locator(".ls-print-site .ls-print-review table").count() == 3


def a_fitting_parcel(server, headers) -> tuple[str, str]:
    """A parcel and a saved project it fits: the project's best single parcel."""
    result = httpx.get(
        f"{server.base}/api/projects/XM-2026-001/matches", params={"assemble": False}, headers=headers
    ).json()
    return result["parcels"][0]["code"], "XM-2026-001"


def test_a_parcel_lists_the_projects_that_fit_and_leads_to_their_recommendation(page, live_server):
    staff = account(live_server, "zhaoshang-fits", "investment")
    code, project = a_fitting_parcel(live_server, staff)
    fits = httpx.get(f"{live_server.base}/api/parcels/{code}/projects", headers=staff).json()
    page.sign_in("zhaoshang-fits", TEST_PASSWORD)
    page.goto(f"/parcels/{code}")

    rows = page.page.locator("#fits-table tbody tr")
    rows.first.wait_for()
    assert [rows.nth(i).get_attribute("data-project") for i in range(rows.count())] == [
        f["project_code"] for f in fits
    ]
    page.page.locator("#fits").scroll_into_view_if_needed()
    page.screenshot(f"parcel-fits-{live_server.backend}")
    with page.page.expect_response(lambda r: f"/api/projects/{project}/review" in r.url):
        page.page.locator(f'tr[data-project="{project}"] a.ls-fit-match').click()

    assert page.page.locator("#saved-project").is_visible()
    assert page.page.input_value("#industry").startswith(
        fits[[f["project_code"] for f in fits].index(project)]["industry_code"]
    )
    picked = page.page.locator(".ls-candidate.ls-picked")
    assert picked.count() == 1 and picked.get_attribute("data-code") == code
    page.page.wait_for_selector(".ls-print-site .ls-print-review table", state="attached")
    assert page.page.locator(".ls-print-site").get_attribute("data-code") == code


def test_a_site_that_no_project_fits_says_so(page, live_server):
    account(live_server, "zhaoshang-none", "investment")
    signed = httpx.get(f"{live_server.base}/api/parcels", params={"status": "signed", "limit": 1}).json()
    page.sign_in("zhaoshang-none", TEST_PASSWORD)
    page.goto(f"/parcels/{signed['features'][0]['id']}")

    page.page.locator("#fits-none").wait_for()
    assert "没有适合该地块的项目" in page.page.locator("#fits-none").inner_text()


# --- the page at a glance, at three widths, as each role that may match (issue 18) ---

WIDTHS = (390, 900, 1440)
ROLES = ("investment", "leader", "park_manager", "admin", None)  # None: an anonymous reader
SMALL_PROJECT = {"industry": "39", "land_min_mu": "8", "land_max_mu": "20"}  # parcels, factories, near misses


@pytest.fixture(scope="module")
def sessions(browser, live_server) -> Iterator[Sessions]:
    opened = Sessions(browser, live_server, "match", "P01")
    yield opened
    opened.close()


def match(watched: Watched, **fields: str) -> dict:
    """Fill the form's boxes `fields` (by id), match, and return the answer once the cards show."""
    for name, value in fields.items():
        watched.page.fill(f"#{name}", value)
    with watched.page.expect_response(lambda r: r.url.startswith(watched.base + "/api/match")) as answer:
        watched.page.click("#match-form button[type=submit]")
    watched.page.wait_for_selector(".ls-candidate")
    return answer.value.json()


def rounded(x: float, unit: str) -> str:
    """x rounded to `unit` ("0.1", "1") as the page's script does it (JavaScript's toFixed and
    Math.round: a half upwards)."""
    return str(Decimal(x).quantize(Decimal(unit), rounding=ROUND_HALF_UP))


def one_decimal(x: float) -> str:
    return rounded(x, "0.1")


def points_text(criterion: dict) -> str:
    return f"{one_decimal(criterion['points'])} / {one_decimal(criterion['weight'])} 分"


GLANCE = """(card) => ({
  name: card.querySelector('.ls-site-name').textContent,
  park: card.querySelector('.ls-glance-park')?.textContent,
  area: card.querySelector('.ls-glance-area')?.textContent,
  status: card.querySelector('.ls-glance-status')?.textContent,
  folded: !card.querySelector('.ls-breakdown').open,
  shown: card.querySelector('.ls-criteria').checkVisibility(),
  points: Array.from(card.querySelectorAll('.ls-points')).map((e) => e.textContent),
})"""

# the near misses' first card: what it says first, and whether its gap comes before its score
NEAR = """() => {
  const card = document.querySelector('.ls-near-section .ls-near');
  const gap = card.querySelector('.ls-gap'), score = card.querySelector('.ls-score');
  return {heading: document.querySelector('.ls-near-section h2').textContent,
          first: card.querySelector('.card-body').firstElementChild.textContent,
          gapFirst: Boolean(gap.compareDocumentPosition(score) & Node.DOCUMENT_POSITION_FOLLOWING),
          score: score.textContent, style: getComputedStyle(card).borderTopStyle,
          rankedStyle: getComputedStyle(document.querySelector('.ls-candidate:not(.ls-near)')).borderTopStyle};
}"""

SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_cards_say_name_park_area_and_status_with_the_breakdown_folded(sessions, live_server, role, width):
    watched = sessions.of(role)
    watched.errors.clear()
    watched.page.set_viewport_size({"width": width, "height": 900})
    watched.goto("/match")

    body = match(watched, **SMALL_PROJECT)

    parcel, factory = body["parcels"][0], body["factories"][0]
    card = {
        site["code"]: watched.page.locator(
            f'.ls-candidate:not(.ls-near)[data-code="{site["code"]}"]'
        ).evaluate(GLANCE)
        for site in (parcel, factory)
    }
    for site in (parcel, factory):
        seen = card[site["code"]]
        assert seen["name"] == site["name"] and seen["park"] == site["park_name"]
        assert seen["folded"] and not seen["shown"], "the criteria fold away until asked for"
        assert seen["points"] == [points_text(c) for c in site["criteria"]]
    assert card[parcel["code"]]["area"] == f"{one_decimal(parcel['area_mu'])} 亩"
    assert card[factory["code"]]["area"] == f"空置 {rounded(factory['vacant_area_m2'], '1')} m²"
    assert (card[parcel["code"]]["status"], card[factory["code"]]["status"]) == ("可供", "空置")
    full = [points_text(c) for c in parcel["criteria"] if c["value"] == 1]  # all its points: n / n 分
    assert full and all(text.split(" / ")[0] == text.split(" / ")[1].removesuffix(" 分") for text in full)
    # the breakdown opens from the keyboard
    watched.page.locator(".ls-candidate .ls-breakdown > summary").first.focus()
    watched.page.keyboard.press("Enter")
    assert watched.page.locator(".ls-candidate .ls-criteria").first.is_visible()
    near = watched.page.evaluate(NEAR)
    first_gap = (body["near_misses"]["parcels"] + body["near_misses"]["factories"])[0]["gaps"][0]
    assert near["heading"].startswith("接近但不符合") and near["first"] == f"不符合：{first_gap}"
    assert near["gapFirst"] and near["score"].startswith("参考得分")
    assert near["style"] == "dashed" and near["rankedStyle"] == "solid"
    assert watched.page.evaluate(SIDEWAYS) <= 0, "the page scrolls sideways"
    assert watched.accessibility() == [], "axe-core: serious or critical violations"
    if role == "investment":
        watched.page.locator(".ls-candidate").first.scroll_into_view_if_needed()
        watched.screenshot(f"match-cards-{width}-{live_server.backend}")
    assert watched.outside == [] and watched.errors == []


# Markers on screen that cover part of another
OVERLAPS = """() => {
  const boxes = Array.from(document.querySelectorAll('.ls-rank')).map((m) => m.getBoundingClientRect());
  let count = 0;
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) count++;
  }
  return [boxes.length, count];
}"""

# A ranked site's marker a click would reach: inside the map's box, on top where it is
REACHABLE = """(code) => {
  const m = document.querySelector(`.ls-rank[data-code="${code}"]`);
  const r = m.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
  return m.contains(document.elementFromPoint(x, y)) ? [x, y] : null;
}"""

IN_VIEW = """(code) => {
  const r = document.querySelector(`.ls-candidate[data-code="${code}"]`).getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight;
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_a_card_lights_its_site_and_a_site_on_the_map_its_card(sessions, width):
    watched = sessions.of("investment")
    watched.errors.clear()
    watched.page.set_viewport_size({"width": width, "height": 900})
    watched.goto("/match")
    body = match(watched, **SMALL_PROJECT)
    codes = [c["code"] for c in body[body["order"][0]]]

    shown, overlapping = watched.page.evaluate(OVERLAPS)
    assert shown > 20 and overlapping == 0, "markers hide each other"
    watched.page.locator(f'.ls-candidate[data-code="{codes[1]}"]').hover()
    assert watched.page.evaluate("() => landstock.activeSite()") == codes[1]
    assert "ls-rank-active" in watched.page.get_attribute(f'.ls-rank[data-code="{codes[1]}"]', "class")
    watched.page.locator(f'.ls-candidate[data-code="{codes[2]}"] .ls-glance').click()
    watched.page.mouse.move(0, 0)
    assert watched.page.evaluate("() => landstock.activeSite()") == codes[2]

    watched.page.locator(".ls-match-map").scroll_into_view_if_needed()
    target = next(c for c in reversed(codes) if watched.page.evaluate(REACHABLE, c))
    x, y = watched.page.evaluate(REACHABLE, target)
    watched.page.mouse.click(x, y)

    card = watched.page.locator(f'.ls-candidate[data-code="{target}"]')
    assert (
        "ls-active" in card.get_attribute("class")
        and watched.page.locator(".ls-candidate.ls-active").count() == 1
    )
    watched.page.wait_for_function(IN_VIEW, arg=target)
    assert watched.page.evaluate("() => landstock.activeSite()") == target
    assert watched.outside == [] and watched.errors == []


ADVANCED = {
    "max_distance_port": ("max_distance_km", "port", 30),
    "max_distance_highway_exit": ("max_distance_km", "highway_exit", 20),
    "max_distance_rail_station": ("max_distance_km", "rail_station", 40),
    "budget_wan": ("budget_wan", None, 5000),
    "max_rent_yuan_m2_month": ("max_rent_yuan_m2_month", None, 30),
    "floor_area_max_m2": ("floor_area_max_m2", None, 20000),
    "clear_height_min_m": ("clear_height_min_m", None, 8),
    "floor_load_min_kn_m2": ("floor_load_min_kn_m2", None, 20),
    "crane_min_t": ("crane_min_t", None, 5),
    "power_min_kva": ("power_min_kva", None, 800),
}


def test_every_field_of_the_api_reaches_the_match(page):
    page.goto("/match")
    for box, value in {
        "industry": "27",
        "land_min_mu": "20",
        "land_max_mu": "80",
        "fixed_investment_wan": "30000",
        "floor_area_min_m2": "5000",
    }.items():
        page.page.fill(f"#{box}", value)
    page.page.select_option("#nuisance_class", "2")
    page.page.select_option("#preferred_areas", ["P01", "T01"])
    for tick in ("insist_on_preferred", "needs_waterfront", "include_reserved"):
        page.page.check(f"input[name={tick}]")
    page.page.uncheck("input[name=assemble]")
    page.page.check("input[name=required_readiness][value=road]")
    page.page.check("input[name=required_readiness][value=power]")
    page.page.click("#match-more > summary")
    for box, (_, _, value) in ADVANCED.items():
        page.page.fill(f"#{box}", str(value))
    with page.page.expect_response(lambda r: r.url.startswith(page.base + "/api/match")) as answer:
        page.page.click("#match-form button[type=submit]")

    sent = answer.value.request.post_data_json
    assert answer.value.status == 200
    assert sent["industry_code"] == "27" and sent["nuisance_class"] == 2
    assert (sent["land_min_mu"], sent["land_max_mu"], sent["fixed_investment_wan"]) == (20, 80, 30000)
    assert sent["floor_area_min_m2"] == 5000 and sent["preferred_areas"] == ["P01", "T01"]
    assert sent["insist_on_preferred"] and sent["needs_waterfront"] and sent["include_reserved"]
    assert sent["assemble"] is False and sent["required_readiness"] == ["road", "power"]
    for field, key, value in ADVANCED.values():
        assert (sent[field][key] if key else sent[field]) == value, field


def test_a_distance_limit_removes_the_site_beyond_it(page):
    page.goto("/match")
    before = match(page, industry="27", land_min_mu="20", land_max_mu="80")
    top = before["parcels"][0]
    port = next(c["raw"] for c in top["criteria"] if c["name"] == "port")
    assert port > 1, "the sample's best site lies more than a kilometre from the port"

    page.page.click("#match-more > summary")
    after = match(page, max_distance_port=f"{port - 0.5:.1f}")

    assert top["code"] not in [c["code"] for c in after["parcels"]]
    assert page.page.locator(f'.ls-candidate:not(.ls-near)[data-code="{top["code"]}"]').count() == 0
    assert all(
        next(c["raw"] for c in site["criteria"] if c["name"] == "port") <= port - 0.5
        for site in after["parcels"]
    )


TYPED = {
    "industry": "27",
    "land_min_mu": "0",
    "land_max_mu": "80",
    "fixed_investment_wan": "30000",
    "name": "某医药项目",
}


def test_an_invalid_value_is_marked_with_its_message_and_nothing_typed_is_lost(page):
    page.expect_refusal("/api/match?lang=zh")
    page.goto("/match")
    for box, value in TYPED.items():
        page.page.fill(f"#{box}", value)
    page.page.check("input[name=required_readiness][value=road]")

    # refused by the service: more than 0 亩
    with page.page.expect_response(lambda r: r.url.startswith(page.base + "/api/match")) as answer:
        page.page.click("#match-form button[type=submit]")
    assert answer.value.status == 422
    page.page.locator("#match-error").wait_for()
    assert "请修改标出的项目" in page.page.inner_text("#match-error")
    assert page.page.get_attribute("#land_min_mu", "aria-invalid") == "true"
    assert "“用地下限(亩)”的值无效" in page.page.inner_text("#land_min_mu + .invalid-feedback")
    assert {box: page.page.input_value(f"#{box}") for box in TYPED} == TYPED
    assert page.accessibility() == []
    assert page.page.is_checked("input[name=required_readiness][value=road]")

    # refused by the browser's own checks, in the folded part: shown unfolded, nothing sent
    page.page.fill("#land_min_mu", "20")
    page.page.click("#match-more > summary")
    page.page.fill("#crane_min_t", "-5")
    page.page.click("#match-more > summary")  # folded again before matching
    requests: list[str] = []
    page.page.on("request", lambda r: requests.append(r.url) if "/api/match" in r.url else None)
    page.page.click("#match-form button[type=submit]")
    assert (
        page.page.is_visible("#crane_min_t")
        and page.page.get_attribute("#crane_min_t", "aria-invalid") == "true"
    )
    assert page.page.get_attribute("#land_min_mu", "aria-invalid") is None and requests == []
    assert page.page.input_value("#crane_min_t") == "-5"

    # refused for a reason of the whole need: the message says which
    page.page.fill("#crane_min_t", "")
    page.page.fill("#land_min_mu", "90")
    with page.page.expect_response(lambda r: r.url.startswith(page.base + "/api/match")):
        page.page.click("#match-form button[type=submit]")
    page.page.wait_for_function(
        "() => document.querySelector('#match-error').textContent.includes('大于上限')"
    )
    assert page.page.locator(".ls-candidate").count() == 0
    assert page.page.input_value("#land_min_mu") == "90" and page.page.input_value("#name") == "某医药项目"
