"""The pipeline as plain rows, read once for a report: the projects as they stood at the end of a
day, their stage events and follow-ups dated up to it, the lead units, the parks, zones and towns.

The weekly summary and the scorecard are computed from these rows in Python (weekly.py,
scorecard.py), so a past week or quarter reads as it stood: a step counts from the day it
happened (`ProjectStageEvent.day`), and a project's fields (amounts, unit, platform, agreed
start, deletion, merging) are taken back to their values on that day through the record changes
made after it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from gis.models import Area, FollowUp, Project, ProjectStageEvent, RecordChange, Unit
from gis.pipeline.stages import Stage, stage_of

# The project fields reports read, each taken back to the day reported on
PROJECT_FIELDS = (
    "code",
    "name",
    "source_unit",
    "platform_id",
    "industry_code",
    "investment_total_wan",
    "foreign_investment_wusd",
    "agreed_start_on",
    "deleted_at",
    "merged_into_id",
)
AREA_FIELDS = ("code", "name", "kind", "parent_id", "leading_industries", "is_priority")


@dataclass(frozen=True)
class ProjectRow:
    """A project's facts as they stood on the day reported on."""

    id: int
    code: str
    name: str
    source_unit: str | None
    platform_id: int | None
    industry_code: str | None
    investment_wan: float | None
    foreign_wusd: float | None
    agreed_start_on: dt.date | None


@dataclass(frozen=True)
class StageEventRow:
    """One dated step of a project."""

    project_id: int
    day: dt.date
    from_stage: Stage | None
    to_stage: Stage


@dataclass(frozen=True)
class FollowUpRow:
    """One dated follow-up of a project."""

    project_id: int
    day: dt.date
    kind: str
    leader_id: int | None


@dataclass(frozen=True)
class UnitRow:
    """A unit that brings leads, and the park or town it belongs to (by code), if any."""

    code: str
    name: str
    kind: str
    area_code: str | None


@dataclass(frozen=True)
class AreaRow:
    """A park, zone or town, as it stood on the day reported on."""

    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    leading_industries: tuple[str, ...]
    is_priority: bool


@dataclass(frozen=True)
class Timeline:
    """A project and its steps up to the day reported on, in order."""

    project: ProjectRow
    events: tuple[StageEventRow, ...]

    @property
    def entered(self) -> dt.date | None:
        """The day of its first step: when it came into the pipeline."""
        return self.events[0].day if self.events else None

    def stage_on(self, day: dt.date) -> Stage | None:
        """Where it stood at the end of `day` (None before it came in)."""
        stage = None
        for event in self.events:
            if event.day > day:
                break
            stage = event.to_stage
        return stage

    def reached(self, stage: Stage) -> dt.date | None:
        """The day it first stepped to `stage` (a return from 暂缓 is no new step)."""
        return next((e.day for e in self.events if e.to_stage == stage), None)


@dataclass(frozen=True)
class Ledger:
    """Everything a report reads, as of the end of `as_of`."""

    as_of: dt.date
    projects: tuple[ProjectRow, ...]
    events: tuple[StageEventRow, ...]
    follow_ups: tuple[FollowUpRow, ...]
    units: tuple[UnitRow, ...]
    areas: tuple[AreaRow, ...]

    def timelines(self) -> list[Timeline]:
        """Every project with its steps, in code order."""
        steps: dict[int, list[StageEventRow]] = defaultdict(list)
        for event in self.events:
            steps[event.project_id].append(event)
        return [Timeline(p, tuple(steps[p.id])) for p in sorted(self.projects, key=lambda p: p.code)]


