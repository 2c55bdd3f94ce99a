"""/api/places: the gazetteer behind the map's search box, read as the inventory is (an owner's
name for signed-in readers only; never a project)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gis import gazetteer
from gis.labels import label
from service.dependencies import Language, ReadSession
from service.read_access import InventoryReader

router = APIRouter(prefix="/api", tags=["places 地名搜索"])


class PlaceOut(BaseModel):
    """A place found by name."""

    kind: str = Field(
        description="town, park, zone, port, highway_exit, rail_station, parcel, factory, owner"
    )
    kind_label: str
    name: str
    code: str
    detail: str | None = Field(description="what an owner's name belongs to (the factory)")
    lon: float = Field(description="a point of the place (EPSG:4490, drawn as WGS84)")
    lat: float
    bbox: tuple[float, float, float, float] = Field(description="min_lon, min_lat, max_lon, max_lat")


@router.get("/places", summary="Places by name 地名搜索")
def places(
    session: ReadSession,
    lang: Language,
    who: InventoryReader,
    q: Annotated[
        str, Query(min_length=1, max_length=50, description="名称或编号的一部分", examples=["启东"])
    ],
    limit: Annotated[int, Query(ge=1, le=gazetteer.MAX_PLACES, description="最多返回条数")] = 10,
) -> list[PlaceOut]:
    """Towns, parks, infrastructure, named roads and waterways, parcels and factories whose name
    or code holds `q` (and,
    for signed-in readers, factories whose owner's does): exact matches first, then prefixes."""
    return [
        PlaceOut(
            kind=p.kind,
            kind_label=label("place_kind", p.kind, lang),
            name=p.name,
            code=p.code,
            detail=p.detail if p.kind == "owner" else None,
            lon=round(p.lon, 7),
            lat=round(p.lat, 7),
            bbox=(p.bbox[0], p.bbox[1], p.bbox[2], p.bbox[3]),
        )
        for p in gazetteer.search(session, q, who, limit)
    ]
