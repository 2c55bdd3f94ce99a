"""The comparison page in a real browser, as investment staff: sites picked on the matching page
open side by side; a weight moved with the keyboard re-ranks them at once, as POST
/api/match/compare ranks them for those weights; a table with a sticky first column at desktop,
cards below 992 px; printed without the sliders, the weights listed; no serious axe findings."""

import json
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlparse

import httpx
import pytest

from tests.browser.conftest import Sessions

WIDTHS = (1440, 900, 390)
# the criteria every kind of site is scored on: a change to one moves parcels and factories alike
EVERY_KIND = ("industry_fit", "priority", "idle", "port", "highway_exit", "rail_station", "area_fit", "price")
SLIDER_MAX = 50
RANKING = "() => Array.from(document.querySelectorAll('#compare-ranking li')).map(li => li.dataset.ref)"


@pytest.fixture(scope="module")
def sessions(browser, live_server) -> Iterator[Sessions]:
    opened = Sessions(browser, live_server, "compare", "P02")
    yield opened
    opened.close()


def asked(url: str) -> tuple[list[str], dict, dict[str, float]]:
    """The sites, the need and the weights a comparison's address holds."""
    pairs = parse_qsl(urlparse(url).query)
    sites = [v for k, v in pairs if k == "site"]
    need = json.loads(next(v for k, v in pairs if k == "need"))
    weights = {k.removeprefix("w_"): float(v) for k, v in pairs if k.startswith("w_")}
    return sites, need, weights


def api_ranking(base: str, sites: list[str], need: dict, weights: dict[str, float] | None = None) -> dict:
    figures = {k: need.pop(k) for k in ("annual_output_wan", "annual_tax_wan") if k in need}
    body = {**need, **figures, "sites": sites, **({"weights": weights} if weights else {})}
    response = httpx.post(f"{base}/api/match/compare", json=body, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def scores_under(answer: dict, weights: dict[str, float]) -> dict[str, float]:
    """Each site's score under `weights`, from its criteria's normalised values (as the API
    explains them), less an assembly's penalty."""
    out = {}
    for s in answer["sites"]:
        rows = [k for k in s["site"]["criteria"] if k["name"] != "assembly"]
        used = {k["name"]: weights[k["name"]] for k in rows if weights[k["name"]] > 0}
        total = sum(
            100.0 * used[k["name"]] / sum(used.values()) * k["value"] for k in rows if k["name"] in used
        )
        penalty = -sum(k["points"] for k in s["site"]["criteria"] if k["name"] == "assembly")
        out[s["ref"]] = max(0.0, total - penalty)
    return out


def a_flipping_key(answer: dict) -> tuple[str, str]:
    """A slider and a key (End: its most, Home: none) that changes the ranking clearly."""
    defaults = {w["name"]: w["default"] for w in answer["weights"]}
    for name in EVERY_KIND:
        for key, value in (("End", SLIDER_MAX), ("Home", 0)):
            totals = scores_under(answer, {**defaults, name: value})
            order = sorted(totals, key=lambda r: (-round(totals[r], 1), r))
            gaps = [abs(a - b) for a in totals.values() for b in totals.values() if a != b]
            if order != answer["ranking"] and min(gaps, default=0) > 0.3:
                return name, key
    raise AssertionError("no single weight changes the ranking of these sites")


def test_picked_sites_compare_and_a_slider_reranks_as_the_api_does(sessions, live_server):
    staff = sessions.of("investment")
    page = staff.page
    page.set_viewport_size({"width": 1440, "height": 900})
    staff.goto("/match")
    page.fill("#industry", "27")
    page.fill("#land_min_mu", "50")
    page.fill("#land_max_mu", "70")
    page.fill("#floor_area_min_m2", "2000")
    with page.expect_response(lambda r: r.url.startswith(staff.base + "/api/match")):
        page.click("#match-form button[type=submit]")
    page.wait_for_selector(".ls-candidate")
    assert page.locator("#compare-open").is_disabled()
    picks = page.locator(".ls-candidate:not(.ls-near) .ls-compare-pick")
    for i in range(3):
        picks.nth(i).check()
    with page.expect_navigation():
        page.click("#compare-open")
    page.wait_for_load_state("networkidle")

    sites, need, _ = asked(page.url)
    default = api_ranking(staff.base, sites, dict(need))
    assert len(sites) == 3 and page.evaluate(RANKING) == default["ranking"]
    assert page.locator(".ls-compare-map .ls-rank").count() == 3
    name, key = a_flipping_key(default)

    slider = page.locator(f"#w-{name}")
    slider.focus()
    page.keyboard.press(key)
    page.wait_for_function(f"() => ({RANKING})().join() !== {default['ranking']!r}.join()".replace("'", '"'))

    _, _, weights = asked(page.url)  # the weights are kept in the address
    assert weights[name] == (SLIDER_MAX if key == "End" else 0)
    changed = api_ranking(staff.base, sites, dict(need), weights)
    assert page.evaluate(RANKING) == changed["ranking"] != default["ranking"]
    shown = [
        float(x) for x in page.eval_on_selector_all("#compare-ranking li", "l => l.map(e => e.dataset.score)")
    ]
    by_ref = {s["ref"]: s["site"]["score"] for s in changed["sites"]}
    assert shown == [by_ref[r] for r in changed["ranking"]]
    assert page.locator(f"#w-{name}-value").inner_text() == str(weights[name]).removesuffix(".0")

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        desktop = width >= 992
        assert page.locator("#compare-table").is_visible() == desktop
        assert page.locator(".ls-compare-cards").is_visible() != desktop
        if desktop:
            first = page.locator("#compare-table tbody th.ls-sticky").first
            assert first.evaluate("e => getComputedStyle(e).position") == "sticky"
        else:
            cards = page.eval_on_selector_all(".ls-compare-cards section", "l => l.map(e => e.dataset.ref)")
            assert cards == changed["ranking"]
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        assert staff.accessibility() == []
        staff.screenshot(f"compare-{width}-{live_server.backend}")

    page.emulate_media(media="print")
    assert not page.locator("#compare-weights").is_visible()
    assert page.locator("#compare-weights-used").is_visible() and page.locator("#compare-table").is_visible()
    page.emulate_media(media="screen")

    page.set_viewport_size({"width": 1440, "height": 900})
    page.click("#compare-reset")
    page.wait_for_function(f"() => ({RANKING})().join() === {default['ranking']!r}.join()".replace("'", '"'))
    assert staff.errors == [] and staff.outside == []