def end_of(day: dt.date) -> dt.datetime:
    """The instant `day` ends (UTC, as the supply figures count days)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def taken_back(
    values: dict[int, dict[str, Any]],
    changes: Iterable[tuple[int, dict[str, list[Any]]]],
    fields: tuple[str, ...],
) -> None:
    """Give each record in `values` the value its fields had before `changes` (newest first)."""
    for record_id, changed in changes:
        row = values.get(record_id)
        if row is None:
            continue
        for name in fields:
            if name in changed:
                row[name] = changed[name][0]


def _later_changes(
    session: Session, column: InstrumentedAttribute[int | None], day: dt.date, where: ColumnElement[bool]
) -> list[tuple[int, dict[str, list[Any]]]]:
    # a record created later keeps what it was entered with: its events say when it counts
    statement = (
        select(column, RecordChange.changes)
        .where(column.is_not(None), RecordChange.at >= end_of(day), RecordChange.action != "create", where)
        .order_by(RecordChange.at.desc(), RecordChange.id.desc())
    )
    return [(i, dict(c or {})) for i, c in session.execute(statement).all() if i is not None]


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _projects(session: Session, day: dt.date, visible: ColumnElement[bool]) -> list[ProjectRow]:
    columns = [getattr(Project, name) for name in PROJECT_FIELDS]
    values = {
        row[0]: dict(zip(PROJECT_FIELDS, row[1:], strict=True))
        for row in session.execute(select(Project.id, *columns).where(visible)).all()
    }
    taken_back(
        values,
        _later_changes(
            session,
            RecordChange.project_id,
            day,
            RecordChange.project_id.in_(select(Project.id).where(visible)),
        ),
        PROJECT_FIELDS,
    )
    return [
        ProjectRow(
            id=i,
            code=str(v["code"]),
            name=str(v["name"]),
            source_unit=v["source_unit"],
            platform_id=v["platform_id"],
            industry_code=v["industry_code"],
            investment_wan=_float(v["investment_total_wan"]),
            foreign_wusd=_float(v["foreign_investment_wusd"]),
            agreed_start_on=_date(v["agreed_start_on"]),
        )
        for i, v in values.items()
        if v["deleted_at"] is None and v["merged_into_id"] is None
    ]


def _events(session: Session, day: dt.date, visible: ColumnElement[bool]) -> list[StageEventRow]:
    statement = (
        select(
            ProjectStageEvent.project_id,
            ProjectStageEvent.day,
            ProjectStageEvent.from_stage,
            ProjectStageEvent.to_stage,
        )
        .join(Project, Project.id == ProjectStageEvent.project_id)
        .where(ProjectStageEvent.day <= day, visible)
        .order_by(ProjectStageEvent.project_id, ProjectStageEvent.day, ProjectStageEvent.id)
    )
    return [
        StageEventRow(pid, on, stage_of(source) if source else None, stage_of(target))
        for pid, on, source, target in session.execute(statement).all()
    ]


def _follow_ups(session: Session, day: dt.date, visible: ColumnElement[bool]) -> list[FollowUpRow]:
    statement = (
        select(FollowUp.project_id, FollowUp.day, FollowUp.kind, FollowUp.leader_id)
        .join(Project, Project.id == FollowUp.project_id)
        .where(
            FollowUp.day <= day,
            visible,
            or_(FollowUp.deleted_at.is_(None), FollowUp.deleted_at >= end_of(day)),
        )
        .order_by(FollowUp.day, FollowUp.id)
    )
    return [FollowUpRow(*row) for row in session.execute(statement).all()]


def _areas(session: Session, day: dt.date) -> list[AreaRow]:
    columns = [getattr(Area, name) for name in AREA_FIELDS]
    values = {
        row[0]: dict(zip(AREA_FIELDS, row[1:], strict=True))
        for row in session.execute(select(Area.id, *columns)).all()
    }
    taken_back(values, _later_changes(session, RecordChange.area_id, day, true()), AREA_FIELDS)
    return [
        AreaRow(
            id=i,
            code=v["code"],
            name=v["name"],
            kind=v["kind"],
            parent_id=v["parent_id"],
            leading_industries=tuple(v["leading_industries"] or ()),
            is_priority=bool(v["is_priority"]),
        )
        for i, v in sorted(values.items(), key=lambda item: str(item[1]["code"]))
    ]


def load(session: Session, as_of: dt.date, *, visible: ColumnElement[bool] | None = None) -> Ledger:
    """The pipeline at the end of `as_of`: the projects `visible` to the reader (gis.access; all
    when None), their steps and follow-ups dated up to that day, every unit and area."""
    where = true() if visible is None else visible
    units = session.execute(select(Unit.code, Unit.name, Unit.kind, Unit.area_code).order_by(Unit.code)).all()
    return Ledger(
        as_of=as_of,
        projects=tuple(_projects(session, as_of, where)),
        events=tuple(_events(session, as_of, where)),
        follow_ups=tuple(_follow_ups(session, as_of, where)),
        units=tuple(UnitRow(*u) for u in units),
        areas=tuple(_areas(session, as_of)),
    )
