"""Server-drawn charts as pure geometry: the axis' top, bars and points inside the box at heights in
proportion, the year before as its own line, six month names at most, targets as marks."""

from __future__ import annotations

import pytest

from service.web import charts


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (0.7, 1), (3, 5), (120, 200), (250, 250), (251, 500), (9_999, 10_000)]
)
def test_the_axis_ends_at_a_round_number(value, top):
    assert charts.nice_top(value) == top


def test_bars_stand_on_the_axis_in_proportion_and_link_their_month():
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    values = [0, 10, 20, 40, 0, 0, 0, 0, 0, 0, 0, 5]
    chart = charts.monthly(months, values, [1] * 12, [f"/r?m={m}" for m in months], months, bars=True)

    base = charts.HEIGHT - charts.BOTTOM
    assert [round(m.y + m.height, 1) for m in chart.marks] == [base] * 12
    assert chart.marks[3].height == 2 * chart.marks[2].height == 4 * chart.marks[1].height
    assert all(m.x >= charts.LEFT and m.x + m.width <= charts.WIDTH - charts.RIGHT for m in chart.marks)
    assert chart.marks[11].href == "/r?m=2026-12" and chart.line == ""
    assert len(chart.before.split()) == 12 and chart.ticks[-1].text == "50"
    assert [name for _, name in chart.months] == months[1::2]


def test_a_stock_is_a_line_through_its_points():
    chart = charts.monthly(
        ["a", "b", "c"], [100, 150, 200], [0, 0, 0], ["1", "2", "3"], ["x", "y", "z"], bars=False
    )

    assert [f"{m.x},{m.y}" for m in chart.marks] == chart.line.split()
    assert chart.marks[2].y == charts.TOP and all(m.width == 0 for m in chart.marks)


def test_targets_mark_the_target_and_draw_what_was_done():
    drawn = charts.targets([("甲园区", 50, 100, "/a", "a"), ("乙园区", 200, None, "/b", "b")])

    first, second = drawn.rows
    assert first.target_x == drawn.left + 2 * first.actual_width and second.target_x is None
    assert second.actual_width == 4 * first.actual_width and second.y > first.y
