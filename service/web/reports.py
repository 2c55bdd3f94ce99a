"""The reports' pages: /reports/weekly (周汇总) and /reports/scorecard (落地开工考核), printable,
with their Excel and PDF downloads (the API's). Investment staff, leaders and administrators;
anonymous readers go to the sign-in page, park managers are refused (gis/access.py says why)."""

# No `from __future__ import annotations`: a page's parameters name its report's query parameter
# (report.query), which FastAPI must read where the route is made.

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from gis import access, localtime
from gis.access import Principal
from gis.errors import InvalidParameter
from gis.labels import message
from gis.pipeline.scorecard import CRITERIA
from service.dependencies import ReadSession, SettingsDep
from service.i18n import page_language
from service.read_access import PageReader, sign_in_first
from service.reports import REPORTS, AsOfQuery, PipelineReport, Report
from service.web.frame import page

router = APIRouter(include_in_schema=False)


def _reader(request: Request, who: Principal | None) -> Principal:
    sign_in_first(request, who)
    assert who is not None  # sign_in_first sent an anonymous reader away
    access.check_reports(who)
    return who


def _page(
    request: Request,
    report: Report,
    asked: str | None,
    as_of: dt.date | None,
    build: Callable[[], PipelineReport],
) -> HTMLResponse:
    """The page of one report; a week or period not of its form re-renders the form with what was
    typed and the message (422)."""
    lang = page_language(request)
    context: dict[str, Any] = {
        "kind": report.name,
        "field": report.field,
        "asked": asked or "",
        "report": None,
        "error": None,
        "criteria": CRITERIA,
    }
    try:
        built = build()
    except InvalidParameter as error:
        context.update(
            error=error.message(lang),
            as_of=as_of or localtime.today(),
            title=message(f"web.report.{report.name}", lang),
        )
        return page(request, "reports.html", context, status_code=422)
    label = report.label(built)
    context.update(
        report=built,
        as_of=built.as_of,
        asked=asked or label,
        title=report.title(built, lang),
        query=urlencode({report.field: label, "as_of": built.as_of.isoformat()}),
    )
    return page(request, "reports.html", context)


def _report_page(report: Report) -> Callable[..., HTMLResponse]:
    def report_page(
        request: Request,
        session: ReadSession,
        settings: SettingsDep,
        who: PageReader,
        asked: Annotated[str | None, report.query] = None,
        as_of: AsOfQuery = None,
    ) -> HTMLResponse:
        reader = _reader(request, who)
        config = settings.pipeline.config()
        return _page(
            request, report, asked, as_of, lambda: report.build(session, reader, asked, as_of, config)
        )

    return report_page


# /reports/weekly: the weekly summary of the pipeline, each figure beside the week before;
# /reports/scorecard: the parks and towns ranked for a month, quarter or year
for report in REPORTS:
    router.add_api_route(
        f"/reports/{report.name}",
        _report_page(report),
        methods=["GET"],
        name=f"{report.name}_page",
        response_class=HTMLResponse,
    )
