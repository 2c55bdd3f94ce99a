"""/api/factories: the factory inventory as GeoJSON, filtered, sorted and paged."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from gis import inventory
from gis.gateway import sites as gateway
from service import sites
from service.auth import CurrentUser
from service.dependencies import DatabaseDep, Language, ReadSession
from service.filters import FactoryFiltersDep, FactorySort
from service.geojson import GeoJSONResponse, collection, factory_properties, feature, single
from service.paging import PagingDep
from service.read_access import InventoryReader, shown
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


@router.get("", response_class=GeoJSONResponse, responses=geojson_responses(FactoryCollection),
            summary="List factories 厂房列表")
def list_factories(
    request: Request,
    session: ReadSession,
    lang: Language,
    who: InventoryReader,
    filters: FactoryFiltersDep,
    sort: FactorySort,
    page: PagingDep,
) -> GeoJSONResponse:
    """Factories matching every filter given, as a GeoJSON FeatureCollection."""
    found = inventory.list_factories(session, filters.query(sort=sort, limit=page.limit, offset=page.offset))
    features = [feature(r, factory_properties(shown(r, who), lang)) for r in found.rows]
    return collection(request, found, features)


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
