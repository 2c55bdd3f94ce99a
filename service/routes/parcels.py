"""/api/parcels: the parcel inventory as GeoJSON, filtered, sorted and paged."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from gis import inventory
from gis.gateway import sites as gateway
from service import sites
from service.auth import CurrentUser
from service.dependencies import DatabaseDep, Language, ReadSession
from service.filters import ParcelFiltersDep, ParcelSort
from service.geojson import GeoJSONResponse, collection, feature, parcel_properties, single
from service.paging import PagingDep
from service.read_access import InventoryReader, shown
from service.schemas import (
    History,
    NewParcel,
    ParcelCollection,
    ParcelFeature,
    ParcelPatch,
    StatusChange,
    geojson_responses,
)

router = APIRouter(prefix="/api/parcels", tags=["parcels 地块"])


@router.get("", response_class=GeoJSONResponse, responses=geojson_responses(ParcelCollection),
            summary="List parcels 地块列表")
def list_parcels(
    request: Request,
    session: ReadSession,
    lang: Language,
    who: InventoryReader,
    filters: ParcelFiltersDep,
    sort: ParcelSort,
    page: PagingDep,
) -> GeoJSONResponse:
    """Parcels matching every filter given, as a GeoJSON FeatureCollection."""
    found = inventory.list_parcels(session, filters.query(sort=sort, limit=page.limit, offset=page.offset))
    features = [feature(r, parcel_properties(shown(r, who), lang)) for r in found.rows]
    return collection(request, found, features)


@router.get("/{code}", response_class=GeoJSONResponse, responses=geojson_responses(ParcelFeature),
            summary="One parcel 地块详情")
def get_parcel(
    session: ReadSession,
    lang: Language,
    who: InventoryReader,
    code: Annotated[str, Path(max_length=40, description="地块编号", examples=["KFQ-001"])],
) -> GeoJSONResponse:
    """One parcel by its code, as a GeoJSON Feature (contacts, owner, remarks and account names
    for signed-in readers; the reserving project for readers of the site's reservations)."""
    row = inventory.get_parcel(session, code)
    response = single(row, parcel_properties(shown(row, who), lang))
    response.headers["ETag"] = sites.etag(row["version"])
    return response


CodePath = Annotated[str, Path(max_length=40, description="地块编号", examples=["KFQ-001"])]
PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"}, 403: {"description": "Role or scope does not allow it"},
    412: {"description": "Changed since you read it"}, 428: {"description": "If-Match missing"}}
CHANGE_RESPONSES = {**geojson_responses(ParcelFeature), **PROBLEMS}


@router.post("", status_code=201, response_class=GeoJSONResponse,
             responses={**geojson_responses(ParcelFeature, 201), **PROBLEMS},
             summary="Add a parcel 新增地块")
def create_parcel(body: NewParcel, db: DatabaseDep, user: CurrentUser, lang: Language) -> GeoJSONResponse:
    """Create a parcel from a GeoJSON Feature (park managers: inside their own parks and towns)."""
    values = sites.changes(body.properties, None)
    with db.write() as session:
        gateway.create(session, "parcel", values, sites.geometry(body.geometry), who=user)
        return sites.respond(session, "parcel", body.properties.code, lang, status_code=201)


@router.patch("/{code}", response_class=GeoJSONResponse, responses=CHANGE_RESPONSES,
              summary="Change a parcel 修改地块")
def update_parcel(code: CodePath, body: ParcelPatch, request: Request, db: DatabaseDep, user: CurrentUser,
                  lang: Language) -> GeoJSONResponse:
    """Change properties and/or geometry; send the ETag you read in If-Match."""
    version = sites.if_match(request)
    with db.write() as session:
        gateway.update(session, "parcel", code, sites.changes(body.properties, body.geometry), who=user,
                          expected_version=version)
        return sites.respond(session, "parcel", code, lang)


@router.delete("/{code}", status_code=204, responses=PROBLEMS, summary="Delete a parcel 删除地块")
def delete_parcel(code: CodePath, request: Request, db: DatabaseDep, user: CurrentUser) -> Response:
    """Soft-delete: it leaves the lists and maps but keeps its history; an admin can restore it."""
    version = sites.if_match(request)
    with db.write() as session:
        gateway.delete(session, "parcel", code, who=user, expected_version=version)
    return Response(status_code=204)


@router.post("/{code}/restore", response_class=GeoJSONResponse, responses=CHANGE_RESPONSES,
             summary="Restore a deleted parcel 恢复地块")
def restore_parcel(code: CodePath, db: DatabaseDep, user: CurrentUser, lang: Language) -> GeoJSONResponse:
    """Bring a deleted parcel back (administrators)."""
    with db.write() as session:
        gateway.restore(session, "parcel", code, who=user)
        return sites.respond(session, "parcel", code, lang)


@router.post("/{code}/status", response_class=GeoJSONResponse, responses=CHANGE_RESPONSES,
             summary="Change the status 变更状态")
def change_parcel_status(code: CodePath, body: StatusChange, request: Request, db: DatabaseDep,
                         user: CurrentUser, lang: Language) -> GeoJSONResponse:
    """One step of the status workflow, with the project (to reserve) or a note (to withdraw)."""
    version = sites.if_match(request)
    with db.write() as session:
        sites.change_status(session, "parcel", code, body, user, version)
        return sites.respond(session, "parcel", code, lang)


@router.get("/{code}/history", summary="History 变更历史")
def parcel_history(code: CodePath, db: DatabaseDep, lang: Language, who: InventoryReader) -> History:
    """Every change of the parcel: who (for signed-in readers), when, and each field before and
    after (what the reader may read of it)."""
    return sites.history_of(db, "parcel", code, lang, who)
