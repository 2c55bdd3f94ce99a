"""Charts drawn on the server as SVG (the trends page): pure geometry — scales, bars, points and
the ticks of an axis — that a template draws, each mark with the link to the records behind it and
the words a screen reader reads for it. No script and no chart library."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 240  # the viewBox; the SVG scales to its box
LEFT, RIGHT, TOP, BOTTOM = 72, 24, 12, 30  # room for the axis' numbers and the months
ROW, BAR_LEFT = 30, 190  # a row of the target chart, and the room for its names


@dataclass(frozen=True)
class Mark:
    """A bar (width > 0) or a point of this period, with its link and its words."""

    x: float
    y: float
    width: float
    height: float
    href: str
    text: str


@dataclass(frozen=True)
class Tick:
    """A value on the axis, at its height."""

    y: float
    text: str


@dataclass(frozen=True)
class Monthly:
    """One measure over the months: this period (bars or a line), the year before (a dashed line)."""

    width: int
    height: int
    marks: list[Mark]
    line: str  # polyline points of this period (a stock), empty for bars
    before: str  # polyline points of the year before
    ticks: list[Tick]
    months: list[tuple[float, str]]  # x and label of the months named under the axis
    bars: bool
    left: int = LEFT
    right: int = WIDTH - RIGHT  # where the plot ends


def nice_top(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above `value` (1 for nothing)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return float(next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value))


def number(value: float) -> str:
    """A value as the axis and the marks write it: thousands separated, at most one decimal."""
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.1f}"


def monthly(
    labels: Sequence[str],
    values: Sequence[float],
    before: Sequence[float],
    hrefs: Sequence[str],
    texts: Sequence[str],
    *,
    bars: bool,
) -> Monthly:
    """The chart of one series: bars (a month's total) or points on a line (a month-end stock)."""
    top = nice_top(max([*values, *before], default=0))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(len(values), 1)

    def y(v: float) -> float:
        return round(TOP + inner_h * (1 - max(v, 0) / top), 1)

    def x(i: int) -> float:
        return round(LEFT + step * (i + 0.5), 1)

    bar = max(step * 0.7, 1)
    marks = [
        Mark(round(x(i) - bar / 2, 1), y(v), round(bar, 1), round(TOP + inner_h - y(v), 1), href, text)
        if bars
        else Mark(x(i), y(v), 0, 0, href, text)
        for i, (v, href, text) in enumerate(zip(values, hrefs, texts, strict=True))
    ]
    every = max(1, math.ceil(len(labels) / 6))  # six month names at most: they fit at 390 px
    return Monthly(
        WIDTH,
        HEIGHT,
        marks,
        "" if bars else " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values)),
        " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(before)),
        [Tick(y(top * k / 4), number(top * k / 4)) for k in range(5)],
        [(x(i), label) for i, label in enumerate(labels) if (len(labels) - 1 - i) % every == 0],
        bars,
    )


@dataclass(frozen=True)
class TargetRow:
    """One area's year so far against its target, as bar lengths."""

    name: str
    y: float
    actual_width: float
    target_x: float | None  # where the target's mark stands; None: no target set
    href: str
    text: str


@dataclass(frozen=True)
class Targets:
    """Actual against target per area, one row each."""

    width: int
    height: int
    rows: list[TargetRow]
    left: int


def targets(rows: Sequence[tuple[str, float, float | None, str, str]]) -> Targets:
    """Rows of (name, actual, target or None, href, words): a bar each, the target as a mark."""
    top = nice_top(max([max(a, t or 0) for _, a, t, _, _ in rows], default=0))
    inner = WIDTH - BAR_LEFT - RIGHT - 40

    def scale(v: float) -> float:
        return round(inner * max(v, 0) / top, 1)

    drawn = [
        TargetRow(
            name, i * ROW + 6, scale(actual), None if target is None else BAR_LEFT + scale(target), href, text
        )
        for i, (name, actual, target, href, text) in enumerate(rows)
    ]
    return Targets(WIDTH, max(len(rows), 1) * ROW + 8, drawn, BAR_LEFT)
