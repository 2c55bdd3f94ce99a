"""The leaders' page (供地一张图): supply by park, town and land use on any date, the project
pipeline from signing to start and the counts of the alerts, each a link to the to-do page
(signed-in readers: the projects and sites each may read), an XLSX download (signed-in readers,
counted as an export) and a clean print view."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from gis import access, dashboard, freshness, localtime, mapdata
from gis.access import Principal
from gis.pipeline import alerts
from gis.status import ParcelStatus
from maps.render import render
from maps.supply import legend, supply_map
from service.auth import CurrentUser
from service.dependencies import DatabaseDep, ReadSession, SettingsDep
from service.filters import day_query
from service.i18n import page_language
from service.read_access import PageReader, take_export, visible_projects
from service.web.exports import XLSX, supply_workbook
from service.web.frame import assets_for, map_look, page

router = APIRouter(include_in_schema=False)

AsOf = Annotated[dt.date | None, day_query("as of this date (default today)")]


def figures(session: Session, day: dt.date | None, who: Principal | None) -> dict[str, Any]:
    """Every figure of the page on `day`; the pipeline of the projects `who` may read."""
    parks = dashboard.supply_by_area(session, "park", day)
    towns = dashboard.supply_by_area(session, "town", day)
    projects = dashboard.pipeline(session, day, visible=visible_projects(session, who))
    return {
        "parks": parks,
        "towns": towns,
        "land_use": dashboard.supply_by_land_use(session, day),
        "land_use_names": dict(mapdata.land_use_choices(session)),
        "quarters": dashboard.supplied_per_quarter(session, day),
        "projects": projects,
        "stages": {s: sum(p.stage == s for p in projects) for s in ("signed", "supplied", "started")},
        "overdue": [p for p in projects if p.overdue_days > 0],
        "statuses": [s.value for s in ParcelStatus],
        "pipeline_shown": access.reads_projects(who),
    }


@router.get("/supply", response_class=HTMLResponse)
def supply_page(
    request: Request, session: ReadSession, settings: SettingsDep, who: PageReader, as_of: AsOf = None
) -> HTMLResponse:
    """Available land by park and town on a map, the breakdowns and the pipeline."""
    lang = page_language(request)
    data = figures(session, as_of, who)
    available = {kind: {a.code: a.available_mu for a in data[f"{kind}s"]} for kind in ("park", "town")}
    m = supply_map(
        parks=mapdata.area_outlines(session, "park"),
        towns=mapdata.area_outlines(session, "town"),
        park_available=available["park"],
        town_available=available["town"],
        **map_look(settings, lang),
    )
    day = as_of or localtime.today()
    found = alerts.alerts(session, who, settings.pipeline.config(), day) if who is not None else None
    return page(
        request,
        "supply.html",
        {
            **data,
            "as_of": day,
            "today": localtime.today(),
            "export": who is not None,
            "alert_counts": alerts.counts(found) if found is not None else None,
            "freshness": freshness.by_area(session, "park", settings.verify.after_days),
            "verify_after_days": settings.verify.after_days,
            "map": render(m, assets_for(settings, lang)),
            "legend": [(kind, legend(values)) for kind, values in available.items()],
        },
    )


@router.get("/supply.xlsx")
def supply_xlsx(
    request: Request, db: DatabaseDep, settings: SettingsDep, user: CurrentUser, as_of: AsOf = None
) -> Response:
    """The page's tables as an Excel workbook, one sheet each (an export: signed-in, limited)."""
    day = as_of or localtime.today()
    take_export(db, settings, user)
    with db.read() as session:
        body = supply_workbook(figures(session, as_of, user), page_language(request), day)
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="landstock-supply-{day.isoformat()}.xlsx"'},
    )
