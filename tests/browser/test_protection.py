"""Protection distances (卫生防护距离) on the matching page in a real browser, as investment staff at
1440 and 390 px: a pharmaceutical project's near miss too near a village says why, and the map
rings the site at the distance required and marks the receptor; axe finds nothing serious."""

from collections.abc import Iterator

import pytest

from tests.browser.conftest import Sessions
from tests.browser.test_match import SIDEWAYS, match

# 30-35 亩 of 医药制造 (500 m): the sample's village beside 生命健康科技城 keeps its near miss first
PHARMA = {"industry": "27", "land_min_mu": "30", "land_max_mu": "35"}
RING = """(code) => {
  const dot = document.querySelector(`.ls-receptor[data-site="${code}"]`);
  return {rings: document.querySelectorAll('.ls-protection-ring').length, dot: Boolean(dot),
          receptor: dot && dot.getAttribute('data-receptor')};
}"""


@pytest.fixture(scope="module")
def sessions(browser, live_server) -> Iterator[Sessions]:
    opened = Sessions(browser, live_server, "protection", "P03")
    yield opened
    opened.close()


def test_a_site_too_near_a_village_says_why_and_is_ringed_on_the_map(sessions, live_server):
    watched = sessions.of("investment")
    for width in (1440, 390):
        watched.errors.clear()
        watched.page.set_viewport_size({"width": width, "height": 900})
        watched.goto("/match")

        body = match(watched, **PHARMA)

        failing = [c for c in body["near_misses"]["parcels"] if c.get("protection")]
        assert failing, "a near miss too near a receptor"
        site = failing[0]
        receptor = site["protection"]["receptor"]
        gap = next(g for g in site["gaps"] if g.startswith("卫生防护距离不足"))
        assert f"距{receptor['name']}（村庄）{round(receptor['distance_m'])} m，需 ≥ 500 m" in gap
        card = watched.page.locator(f'.ls-near[data-code="{site["code"]}"]')
        assert gap in card.inner_text()
        watched.page.evaluate("(code) => landstock.highlightSite(code)", site["code"])
        drawn = watched.page.evaluate(RING, site["code"])
        assert drawn["rings"] == len(failing) and drawn["dot"] and drawn["receptor"] == receptor["code"]
        assert watched.page.evaluate(SIDEWAYS) <= 0, "the page scrolls sideways"
        assert watched.accessibility() == [], "axe-core: serious or critical violations"
        watched.screenshot(f"match-protection-{width}-{live_server.backend}")
        assert watched.outside == [] and watched.errors == []
