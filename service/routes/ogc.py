"""/ogc: OGC API – Features, Part 1 (read), for GIS clients such as QGIS, GDAL and OWSLib.

Readable as the inventory is (LANDSTOCK_PUBLIC_READ); features carry what the reader may read."""

# No `from __future__ import annotations`: the items routes are made for each collection, and
# FastAPI must read their filters where they are made.

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.responses import Response
from pydantic import TypeAdapter

from gis import inventory
from gis.errors import InvalidInput
from gis.spatial import BBox, parse_bbox
from gis.vocabulary import AreaKind
from service import ogc, ogc_html
from service.dependencies import Language, ReadSession, SettingsDep
from service.feature_sql import site_features
from service.filters import BBOX_HELP
from service.geojson import GEOJSON, Features
from service.paging import MAX_OFFSET, checked_limit
from service.read_access import InventoryReader, inventory_reader, shown

ALWAYS_ALLOWED = {"lang"}
Responses = dict[int | str, dict[str, Any]]


def _formats(*media_types: str) -> Responses:
    return {200: {"content": {m: {} for m in media_types}, "description": " or ".join(media_types)}}


JSON_OR_HTML, GEOJSON_OR_HTML = _formats(ogc.JSON, ogc.HTML), _formats(GEOJSON, ogc.HTML)
ON_OTHER_ERRORS: Responses = {
    400: {"description": "Invalid or unknown query parameter (application/problem+json)"},
    503: {"description": "Database unavailable; retry after the Retry-After seconds"},
}


def _query_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def refuse_unknown_parameters(request: Request) -> None:
    """OGC API – Features answers 400 to a query parameter it does not define (a typo, often)."""
    route = request.scope.get("route")
    known = _query_names(route.dependant) | ALWAYS_ALLOWED if route is not None else ALWAYS_ALLOWED
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise InvalidInput(
            "ogc.error.unknown_parameter", names=", ".join(unknown), known=", ".join(sorted(known))
        )


router = APIRouter(
    prefix="/ogc",
    tags=["OGC API – Features"],
    responses=ON_OTHER_ERRORS,
    dependencies=[Depends(inventory_reader), Depends(refuse_unknown_parameters)],
)

Format = Annotated[
    Literal["json", "html"] | None,
    Query(description="输出格式 json 或 html；缺省时按 Accept 请求头 (format; by default from Accept)"),
]
CollectionId = Annotated[
    str, Path(max_length=40, description="数据集 collection: parcels, factories, areas", examples=["parcels"])
]


@dataclass(frozen=True)
class ItemsParams:
    """The parameters every items list shares: window, time, page and format."""

    bbox: BBox | None
    updated_from: dt.datetime | None
    updated_to: dt.datetime | None
    limit: int
    offset: int
    f: str | None

    def scope(self) -> dict[str, Any]:
        """The window, time and page under the names of the domain's queries."""
        return {
            "bbox": self.bbox,
            "updated_from": self.updated_from,
            "updated_to": self.updated_to,
            "limit": self.limit,
            "offset": self.offset,
        }


def items_params(
    settings: SettingsDep,
    bbox: Annotated[
        str | None,
        Query(
            description=BBOX_HELP + "; 6 numbers (with heights) accepted",
            examples=["121.68,31.76,121.75,31.81"],
        ),
    ] = None,
    when: Annotated[
        str | None,
        Query(
            alias="datetime",
            max_length=100,
            examples=["2026-06-01T00:00:00Z/.."],
            description="按更新时间 updated_at 筛选: an RFC 3339 instant, a date, or an interval "
            "start/end with '..' for an open end",
        ),
    ] = None,
    limit: Annotated[
        int,
        Query(
            ge=1,
            le=10_000,
            description="每页条数; above the server's "
            "largest page (1000 by default) the largest page is returned",
        ),
    ] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="跳过的条数 (the next link sets it)")] = 0,
    f: Format = None,
) -> ItemsParams:
    """OGC's names mapped onto the domain's: `bbox` parsed, `datetime` an update-time range, and
    `limit` cut to the largest page (the standard makes a larger one no error)."""
    start, end = ogc.parse_datetime(when) if when else (None, None)
    return ItemsParams(
        parse_bbox(bbox) if bbox else None, start, end, checked_limit(limit, settings, clamp=True), offset, f
    )


Items = Annotated[ItemsParams, Depends(items_params)]


@router.get(
    "", name="ogc_landing", summary="Landing page 服务首页", response_class=Response, responses=JSON_OR_HTML
)
@router.get("/", include_in_schema=False)
def landing(request: Request, lang: Language, f: Format = None) -> Response:
    """What this service offers, with links to its API definition, conformance and collections."""
    served = ogc_html.media_type(request, f, ogc.JSON)
    return ogc_html.respond(request, served, ogc.landing(request, served, lang), "landing", lang)


@router.get(
    "/api",
    name="ogc_api",
    summary="API definition 接口定义 (OpenAPI)",
    response_class=Response,
    responses={200: {"content": {ogc.JSON: {}}, "description": "OpenAPI definition"}},
)
def api_definition(request: Request) -> Response:
    """The OpenAPI definition of this OGC API alone, its paths relative to /ogc."""
    base = str(request.url_for("ogc_landing"))
    return Response(ogc.dumps(ogc.api_definition(request.app.openapi(), base)), media_type=ogc.JSON)


@router.get(
    "/conformance",
    name="ogc_conformance",
    summary="Conformance classes 一致性声明",
    response_class=Response,
    responses=JSON_OR_HTML,
)
def conformance(request: Request, lang: Language, f: Format = None) -> Response:
    """The OGC API conformance classes this service implements."""
    served = ogc_html.media_type(request, f, ogc.JSON)
    return ogc_html.respond(request, served, ogc.conformance(request, served, lang), "conformance", lang)


