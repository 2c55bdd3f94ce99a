"""GeoJSON responses: rows from gis/inventory.py become Features, serialised with orjson.

The geometry arrives as GeoJSON text from the database and is embedded as-is (orjson.Fragment),
so a page of polygons is never parsed and re-encoded in Python. Coordinates are CGCS2000
(EPSG:4490) longitude/latitude, which RFC 7946 clients read as WGS84: the two differ by well
under a metre.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import orjson
from fastapi import Request
from fastapi.responses import Response

from gis.area import shown_mu
from gis.inventory import Page
from gis.labels import label
from gis.rows import AreaShapeRow, FactoryRow, FeatureRow, ParcelRow

GEOJSON = "application/geo+json"
HIDDEN = {"id", "geojson", "deleted_at", "park_id", "town_id", "reserved_project_id", "parcel_id"}
CERT_TOLERANCE = 0.01


@dataclass(frozen=True)
class Features:
    """A page's Features, as Python objects or as the JSON array the database wrote, and their number."""

    features: list[dict[str, Any]] | orjson.Fragment
    returned: int

    @classmethod
    def of(cls, rows: list[Any], properties: Callable[[Any, str], dict[str, Any]], lang: str) -> Features:
        """The Features Python writes of `rows` (already as their reader may read them)."""
        return cls([feature(row, properties(row, lang)) for row in rows], len(rows))


class GeoJSONResponse(Response):
    """A response already serialised to GeoJSON bytes."""

    media_type = GEOJSON


def parcel_properties(row: ParcelRow, lang: str) -> dict[str, Any]:
    """A parcel row as Feature properties, with 亩 and labels added."""
    props = {k: v for k, v in row.items() if k not in HIDDEN}
    area, cert = row["area_m2"], row.get("cert_area_m2")
    props["area_mu"] = shown_mu(area)
    props["cert_area_mu"] = shown_mu(cert)
    props["area_differs"] = bool(cert) and abs((cert or 0) - area) / area > CERT_TOLERANCE
    props["status_label"] = label("parcel_status", row["status"], lang)
    props["stock_type_label"] = label("stock_type", row["stock_type"], lang)
    return props


def factory_properties(row: FactoryRow, lang: str) -> dict[str, Any]:
    """A factory row as Feature properties, with labels added."""
    props = {k: v for k, v in row.items() if k not in HIDDEN}
    props["status_label"] = label("factory_status", row["status"], lang)
    props["building_type_label"] = label("building_type", row["building_type"], lang)
    props["partly_vacant"] = row["status"] in ("leased", "sold") and row["vacant_area_m2"] > 0
    return props


def area_properties(row: AreaShapeRow, lang: str) -> dict[str, Any]:
    """A park, zone or town row as Feature properties, with 亩 and its kind's label added."""
    props = {k: v for k, v in row.items() if k not in HIDDEN}
    props["area_mu"] = shown_mu(row["area_m2"])
    props["kind_label"] = label("area_kind", row["kind"], lang)
    return props


def feature(row: FeatureRow, properties: dict[str, Any]) -> dict[str, Any]:
    """One Feature; `id` is the record's code."""
    geometry = orjson.Fragment(row["geojson"]) if row["geojson"] else None
    return {"type": "Feature", "id": row["code"], "geometry": geometry, "properties": properties}


def _links(request: Request, page: Page[Any]) -> list[dict[str, str]]:
    def href(offset: int) -> str:
        params = dict(request.query_params)
        params["offset"] = str(offset)
        return f"{request.url.path}?{urlencode(params)}"

    links = [{"rel": "self", "type": GEOJSON, "href": href(page.offset)}]
    if page.offset + page.limit < page.matched:
        links.append({"rel": "next", "type": GEOJSON, "href": href(page.offset + page.limit)})
    if page.offset > 0:
        links.append({"rel": "prev", "type": GEOJSON, "href": href(max(0, page.offset - page.limit))})
    return links


def collection(request: Request, page: Page[Any], features: Features) -> GeoJSONResponse:
    """A FeatureCollection with the total match count and paging links."""
    body = {
        "type": "FeatureCollection",
        "numberMatched": page.matched,
        "numberReturned": features.returned,
        "links": _links(request, page),
        "features": features.features,
    }
    return GeoJSONResponse(orjson.dumps(body))


def single(row: FeatureRow, properties: dict[str, Any]) -> GeoJSONResponse:
    """One Feature as a response."""
    return GeoJSONResponse(orjson.dumps(feature(row, properties)))
