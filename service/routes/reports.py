"""/api/reports/…: the pipeline's weekly summary and the parks' and towns' scorecard, as JSON, as
an Excel workbook and as a PDF, each as of a day (investment staff, leaders, administrators)."""

# No `from __future__ import annotations`: a route's parameters name its report's query parameter
# (report.query), which FastAPI must read where the route is made.

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from gis.labels import message
from service import report_files
from service.dependencies import Language, ReadSession, SettingsDep
from service.reports import SCORECARD, WEEKLY, AsOfQuery, PipelineReport, Report, ReportReader
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


def _object(report: "DataclassInstance") -> dict[str, Any]:
    """A report (a dataclass) as a JSON object."""
    return {f.name: _plain(getattr(report, f.name)) for f in dataclasses.fields(report)}


def _download(body: bytes, media_type: str, title: str, period: str, suffix: str) -> Response:
    name = f"{title}-{period}{suffix}"
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


def _reading(report: Report) -> Callable[..., PipelineReport]:
    def read(
        session: ReadSession,
        settings: SettingsDep,
        who: ReportReader,
        asked: Annotated[str | None, report.query] = None,
        as_of: AsOfQuery = None,
    ) -> PipelineReport:
        """The period asked for (by default the one of `as_of`) as the reader may see it."""
        return report.build(session, who, asked, as_of, settings.pipeline.config())

    return read


def _as_json(read: Callable[..., PipelineReport]) -> Callable[..., dict[str, Any]]:
    def as_json(built: Annotated[Any, Depends(read)]) -> dict[str, Any]:
        return _object(built)

    return as_json


def _as_file(report: Report, read: Callable[..., PipelineReport], suffix: str) -> Callable[..., Response]:
    def as_file(built: Annotated[Any, Depends(read)], lang: Language) -> Response:
        body = report_files.report_file(report, built, lang, suffix)
        title = message(f"web.report.{report.name}", lang)
        return _download(body, report_files.MEDIA_TYPES[suffix], title, report.label(built), suffix)

    return as_file


class Served(NamedTuple):
    """A report's routes and what /docs says of each: as JSON, as Excel, as PDF."""

    report: Report
    summaries: tuple[str, str, str]
    descriptions: tuple[str, str, str]


SERVED = (
    Served(
        WEEKLY,
        ("Weekly summary 周汇总", "Weekly summary as Excel 周汇总 Excel", "Weekly summary as PDF 周汇总 PDF"),
        (
            "The week's new leads, follow-ups and city leaders' visits per lead unit, the stage changes,\n"
            "signings, registrations, supplies and starts, the investment standing at each stage and the\n"
            "overdue projects, each beside the week before, rebuilt from the dated steps as of `as_of`.\n"
            "Every figure carries the codes of the projects behind it (`codes`; `names` gives their names).",
            "The weekly summary as a workbook: overview, by unit, stages, overdue, the projects behind.",
            "The weekly summary as printed (A4).",
        ),
    ),
    Served(
        SCORECARD,
        ("Scorecard 落地开工考核", "Scorecard as Excel 考核 Excel", "Scorecard as PDF 考核 PDF"),
        (
            "Per park and town (the project's platform, else its lead unit's area) for a month, quarter\n"
            "or year: new 亿元以上 leads, signed, registered, supplied, started, investment started, the\n"
            "shares in key industries and on key platforms, weighted (LANDSTOCK_PIPELINE_WEIGHT_*) and\n"
            "ranked, as of `as_of`. Every figure carries the codes of the projects behind it.",
            "The scorecard as a workbook: the ranking, the weights, the projects behind each figure.",
            "The scorecard as printed (A4 landscape).",
        ),
    ),
)


def _add(served: Served) -> None:
    report, (json_summary, xlsx_summary, pdf_summary), (as_json, as_xlsx, as_pdf) = served
    name, read = report.name, _reading(report)
    router.add_api_route(
        f"/{name}", _as_json(read), name=name, summary=json_summary, description=as_json, responses=RESPONSES
    )
    for suffix, summary, description, responses in (
        (".xlsx", xlsx_summary, as_xlsx, RESPONSES),
        (".pdf", pdf_summary, as_pdf, FILE_RESPONSES),
    ):
        router.add_api_route(
            f"/{name}{suffix}",
            _as_file(report, read, suffix),
            name=f"{name}_{suffix[1:]}",
            summary=summary,
            description=description,
            responses=responses,
            response_class=Response,
        )


for served in SERVED:
    _add(served)
