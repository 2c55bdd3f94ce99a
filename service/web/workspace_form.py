"""The workspace list's filter form: what the query string asks for, checked (a refusal names the
field), written back as a query string for links, pages and the bulk form, and the page's rows
as GeoJSON for the map beside the list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import orjson
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from gis import mapdata
from gis import workspace as workspace_list
from gis.access import Principal
from gis.errors import InvalidInput
from gis.labels import Text
from gis.status import FactoryStatus, ParcelStatus
from gis.vocabulary import SiteKind
from gis.workspace import WorkspaceQuery
from maps.style import LOOKS
from service.kinds import ServedKind

PAGE = 50
MAX_TEXT = 100
MAX_OFFSET = 10_000_000
# every status of either kind with the label group that names it, parcels' first; "reserved"
# (意向) is both kinds' word
STATUS_GROUPS: dict[str, str] = {
    **{s.value: "factory_status" for s in FactoryStatus},
    **{s.value: "parcel_status" for s in ParcelStatus},
}
STATUSES: tuple[str, ...] = tuple(dict.fromkeys([*ParcelStatus, *FactoryStatus]))
SORT_LABELS = {
    "code": "web.workspace.sort.code",
    "size": "web.workspace.sort.size",
    "status": "web.workspace.sort.status",
    "updated": "web.workspace.sort.updated",
}
TEXTS = ("q", "kind", "area", "land_use", "sort", "stale", "offset")


def typed(params: QueryParams | Mapping[str, Any]) -> dict[str, Any]:
    """The filters as typed (trimmed), to check and to fill the form in again."""
    values: dict[str, Any] = {name: str(params.get(name) or "").strip()[:MAX_TEXT] for name in TEXTS}
    getlist = getattr(params, "getlist", None)
    chosen = getlist("status") if getlist else params.get("status") or []
    values["status"] = [s for s in ([chosen] if isinstance(chosen, str) else chosen) if s]
    return values


def _refuse(name: str, value: str) -> InvalidInput:
    return InvalidInput(field=Text(f"field.{name}"), value=value, reason=Text("web.error.choice"))


def parse(values: dict[str, Any], areas: list[tuple[str, str]]) -> WorkspaceQuery:
    """The query the typed filters make; a value outside its choices is refused, naming it."""
    kind = values["kind"] or None
    if kind and kind not in tuple(SiteKind):
        raise _refuse("kind", kind)
    for status in values["status"]:
        if status not in STATUSES:
            raise _refuse("status", status)
    if values["area"] and values["area"] not in {code for code, _ in areas}:
        raise _refuse("park", values["area"])
    land_use = values["land_use"]
    if land_use and not (land_use.isdigit() and len(land_use) <= 12):
        raise _refuse("land_use", land_use)
    offset = values["offset"] or "0"
    if not offset.isdigit() or int(offset) > MAX_OFFSET:
        raise InvalidInput(field="offset", value=offset, reason=Text("web.error.number"))
    return WorkspaceQuery(
        search=values["q"] or None,
        kind=SiteKind(kind) if kind else None,
        status=tuple(values["status"]),
        area=values["area"] or None,
        land_use=land_use or None,
        stale=values["stale"] == "1",
        sort=workspace_list.check_sort(values["sort"] or "code"),
        limit=PAGE,
        offset=int(offset),
    )


def querystring(values: dict[str, Any], **changed: Any) -> str:
    """The filters as a query string (empty ones left out), with `changed` ones replaced."""
    merged = {**values, **changed}
    pairs: list[tuple[str, str]] = [(n, str(merged[n])) for n in TEXTS if merged.get(n) and merged[n] != "0"]
    pairs += [("status", s) for s in merged.get("status") or ()]
    return urlencode(pairs)


def area_choices(session: Session, who: Principal) -> list[tuple[str, str]]:
    """The parks, zones and towns the reader may filter by."""
    return workspace_list.areas_in_scope(session, who.area_ids if who.scoped else None)


def outlines(session: Session, area_ids: frozenset[int] | None) -> dict[str, Any]:
    """The outlines of the reader's parks and towns (all parks for readers of everything)."""
    parks = mapdata.area_outlines(session, "park")
    if area_ids is None:
        return parks
    towns = mapdata.area_outlines(session, "town")
    codes = {code for code, _ in workspace_list.areas_in_scope(session, area_ids)}
    features = [f for f in parks["features"] + towns["features"] if f["id"] in codes]
    return {"type": "FeatureCollection", "features": features}


def map_features(sections: list[tuple[ServedKind, list[workspace_list.WorkspaceLine], int]]) -> str:
    """The listed rows as a GeoJSON FeatureCollection (JSON text) for the map: kind, code, name,
    status and its colour; rows without a shape are left out."""
    features = [
        {
            "type": "Feature",
            "id": f"{kind.name}:{row['code']}",
            "properties": {
                "kind": kind.name,
                "code": row["code"],
                "name": row["name"] or "",
                "colour": LOOKS[kind.name].colours.get(row["status"], "#888888"),
            },
            "geometry": orjson.loads(row["geojson"]),
        }
        for kind, rows, _ in sections
        for row in rows
        if row["geojson"]
    ]
    return orjson.dumps({"type": "FeatureCollection", "features": features}).decode()
