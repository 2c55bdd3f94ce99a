"""/api/projects/{code}/…: a project's course through the pipeline — its dated steps (and the sites
a step moves), its follow-ups, its possible duplicates — and the duplicate check before a lead is
saved. Confidential like the projects themselves (service/read_access.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from gis.access import Action, Principal
from gis.gateway import follow_ups as follow_up_writes
from gis.gateway import stages
from gis.labels import label
from gis.pipeline import duplicates, timeline
from gis.pipeline.stages import Stage
from gis.projects import get_project
from service import sites
from service.auth import requires
from service.dependencies import DatabaseDep, Language, ReadSession, SettingsDep
from service.paging import MAX_ROW_ID
from service.project_schemas import (
    DuplicateCheckIn,
    DuplicateMarkOut,
    DuplicateOut,
    FollowUpIn,
    FollowUpOut,
    MergeIn,
    ProjectOut,
    StageEventOut,
    StepIn,
)
from service.read_access import ReadableProject
from service.routes.projects import CHANGE_RESPONSES, READ_RESPONSES, answered
from service.schemas import out_of

router = APIRouter(prefix="/api/projects", tags=["projects 招商项目"])

CodePath = Annotated[str, Path(max_length=40, description="项目编号", examples=["XM-2026-001"])]
ProjectEditor = Annotated[Principal, requires(Action.EDIT_PROJECT)]
Resolver = Annotated[Principal, requires(Action.RESOLVE_DUPLICATES)]


@router.post("/{code}/stage", responses=CHANGE_RESPONSES, summary="Move a project a step 推进项目")
def step(
    code: CodePath,
    body: StepIn,
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    user: ProjectEditor,
    lang: Language,
    response: Response,
) -> ProjectOut:
    """One dated step (线索 → 在谈 → 签约 → 注册 → 供地 → 开工 → 投产; 终止 with a reason; 暂缓 and
    back). 供地 names the parcels or factory given, which move to 已供地 / 已出租; 开工 and 投产 move
    them on: the writer must be allowed those changes too. Send the ETag in If-Match."""
    move = stages.Move(Stage(body.stage), body.day, body.note, body.sites, sites.if_match(request))
    config = settings.pipeline.config()
    with db.write() as session:
        stages.step(session, code, move, who=user, config=config)
        return answered(get_project(session, code), lang, config, response)


@router.get("/{code}/stages", summary="Steps 阶段记录", responses=READ_RESPONSES)
def steps(code: ReadableProject, session: ReadSession, lang: Language) -> list[StageEventOut]:
    """Every step of the project, on the day it happened."""
    return [
        out_of(StageEventOut, e, to_label=label("project_stage", e.to_stage, lang))
        for e in timeline.steps(session, code)
    ]


def _follow_up(row: dict[str, Any], lang: str) -> FollowUpOut:
    return out_of(FollowUpOut, row, kind_label=label("follow_up", row["kind"], lang))


@router.get("/{code}/follow-ups", summary="Follow-ups 跟踪记录", responses=READ_RESPONSES)
def follow_ups(code: ReadableProject, session: ReadSession, lang: Language) -> list[FollowUpOut]:
    """The project's follow-ups, newest first."""
    return [_follow_up(row, lang) for row in timeline.follow_ups(session, code)]


@router.post(
    "/{code}/follow-ups", status_code=201, responses=CHANGE_RESPONSES, summary="Add a follow-up 添加跟踪记录"
)
def add_follow_up(
    code: CodePath, body: FollowUpIn, db: DatabaseDep, user: ProjectEditor, lang: Language
) -> FollowUpOut:
    """A dated follow-up: a visit, call, site inspection, city leader's visit (naming the leader) or
    meeting, with who, where, the outcome and the next step."""
    with db.write() as session:
        entry = follow_up_writes.add(session, code, body.model_dump(exclude_unset=True), who=user)
        rows = [r for r in timeline.follow_ups(session, code) if r["id"] == entry.id]
        return _follow_up(rows[0], lang)


@router.delete(
    "/{code}/follow-ups/{entry}",
    status_code=204,
    responses=CHANGE_RESPONSES,
    summary="Withdraw a follow-up 撤回跟踪记录",
)
def withdraw_follow_up(
    code: CodePath, entry: Annotated[int, Path(ge=1, le=MAX_ROW_ID)], db: DatabaseDep, user: ProjectEditor
) -> Response:
    """Withdraw a follow-up (its author or an administrator); it is kept, marked withdrawn."""
    with db.write() as session:
        follow_up_writes.withdraw(session, code, entry, who=user)
    return Response(status_code=204)


@router.post(
    "/duplicates",
    summary="Find the same investor 查重",
    responses={401: READ_RESPONSES[401]},
    dependencies=[requires(Action.EDIT_PROJECT)],
)
def check_duplicates(body: DuplicateCheckIn, session: ReadSession) -> list[DuplicateOut]:
    """Active projects of this investor (credit code, or the name under its variants), before a lead
    is saved; nothing is written."""
    return [
        DuplicateOut(**duplicates.summary(p))
        for p in duplicates.matching(session, body.investor, body.credit_code)
    ]


@router.get("/{code}/duplicates", summary="Possible duplicates 可能重复", responses=READ_RESPONSES)
def duplicates_of(code: ReadableProject, session: ReadSession) -> list[DuplicateMarkOut]:
    """The projects marked as possibly the same investor's, with the mark's status."""
    return [DuplicateMarkOut(**row) for row in timeline.duplicates_of(session, code)]


@router.post("/{code}/merge", responses=CHANGE_RESPONSES, summary="Merge a duplicate 合并重复项目")
def merge(
    code: CodePath,
    body: MergeIn,
    response: Response,
    db: DatabaseDep,
    settings: SettingsDep,
    user: Resolver,
    lang: Language,
) -> ProjectOut:
    """Merge this project into `into` (administrators): its follow-ups and shortlisted sites move
    over, it is closed, and both histories say so. The answer is the kept project, its version
    the ETag."""
    with db.write() as session:
        kept = duplicates.merge(session, code, body.into, who=user)
        return answered(get_project(session, kept.code), lang, settings.pipeline.config(), response)


@router.post(
    "/{code}/duplicates/{other}/distinct",
    status_code=204,
    responses=CHANGE_RESPONSES,
    summary="Not duplicates 确认不重复",
)
def distinct(code: CodePath, other: CodePath, db: DatabaseDep, user: Resolver) -> Response:
    """Two marked projects are different investors' after all (administrators)."""
    with db.write() as session:
        duplicates.resolve_distinct(session, code, other, who=user)
    return Response(status_code=204)
