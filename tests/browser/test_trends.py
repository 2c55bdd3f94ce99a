"""The trends page and the supply map's labels in a real browser, at 390, 900 and 1440 px: a leader
and an administrator see every chart drawn inside the page, a bar leads to its records, the
administrator sets a target and sees it against the actual, no serious accessibility finding; on
the supply map no two labels shown cover each other, before and after zooming, and the legend
names its classes in 亩."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gis import localtime
from tests.browser.conftest import Sessions

WIDTHS = (390, 900, 1440)

DRAWN = """() => Array.from(document.querySelectorAll('svg.ls-trend-chart')).map((svg) => {
  const box = svg.getBoundingClientRect();
  return {measure: svg.dataset.measure, width: box.width, right: box.right,
          marks: svg.querySelectorAll('a.ls-trend-mark').length,
          sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth};
})"""

TALLEST = """(measure) => {
  const bars = Array.from(document.querySelectorAll(`svg[data-measure="${measure}"] a.ls-trend-mark`));
  bars.sort((a, b) => b.querySelector('rect').getBBox().height - a.querySelector('rect').getBBox().height);
  return bars[0].getAttribute('href');
}"""

# the page's own handlers of the fonts' arrival run first, then two frames pass
LABELS = """() => Array.from(document.querySelectorAll('.ls-area-label:not(.ls-label-hidden) > div'))
  .map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0)
  .map((r) => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom}))"""

# The map has settled once the fonts are in, no zoom is animating and the shown labels have kept
# their boxes for five frames (on a busy machine a zoom's last frames can outlast a fixed wait,
# and labels read mid-animation are scaled); at most ten seconds.
SETTLED = (
    """() => document.fonts.ready.then(() => new Promise((resolve) => {
  const labels = """
    + LABELS
    + """;
  let last = null, same = 0, frames = 0;
  function tick() {
    const now = JSON.stringify(labels());
    same = now === last && !document.querySelector('.leaflet-zoom-anim') ? same + 1 : 0;
    last = now;
    frames += 1;
    if (same >= 5 || frames > 600) { resolve(same >= 5); } else { requestAnimationFrame(tick); }
  }
  requestAnimationFrame(tick);
}))"""
)


def overlapping(boxes: list[dict[str, float]]) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i, a in enumerate(boxes)
        for j, b in enumerate(boxes)
        if i < j
        and a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    ]


@pytest.fixture(scope="module")
def sessions(browser, live_server) -> Iterator[Sessions]:
    opened = Sessions(browser, live_server, "trends", "P02")
    yield opened
    opened.close()


@pytest.mark.parametrize("role", ["leader", "admin"])
def test_every_chart_is_drawn_and_a_bar_leads_to_its_records(sessions, role):
    watched = sessions.of(role)
    page = watched.page
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        watched.goto("/trends?months=12")
        drawn = page.evaluate(DRAWN)

        assert [d["measure"] for d in drawn] == [
            "available",
            "supplied",
            "revitalised",
            "revitalised_factories",
            "signed_not_started",
        ]
        assert all(d["marks"] == 12 and d["width"] > 0 and d["right"] <= width + 0.5 for d in drawn)
        assert drawn[0]["sideways"] <= 0
        assert watched.accessibility() == []
        watched.screenshot(f"trends-{role}-{width}")
    href = page.evaluate(TALLEST, "supplied")
    with page.expect_navigation():
        page.click(f'a[href="{href}"]')

    assert "/trends/records?measure=supplied" in page.url
    assert page.locator("#trend-records tbody tr a").count() > 0
    assert "供地" in page.locator("h1").inner_text()
    assert watched.accessibility() == []


def test_an_administrator_sets_a_target_and_sees_it_against_the_actual(sessions):
    watched = sessions.of("admin")
    page = watched.page
    page.set_viewport_size({"width": 390, "height": 900})
    watched.goto("/trends?months=12")
    page.select_option("#target-area", "P01")
    page.select_option("#target-measure", "supplied")
    page.fill("#target-value", "1234")
    with page.expect_navigation():
        page.click("#target-save")

    assert page.locator("#target-saved").is_visible()
    row = page.locator('#targets-supplied tr[data-area="P01"]')
    assert "1,234.0" in row.inner_text()
    assert page.locator('svg.ls-target-chart[data-measure="supplied"] line.ls-target-mark').count() >= 1
    done = row.locator("td").nth(1).inner_text()
    assert "%" in row.locator("td").nth(3).inner_text() and done
    assert f"{localtime.today().year}" in page.locator("#targets").inner_text()


def test_supply_labels_never_cover_each_other_and_the_legend_is_in_mu(sessions):
    watched = sessions.of("leader")
    page = watched.page
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        watched.goto("/supply")
        page.wait_for_selector(".leaflet-container[data-decluttered]", state="attached")
        assert page.evaluate(SETTLED), "the labels never stopped moving"
        shown = page.evaluate(LABELS)

        assert shown and overlapping(shown) == []
        legend = page.locator("#supply-legend").inner_text()
        assert legend.count("亩") == 10 and page.locator(".ls-legend-swatch").count() == 10
    page.set_viewport_size({"width": 390, "height": 900})
    zoom = page.locator(".leaflet-container").get_attribute("data-decluttered")
    page.click(".leaflet-control-zoom-in")
    page.wait_for_function(
        "(z) => document.querySelector('.leaflet-container').dataset.decluttered !== z", arg=zoom
    )
    assert overlapping(page.evaluate(LABELS)) == []
    watched.screenshot("supply-labels-390")
