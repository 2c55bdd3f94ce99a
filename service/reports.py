"""The weekly summary and the scorecard as a reader asks for them: the query parameters both take,
who may read them (gis/access.py: investment staff, leaders, administrators), and the pipeline
read as of the day asked for. Shared by the JSON API, the pages, their downloads and the CLI."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Query
from sqlalchemy.orm import Session

from gis import access
from gis.access import Principal
from gis.dashboard import FIRST_DAY, LAST_DAY
from gis.pipeline import ledger
from gis.pipeline.config import PipelineConfig
from gis.pipeline.periods import Period, parse_period, parse_week, quarter_period, week_period
from gis.pipeline.scorecard import Scorecard, scorecard
from gis.pipeline.weekly import WeeklySummary, weekly_summary
from service.auth import CurrentUser

WeekQuery = Annotated[
    str | None,
    Query(
        max_length=20,
        description="ISO 周（周一至周日），如 2026-W48；默认为截至日期所在的周",
        examples=["2026-W48"],
    ),
]
PeriodQuery = Annotated[
    str | None,
    Query(
        max_length=20,
        description="考核期：季度 2026-Q3、月份 2026-07 或年份 2026；默认为截至日期所在的季度",
        examples=["2026-Q3"],
    ),
]
AsOfQuery = Annotated[
    dt.date | None,
    Query(
        description="截至日期：按当日结束时的状态统计 (YYYY-MM-DD)，默认今天",
        examples=["2026-11-29"],
        ge=FIRST_DAY,
        le=LAST_DAY,
    ),
]


async def report_reader(user: CurrentUser) -> Principal:
    """A reader of the reports: signed in (401), and of a role that may read them (403)."""
    access.check_reports(user)
    return user


ReportReader = Annotated[Principal, Depends(report_reader)]


def week_of(text: str | None, as_of: dt.date) -> Period:
    """The week asked for, or the week of `as_of`."""
    if text:
        return parse_week(text)
    year, week, _ = as_of.isocalendar()
    return week_period(year, week)


def period_of(text: str | None, as_of: dt.date) -> Period:
    """The period asked for, or the quarter of `as_of`."""
    return parse_period(text) if text else quarter_period(as_of.year, (as_of.month - 1) // 3 + 1)


def _ledger(session: Session, who: Principal, as_of: dt.date) -> ledger.Ledger:
    access.check_reports(who)
    return ledger.load(session, as_of, visible=access.readable_projects(who, session.get_bind().dialect.name))


def weekly_for(
    session: Session, who: Principal, week: str | None, as_of: dt.date | None, config: PipelineConfig
) -> WeeklySummary:
    """The weekly summary: `week` (default: the week of `as_of`) as of `as_of` (default today)."""
    day = as_of or dt.date.today()
    period = week_of(week, day)
    return weekly_summary(_ledger(session, who, day), period, config)


def scorecard_for(
    session: Session, who: Principal, period: str | None, as_of: dt.date | None, config: PipelineConfig
) -> Scorecard:
    """The scorecard: `period` (default: the quarter of `as_of`) as of `as_of` (default today)."""
    day = as_of or dt.date.today()
    chosen = period_of(period, day)
    return scorecard(_ledger(session, who, day), chosen, config)
