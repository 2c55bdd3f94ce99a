"""/api/parcels and /api/factories: each kind's inventory as GeoJSON, filtered, sorted and paged,
and its changes. One set of routes, made for each kind from its row in service/kinds.py; the
route names keep each kind's operation ids in /docs (list_parcels, change_factory_status …)."""

# No `from __future__ import annotations`: a route's parameters name its kind's own schemas
# (kind.new, kind.patch), which FastAPI must read as classes where the route is made.

from collections.abc import Callable
from typing import Annotated, Any, NamedTuple

from fastapi import APIRouter, Depends, Query, Request
from fastapi.datastructures import Default
from fastapi.responses import JSONResponse, Response

from gis import area_change
from gis.gateway import sites as gateway
from service import sites
from service.auth import CurrentUser
from service.dependencies import DatabaseDep, Language, ReadSession
from service.feature_sql import site_features
from service.geojson import GeoJSONResponse, collection, single
from service.kinds import KINDS, ServedKind
from service.paging import PagingDep
from service.read_access import InventoryReader, shown
from service.schemas import History, StatusChange, geojson_responses

Responses = dict[int | str, dict[str, Any]]
PROBLEMS: Responses = {
    401: {"description": "Not signed in"},
    403: {"description": "Role or scope does not allow it"},
    **sites.IF_MATCH_RESPONSES,
}


def _list(kind: ServedKind) -> Callable[..., GeoJSONResponse]:
    def list_sites(
        request: Request,
        session: ReadSession,
        lang: Language,
        who: InventoryReader,
        filters: Annotated[Any, Depends(kind.filters)],
        sort: Annotated[str, Depends(kind.sort)],
        page: PagingDep,
    ) -> GeoJSONResponse:
        q = filters.query(sort=sort, limit=page.limit, offset=page.offset)
        return collection(request, *site_features(session, kind, q, who, lang))

    return list_sites


def _get(kind: ServedKind) -> Callable[..., GeoJSONResponse]:
    def get_site(
        session: ReadSession, lang: Language, who: InventoryReader, code: Annotated[str, kind.code]
    ) -> GeoJSONResponse:
        row = kind.get(session, code)
        response = single(row, kind.properties(shown(row, who), lang))
        response.headers["ETag"] = sites.etag(row["version"])
        return response

    return get_site


def _history(kind: ServedKind) -> Callable[..., History]:
    def site_history(
        code: Annotated[str, kind.code], db: DatabaseDep, lang: Language, who: InventoryReader
    ) -> History:
        return sites.history_of(db, kind.name, code, lang, who)

    return site_history


def _create(kind: ServedKind) -> Callable[..., GeoJSONResponse]:
    def create_site(
        body: kind.new,  # type: ignore[name-defined]
        db: DatabaseDep,
        user: CurrentUser,
        lang: Language,
    ) -> GeoJSONResponse:
        values = sites.changes(body.properties, None)
        with db.write() as session:
            gateway.create(session, kind.name, values, sites.geometry(body.geometry), who=user)
            return sites.respond(session, kind.name, body.properties.code, lang, status_code=201)

    return create_site


CONFIRM_AREA = (
    "Confirm a new outline that changes a parcel's area by more than 10 %; without it such a "
    "change is refused (409) with the areas before and after in 亩 and the change in per cent"
)


def _update(kind: ServedKind) -> Callable[..., GeoJSONResponse]:
    def update_site(
        code: Annotated[str, kind.code],
        body: kind.patch,  # type: ignore[name-defined]
        request: Request,
        db: DatabaseDep,
        user: CurrentUser,
        lang: Language,
        confirm_area: Annotated[bool, Query(description=CONFIRM_AREA)] = False,
    ) -> GeoJSONResponse:
        version = sites.if_match(request)
        values = sites.changes(body.properties, body.geometry)
        with db.write() as session:
            area_change.update(
                session, kind.name, code, values, who=user, expected_version=version, confirmed=confirm_area
            )
            return sites.respond(session, kind.name, code, lang)

    return update_site


def _delete(kind: ServedKind) -> Callable[..., Response]:
    def delete_site(
        code: Annotated[str, kind.code], request: Request, db: DatabaseDep, user: CurrentUser
    ) -> Response:
        version = sites.if_match(request)
        with db.write() as session:
            gateway.delete(session, kind.name, code, who=user, expected_version=version)
        return Response(status_code=204)

    return delete_site


def _restore(kind: ServedKind) -> Callable[..., GeoJSONResponse]:
    def restore_site(
        code: Annotated[str, kind.code], db: DatabaseDep, user: CurrentUser, lang: Language
    ) -> GeoJSONResponse:
        with db.write() as session:
            gateway.restore(session, kind.name, code, who=user)
            return sites.respond(session, kind.name, code, lang)

    return restore_site


