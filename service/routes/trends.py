"""/api/stats/trends and /api/targets: the leaders' monthly series (gis/trends.py) and the yearly
supply targets of parks and towns (set by administrators, gis/gateway/targets.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from gis import localtime, trends
from gis.access import Principal
from gis.gateway import targets as gateway
from gis.labels import label, message
from gis.models import SupplyTarget
from service.auth import CurrentUser
from service.dependencies import DatabaseDep, Language, ReadSession
from service.filters import day_query
from service.read_access import InventoryReader

router = APIRouter(tags=["statistics 统计"])

Year = Annotated[int, Path(ge=1900, le=2999, description="年度", examples=[2026])]
AreaCode = Annotated[str, Path(max_length=40, description="园区、片区或镇编号", examples=["P01"])]


class PointOut(BaseModel):
    """One month of one series, beside the same month a year before."""

    month: dt.date
    value: float
    year_before: float


class SeriesOut(BaseModel):
    """A measure of one area (a park, zone or town by its code, `all` for the county)."""

    measure: trends.Measure
    measure_label: str
    unit: str
    area: str
    points: list[PointOut]


@router.get("/api/stats/trends", summary="Monthly trends 月度趋势")
def trends_series(
    session: ReadSession,
    lang: Language,
    _reader: InventoryReader,
    months: Annotated[int, Query(description="月数", json_schema_extra={"enum": list(trends.PERIODS)})] = 24,
    until: Annotated[dt.date | None, day_query("截至该日所在月份 (YYYY-MM-DD)", "2026-06-30")] = None,
    area: Annotated[
        list[str] | None, Query(max_length=200, description="只要这些园区或镇 (all: 全市)")
    ] = None,
) -> list[SeriesOut]:
    """Each month's value of every measure per park, zone, town and the county, rebuilt from the
    status events, with the same month a year before."""
    found = trends.monthly(session, until, trends.period(months))
    wanted = set(area or ())
    return [
        SeriesOut(
            measure=measure,
            measure_label=label("trends.measure", measure.value, lang),
            unit=message(measure.unit, lang),
            area=code,
            points=[
                PointOut(month=m, value=v, year_before=b)
                for m, v, b in zip(
                    found.months, found.shown(measure, code), found.year_before(measure, code), strict=True
                )
            ],
        )
        for measure, code in sorted(found.values)
        if not wanted or code in wanted
    ]


class TargetIn(BaseModel):
    """A yearly target in 亩."""

    measure: str = Field(description="supplied 供地, revitalised 盘活", examples=["supplied"], max_length=30)
    value_mu: float = Field(ge=0, le=gateway.MAX_MU, description="目标 (亩)", examples=[300])


class TargetOut(BaseModel):
    """A park's or town's target for one year and measure, and who set it when."""

    area: str
    area_name: str
    year: int
    measure: str
    measure_label: str
    value_mu: float
    set_by: str | None = Field(description="who set it (signed-in readers)")
    set_at: dt.datetime


def _out(target: SupplyTarget, lang: str, who: Principal | None) -> TargetOut:
    return TargetOut(
        area=target.area.code,
        area_name=target.area.name,
        year=target.year,
        measure=target.measure,
        measure_label=label("trends.measure", target.measure, lang),
        value_mu=target.value_mu,
        set_by=target.set_by if who is not None else None,
        set_at=target.set_at,
    )


@router.get("/api/targets", summary="Yearly targets 年度目标")
def list_targets(
    session: ReadSession,
    lang: Language,
    who: InventoryReader,
    year: Annotated[int | None, Query(ge=1900, le=2999, description="年度 (默认今年)")] = None,
) -> list[TargetOut]:
    """Every park's and town's targets for the year."""
    return [_out(t, lang, who) for t in gateway.targets(session, year or localtime.today().year)]


@router.put(
    "/api/targets/{year}/{area}",
    summary="Set a yearly target 设定年度目标",
    responses={403: {"description": "Administrators only"}, 404: {"description": "No such area"}},
)
def put_target(
    year: Year, area: AreaCode, body: TargetIn, db: DatabaseDep, user: CurrentUser, lang: Language
) -> TargetOut:
    """Set or replace the target of a park, zone or town for the year (administrators only)."""
    with db.write() as session:
        return _out(
            gateway.set_target(session, area, year, body.measure, body.value_mu, who=user), lang, user
        )
