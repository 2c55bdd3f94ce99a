"""OGC API – Features (Part 1, read) documents: landing page, conformance, collections, items.

Features are GeoJSON in CRS84. Geometry is stored in CGCS2000 (EPSG:4490), which differs from
WGS84 by well under a metre, so it is served as is. Links are absolute: GDAL resolves an href
that starts with "/" against the landing page, not against the server.

`datetime` filters on `updated_at`, the time a record last changed: the one time every parcel,
factory and area has, and what a GIS client syncing a copy needs ("what changed since T").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import Request
from sqlalchemy.orm import Session

from gis import inventory
from gis.errors import InvalidInput, NotFound
from gis.inventory import Page
from gis.labels import Text, message
from gis.rows import FeatureRow
from gis.vocabulary import RecordKind, SiteKind
from service.filters import OgcAreaFilters, OgcFactoryFilters, OgcParcelFilters
from service.geojson import GEOJSON, Features, area_properties, feature
from service.kinds import FACTORY, PARCEL, ServedKind

JSON = "application/json"
HTML = "text/html"
SCHEMA_JSON = "application/schema+json"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.1"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
REL_QUERYABLES = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
)


@dataclass(frozen=True)
class Collection:
    """A feature collection: what it holds, how its items are filtered and read, and how one of
    its records becomes a Feature."""

    id: str
    kind: RecordKind | SiteKind
    get: Callable[[Session, str], FeatureRow]
    properties: Callable[[Any, str], dict[str, Any]]  # its kind's row (`get`, `page`) as Feature properties
    filters: type[OgcParcelFilters] | type[OgcFactoryFilters] | type[OgcAreaFilters]
    page: Callable[[Session, Any], Page[Any]]  # one page of items, for a query of `filters`
    site: ServedKind | None  # the kind of site it holds (None: areas)
    geometry: str
    columns: tuple[tuple[str, str], ...]  # what the HTML list shows: property, field label


COLLECTIONS = {
    c.id: c
    for c in (
        Collection(
            PARCEL.plural,
            PARCEL.name,
            PARCEL.get,
            PARCEL.properties,
            OgcParcelFilters,
            PARCEL.list,
            PARCEL,
            "geometry-multipolygon",
            (
                ("name", "name"),
                ("status_label", "status"),
                ("area_mu", "area_mu"),
                ("land_use_name", "land_use"),
                ("park_name", "park"),
                ("town_name", "town"),
            ),
        ),
        Collection(
            FACTORY.plural,
            FACTORY.name,
            FACTORY.get,
            FACTORY.properties,
            OgcFactoryFilters,
            FACTORY.list,
            FACTORY,
            "geometry-any",
            (
                ("name", "name"),
                ("status_label", "status"),
                ("building_type_label", "building_type"),
                ("floor_area_m2", "floor_area_m2"),
                ("vacant_area_m2", "vacant_area_m2"),
                ("park_name", "park"),
            ),
        ),
        Collection(
            "areas",
            RecordKind.AREA,
            inventory.get_area,
            area_properties,
            OgcAreaFilters,
            inventory.area_page,
            None,
            "geometry-multipolygon",
            (("name", "name"), ("kind_label", "kind"), ("parent_code", "parent"), ("area_mu", "area_mu")),
        ),
    )
}


def collection(collection_id: str) -> Collection:
    """The collection called `collection_id`, or NotFound."""
    if collection_id not in COLLECTIONS:
        raise NotFound(kind=Text("ogc.kind.collection"), code=collection_id)
    return COLLECTIONS[collection_id]


def link(href: Any, rel: str, media_type: str, title: str | None = None) -> dict[str, str]:
    """A link object; `href` is made a string (it is often a starlette URL)."""
    made = {"href": str(href), "rel": rel, "type": media_type}
    return {**made, "title": title} if title else made


def self_links(request: Request, media_type: str, lang: str) -> list[dict[str, str]]:
    """`self` in the format served and `alternate` in the other one."""
    other = HTML if media_type != HTML else (GEOJSON if "/items" in request.url.path else JSON)
    f_other = "html" if other == HTML else "json"
    return [
        link(request.url, "self", media_type, message("ogc.link.self", lang)),
        link(
            request.url.include_query_params(f=f_other),
            "alternate",
            other,
            message("ogc.link.alternate", lang, format=f_other.upper()),
        ),
    ]


LANDING_LINKS = (
    ("ogc_api", "service-desc", OPENAPI_JSON),
    ("swagger_ui_html", "service-doc", HTML),
    ("ogc_conformance", "conformance", JSON),
    ("ogc_collections", "data", JSON),
)


def landing(request: Request, media_type: str, lang: str) -> dict[str, Any]:
    """The landing page: what this service is, and links to everything else."""
    links = [
        link(request.url_for(route), rel, kind, message(f"ogc.link.{rel.replace('-', '_')}", lang))
        for route, rel, kind in LANDING_LINKS
    ]
    return {
        "title": message("ogc.title", lang),
        "description": message("ogc.description", lang),
        "links": [*self_links(request, media_type, lang), *links],
    }


def api_definition(whole: dict[str, Any], base: str) -> dict[str, Any]:
    """The app's OpenAPI definition cut down to /ogc, its paths relative to the landing page.

    GDAL looks up `/collections/{id}/items` in `paths` to learn which query parameters filter on
    properties; with the paths of the whole app it would filter every feature on the client.
    """

    def without_422(operation: dict[str, Any]) -> dict[str, Any]:  # /ogc answers 400 instead
        return {
            **operation,
            "responses": {code: answer for code, answer in operation["responses"].items() if code != "422"},
        }

    paths = {
        path.removeprefix("/ogc") or "/": {method: without_422(op) for method, op in operations.items()}
        for path, operations in whole["paths"].items()
        if path.startswith("/ogc")
    }
    return {**whole, "servers": [{"url": base}], "paths": paths}


def conformance(request: Request, media_type: str, lang: str) -> dict[str, Any]:
    """The conformance classes this service implements."""
    return {"conformsTo": list(CONFORMANCE), "links": self_links(request, media_type, lang)}


def _extent(session: Session, kind: RecordKind | SiteKind) -> dict[str, Any]:
    found = inventory.extent(session, kind)
    extent: dict[str, Any] = {}
    if found.bbox:
        extent["spatial"] = {"bbox": [list(found.bbox)], "crs": CRS84}
    if found.first_update:
        times = [
            t.isoformat().replace("+00:00", "Z") if t else None
            for t in (found.first_update, found.last_update)
        ]
        extent["temporal"] = {"interval": [times], "trs": GREGORIAN}
    return extent


def collection_info(request: Request, session: Session, c: Collection, lang: str) -> dict[str, Any]:
    """One collection's metadata: title, extent, the CRS served, and links to its items."""
    here = request.url_for("ogc_collection", collectionId=c.id)
    items = request.url_for(f"ogc_{c.id}_items")
    return {
        "id": c.id,
        "title": message(f"ogc.collection.{c.id}.title", lang),
        "description": message(f"ogc.collection.{c.id}.description", lang),
        "itemType": "feature",
        "crs": [CRS84],
        "extent": _extent(session, c.kind),
        "links": [
            link(here, "self", JSON, message("ogc.link.self", lang)),
            link(
                here.include_query_params(f="html"),
                "alternate",
                HTML,
                message("ogc.link.alternate", lang, format="HTML"),
            ),
            link(items, "items", GEOJSON, message("ogc.link.items", lang)),
            link(items.include_query_params(f="html"), "items", HTML, message("ogc.link.items", lang)),
            link(
                request.url_for("ogc_queryables", collectionId=c.id),
                REL_QUERYABLES,
                SCHEMA_JSON,
                message("ogc.link.queryables", lang),
            ),
        ],
    }


