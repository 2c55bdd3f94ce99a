"""The matching page in a real browser: a project's needs in, ranked sites out and on the map; a
shortlist that prints on A4 with the map, each site's facts and its joint review sheet; and a
saved project reached from the projects that fit a parcel."""

import re

import httpx

from tests.browser.conftest import account
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


MARKERS = """() => Array.from(document.querySelectorAll('.ls-rank'))
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
    assert "某医药项目" in page.page.locator("#print-need").inner_text()
    block = picked.nth(1).inner_text()
    assert "面积(亩)" in block and "用地性质" in block and "面积匹配" in block
    assert "联合会审表" in block and "投资强度(万元/亩)" in block and "总体结论" in block
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