@router.get(
    "/collections",
    name="ogc_collections",
    summary="Feature collections 数据集",
    response_class=Response,
    responses=JSON_OR_HTML,
)
def collections(request: Request, session: ReadSession, lang: Language, f: Format = None) -> Response:
    """Parcels, factories and areas: titles, extents and links to their items."""
    served = ogc_html.media_type(request, f, ogc.JSON)
    return ogc_html.respond(
        request, served, ogc.collections(request, session, served, lang), "collections", lang
    )


@router.get(
    "/collections/{collectionId}",
    name="ogc_collection",
    summary="One feature collection 数据集",
    response_class=Response,
    responses=JSON_OR_HTML,
)
def collection(
    request: Request, session: ReadSession, lang: Language, collectionId: CollectionId, f: Format = None
) -> Response:
    """One collection's title, extent (space, and time of last update) and links."""
    found = ogc.collection(collectionId)
    served = ogc_html.media_type(request, f, ogc.JSON)
    document = ogc.collection_info(request, session, found, lang)
    document["links"] = ogc.self_links(request, served, lang) + document["links"][2:]
    return ogc_html.respond(request, served, document, "collection", lang)


ITEMS_DOCS = {
    "parcels": (
        "Parcels 存量地块",
        "Idle land parcels as GeoJSON in CRS84, filtered by window, update time and properties.",
    ),
    "factories": (
        "Factories 存量厂房",
        "Factory buildings (footprint, or location when that is all we know) as GeoJSON in CRS84.",
    ),
    "areas": (
        "Parks, zones and towns 园区、片区与镇",
        "Parks, town industrial zones and towns with their outlines, as GeoJSON in CRS84.",
    ),
}


def _items_route(found: ogc.Collection) -> None:
    def items(
        request: Request,
        session: ReadSession,
        lang: Language,
        who: InventoryReader,
        filters: Annotated[Any, Depends(found.filters)],
        params: Items,
    ) -> Response:
        query = filters.query(**params.scope())
        served = ogc_html.media_type(request, params.f, GEOJSON)
        if found.site is not None and served != ogc.HTML:
            page, features = site_features(session, found.site, query, who, lang)
        else:  # the HTML list shows the rows; areas are few
            page = found.page(session, query)
            page.rows = [shown(row, who) for row in page.rows]
            features = Features.of(page.rows, found.properties, lang)
        return ogc_html.respond(
            request,
            served,
            ogc.items(request, found, page, features, served, lang),
            "items",
            lang,
            collection=found,
            page=page,
        )

    summary, description = ITEMS_DOCS[found.id]
    router.add_api_route(
        f"/collections/{found.id}/items",
        items,
        name=f"ogc_{found.id}_items",
        response_class=Response,
        responses=GEOJSON_OR_HTML,
        summary=summary,
        description=description,
    )


for each in ogc.COLLECTIONS.values():
    _items_route(each)


@router.get(
    "/collections/{collectionId}/items/{featureId}",
    name="ogc_item",
    response_class=Response,
    responses={**GEOJSON_OR_HTML, 404: {"description": "No such collection or feature"}},
    summary="One feature 单个要素",
)
def item(
    request: Request,
    session: ReadSession,
    lang: Language,
    who: InventoryReader,
    collectionId: CollectionId,
    featureId: Annotated[
        str, Path(max_length=40, description="编号 the record's code", examples=["KFQ-001"])
    ],
    f: Format = None,
) -> Response:
    """One parcel, factory or area by its code, as a GeoJSON Feature."""
    found = ogc.collection(collectionId)
    served = ogc_html.media_type(request, f, GEOJSON)
    document = ogc.item(request, shown(found.get(session, featureId), who), found, served, lang)
    return ogc_html.respond(request, served, document, "item", lang, collection=found)


AREA_CHOICES = {
    "park_code": (AreaKind.PARK, AreaKind.ZONE),
    "town_code": (AreaKind.TOWN,),
    "parent_code": (AreaKind.PARK,),
}


def _queryable(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    value = next(s for s in schema.get("anyOf", [schema]) if s.get("type") != "null")
    value = value.get("items", value)
    if "$ref" in value:  # an enum (a vocabulary of gis/), declared once under $defs
        value = defs[value["$ref"].rsplit("/", 1)[-1]]
    return {k: v for k, v in value.items() if k in ("enum", "pattern")}


def _filters(session: Any, collection_id: str) -> dict[str, dict[str, Any]]:
    """The items' filters as queryables, read from their declaration; areas' codes from the database."""
    declared = TypeAdapter(ogc.collection(collection_id).filters).json_schema()
    defs = declared.get("$defs", {})
    found = {name: _queryable(schema, defs) for name, schema in declared["properties"].items()}
    for name in found.keys() & AREA_CHOICES.keys():
        found[name] = {
            "enum": [
                row["code"] for kind in AREA_CHOICES[name] for row in inventory.list_areas(session, kind)
            ]
        }
    return found


@router.get(
    "/collections/{collectionId}/queryables",
    name="ogc_queryables",
    response_class=Response,
    responses={200: {"content": {ogc.SCHEMA_JSON: {}}, "description": "JSON Schema"}},
    summary="Queryable properties 可筛选属性",
)
def queryables(
    request: Request,
    session: ReadSession,
    lang: Language,
    collectionId: CollectionId,
    f: Annotated[Literal["json"] | None, Query(description="json only")] = None,  # noqa: ARG001 (validated only)
) -> Response:
    """The properties the items of a collection can be filtered on (each is a query parameter)."""
    found = ogc.collection(collectionId)
    document = ogc.queryables(request, found, _filters(session, collectionId), lang)
    return Response(ogc.dumps(document), media_type=ogc.SCHEMA_JSON)