def collections(request: Request, session: Session, media_type: str, lang: str) -> dict[str, Any]:
    """Every collection's metadata."""
    return {
        "links": self_links(request, media_type, lang),
        "collections": [collection_info(request, session, c, lang) for c in COLLECTIONS.values()],
    }


def timestamp() -> str:
    """Now, in RFC 3339 UTC, for `timeStamp`."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def page_links(
    request: Request, c: Collection, page: Page[Any], media_type: str, lang: str
) -> list[dict[str, str]]:
    """`self`, `alternate`, `next` and `prev` of one page of items, and their `collection`."""
    links = self_links(request, media_type, lang)
    if page.offset + page.limit < page.matched:
        links.append(
            link(
                request.url.include_query_params(offset=page.offset + page.limit),
                "next",
                media_type,
                message("ogc.link.next", lang),
            )
        )
    if page.offset > 0:
        links.append(
            link(
                request.url.include_query_params(offset=max(0, page.offset - page.limit)),
                "prev",
                media_type,
                message("ogc.link.prev", lang),
            )
        )
    links.append(
        link(
            request.url_for("ogc_collection", collectionId=c.id),
            "collection",
            JSON,
            message("ogc.link.collection", lang),
        )
    )
    return links


def items(
    request: Request, c: Collection, page: Page[Any], features: Features, media_type: str, lang: str
) -> dict[str, Any]:
    """One page of a collection as a FeatureCollection: `features`, as Python objects or as the
    JSON the database wrote (service/feature_sql.py)."""
    return {
        "type": "FeatureCollection",
        "features": features.features,
        "numberMatched": page.matched,
        "numberReturned": features.returned,
        "timeStamp": timestamp(),
        "links": page_links(request, c, page, media_type, lang),
    }


def item(request: Request, row: FeatureRow, c: Collection, media_type: str, lang: str) -> dict[str, Any]:
    """One record of a collection (read by `c.get`) as a Feature, with links to itself and its
    collection."""
    collection_url = request.url_for("ogc_collection", collectionId=c.id)
    return {
        **feature(row, c.properties(row, lang)),
        "links": [
            *self_links(request, media_type, lang),
            link(collection_url, "collection", JSON, message("ogc.link.collection", lang)),
        ],
    }


def queryables(
    request: Request, c: Collection, fields: dict[str, dict[str, Any]], lang: str
) -> dict[str, Any]:
    """The properties the items can be filtered on, as a JSON Schema (Part 3)."""
    properties = {
        name: {"title": message(f"ogc.queryable.{name}", lang), "type": "string", **schema}
        for name, schema in fields.items()
    }
    properties["geometry"] = {"format": c.geometry, "x-ogc-role": "primary-geometry"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": str(request.url.remove_query_params(["f", "lang"])),
        "type": "object",
        "title": message(f"ogc.collection.{c.id}.title", lang),
        "properties": properties,
    }


def dumps(document: dict[str, Any]) -> bytes:
    """JSON bytes (orjson: datetimes as RFC 3339, geometry fragments embedded as they are)."""
    return orjson.dumps(document)


def _instant(text: str, *, end: bool) -> dt.datetime | None:
    if text in ("", ".."):
        return None
    text = text.removesuffix("T")  # GDAL 3.6 sends a date as "2026-01-01T"
    if len(text) == 10:  # a whole day: from its first to its last microsecond
        day = dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
        return day + dt.timedelta(days=1, microseconds=-1) if end else day
    moment = dt.datetime.fromisoformat(text)
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def parse_datetime(text: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """An RFC 3339 instant, a date, or an interval "start/end" (".." or empty for an open end)."""
    parts = text.strip().split("/")
    try:
        if len(parts) == 1 and parts[0] not in ("", ".."):
            return _instant(parts[0], end=False), _instant(parts[0], end=True)
        if len(parts) != 2 or parts == ["..", ".."] or parts == ["", ""]:
            raise ValueError(text)
        start, end = _instant(parts[0], end=False), _instant(parts[1], end=True)
    except (ValueError, OverflowError):  # overflow: a day after 9999-12-31, or before year 1
        raise InvalidInput("ogc.error.bad_datetime", value=text) from None
    if start and end and start > end:
        raise InvalidInput("ogc.error.bad_datetime", value=text)
    return start, end
