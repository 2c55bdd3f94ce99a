"""The matching page (项目选址): the project's needs, then the ranked sites from /api/match on a
map and in a list with every score contribution, reason and gap, a shortlist, a print view.

The page is a client of the matching API (issue 4); until the service has it, the form says so.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from gis import mapdata
from gis.labels import CATALOGUES
from maps.match import match_map
from maps.render import render
from service.dependencies import ReadSession, SettingsDep
from service.i18n import page_language
from service.web.edit_fields import READY
from service.web.templating import assets_for, has_route, page, tianditu_key

router = APIRouter(include_in_schema=False)

WORDS = ("score", "points", "weight", "checks", "criteria", "gaps", "near_misses", "assembly",
         "members", "shortlist", "none", "failed", "disabled", "parcels", "factories", "notes", "rank")


@router.get("/match", response_class=HTMLResponse)
def match_page(request: Request, session: ReadSession, settings: SettingsDep) -> HTMLResponse:
    """The project form and, once submitted, the ranked sites."""
    lang = page_language(request)
    m = match_map(parks=mapdata.area_outlines(session, "park"), lang=lang, basemap=settings.map.basemap,
                  tianditu_key=tianditu_key(settings))
    return page(request, "match.html", {
        "map": render(m, assets_for(settings, lang)), "enabled": has_route(request, "/api/match"),
        "industries": mapdata.industry_choices(session), "parks": mapdata.area_choices(session, "park"),
        "ready_items": (*READY, "net_land"),
        "words": {k: CATALOGUES[lang][f"web.match.{k}"] for k in WORDS}})
