"""The weekly summary and the scorecard as a reader asks for them: the query parameters both take,
who may read them (gis/access.py: investment staff, leaders, administrators), and the pipeline
read as of the day asked for. Shared by the JSON API, the pages, their downloads and the CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy.orm import Session

from gis import access, localtime
from gis.access import Principal
from gis.labels import message
from gis.pipeline import ledger
from gis.pipeline.config import PipelineConfig
from gis.pipeline.periods import Period, parse_period, parse_week, quarter_period, week_period
from gis.pipeline.scorecard import Scorecard, scorecard
from gis.pipeline.weekly import WeeklySummary, weekly_summary
from service.auth import CurrentUser
from service.filters import day_query

AsOfQuery = Annotated[
    dt.date | None, day_query("截至日期：按当日结束时的状态统计 (YYYY-MM-DD)，默认今天", "2026-11-29")
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


PipelineReport = WeeklySummary | Scorecard


@dataclass(frozen=True)
class Report:
    """One of the pipeline's reports as the API, the pages and the CLI serve it."""

    name: str  # its URLs (/api/reports/<name>, /reports/<name>), its label and its template
    field: str  # the query parameter naming the period asked for, and the report's attribute of it
    query: Any  # that parameter (a FastAPI Query: its description and example)
    period_asked: Callable[[str | None, dt.date], Period]  # the period asked for, or the default one
    compute: Callable[[ledger.Ledger, Period, PipelineConfig], PipelineReport]
    title_key: str
    landscape: bool  # printed on A4 landscape

    def build(
        self,
        session: Session,
        who: Principal,
        asked: str | None,
        as_of: dt.date | None,
        config: PipelineConfig,
    ) -> PipelineReport:
        """The report of the period asked for (by default the one of `as_of`) as of `as_of` (by
        default today), as `who` may read it."""
        day = as_of or localtime.today()
        period = self.period_asked(asked, day)
        return self.compute(_ledger(session, who, day), period, config)

    def label(self, report: PipelineReport) -> str:
        """The period the report covers (2026-W48, 2026-Q3, ...)."""
        return str(getattr(report, self.field))

    def title(self, report: PipelineReport, lang: str) -> str:
        """The report's title: its period and first and last days."""
        period = {self.field: self.label(report)}
        return message(self.title_key, lang, first=report.first, last=report.last, **period)


def _period_query(name: str, description: str, example: str) -> Any:
    return Query(alias=name, max_length=20, description=description, examples=[example])


WEEKLY = Report(
    name="weekly",
    field="week",
    query=_period_query("week", "ISO 周（周一至周日），如 2026-W48；默认为截至日期所在的周", "2026-W48"),
    period_asked=week_of,
    compute=weekly_summary,
    title_key="web.report.weekly_title",
    landscape=False,
)
SCORECARD = Report(
    name="scorecard",
    field="period",
    query=_period_query(
        "period", "考核期：季度 2026-Q3、月份 2026-07 或年份 2026；默认为截至日期所在的季度", "2026-Q3"
    ),
    period_asked=period_of,
    compute=scorecard,
    title_key="web.report.scorecard_title",
    landscape=True,
)
REPORTS = (WEEKLY, SCORECARD)
