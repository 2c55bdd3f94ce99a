"""The matching page (项目选址): the project's needs, then the ranked sites from /api/match on a
map and in a list with every score contribution, reason and gap, a shortlist, and an A4 print
view of the shortlisted sites (map, facts, joint review sheet) for the investor meeting.

The page is a client of the matching API: a form is matched by POST /api/match and reviewed by
POST /api/review; a saved project (`?project=`, from a detail page's 适配项目) by its own
GET /api/projects/{code}/matches and …/review, its fields filled into the form. The page is
readable as the inventory is; a saved project only by a reader who may read it (anonymous readers
are sent to sign in first, others get 404 for a project not theirs).
"""

from __future__ import annotations

from typing import Annotated, Any

from annotated_types import Le
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from gis import mapdata, projects
from gis.access import ALLOWED, Action
from gis.labels import CATALOGUES, label, message
from gis.pipeline import sites, timeline
from gis.status import FactoryStatus, ParcelStatus
from gis.vocabulary import ReadyItem
from maps.match import match_map
from maps.render import render
from service.dependencies import ReadSession, SettingsDep
from service.i18n import page_language
from service.match_schemas import ReviewIn
from service.read_access import PageReader, sign_in_first, visible_projects
from service.web.frame import assets_for, map_look, page

router = APIRouter(include_in_schema=False)

WORDS = (
    "score",
    "points",
    "weight",
    "checks",
    "criteria",
    "gaps",
    "near_misses",
    "assembly",
    "members",
    "shortlist",
    "none",
    "failed",
    "parcels",
    "factories",
    "notes",
    "rank",
    "facts",
    "need",
    "no_shortlist",
    "review_failed",
    "prepared",
    "saved_to_project",
    "save_failed",
    "save_none",
    "points_of",
    "breakdown",
    "near_intro",
    "near_score",
    "fails",
    "invalid_field",
    "fix_form",
    "vacant",
)
# The fields of the form's fold: the limits to infrastructure, the budgets, the factory's specs
DISTANCE_KINDS = ("port", "highway_exit", "rail_station")
FACTORY_SPECS = (
    ("floor_area_max_m2", "web.match.floor_area_max"),
    ("clear_height_min_m", "field.clear_height_min_m"),
    ("floor_load_min_kn_m2", "field.floor_load_min_kn_m2"),
    ("crane_min_t", "field.crane_min_t"),
    ("power_min_kva", "field.power_min_kva"),
)
REVIEW_COLUMNS = ("indicator", "value", "national", "city", "result", "rule")
# What the print view shows of a site, in this order, when the match reports it.
FACTS = (
    "area_mu",
    "cert_area_mu",
    "vacant_area_m2",
    "floor_area_m2",
    "park_name",
    "town_name",
    "land_use",
    "status",
    "building_type",
    "plot_ratio_max",
    "price_wan_per_mu",
    "rent_yuan_m2_month",
    "clear_height_m",
    "floor_load_kn_m2",
    "crane_t",
    "power_kva",
    "idle_since",
)
FACT_LABELS = {"park_name": "field.park", "town_name": "field.town"}


def page_words(lang: str) -> dict[str, Any]:
    """Every word the page's script writes, in `lang`."""
    statuses = {s.value: label("parcel_status", s.value, lang) for s in ParcelStatus}
    statuses |= {s.value: label("factory_status", s.value, lang) for s in FactoryStatus}
    return {
        **{k: CATALOGUES[lang][f"web.match.{k}"] for k in WORDS},
        "mu": message("unit.mu", lang),
        "brochure": message("brochure.link", lang),
        "fact_fields": [[k, message(FACT_LABELS.get(k, f"field.{k}"), lang)] for k in FACTS],
        "values": {
            "status": statuses,
            "building_type": {
                t: label("building_type", t, lang) for t in ("standard", "self_built", "warehouse", "rnd")
            },
        },
        "compare": {
            "pick": message("compare.pick", lang),
            "open": CATALOGUES[lang]["compare.open"],
            "hint": message("compare.pick_hint", lang),
        },
        "review": {
            "title": message("review.title", lang),
            "overall": message("review.overall", lang),
            "area_mu": message("review.area_mu", lang),
            "columns": [message(f"review.col.{c}", lang) for c in REVIEW_COLUMNS],
        },
    }


def upper_limits() -> dict[str, float | int]:
    """The largest value each number of the form may take, as the API's schema says it."""
    limits: dict[str, float | int] = {}
    for name, info in ReviewIn.model_fields.items():
        for rule in info.metadata:
            if isinstance(rule, Le) and isinstance(rule.le, int | float):
                limits[name] = int(rule.le) if float(rule.le).is_integer() else rule.le
    return limits


def _shortlist(session: Session, code: str) -> list[str]:
    """The codes of the project's saved shortlist, ticked again when they are listed."""
    linked = sites.linked_sites(session, timeline.project_id(session, code))
    return [s.code for s in linked if "shortlist" in s.roles]


@router.get("/match", response_class=HTMLResponse)
def match_page(
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    who: PageReader,
    project: Annotated[str | None, Query(max_length=40)] = None,
    site: Annotated[str | None, Query(max_length=400)] = None,
    include_reserved: bool = False,
) -> HTMLResponse:
    """The project form and, once submitted (at once for a saved `project`), the ranked sites;
    `site` is put on the shortlist when it is among them."""
    lang = page_language(request)
    saved = None
    if project:
        sign_in_first(request, who)
        saved = projects.get_project(session, project, visible=visible_projects(session, who))
    m = match_map(
        parks=mapdata.area_outlines(session, "park"),
        **map_look(settings, lang),
    )
    return page(
        request,
        "match.html",
        {
            "map": render(m, assets_for(settings, lang)),
            "project": saved,
            "site": site or "",
            "include_reserved": include_reserved,
            "saved_shortlist": _shortlist(session, saved["code"]) if saved else [],
            "can_save": saved is not None and who is not None and Action.EDIT_PROJECT in ALLOWED[who.role],
            "industries": mapdata.industry_choices(session),
            "parks": mapdata.area_choices(session, "park"),
            "towns": mapdata.area_choices(session, "town"),
            "distance_kinds": DISTANCE_KINDS,
            "factory_specs": FACTORY_SPECS,
            "advanced_given": bool(saved and any(saved.get(name) for name, _ in FACTORY_SPECS)),
            "limits": upper_limits(),
            "ready_items": tuple(ReadyItem),
            "words": page_words(lang),
        },
    )
