"""/api/projects: the project pipeline, each project's matches and its joint review sheet.

Confidential: signed-in readers only (401 otherwise), and a park manager reads only the projects
tied to their own parks and towns (404 for the others, as for a project that does not exist)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import HTMLResponse

from gis import projects
from gis.access import Action, Principal
from gis.gateway import projects as gateway
from gis.labels import label
from gis.matching.explain import result_dict
from gis.matching.review import Planned, load_review
from gis.matching.run import match, need_of_project
from gis.pipeline.config import PipelineConfig
from gis.rows import ProjectRow
from gis.vocabulary import RecordKind
from service import sites
from service.auth import requires
from service.dependencies import DatabaseDep, Language, ReadSession, SettingsDep
from service.filters import ProjectFilters, sort_by
from service.match_schemas import MatchOut, ReviewOut
from service.paging import PagingDep
from service.project_schemas import Lateness, ProjectFields, ProjectIn, ProjectOut, ProjectPage
from service.read_access import ProjectReader, ReadableProject, visible_projects
from service.review_sheet import review_dict, to_html, to_xlsx
from service.schemas import History

router = APIRouter(prefix="/api/projects", tags=["projects 招商项目"])

CodePath = Annotated[str, Path(max_length=40, description="项目编号", examples=["XM-2026-001"])]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ProjectEditor = Annotated[Principal, requires(Action.EDIT_PROJECT)]
CHANGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Sign-in required"},
    403: {"description": "Role may not edit projects"},
    409: {"description": "Code taken"},
    **sites.IF_MATCH_RESPONSES,
}


def overdue_of(row: Mapping[str, Any]) -> list[Lateness] | None:
    """Why a listed project is late (no follow-up, start passed); None for a row not from a list."""
    if "follow_up_overdue" not in row:
        return None
    reasons: tuple[tuple[Lateness, bool], ...] = (
        ("follow_up", row["follow_up_overdue"]),
        ("start", row["start_overdue"]),
    )
    return [why for why, late in reasons if late]


def project_out(row: ProjectRow, lang: str, config: PipelineConfig) -> ProjectOut:
    """A project row as the API answers it: its stage in words and its tier by the city's rules."""
    tier = config.tier(row["investment_total_wan"], row["foreign_investment_wusd"])
    return ProjectOut(
        **row,
        stage_label=label("project_stage", row["stage"], lang),
        tier=tier.value if tier else None,
        overdue=overdue_of(row),
    )


def answered(row: ProjectRow, lang: str, config: PipelineConfig, response: Response) -> ProjectOut:
    """The project as the API answers it, its version the ETag. A change calls it in its own
    transaction, before the commit: an answer that cannot be built undoes the change."""
    out = project_out(row, lang, config)
    response.headers["ETag"] = sites.etag(row["version"])
    return out


READ_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Sign-in required"},
    404: {"description": "No such project, or not one the reader may read"},
}


ProjectFiltersDep = Annotated[ProjectFilters, Depends()]
ProjectSort = Annotated[str, Depends(sort_by(dict.fromkeys(projects.PROJECT_SORTS)))]


@router.get("", summary="List projects 项目列表", responses={401: READ_RESPONSES[401]})
def list_projects(
    session: ReadSession,
    settings: SettingsDep,
    lang: Language,
    who: ProjectReader,
    page: PagingDep,
    filters: ProjectFiltersDep,
    sort: ProjectSort,
) -> ProjectPage:
    """The projects the reader may read, filtered by stage, industry, unit, platform, leader, tier,
    lateness or text, sorted (code by default), each with its last follow-up and lateness."""
    config = settings.pipeline.config()
    query = filters.query(sort=sort, limit=page.limit, offset=page.offset)
    visible = visible_projects(session, who)
    rows, matched = projects.find_projects(session, query, config=config, visible=visible)
    return ProjectPage(
        matched=matched,
        limit=page.limit,
        offset=page.offset,
        projects=[project_out(r, lang, config) for r in rows],
    )


@router.get("/{code}", summary="One project 项目详情", responses=READ_RESPONSES)
def get_project(
    session: ReadSession,
    settings: SettingsDep,
    lang: Language,
    code: CodePath,
    response: Response,
    who: ProjectReader,
) -> ProjectOut:
    """One project by code, with its version as the ETag (send it back in If-Match to change it)."""
    row = projects.get_project(session, code, visible=visible_projects(session, who))
    return answered(row, lang, settings.pipeline.config(), response)


@router.post("", status_code=201, responses=CHANGE_RESPONSES, summary="Create a project 新建项目")
def create_project(
    body: ProjectIn,
    db: DatabaseDep,
    settings: SettingsDep,
    user: ProjectEditor,
    lang: Language,
    response: Response,
) -> ProjectOut:
    """A new project in the pipeline (investment staff and administrators): a lead, or a project
    entered as it stands. Active projects of the same investor (credit code, or the name under its
    variants) are marked with it as possible duplicates and named in `possible_duplicates`."""
    with db.write() as session:
        row = gateway.create(session, body.model_dump(exclude_unset=True), who=user)
        out = answered(row, lang, settings.pipeline.config(), response)
    response.headers["Location"] = f"/api/projects/{row['code']}"
    return out


