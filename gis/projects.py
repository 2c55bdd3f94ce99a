"""Investment projects (招商项目): list (filtered, sorted, counted by stage) and read. Changes go
through the write gateway (gis/gateway/projects.py). Sessions come from the caller."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, cast

from sqlalchemy import ColumnElement, and_, asc, case, desc, func, or_, select
from sqlalchemy.orm import Session, aliased

from gis import localtime
from gis.errors import InvalidInput, NotFound
from gis.labels import Text
from gis.models import Area, FollowUp, Industry, Project, ProjectStageEvent, Unit, User
from gis.pipeline.config import PipelineConfig, Tier
from gis.pipeline.stages import ACTIVE, FORWARD, Stage
from gis.rows import ProjectListRow, ProjectRow

HIDDEN = {"id", "deleted_at", "platform_id", "leader_id", "officer_id", "merged_into_id", "investor_key"}
Leader, Officer = aliased(User, name="leader"), aliased(User, name="officer")


def _select() -> Any:
    return (
        select(
            *[c for c in Project.__table__.c if c.name not in HIDDEN],
            Industry.name.label("industry_name"),
            Unit.name.label("source_unit_name"),
            Area.code.label("platform"),
            Area.name.label("platform_name"),
            Leader.name.label("leader"),
            Leader.display_name.label("leader_name"),
            Officer.name.label("officer"),
            Officer.display_name.label("officer_name"),
        )
        .outerjoin(Industry, Industry.code == Project.industry_code)
        .outerjoin(Unit, Unit.code == Project.source_unit)
        .outerjoin(Area, Area.id == Project.platform_id)
        .outerjoin(Leader, Leader.id == Project.leader_id)
        .outerjoin(Officer, Officer.id == Project.officer_id)
    )


@dataclass(frozen=True)
class ProjectQuery:
    """Filters, order and page of a project list. `key` is a tier and those above it (亿元以上
    includes 重特大); `overdue` keeps the active projects left without a follow-up too long or
    whose agreed start has passed (gis.pipeline.config)."""

    stage: tuple[str, ...] = ()
    industry: str | None = None
    search: str | None = None
    source_unit: str | None = None
    platform: str | None = None
    leader: str | None = None
    key: str | None = None
    overdue: bool = False
    sort: str = "code"
    limit: int = 100
    offset: int = 0


# Stages a follow-up is still owed in, and those before the start an agreed date asks for
FOLLOWED = tuple(s.value for s in ACTIVE)
NOT_STARTED = tuple(s.value for s in FORWARD[: FORWARD.index(Stage.STARTED)])
STAGE_ORDER = {s.value: i for i, s in enumerate((*FORWARD, Stage.ON_HOLD, Stage.DROPPED))}


@dataclass(frozen=True)
class _Course:
    """The per-project facts a list adds: its last follow-up and step, and whether it is late."""

    last_follow_up: Any
    stage_on: Any
    follow_up_late: ColumnElement[bool]
    start_late: ColumnElement[bool]
    joins: tuple[Any, Any]


def _course(config: PipelineConfig, today: dt.date) -> _Course:
    follow = (
        select(FollowUp.project_id, func.max(FollowUp.day).label("day"))
        .where(FollowUp.deleted_at.is_(None))
        .group_by(FollowUp.project_id)
        .subquery("last_follow_up")
    )
    step = (
        select(ProjectStageEvent.project_id, func.max(ProjectStageEvent.day).label("day"))
        .group_by(ProjectStageEvent.project_id)
        .subquery("last_step")
    )
    stage_on = func.coalesce(Project.stage_since, step.c.day)
    cutoff = today - dt.timedelta(days=config.follow_up_days)
    # without any follow-up, the clock runs from the project's last step
    quiet = and_(Project.stage.in_(FOLLOWED), func.coalesce(follow.c.day, stage_on) < cutoff)
    late = and_(Project.stage.in_(NOT_STARTED), Project.started_on.is_(None), Project.agreed_start_on < today)
    return _Course(follow.c.day, stage_on, quiet, late, (follow, step))


def _tier_at_least(key: str, config: PipelineConfig) -> ColumnElement[bool]:
    """The SQL form of `config.tier(...)` reaching `key` or above."""
    total, foreign = (
        (config.major_total_wan, config.major_foreign_wusd)
        if key == Tier.MAJOR
        else (config.large_total_wan, config.large_foreign_wusd)
    )
    return or_(
        func.coalesce(Project.investment_total_wan, 0) >= total,
        func.coalesce(Project.foreign_investment_wusd, 0) >= foreign,
    )


def _reference(session: Session, wanted: Any, key: Any, value: str, problem: InvalidInput) -> Any:
    """The `wanted` column of the reference row whose `key` is `value`; `problem` when none is."""
    found = session.scalar(select(wanted).where(key == value))
    if found is None:
        raise problem
    return found


def _filters(
    session: Session, q: ProjectQuery, config: PipelineConfig, course: _Course
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Project.deleted_at.is_(None)]
    if q.stage:
        where.append(Project.stage.in_(q.stage))
    if q.industry:
        where.append(Project.industry_code.startswith(q.industry))
    if q.search:
        text = q.search.strip()
        where.append(
            or_(
                Project.code.contains(text, autoescape=True),
                Project.name.contains(text, autoescape=True),
                Project.investor.contains(text, autoescape=True),
            )
        )
    if q.source_unit:
        unknown = InvalidInput("pipeline.unknown_unit", code=q.source_unit)
        where.append(Project.source_unit == _reference(session, Unit.code, Unit.code, q.source_unit, unknown))
    if q.platform:
        where.append(
            Project.platform_id
            == _reference(
                session, Area.id, Area.code, q.platform, InvalidInput("error.unknown_area", code=q.platform)
            )
        )
    if q.leader:
        where.append(
            Project.leader_id
            == _reference(
                session,
                User.id,
                User.name,
                q.leader,
                InvalidInput(
                    "pipeline.person", field=Text("field.leader"), name=q.leader, roles=[Text("role.leader")]
                ),
            )
        )
    if q.key:
        where.append(_tier_at_least(q.key, config))
    if q.overdue:
        where.append(or_(course.follow_up_late, course.start_late))
    return where


PROJECT_SORTS = ("code", "name", "stage", "investment", "stage_on", "last_follow_up")


def _order(sort: str, course: _Course) -> list[Any]:
    columns: dict[str, Any] = {
        "code": Project.code,
        "name": Project.name,
        "stage": case(STAGE_ORDER, value=Project.stage, else_=len(STAGE_ORDER)),
        "investment": Project.investment_total_wan,
        "stage_on": course.stage_on,
        "last_follow_up": course.last_follow_up,
    }
    key = sort.lstrip("-")
    if key not in columns:
        raise InvalidInput(field=Text("field.sort"), value=sort, reason=", ".join(PROJECT_SORTS))
    direction = desc if sort.startswith("-") else asc
    return [direction(columns[key]).nulls_last(), asc(Project.code)]


def _joined(statement: Any, course: _Course) -> Any:
    follow, step = course.joins
    return statement.outerjoin(follow, follow.c.project_id == Project.id).outerjoin(
        step, step.c.project_id == Project.id
    )


def find_projects(
    session: Session,
    q: ProjectQuery,
    *,
    config: PipelineConfig | None = None,
    visible: ColumnElement[bool] | None = None,
    today: dt.date | None = None,
) -> tuple[list[ProjectListRow], int]:
    """Projects matching `q` (and `visible`, the reader's condition from gis.access), one page
    in `q.sort` order, each with its last follow-up, stage date and lateness, and how many match."""
    config = config or PipelineConfig()
    course = _course(config, today or localtime.today())
    where = _filters(session, q, config, course) + ([visible] if visible is not None else [])
    counted = _joined(select(func.count()).select_from(Project), course)
    matched = session.scalar(counted.where(*where)) or 0
    statement = _joined(_select(), course).add_columns(
        course.last_follow_up.label("last_follow_up_on"),
        course.stage_on.label("stage_on"),
        case((course.follow_up_late, True), else_=False).label("follow_up_overdue"),
        case((course.start_late, True), else_=False).label("start_overdue"),
    )
    rows = session.execute(
        statement.where(*where).order_by(*_order(q.sort, course)).limit(q.limit).offset(q.offset)
    )
    return [cast(ProjectListRow, dict(r)) for r in rows.mappings()], matched


def stage_counts(
    session: Session,
    q: ProjectQuery,
    *,
    config: PipelineConfig | None = None,
    visible: ColumnElement[bool] | None = None,
    today: dt.date | None = None,
) -> dict[str, int]:
    """How many projects matching `q` but for its stages stand at each stage."""
    config = config or PipelineConfig()
    course = _course(config, today or localtime.today())
    where = _filters(session, replace(q, stage=()), config, course)
    where += [visible] if visible is not None else []
    statement = _joined(select(Project.stage, func.count()).select_from(Project), course)
    return {stage: int(n) for stage, n in session.execute(statement.where(*where).group_by(Project.stage))}


def list_projects(
    session: Session,
    *,
    stage: tuple[str, ...] = (),
    industry: str | None = None,
    search: str | None = None,
    limit: int = 100,
    offset: int = 0,
    visible: ColumnElement[bool] | None = None,
) -> tuple[list[ProjectListRow], int]:
    """Projects matching the filters (and `visible`), one page in code order, and how many match."""
    return find_projects(
        session,
        ProjectQuery(stage=stage, industry=industry, search=search, limit=limit, offset=offset),
        visible=visible,
    )


def every_project(session: Session, *, visible: ColumnElement[bool] | None = None) -> list[ProjectRow]:
    """Every project (not deleted) as `get_project` gives one, in code order; only the `visible`
    ones when given (an export)."""
    statement = _select().where(Project.deleted_at.is_(None)).order_by(Project.code)
    if visible is not None:
        statement = statement.where(visible)
    return [cast(ProjectRow, dict(row)) for row in session.execute(statement).mappings()]


def get_project(session: Session, code: str, *, visible: ColumnElement[bool] | None = None) -> ProjectRow:
    """One project by code; `NotFound` also when it is not `visible` to the reader."""
    statement = _select().where(Project.code == code, Project.deleted_at.is_(None))
    if visible is not None:
        statement = statement.where(visible)
    row = session.execute(statement).mappings().first()
    if row is None:
        raise NotFound(kind=Text("kind.project"), code=code)
    return cast(ProjectRow, dict(row))
