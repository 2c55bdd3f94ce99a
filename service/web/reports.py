"""The reports' pages: /reports/weekly (周汇总) and /reports/scorecard (落地开工考核), printable,
with their Excel and PDF downloads (the API's). Investment staff, leaders and administrators;
anonymous readers go to the sign-in page, park managers are refused (gis/access.py says why)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from gis import access
from gis.access import Principal
from gis.errors import InvalidParameter
from gis.labels import message
from gis.pipeline.scorecard import CRITERIA, Scorecard
from gis.pipeline.weekly import WeeklySummary
from service.dependencies import ReadSession, SettingsDep
from service.i18n import page_language
from service.read_access import PageReader, sign_in_first
from service.reports import AsOfQuery, PeriodQuery, WeekQuery, scorecard_for, weekly_for
from service.web.frame import page

router = APIRouter(include_in_schema=False)


def _reader(request: Request, who: Principal | None) -> Principal:
    sign_in_first(request, who)
    assert who is not None  # sign_in_first sent an anonymous reader away
    access.check_reports(who)
    return who


def _page(
    request: Request,
    kind: str,
    field: str,
    asked: str | None,
    as_of: dt.date | None,
    build: Callable[[], WeeklySummary | Scorecard],
) -> HTMLResponse:
    """The page of one report; a week or period not of its form re-renders the form with what was
    typed and the message (422)."""
    lang = page_language(request)
    context: dict[str, Any] = {
        "kind": kind,
        "field": field,
        "asked": asked or "",
        "report": None,
        "error": None,
        "criteria": CRITERIA,
    }
    try:
        report = build()
    except InvalidParameter as error:
        context.update(
            error=error.message(lang),
            as_of=as_of or dt.date.today(),
            title=message(f"web.report.{kind}", lang),
        )
        return page(request, "reports.html", context, status_code=422)
    if isinstance(report, WeeklySummary):
        label = report.week
        title = message("web.report.weekly_title", lang, week=label, first=report.first, last=report.last)
    else:
        label = report.period
        title = message(
            "web.report.scorecard_title", lang, period=label, first=report.first, last=report.last
        )
    context.update(
        report=report,
        as_of=report.as_of,
        asked=asked or label,
        title=title,
        query=urlencode({field: label, "as_of": report.as_of.isoformat()}),
    )
    return page(request, "reports.html", context)


@router.get("/reports/weekly", response_class=HTMLResponse)
def weekly_page(
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    who: PageReader,
    week: WeekQuery = None,
    as_of: AsOfQuery = None,
) -> HTMLResponse:
    """The weekly summary of the pipeline, each figure beside the week before."""
    reader = _reader(request, who)
    return _page(
        request,
        "weekly",
        "week",
        week,
        as_of,
        lambda: weekly_for(session, reader, week, as_of, settings.pipeline.config()),
    )


@router.get("/reports/scorecard", response_class=HTMLResponse)
def scorecard_page(
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    who: PageReader,
    period: PeriodQuery = None,
    as_of: AsOfQuery = None,
) -> HTMLResponse:
    """The parks and towns ranked for a month, quarter or year."""
    reader = _reader(request, who)
    return _page(
        request,
        "scorecard",
        "period",
        period,
        as_of,
        lambda: scorecard_for(session, reader, period, as_of, settings.pipeline.config()),
    )
