"""/api/factories: the factory inventory as GeoJSON, filtered, sorted and paged."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from gis import inventory
from gis.gateway import sites as gateway
from gis.spatial import parse_bbox
from service import sites
from service.auth import CurrentUser
from service.dependencies import DatabaseDep, Language, ReadSession, SettingsDep
from service.geojson import GeoJSONResponse, collection, factory_properties, feature, single
from service.read_access import InventoryReader, shown
from service.routes.parcels import BBOX_HELP
from service.schemas import (
    FactoryCollection,
    FactoryFeature,
    FactoryPatch,
    History,
    NewFactory,
    StatusChange,
    geojson_responses,
)

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
    who: InventoryReader,
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
    return collection(request, page, [feature(r, factory_properties(shown(r, who), lang))
                                      for r in page.rows])


@router.get("/{code}", response_class=GeoJSONResponse, responses=geojson_responses(FactoryFeature),
            summary="One factory 厂房详情")
def get_factory(
    session: ReadSession,
    lang: Language,
    who: InventoryReader,
    code: Annotated[str, Path(max_length=40, description="厂房编号", examples=["CF-KFQ-001"])],
) -> GeoJSONResponse:
    """One factory by its code, as a GeoJSON Feature (personal data and the reserving project as
    for parcels)."""
    row = inventory.get_factory(session, code)
    response = single(row, factory_properties(shown(row, who), lang))
    response.headers["ETag"] = sites.etag(row["version"])
    return response


CodePath = Annotated[str, Path(max_length=40, description="厂房编号", examples=["CF-KFQ-001"])]
PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"}, 403: {"description": "Role or scope does not allow it"},
    412: {"description": "Changed since you read it"}, 428: {"description": "If-Match missing"}}
CHANGE_RESPONSES = {**geojson_responses(FactoryFeature), **PROBLEMS}


@router.post("", status_code=201, response_class=GeoJSONResponse,
             responses={**geojson_responses(FactoryFeature, 201), **PROBLEMS},
             summary="Add a factory 新增厂房")
def create_factory(body: NewFactory, db: DatabaseDep, user: CurrentUser, lang: Language) -> GeoJSONResponse:
    """Create a factory from a GeoJSON Feature (park managers: inside their own parks and towns)."""
    values = sites.changes(body.properties, None)
    with db.write() as session:
        gateway.create(session, "factory", values, sites.geometry(body.geometry), who=user)
        return sites.respond(session, "factory", body.properties.code, lang, status_code=201)


@router.patch("/{code}", response_class=GeoJSONResponse, responses=CHANGE_RESPONSES,
              summary="Change a factory 修改厂房")
def update_factory(code: CodePath, body: FactoryPatch, request: Request, db: DatabaseDep, user: CurrentUser,
                  lang: Language) -> GeoJSONResponse:
    """Change properties and/or geometry; send the ETag you read in If-Match."""
    version = sites.if_match(request)
    with db.write() as session:
        gateway.update(session, "factory", code, sites.changes(body.properties, body.geometry), who=user,
                          expected_version=version)
        return sites.respond(session, "factory", code, lang)


@router.delete("/{code}", status_code=204, responses=PROBLEMS, summary="Delete a factory 删除厂房")
def delete_factory(code: CodePath, request: Request, db: DatabaseDep, user: CurrentUser) -> Response:
    """Soft-delete: it leaves the lists and maps but keeps its history; an admin can restore it."""
    version = sites.if_match(request)
    with db.write() as session:
        gateway.delete(session, "factory", code, who=user, expected_version=version)
    return Response(status_code=204)


@router.post("/{code}/restore", response_class=GeoJSONResponse, responses=CHANGE_RESPONSES,
             summary="Restore a deleted factory 恢复厂房")
def restore_factory(code: CodePath, db: DatabaseDep, user: CurrentUser, lang: Language) -> GeoJSONResponse:
    """Bring a deleted factory back (administrators)."""
    with db.write() as session:
        gateway.restore(session, "factory", code, who=user)
        return sites.respond(session, "factory", code, lang)


@router.post("/{code}/status", response_class=GeoJSONResponse, responses=CHANGE_RESPONSES,
             summary="Change the status 变更状态")
def change_factory_status(code: CodePath, body: StatusChange, request: Request, db: DatabaseDep,
                         user: CurrentUser, lang: Language) -> GeoJSONResponse:
    """One step of the status workflow, with the project (to reserve) or a note (to withdraw)."""
    version = sites.if_match(request)
    with db.write() as session:
        sites.change_status(session, "factory", code, body, user, version)
        return sites.respond(session, "factory", code, lang)


@router.get("/{code}/history", summary="History 变更历史")
def factory_history(code: CodePath, db: DatabaseDep, lang: Language, who: InventoryReader) -> History:
    """Every change of the factory: who (for signed-in readers), when, and each field before and
    after (what the reader may read of it)."""
    return sites.history_of(db, "factory", code, lang, who)
