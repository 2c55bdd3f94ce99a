"""/api/parcels: the parcel inventory as GeoJSON, filtered, sorted and paged."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from gis import inventory
from gis.spatial import parse_bbox
from service.dependencies import Language, ReadSession, SettingsDep
from service.geojson import GeoJSONResponse, collection, feature, parcel_properties, single
from service.schemas import ParcelCollection, ParcelFeature, geojson_responses

router = APIRouter(prefix="/api/parcels", tags=["parcels 地块"])

ParcelStatusParam = Literal["available", "reserved", "signed", "supplied", "under_construction",
                            "in_production", "unavailable"]
BBOX_HELP = "最小经度,最小纬度,最大经度,最大纬度 (EPSG:4490 / WGS84)"


@router.get("", response_class=GeoJSONResponse, responses=geojson_responses(ParcelCollection),
            summary="List parcels 地块列表")
def list_parcels(
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    lang: Language,
    bbox: Annotated[str | None, Query(description=BBOX_HELP, examples=["121.68,31.76,121.75,31.81"])] = None,
    park: Annotated[str | None, Query(description="园区或片区编号 park/zone code", examples=["P01"])] = None,
    town: Annotated[str | None, Query(description="镇编号 town code", examples=["T01"])] = None,
    status: Annotated[list[ParcelStatusParam] | None, Query(description="状态, repeatable")] = None,
    land_use: Annotated[list[Annotated[str, Query(pattern=r"^\d{4,6}$")]] | None, Query(
        description="用地性质代码; 1001 also matches 100101-100103", examples=[["100102"]])] = None,
    min_mu: Annotated[float | None, Query(ge=0, le=1e6, description="最小面积(亩)")] = None,
    max_mu: Annotated[float | None, Query(ge=0, le=1e6, description="最大面积(亩)")] = None,
    q: Annotated[str | None, Query(max_length=100, description="按编号或名称搜索")] = None,
    sort: Annotated[str, Query(pattern=r"^-?(code|area|status_since|updated_at|price|idle_since)$",
                               description="排序字段, '-' for descending")] = "code",
    limit: Annotated[int, Query(ge=1, le=1000, description="每页条数")] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="跳过的条数 (paging)")] = 0,
) -> GeoJSONResponse:
    """Parcels matching every filter given, as a GeoJSON FeatureCollection."""
    query = inventory.ParcelQuery(
        bbox=parse_bbox(bbox) if bbox else None, park=park, town=town,
        status=tuple(status or ()), land_use=tuple(land_use or ()), min_mu=min_mu, max_mu=max_mu,
        search=q, sort=sort, limit=min(limit, settings.app.max_page_size), offset=offset)
    page = inventory.list_parcels(session, query)
    return collection(request, page, [feature(r, parcel_properties(r, lang)) for r in page.rows])


@router.get("/{code}", response_class=GeoJSONResponse, responses=geojson_responses(ParcelFeature),
            summary="One parcel 地块详情")
def get_parcel(
    session: ReadSession,
    lang: Language,
    code: Annotated[str, Path(max_length=40, description="地块编号", examples=["KFQ-001"])],
) -> GeoJSONResponse:
    """One parcel by its code, as a GeoJSON Feature."""
    row = inventory.get_parcel(session, code)
    return single(row, parcel_properties(row, lang))
