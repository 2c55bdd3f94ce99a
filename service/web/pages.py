"""The inventory map page (存量资源一张图), its results fragment, and the parcel and factory page.

Each shows what its reader may read (gis/access.py): contacts, owners, remarks and account names
to signed-in readers, a site's reserving project to readers of its reservations, the projects
that fit it (适配项目) and the export links to signed-in readers."""

from __future__ import annotations

import math
from typing import Annotated, Any

import shapely
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from gis import access, freshness, inventory, mapdata, search_area
from gis import history as history_of
from gis.access import Principal
from gis.rows import SiteRow
from gis.status import WORKFLOWS, ParcelStatus
from gis.vocabulary import SiteKind
from maps.detail import detail_map
from maps.inventory import inventory_map
from maps.render import render
from maps.search import SearchTools
from service.attachments import gallery_context, photo_marks
from service.auth import csrf_token
from service.dependencies import ReadSession, SettingsDep
from service.filters import ParcelFilters
from service.i18n import page_language
from service.kinds import PageKind, ServedKind, SiteCode
from service.read_access import PageReader, shown
from service.settings import Settings
from service.web import history_view
from service.web.filters import FiltersDep, querystring
from service.web.frame import assets_for, map_look, page

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50


EXPORT_FORMATS = ("xlsx", "gpkg", "shp", "csv", "geojson")


def drawn_area(area: search_area.SearchArea | None) -> dict[str, Any] | None:
    """The search area of the URL as the map's search tools draw it again."""
    if area is None:
        return None
    if area.kind == "circle" and area.origin is not None:
        lon, lat = shapely.get_coordinates(area.origin)[0].tolist()
        return {"kind": "circle", "lon": lon, "lat": lat, "radius": area.reach_m}
    return {"kind": area.kind, "geometry": area.geojson}


def export_links(query: str) -> list[tuple[str, str]]:
    """(format, URL) downloads of the filtered set."""
    suffix = f"&{query}" if query else ""
    return [(f, f"/api/parcels/export?format={f}{suffix}") for f in EXPORT_FORMATS]


def results_context(
    session: Session, filters: ParcelFilters, offset: int, who: Principal | None
) -> dict[str, Any]:
    """Counts, 亩 by status, one page of the table and (for signed-in readers) the export links."""
    summary = inventory.summarise_parcels(session, filters.query())
    page = inventory.list_parcels(session, filters.query(limit=PAGE_SIZE, offset=offset))
    rows: list[dict[str, Any]] = [dict(r) for r in page.rows]  # a table row: a box for its outline
    boxes = shapely.bounds(shapely.from_geojson([r.pop("geojson") or "null" for r in rows])).tolist()
    for row, box in zip(rows, boxes, strict=True):
        row["bbox"] = None if math.isnan(box[0]) else box
    query = querystring(filters)
    return {
        "summary": summary,
        "rows": rows,
        "offset": offset,
        "page_size": PAGE_SIZE,
        "query": query,
        "statuses": [s.value for s in ParcelStatus],
        "exports": export_links(query) if who is not None else [],
    }


@router.get("/", response_class=HTMLResponse)
def inventory_page(
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    filters: FiltersDep,
    who: PageReader,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    crs: Annotated[str, Query(pattern="^(wgs84|gcj02)$")] = "wgs84",
) -> HTMLResponse:
    """存量资源一张图: filters, the map and the table, all driven by the same filters."""
    lang = page_language(request)
    results = results_context(session, filters, offset, who)
    m = inventory_map(
        towns=mapdata.area_outlines(session, "town"),
        parks=mapdata.area_outlines(session, "park"),
        **map_look(settings, lang),
        query=querystring(filters),
        gcj02=crs == "gcj02",
        bbox=results["summary"].bbox,
    )
    area = search_area.resolve(session, filters.query().area)
    if crs != "gcj02":  # drawn areas are in CGCS2000, as the filters read them
        SearchTools(lang, drawn_area(area)).add_to(m)
    return page(
        request,
        "inventory.html",
        {
            "map": render(m, assets_for(settings, lang)),
            "filters": filters,
            "crs": crs,
            "parks": mapdata.area_choices(session, "park"),
            "towns": mapdata.area_choices(session, "town"),
            "land_uses": mapdata.land_use_choices(session),
            "area_words": search_area.words(area).render(lang) if area else "",
            **results,
        },
    )


@router.get("/inventory/results", response_class=HTMLResponse)
def inventory_results(
    request: Request,
    session: ReadSession,
    filters: FiltersDep,
    who: PageReader,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> HTMLResponse:
    """The counts and the table for the current filters (swapped in by htmx)."""
    return page(request, "_results.html", results_context(session, filters, offset, who))


def _allowed(kind: SiteKind, status: str, who: Principal | None, rights: access.SiteRights) -> list[str]:
    """The statuses `who` may move this record to: the workflow's next steps that their role and
    scope allow (investment staff only reserve and release)."""
    if who is None or not rights.any:
        return []
    enum, transitions, _group = WORKFLOWS[kind]
    steps = transitions.get(enum(status), frozenset())
    return [t.value for t in enum if t in steps and access.may_transition(who, status, t.value)]


def history_context(
    session: Session, kind: SiteKind, row: SiteRow, who: Principal | None, lang: str
) -> dict[str, Any]:
    """The status events and field changes of a site, as `who` may read them, in their labels."""
    hidden = access.hidden_fields(who, row["park_id"], row["town_id"])
    projects = access.reads_reservation(who, row["park_id"], row["town_id"])
    events = history_of.status_events(session, kind, row["code"])
    changes = history_of.changes_of(session, kind, row["code"])
    return {
        "history": history_view.readable_events(session, events, who, projects, lang),
        "changes": history_view.readable_changes(session, kind, changes, hidden, who, lang),
    }


def render_site(
    request: Request,
    session: Session,
    settings: Settings,
    kind: ServedKind,
    code: str,
    *,
    user: Principal | None,
    problem: str | None = None,
    upload_problem: str | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """A parcel's or factory's page (also re-rendered with `problem` and what the reader `typed`
    when a status change is refused, with `upload_problem` when an upload or a delete of its files
    is)."""
    lang = page_language(request)
    row = kind.get(session, code)
    rights = access.site_rights(user, row["park_id"], row["town_id"])
    gallery = gallery_context(session, settings, kind, row, user, upload_problem)
    m = detail_map(
        row["geojson"],
        kind.name,
        row["status"],
        **map_look(settings, lang),
        photos=photo_marks(gallery["attachments"], lang),
    )
    return page(
        request,
        f"{kind.name}.html",
        {
            "record": shown(row, user),
            **history_context(session, kind.name, row, user, lang),
            "map": render(m, assets_for(settings, lang)),
            "user": user,
            "site": kind,
            "kind": kind.name,
            "plural": kind.plural,
            "rights": rights,
            "targets": _allowed(kind.name, row["status"], user, rights),
            "fits": access.reads_projects(user),
            "csrf": csrf_token(request) if user else "",
            "problem": problem,
            "may_verify": freshness.may_verify(user, row["park_id"], row["town_id"]),
            **gallery,
            "typed": typed or {},
        },
        status_code=status_code,
    )


@router.get("/parcels/{code}", response_class=HTMLResponse)
@router.get("/factories/{code}", response_class=HTMLResponse)
def site_page(
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    user: PageReader,
    kind: PageKind,
    code: SiteCode,
) -> HTMLResponse:
    """One parcel or factory: a small map, every attribute, its status history, the status form."""
    return render_site(request, session, settings, kind, code, user=user)
