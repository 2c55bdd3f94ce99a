"""/api/sites/near: the parcels and factories around a point (a phone's position), nearest first,
read as the inventory is."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gis import nearby
from gis.labels import label
from gis.vocabulary import SiteKind
from service.dependencies import Language, ReadSession
from service.read_access import InventoryReader

router = APIRouter(prefix="/api/sites", tags=["sites nearby 附近资源"])


class NearbyOut(BaseModel):
    """A parcel or factory near the point."""

    kind: SiteKind
    code: str
    name: str | None
    status: str
    status_label: str
    park_name: str | None
    town_name: str | None
    distance_m: float = Field(description="metres to a parcel's outline (0 inside) or a factory's location")
    url: str = Field(description="the record's page")


class NearbyList(BaseModel):
    """The point asked about and what lies around it."""

    lon: float
    lat: float
    within_m: float
    sites: list[NearbyOut]


@router.get("/near", summary="Sites near a point 附近的地块和厂房")
def sites_near(
    session: ReadSession,
    lang: Language,
    _reader: InventoryReader,
    lon: Annotated[float, Query(ge=-180, le=180, description="经度 (CGCS2000 / WGS84)", examples=[121.66])],
    lat: Annotated[float, Query(ge=-90, le=90, description="纬度", examples=[31.81])],
    within_m: Annotated[float, Query(gt=0, le=20_000, description="半径（米）")] = 1000,
    limit: Annotated[int, Query(ge=1, le=200, description="最多返回条数")] = 20,
) -> NearbyList:
    """Live parcels and factories within `within_m` metres of (lon, lat), nearest first."""
    found = nearby.near(session, lon, lat, within_m, limit)
    return NearbyList(
        lon=lon,
        lat=lat,
        within_m=within_m,
        sites=[
            NearbyOut(
                kind=n.kind,
                code=n.code,
                name=n.name,
                status=n.status,
                status_label=label(f"{n.kind}_status", n.status, lang),
                park_name=n.park_name,
                town_name=n.town_name,
                distance_m=n.distance_m,
                url=n.url,
            )
            for n in found
        ],
    )
