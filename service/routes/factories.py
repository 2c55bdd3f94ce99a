"""/api/factories: the factory inventory as GeoJSON, filtered, sorted and paged."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from gis import inventory
from gis.spatial import parse_bbox
from service.dependencies import Language, ReadSession, SettingsDep
from service.geojson import GeoJSONResponse, collection, factory_properties, feature, single
from service.routes.parcels import BBOX_HELP
from service.schemas import FactoryCollection, FactoryFeature, geojson_responses

router = APIRouter(prefix="/api/factories", tags=["factories 厂房"])

FactoryStatusParam = Literal["vacant", "reserved", "leased", "sold"]
BuildingTypeParam = Literal["standard", "self_built", "warehouse", "rnd"]


@router.get("", response_class=GeoJSONResponse, responses=geojson_responses(FactoryCollection),
            summary="List factories 厂房列表")
def list_factories(
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    lang: Language,
    bbox: Annotated[str | None, Query(description=BBOX_HELP, examples=["121.68,31.76,121.75,31.81"])] = None,
    park: Annotated[str | None, Query(description="园区或片区编号", examples=["P04"])] = None,
    town: Annotated[str | None, Query(description="镇编号", examples=["T06"])] = None,
    status: Annotated[list[FactoryStatusParam] | None, Query(description="状态, repeatable")] = None,
    building_type: Annotated[list[BuildingTypeParam] | None, Query(description="厂房类型")] = None,
    min_vacant_m2: Annotated[float | None, Query(ge=0, le=1e7, description="最小空置面积(平方米)")] = None,
    min_clear_height_m: Annotated[float | None, Query(ge=0, le=100, description="最小净高(米)")] = None,
    q: Annotated[str | None, Query(max_length=100, description="按编号或名称搜索")] = None,
    sort: Annotated[str, Query(pattern=r"^-?(code|vacant_area|floor_area|rent|updated_at)$",
                               description="排序字段, '-' for descending")] = "code",
    limit: Annotated[int, Query(ge=1, le=1000, description="每页条数")] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="跳过的条数 (paging)")] = 0,
) -> GeoJSONResponse:
    """Factories matching every filter given, as a GeoJSON FeatureCollection."""
    query = inventory.FactoryQuery(
        bbox=parse_bbox(bbox) if bbox else None, park=park, town=town,
        status=tuple(status or ()), building_type=tuple(building_type or ()),
        min_vacant_m2=min_vacant_m2, min_clear_height_m=min_clear_height_m, search=q, sort=sort,
        limit=min(limit, settings.app.max_page_size), offset=offset)
    page = inventory.list_factories(session, query)
    return collection(request, page, [feature(r, factory_properties(r, lang)) for r in page.rows])


@router.get("/{code}", response_class=GeoJSONResponse, responses=geojson_responses(FactoryFeature),
            summary="One factory 厂房详情")
def get_factory(
    session: ReadSession,
    lang: Language,
    code: Annotated[str, Path(max_length=40, description="厂房编号", examples=["CF-KFQ-001"])],
) -> GeoJSONResponse:
    """One factory by its code, as a GeoJSON Feature."""
    row = inventory.get_factory(session, code)
    return single(row, factory_properties(row, lang))