@router.patch("/{code}", responses=CHANGE_RESPONSES, summary="Change a project 修改项目")
def update_project(
    body: ProjectFields,
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    user: ProjectEditor,
    lang: Language,
    code: CodePath,
    response: Response,
) -> ProjectOut:
    """Change the facts given; send the ETag you read in If-Match (lost updates are refused). The
    stage moves by steps: POST /api/projects/{code}/stage."""
    version = sites.if_match(request)
    with db.write() as session:
        row = gateway.update(
            session, code, body.model_dump(exclude_unset=True), who=user, expected_version=version
        )
        return answered(row, lang, settings.pipeline.config(), response)


@router.get("/{code}/history", summary="History 变更历史", responses=READ_RESPONSES)
def project_history(code: ReadableProject, db: DatabaseDep, lang: Language, who: ProjectReader) -> History:
    """Every change of the project since it was entered: who, when, and each field before and after."""
    return sites.history_of(db, RecordKind.PROJECT, code, lang, who)


@router.get("/{code}/matches", summary="Sites for a saved project 项目匹配", responses=READ_RESPONSES)
def project_matches(
    session: ReadSession,
    settings: SettingsDep,
    lang: Language,
    code: ReadableProject,
    include_reserved: Annotated[bool, Query(description="也考虑已有意向的地块和厂房")] = False,
    insist_on_preferred: Annotated[bool, Query(description="只在项目意向区域内匹配")] = False,
    limit: Annotated[int, Query(ge=1, le=100, description="每类返回的候选数量")] = 20,
    near_misses: Annotated[int, Query(ge=0, le=50, description="接近但不符合的数量")] = 10,
    assemble: Annotated[bool, Query(description="考虑拼地")] = True,
) -> MatchOut:
    """The saved project's need matched like POST /api/match."""
    need = need_of_project(
        session, code, include_reserved=include_reserved, insist_on_preferred=insist_on_preferred
    )
    result = match(
        session, need, settings.match_config(), limit=limit, near_limit=near_misses, assemble=assemble
    )
    return MatchOut.model_validate(result_dict(result, lang))


SiteQuery = Annotated[
    str,
    Query(
        min_length=1,
        max_length=400,
        description=("地块或厂房编号; 拼地 joins parcel codes with '+'"),
        examples=["KFQ-001"],
    ),
]
PlotRatio = Annotated[float | None, Query(gt=0, le=20, description="设计容积率 (else the site's maximum)")]
Coefficient = Annotated[float | None, Query(ge=0, le=100, description="设计建筑系数 %")]
OfficeShare = Annotated[float | None, Query(ge=0, le=100, description="行政办公及生活服务设施用地比例 %")]


def review_sheet(
    session: ReadSession,
    settings: SettingsDep,
    lang: Language,
    code: ReadableProject,
    site: SiteQuery,
    plot_ratio: PlotRatio = None,
    building_coefficient: Coefficient = None,
    office_share: OfficeShare = None,
) -> dict[str, Any]:
    """The project's review sheet on the site, with what the project plans to build there."""
    planned = Planned(plot_ratio, building_coefficient, office_share)
    sheet = load_review(session, code, site, planned, settings.review_config(), settings.match_config())
    return review_dict(sheet, lang)


Sheet = Annotated[dict[str, Any], Depends(review_sheet)]


@router.get("/{code}/review", summary="Joint review sheet 联合会审表", responses=READ_RESPONSES)
def review(sheet: Sheet) -> ReviewOut:
    """投资强度, 亩均产出, 亩均税收, plot ratio, building coefficient and office share of the project
    on the site, each against the national indicator and the city threshold, with the rule."""
    return ReviewOut.model_validate(sheet)


@router.get(
    "/{code}/review.xlsx",
    response_class=Response,
    summary="Review sheet as XLSX 会审表下载",
    responses={200: {"content": {XLSX: {}}, "description": "XLSX workbook"}, **READ_RESPONSES},
)
def review_xlsx(sheet: Sheet, lang: Language, code: ReadableProject, site: SiteQuery) -> Response:
    """The review sheet as an Excel workbook."""
    name = f"review-{code}-{site.replace('+', '_')}.xlsx"
    return Response(
        to_xlsx(sheet, lang),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/{code}/review.html",
    response_class=HTMLResponse,
    summary="Review sheet as HTML 会审表打印",
    responses=READ_RESPONSES,
)
def review_html(sheet: Sheet, lang: Language) -> HTMLResponse:
    """The review sheet as a printable page."""
    return HTMLResponse(to_html(sheet, lang))
