"""/api/reports/…: the pipeline's weekly summary and the parks' and towns' scorecard, as JSON, as
an Excel workbook and as a PDF, each as of a day (investment staff, leaders, administrators)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from gis.labels import message
from gis.pipeline.scorecard import Scorecard
from gis.pipeline.weekly import WeeklySummary
from service import report_files
from service.dependencies import Language, ReadSession, SettingsDep
from service.reports import AsOfQuery, PeriodQuery, ReportReader, WeekQuery, scorecard_for, weekly_for
from service.routes.projects import READ_RESPONSES

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

router = APIRouter(prefix="/api/reports", tags=["reports 报表"])

RESPONSES: dict[int | str, dict[str, Any]] = {
    401: READ_RESPONSES[401],
    403: {"description": "A park manager: the reports compare every park and town (problem+json)"},
    422: {
        "description": "A week or period not of the form 2026-W48 / 2026-Q3, 2026-07, 2026 "
        "(problem+json naming the field)"
    },
}
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **RESPONSES,
    501: {"description": "PDF: the server lacks a package it needs (problem+json)"},
}


def _plain(value: Any) -> Any:
    """A report as JSON: dataclasses as objects, dates as ISO text, stages by their value."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _object(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _object(report: DataclassInstance) -> dict[str, Any]:
    """A report (a dataclass) as a JSON object."""
    return {f.name: _plain(getattr(report, f.name)) for f in dataclasses.fields(report)}


def _download(body: bytes, media_type: str, title: str, period: str, suffix: str) -> Response:
    name = f"{title}-{period}{suffix}"
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


def weekly_summary(
    session: ReadSession,
    settings: SettingsDep,
    who: ReportReader,
    week: WeekQuery = None,
    as_of: AsOfQuery = None,
) -> WeeklySummary:
    """The week asked for (this one by default) as the reader may see it, as of `as_of`."""
    return weekly_for(session, who, week, as_of, settings.pipeline.config())


def period_scorecard(
    session: ReadSession,
    settings: SettingsDep,
    who: ReportReader,
    period: PeriodQuery = None,
    as_of: AsOfQuery = None,
) -> Scorecard:
    """The period asked for (this month by default) as the reader may see it, as of `as_of`."""
    return scorecard_for(session, who, period, as_of, settings.pipeline.config())


Weekly = Annotated[WeeklySummary, Depends(weekly_summary)]
Card = Annotated[Scorecard, Depends(period_scorecard)]


@router.get("/weekly", summary="Weekly summary 周汇总", responses=RESPONSES)
def weekly(summary: Weekly) -> dict[str, Any]:
    """The week's new leads, follow-ups and city leaders' visits per lead unit, the stage changes,
    signings, registrations, supplies and starts, the investment standing at each stage and the
    overdue projects, each beside the week before, rebuilt from the dated steps as of `as_of`.
    Every figure carries the codes of the projects behind it (`codes`; `names` gives their names)."""
    return _object(summary)


@router.get(
    "/weekly.xlsx",
    summary="Weekly summary as Excel 周汇总 Excel",
    responses=RESPONSES,
    response_class=Response,
)
def weekly_xlsx(summary: Weekly, lang: Language) -> Response:
    """The weekly summary as a workbook: overview, by unit, stages, overdue, the projects behind."""
    title = message("web.report.weekly", lang)
    body = report_files.weekly_xlsx(summary, lang)
    return _download(body, report_files.XLSX, title, summary.week, ".xlsx")


@router.get(
    "/weekly.pdf",
    summary="Weekly summary as PDF 周汇总 PDF",
    responses=FILE_RESPONSES,
    response_class=Response,
)
def weekly_pdf(summary: Weekly, lang: Language) -> Response:
    """The weekly summary as printed (A4)."""
    title = message("web.report.weekly", lang)
    return _download(report_files.weekly_pdf(summary, lang), report_files.PDF, title, summary.week, ".pdf")


@router.get("/scorecard", summary="Scorecard 落地开工考核", responses=RESPONSES)
def scorecard(card: Card) -> dict[str, Any]:
    """Per park and town (the project's platform, else its lead unit's area) for a month, quarter
    or year: new 亿元以上 leads, signed, registered, supplied, started, investment started, the
    shares in key industries and on key platforms, weighted (LANDSTOCK_PIPELINE_WEIGHT_*) and
    ranked, as of `as_of`. Every figure carries the codes of the projects behind it."""
    return _object(card)


@router.get(
    "/scorecard.xlsx", summary="Scorecard as Excel 考核 Excel", responses=RESPONSES, response_class=Response
)
def scorecard_xlsx(card: Card, lang: Language) -> Response:
    """The scorecard as a workbook: the ranking, the weights, the projects behind each figure."""
    title = message("web.report.scorecard", lang)
    return _download(report_files.scorecard_xlsx(card, lang), report_files.XLSX, title, card.period, ".xlsx")


@router.get(
    "/scorecard.pdf", summary="Scorecard as PDF 考核 PDF", responses=FILE_RESPONSES, response_class=Response
)
def scorecard_pdf(card: Card, lang: Language) -> Response:
    """The scorecard as printed (A4 landscape)."""
    title = message("web.report.scorecard", lang)
    return _download(report_files.scorecard_pdf(card, lang), report_files.PDF, title, card.period, ".pdf")
