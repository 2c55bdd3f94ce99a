"""/api/parcels and /api/factories: each kind's inventory as GeoJSON, filtered, sorted and paged,
and its changes. One set of routes, made for each kind from its row in service/kinds.py; the
route names keep each kind's operation ids in /docs (list_parcels, change_factory_status …)."""

# No `from __future__ import annotations`: a route's parameters name its kind's own schemas
# (kind.new, kind.patch), which FastAPI must read as classes where the route is made.

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gis.gateway import sites as gateway
from service import sites
from service.auth import CurrentUser
from service.dependencies import DatabaseDep, Language, ReadSession
from service.geojson import GeoJSONResponse, collection, feature, single
from service.kinds import KINDS, ServedKind
from service.paging import PagingDep
from service.read_access import InventoryReader, shown
from service.schemas import History, StatusChange, geojson_responses

Responses = dict[int | str, dict[str, Any]]
PROBLEMS: Responses = {
    401: {"description": "Not signed in"},
    403: {"description": "Role or scope does not allow it"},
    412: {"description": "Changed since you read it"},
    428: {"description": "If-Match missing"},
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
        found = kind.list(session, filters.query(sort=sort, limit=page.limit, offset=page.offset))
        features = [feature(r, kind.properties(shown(r, who), lang)) for r in found.rows]
        return collection(request, found, features)

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


def _update(kind: ServedKind) -> Callable[..., GeoJSONResponse]:
    def update_site(
        code: Annotated[str, kind.code],
        body: kind.patch,  # type: ignore[name-defined]
        request: Request,
        db: DatabaseDep,
        user: CurrentUser,
        lang: Language,
    ) -> GeoJSONResponse:
        version = sites.if_match(request)
        with db.write() as session:
            gateway.update(
                session,
                kind.name,
                code,
                sites.changes(body.properties, body.geometry),
                who=user,
                expected_version=version,
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


def _reads(router: APIRouter, kind: ServedKind) -> None:
    name, plural = kind.name, kind.plural
    router.add_api_route(
        "",
        _list(kind),
        name=f"list_{plural}",
        response_class=GeoJSONResponse,
        responses=geojson_responses(kind.collection),
        summary=f"List {plural} {kind.zh}列表",
        description=f"{plural.capitalize()} matching every filter given, as a GeoJSON FeatureCollection.",
    )
    router.add_api_route(
        "/{code}",
        _get(kind),
        name=f"get_{name}",
        response_class=GeoJSONResponse,
        responses=geojson_responses(kind.feature),
        summary=f"One {name} {kind.zh}详情",
        description=f"One {name} by its code, as a GeoJSON Feature ({kind.shows}).",
    )


def _changes(router: APIRouter, kind: ServedKind) -> None:
    name, changed = kind.name, {**geojson_responses(kind.feature), **PROBLEMS}
    router.add_api_route(
        "",
        _create(kind),
        methods=["POST"],
        name=f"create_{name}",
        status_code=201,
        response_class=GeoJSONResponse,
        responses={**geojson_responses(kind.feature, 201), **PROBLEMS},
        summary=f"Add a {name} 新增{kind.zh}",
        description=f"Create a {name} from a GeoJSON Feature (park managers: inside their own parks and "
        "towns).",
    )
    router.add_api_route(
        "/{code}",
        _update(kind),
        methods=["PATCH"],
        name=f"update_{name}",
        response_class=GeoJSONResponse,
        responses=changed,
        summary=f"Change a {name} 修改{kind.zh}",
        description="Change properties and/or geometry; send the ETag you read in If-Match.",
    )
    router.add_api_route(
        "/{code}",
        _delete(kind),
        methods=["DELETE"],
        name=f"delete_{name}",
        status_code=204,
        responses=PROBLEMS,
        summary=f"Delete a {name} 删除{kind.zh}",
        description="Soft-delete: it leaves the lists and maps but keeps its history; an admin can "
        "restore it.",
    )
    router.add_api_route(
        "/{code}/restore",
        _restore(kind),
        methods=["POST"],
        name=f"restore_{name}",
        response_class=GeoJSONResponse,
        responses=changed,
        summary=f"Restore a deleted {name} 恢复{kind.zh}",
        description=f"Bring a deleted {name} back (administrators).",
    )
    router.add_api_route(
        "/{code}/status",
        _status(kind),
        methods=["POST"],
        name=f"change_{name}_status",
        response_class=GeoJSONResponse,
        responses=changed,
        summary="Change the status 变更状态",
        description="One step of the status workflow, with the project (to reserve) or a note (to withdraw).",
    )


def routes_of(kind: ServedKind) -> APIRouter:
    """Every /api route of one kind of site."""
    router = APIRouter(prefix=f"/api/{kind.plural}", tags=[f"{kind.plural} {kind.zh}"])
    _reads(router, kind)
    _changes(router, kind)
    router.add_api_route(
        "/{code}/history",
        _history(kind),
        name=f"{kind.name}_history",
        summary="History 变更历史",
        description=f"Every change of the {kind.name}: who (for signed-in readers), when, and each field "
        "before and after (what the reader may read of it).",
    )
    return router


router = APIRouter()
for kind in KINDS.values():
    router.include_router(routes_of(kind))
