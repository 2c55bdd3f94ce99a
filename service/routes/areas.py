"""/api/areas: parks, zones and towns."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from gis import inventory
from gis.area import M2_PER_MU
from gis.gateway import areas as gateway
from gis.labels import label
from gis.rows import AreaRow, AreaShapeRow
from gis.vocabulary import AreaKind, RecordKind
from service import sites
from service.auth import CurrentUser
from service.dependencies import DatabaseDep, Language, ReadSession
from service.geojson import GeoJSONResponse
from service.read_access import InventoryReader, shown
from service.schemas import AreaFeature, AreaOut, GeometryIn, History, LongText, geojson_responses, out_of

router = APIRouter(prefix="/api/areas", tags=["areas 园区与镇"])

AreaCode = Annotated[str, Path(max_length=40, description="园区、片区或镇编号", examples=["P01"])]


class AreaPatch(BaseModel):
    """Changes to a park, zone or town; send the ETag you read in If-Match."""

    model_config = ConfigDict(extra="allow")

    name: str | None = Field(default=None, min_length=1, max_length=100)
    leading_industries: list[Annotated[str, Field(pattern=r"^\d{2,4}$")]] | None = Field(
        default=None, max_length=30, description="GB/T 4754-2017 codes", examples=[["27", "35"]]
    )
    remarks: LongText = None
    is_priority: bool | None = Field(default=None, description="重点平台 (administrators only)")
    geometry: GeometryIn | None = Field(default=None, description="New outline (administrators only)")


def _out(row: AreaRow, lang: str) -> AreaOut:
    return out_of(
        AreaOut,
        row,
        kind_label=label("area_kind", row["kind"], lang),
        area_mu=round(row["area_m2"] / M2_PER_MU, 1),
    )


@router.get("", summary="List parks, zones and towns 园区与镇")
def list_areas(
    session: ReadSession,
    lang: Language,
    who: InventoryReader,
    kind: Annotated[AreaKind | None, Query(description="类型")] = None,
) -> list[AreaOut]:
    """Every park, zone or town, with its leading industries and size in 亩 (remarks for
    signed-in readers)."""
    return [_out(shown(row, who), lang) for row in inventory.list_areas(session, kind)]


def _feature(session: Session, code: str, lang: str) -> GeoJSONResponse:
    return _response(inventory.get_area(session, code), lang)


def _response(row: AreaShapeRow, lang: str) -> GeoJSONResponse:
    code = row["code"]
    body = {
        "type": "Feature",
        "id": code,
        "geometry": orjson.Fragment(row["geojson"]),
        "properties": _out(row, lang).model_dump(),
    }
    response = GeoJSONResponse(orjson.dumps(body))
    response.headers["ETag"] = sites.etag(row["version"])
    return response


@router.get(
    "/{code}",
    response_class=GeoJSONResponse,
    responses=geojson_responses(AreaFeature),
    summary="One park, zone or town 园区详情",
)
def get_area(code: AreaCode, session: ReadSession, lang: Language, who: InventoryReader) -> GeoJSONResponse:
    """A park, zone or town with its outline, as a GeoJSON Feature (remarks for signed-in readers)."""
    return _response(shown(inventory.get_area(session, code), who), lang)


@router.get("/{code}/history", summary="History 变更历史")
def area_history(code: AreaCode, db: DatabaseDep, lang: Language, who: InventoryReader) -> History:
    """Every change of the park, zone or town made through the service: who (for signed-in
    readers), when, and each field before and after."""
    return sites.history_of(db, RecordKind.AREA, code, lang, who)


@router.patch(
    "/{code}",
    response_class=GeoJSONResponse,
    summary="Change a park, zone or town 修改园区",
    responses={
        **geojson_responses(AreaFeature),
        403: {"description": "Not one of your areas"},
        **sites.IF_MATCH_RESPONSES,
    },
)
def update_area(
    code: AreaCode, body: AreaPatch, request: Request, db: DatabaseDep, user: CurrentUser, lang: Language
) -> GeoJSONResponse:
    """Name, leading industries and remarks (park managers, their own areas); priority flag and
    outline (administrators)."""
    version = sites.if_match(request)
    changes = body.model_dump(exclude_unset=True, exclude={"geometry"})
    changes.update(body.model_extra or {})
    if body.geometry is not None:
        changes["geometry"] = sites.geometry(body.geometry)
    with db.write() as session:
        gateway.update(session, code, changes, who=user, expected_version=version)
        return _feature(session, code, lang)