def _status(kind: ServedKind) -> Callable[..., GeoJSONResponse]:
    def change_status(
        code: Annotated[str, kind.code],
        body: StatusChange,
        request: Request,
        db: DatabaseDep,
        user: CurrentUser,
        lang: Language,
    ) -> GeoJSONResponse:
        version = sites.if_match(request)
        with db.write() as session:
            sites.change_status(session, kind.name, code, body, user, version)
            return sites.respond(session, kind.name, code, lang)

    return change_status


def _verify(kind: ServedKind) -> Callable[..., GeoJSONResponse]:
    def verify_site(
        code: Annotated[str, kind.code], request: Request, db: DatabaseDep, user: CurrentUser, lang: Language
    ) -> GeoJSONResponse:
        version = sites.if_match_given(request)
        with db.write() as session:
            gateway.verify(session, kind.name, code, who=user, expected_version=version)
            return sites.respond(session, kind.name, code, lang)

    return verify_site


class Operation(NamedTuple):
    """One route of a kind of site: how it is called and how /docs describes it."""

    method: str
    path: str
    handler: Callable[..., Any]
    name: str
    summary: str
    description: str
    responses: Responses | None = None
    status_code: int | None = None
    geojson: bool = True  # answers GeoJSON


def _operations(kind: ServedKind) -> list[Operation]:
    name, plural, zh = kind.name, kind.plural, kind.zh
    changed = {**geojson_responses(kind.feature), **PROBLEMS}
    return [
        Operation(
            "GET",
            "",
            _list(kind),
            f"list_{plural}",
            f"List {plural} {zh}列表",
            f"{plural.capitalize()} matching every filter given, as a GeoJSON FeatureCollection.",
            geojson_responses(kind.collection),
        ),
        Operation(
            "GET",
            "/{code}",
            _get(kind),
            f"get_{name}",
            f"One {name} {zh}详情",
            f"One {name} by its code, as a GeoJSON Feature ({kind.shows}).",
            geojson_responses(kind.feature),
        ),
        Operation(
            "POST",
            "",
            _create(kind),
            f"create_{name}",
            f"Add a {name} 新增{zh}",
            f"Create a {name} from a GeoJSON Feature (park managers: inside their own parks and towns).",
            {**geojson_responses(kind.feature, 201), **PROBLEMS},
            status_code=201,
        ),
        Operation(
            "PATCH",
            "/{code}",
            _update(kind),
            f"update_{name}",
            f"Change a {name} 修改{zh}",
            "Change properties and/or geometry; send the ETag you read in If-Match. A parcel's new "
            "outline that changes its area by more than 10 % is refused (409, with area_mu_before, "
            "area_mu_after and change_percent) unless confirm_area=true is sent.",
            changed,
        ),
        Operation(
            "DELETE",
            "/{code}",
            _delete(kind),
            f"delete_{name}",
            f"Delete a {name} 删除{zh}",
            "Soft-delete: it leaves the lists and maps but keeps its history; an admin can restore it.",
            PROBLEMS,
            status_code=204,
            geojson=False,
        ),
        Operation(
            "POST",
            "/{code}/restore",
            _restore(kind),
            f"restore_{name}",
            f"Restore a deleted {name} 恢复{zh}",
            f"Bring a deleted {name} back (administrators).",
            changed,
        ),
        Operation(
            "POST",
            "/{code}/status",
            _status(kind),
            f"change_{name}_status",
            "Change the status 变更状态",
            "One step of the status workflow, with the project (to reserve) or a note (to withdraw).",
            changed,
        ),
        Operation(
            "POST",
            "/{code}/verify",
            _verify(kind),
            f"verify_{name}",
            "Verified, unchanged 核实无变化",
            f"The {name} was found on site as recorded: stamps when and by whom, with a history entry, "
            "and changes nothing else (the version stays). Park managers in their own parks and towns, "
            "administrators. If-Match is optional: when sent, a record changed since is refused (412).",
            changed,
        ),
        Operation(
            "GET",
            "/{code}/history",
            _history(kind),
            f"{name}_history",
            "History 变更历史",
            f"Every change of the {name}: who (for signed-in readers), when, and each field before and "
            "after (what the reader may read of it).",
            geojson=False,
        ),
    ]


def routes_of(kind: ServedKind) -> APIRouter:
    """Every /api route of one kind of site."""
    router = APIRouter(prefix=f"/api/{kind.plural}", tags=[f"{kind.plural} {kind.zh}"])
    for op in _operations(kind):
        router.add_api_route(
            op.path,
            op.handler,
            methods=[op.method],
            name=op.name,
            status_code=op.status_code,
            responses=op.responses,
            summary=op.summary,
            description=op.description,
            response_class=GeoJSONResponse if op.geojson else Default(JSONResponse),
        )
    return router


router = APIRouter()
for kind in KINDS.values():
    router.include_router(routes_of(kind))
