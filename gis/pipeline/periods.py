"""The periods reports cover: an ISO week (2026-W48, Monday to Sunday) for the weekly summary; a
month (2026-07), a quarter (2026-Q3) or a year (2026) for the scorecard. Pure."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from gis.errors import InvalidParameter

# The years a report may cover: those of the dates the statistics accept (gis/dashboard.py)
FIRST_YEAR, LAST_YEAR = 1900, 2999
WEEK = re.compile(r"(\d{4})-?W(\d{1,2})", re.IGNORECASE)
QUARTER = re.compile(r"(\d{4})-?Q([1-4])", re.IGNORECASE)
MONTH = re.compile(r"(\d{4})-(\d{1,2})")
YEAR = re.compile(r"(\d{4})")


class PeriodKind(StrEnum):
    """How long a period is."""

    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True)
class Period:
    """A span of whole days, first and last included, named as people write it."""

    kind: PeriodKind
    label: str
    first: dt.date
    last: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.first <= day <= self.last

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        day = self.first - dt.timedelta(days=1)
        if self.kind == PeriodKind.WEEK:
            year, week, _ = day.isocalendar()
            return week_period(year, week)
        if self.kind == PeriodKind.MONTH:
            return month_period(day.year, day.month)
        if self.kind == PeriodKind.QUARTER:
            return quarter_period(day.year, (day.month - 1) // 3 + 1)
        return year_period(day.year)


def week_period(year: int, week: int) -> Period:
    """ISO week `week` of `year`, Monday to Sunday."""
    monday = dt.date.fromisocalendar(year, week, 1)
    return Period(PeriodKind.WEEK, f"{year}-W{week:02d}", monday, monday + dt.timedelta(days=6))


def month_period(year: int, month: int) -> Period:
    """A calendar month."""
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return Period(
        PeriodKind.MONTH, f"{year}-{month:02d}", dt.date(year, month, 1), following - dt.timedelta(days=1)
    )


def quarter_period(year: int, quarter: int) -> Period:
    """A calendar quarter, 1 to 4."""
    first = month_period(year, quarter * 3 - 2)
    return Period(PeriodKind.QUARTER, f"{year}-Q{quarter}", first.first, month_period(year, quarter * 3).last)


def year_period(year: int) -> Period:
    """A calendar year."""
    return Period(PeriodKind.YEAR, str(year), dt.date(year, 1, 1), dt.date(year, 12, 31))


def parse_week(text: str) -> Period:
    """An ISO week written 2026-W48; anything else is refused, naming the form."""
    found = WEEK.fullmatch(text.strip())
    if found is None or not FIRST_YEAR <= int(found[1]) <= LAST_YEAR:
        raise InvalidParameter("report.week.invalid", field="week", value=text)
    try:
        return week_period(int(found[1]), int(found[2]))
    except ValueError:  # week 0, or week 53 of a 52-week year
        raise InvalidParameter("report.week.invalid", field="week", value=text) from None


def parse_period(text: str) -> Period:
    """A quarter (2026-Q3), a month (2026-07) or a year (2026); anything else is refused."""
    value = text.strip()
    year = YEAR.match(value)
    if year is None or not FIRST_YEAR <= int(year[1]) <= LAST_YEAR:
        raise InvalidParameter("report.period.invalid", field="period", value=text)
    if found := QUARTER.fullmatch(value):
        return quarter_period(int(found[1]), int(found[2]))
    if (found := MONTH.fullmatch(value)) and 1 <= int(found[2]) <= 12:
        return month_period(int(found[1]), int(found[2]))
    if YEAR.fullmatch(value):
        return year_period(int(value))
    raise InvalidParameter("report.period.invalid", field="period", value=text)


def cut_at(period: Period, as_of: dt.date) -> dt.date:
    """The last day of `period` the report sees: its end, or `as_of` within it. A period that
    begins after `as_of` has nothing to report yet, and is refused."""
    if as_of < period.first:
        raise InvalidParameter(
            "report.as_of_before",
            field="as_of",
            period=period.label,
            as_of=as_of.isoformat(),
            first=period.first.isoformat(),
        )
    return min(period.last, as_of)
