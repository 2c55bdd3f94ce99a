"""/api/stats: land-supply figures, today or as of a past date."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from gis import freshness, stats
from gis.labels import label
from gis.status import ParcelStatus
from service.dependencies import Language, ReadSession, SettingsDep
from service.filters import day_query
from service.read_access import InventoryReader
from service.schemas import out_of

router = APIRouter(prefix="/api/stats", tags=["statistics 统计"])


class SupplyOut(BaseModel):
    """Parcels of one group in one status."""

    key: str | None
    name: str | None
    status: str
    status_label: str
    count: int
    area_mu: float


@router.get("/supply", summary="Land supply 土地供应统计")
def supply(
    session: ReadSession,
    lang: Language,
    _reader: InventoryReader,
    by: Annotated[Literal["park", "town", "land_use", "status"], Query(description="分组方式")] = "park",
    as_of: Annotated[
        dt.date | None, day_query("统计日期：按当日结束时的状态 (YYYY-MM-DD)", "2026-06-30")
    ] = None,
    status: Annotated[list[ParcelStatus] | None, Query(description="只统计这些状态")] = None,
) -> list[SupplyOut]:
    """Parcel count and 亩 per park, town, land-use class or status, today or at the end of `as_of`."""
    rows = stats.supply(session, by=by, as_of=as_of, status=tuple(status or ()))
    return [out_of(SupplyOut, r, status_label=label("parcel_status", r.status, lang)) for r in rows]


class FreshnessOut(BaseModel):
    """One park or town: its live parcels and factories, and how many are due for verification."""

    key: str
    name: str
    parcels: int
    factories: int
    stale_parcels: int
    stale_factories: int
    after_days: int


@router.get("/freshness", summary="Verification due 待核实统计")
def freshness_by_area(
    session: ReadSession,
    settings: SettingsDep,
    _reader: InventoryReader,
    by: Annotated[Literal["park", "town"], Query(description="分组方式")] = "park",
) -> list[FreshnessOut]:
    """Per park (or town), today: live parcels and factories, and how many have not been verified
    on site for LANDSTOCK_VERIFY_AFTER_DAYS calendar days (or never were)."""
    days = settings.verify.after_days
    return [
        FreshnessOut(
            key=a.code,
            name=a.name,
            parcels=a.parcels,
            factories=a.factories,
            stale_parcels=a.stale_parcels,
            stale_factories=a.stale_factories,
            after_days=days,
        )
        for a in freshness.by_area(session, by, days)
    ]
