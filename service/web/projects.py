"""The pipeline page (招商项目库): the projects the reader may read as a filtered, sorted, paged
table, the counts per stage and the funnel (each a link that filters the table), and the filtered
list as an XLSX download. Signed-in readers only (anonymous ones are sent to sign in); a park
manager sees the projects tied to their parks and towns (gis.access.readable_projects)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any, cast

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from gis import access, mapdata, projects
from gis.access import Action, Principal
from gis.errors import InvalidInput
from gis.pipeline.config import PipelineConfig
from gis.pipeline.stages import FORWARD, Stage
from gis.rows import ProjectListRow
from service.auth import CurrentUser, csrf_token
from service.dependencies import DatabaseDep, ReadSession, SettingsDep
from service.filters import ProjectFilters
from service.i18n import page_language
from service.read_access import PageReader, sign_in_first, take_export, visible_projects
from service.web.exports import XLSX, projects_workbook
from service.web.filters import parse_project_filters, project_form, project_querystring
from service.web.frame import page
from service.web.workspace import import_words

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
EXPORT_ROWS = 100_000
STAGES = (*(s.value for s in FORWARD), Stage.ON_HOLD.value, Stage.DROPPED.value)


def may_create(who: Principal | None) -> bool:
    """Whether `who` may enter new projects (the button and the form)."""
    return who is not None and Action.EDIT_PROJECT in access.ALLOWED[who.role]


def _reader(request: Request, who: Principal | None) -> Principal:
    """The signed-in reader of a pipeline page; an anonymous one is sent to sign in."""
    sign_in_first(request, who)
    return cast(Principal, who)


def choices(session: Session) -> dict[str, Any]:
    """The lists the filters and the new-project form choose from."""
    return {
        "industries": mapdata.industry_choices(session),
        "units": mapdata.unit_choices(session),
        "parks": mapdata.area_choices(session, "park"),
        "towns": mapdata.area_choices(session, "town"),
        "leaders": mapdata.people_choices(session, ("leader",)),
    }


def _funnel(counts: dict[str, int], filters: ProjectFilters, sort: str) -> list[dict[str, Any]]:
    """Each forward stage with the projects that reached it (standing there or further on)."""
    forward = [s.value for s in FORWARD]
    reached = [sum(counts.get(s, 0) for s in forward[i:]) for i in range(len(forward))]
    top = max(reached[0], 1)
    return [
        {
            "stage": stage,
            "count": n,
            "share": round(100 * n / top, 1),
            "query": project_querystring(replace(filters, stage=cast(Any, forward[i:])), sort),
        }
        for i, (stage, n) in enumerate(zip(forward, reached, strict=True))
    ]


def _row(row: ProjectListRow, config: PipelineConfig) -> dict[str, Any]:
    tier = config.tier(row["investment_total_wan"], row["foreign_investment_wusd"])
    return {**row, "tier": tier.value if tier else None}


def results(
    session: Session, config: PipelineConfig, filters: ProjectFilters, sort: str, offset: int, who: Principal
) -> dict[str, Any]:
    """One page of the table, the counts per stage and the funnel, and the links that keep the filters."""
    visible = visible_projects(session, who)
    rows, matched = projects.find_projects(
        session, filters.query(sort=sort, limit=PAGE_SIZE, offset=offset), config=config, visible=visible
    )
    counts = projects.stage_counts(session, filters.query(), config=config, visible=visible)
    return {
        "rows": [_row(r, config) for r in rows],
        "matched": matched,
        "offset": offset,
        "page_size": PAGE_SIZE,
        "counts": counts,
        "funnel": _funnel(counts, filters, sort),
        "query": project_querystring(filters, sort),
        "unsorted": project_querystring(filters),
        "stage_links": {s: project_querystring(replace(filters, stage=cast(Any, [s])), sort) for s in STAGES},
    }


@router.get("/projects", response_class=HTMLResponse)
def projects_page(
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    who: PageReader,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> HTMLResponse:
    """招商项目库: the filters, the counts per stage and the funnel, the table; refused filters
    show the form again as typed, with the reason."""
    reader = _reader(request, who)
    config = settings.pipeline.config()
    typed = project_form(request)
    context: dict[str, Any] = {
        "typed": typed,
        "problem": None,
        "rows": None,
        "overdue": bool(typed["overdue"]),
    }
    try:
        filters, sort = parse_project_filters(typed)
        context |= {"overdue": filters.overdue, **results(session, config, filters, sort, offset, reader)}
    except InvalidInput as error:
        context["problem"] = error.message(page_language(request))
    return page(
        request,
        "projects.html",
        {
            **context,
            **choices(session),
            "stages": STAGES,
            "columns": projects.PROJECT_SORTS,
            "scoped": reader.scoped,
            "may_create": may_create(reader),
            "csrf": csrf_token(request) if may_create(reader) else "",
            "import_words": import_words(page_language(request)),
            "follow_up_days": config.follow_up_days,
        },
        status_code=422 if context["problem"] else 200,
    )


@router.get("/projects.xlsx")
def projects_xlsx(request: Request, db: DatabaseDep, settings: SettingsDep, user: CurrentUser) -> Response:
    """The filtered list, in the page's order, as an Excel workbook (an export: signed-in, limited)."""
    filters, sort = parse_project_filters(project_form(request))
    take_export(db, settings, user)
    config = settings.pipeline.config()
    with db.read() as session:
        rows, _ = projects.find_projects(
            session,
            filters.query(sort=sort, limit=EXPORT_ROWS, offset=0),
            config=config,
            visible=visible_projects(session, user),
        )
    body = projects_workbook([_row(r, config) for r in rows], page_language(request), config)
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="landstock-projects.xlsx"'},
    )
