"""The weekly summary (周汇总) of the pipeline, each figure beside the week before's. Pure: it reads
a `Ledger` (gis/pipeline/ledger.py) and nothing else.

- new leads per unit: projects whose first step falls in the week, by the unit that brought them;
- follow-ups and city leaders' visits per unit, by the day they took place;
- stage changes: every step dated in the week, per stage stepped to (holds and drops included);
- signings, registrations, supplies, starts: projects that first reached the stage in the week;
- investment by stage: the projects standing at each stage at the end of the week;
- overdue: active projects without a follow-up for more than N days at the end of the week
  (counted from their first step when they have none), and projects whose agreed start
  (约定开工) passed by then without a start.

The end of a week is its Sunday, or the day the report is made as of when that comes first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from gis.pipeline.config import PipelineConfig
from gis.pipeline.figures import NOTHING, Compared, Figure, of_entries, of_projects
from gis.pipeline.ledger import Ledger, ProjectRow, Timeline, UnitRow
from gis.pipeline.periods import Period, cut_at
from gis.pipeline.stages import ACTIVE, Stage
from gis.vocabulary import FollowUpKind

MILESTONES = (Stage.SIGNED, Stage.REGISTERED, Stage.SUPPLIED, Stage.STARTED)
LEADER_VISIT = FollowUpKind.LEADER_VISIT.value


@dataclass(frozen=True)
class UnitLine:
    """One lead unit's week (`unit` None: projects no unit is named for)."""

    unit: str | None
    name: str | None
    kind: str | None
    new_leads: Compared
    follow_ups: Compared
    leader_visits: Compared


@dataclass(frozen=True)
class StageLine:
    """A figure of one stage."""

    stage: Stage
    figure: Compared


@dataclass(frozen=True)
class Overdue:
    """A project overdue at the end of the week: since when, and for how many days."""

    code: str
    name: str
    unit: str | None
    since: dt.date
    days: int


@dataclass(frozen=True)
class OverdueList:
    """The overdue projects at the end of the week, their count beside the week before's."""

    figure: Compared
    rows: tuple[Overdue, ...]


@dataclass(frozen=True)
class WeeklySummary:
    """The week's figures beside the previous week's."""

    week: str
    first: dt.date
    last: dt.date
    as_of: dt.date
    cut: dt.date
    previous_week: str
    overdue_days: int
    units: tuple[UnitLine, ...]
    total: UnitLine
    stage_changes: tuple[StageLine, ...]
    milestones: tuple[StageLine, ...]
    by_stage: tuple[StageLine, ...]
    no_follow_up: OverdueList
    late_start: OverdueList
    names: dict[str, str] = field(default_factory=dict)


@dataclass
class _Week:
    """What one week holds, project rows grouped before they become figures."""

    leads: dict[str | None, list[ProjectRow]] = field(default_factory=lambda: defaultdict(list))
    follow_ups: dict[str | None, list[ProjectRow]] = field(default_factory=lambda: defaultdict(list))
    visits: dict[str | None, list[ProjectRow]] = field(default_factory=lambda: defaultdict(list))
    changes: dict[Stage, list[ProjectRow]] = field(default_factory=lambda: defaultdict(list))
    reached: dict[Stage, list[ProjectRow]] = field(default_factory=lambda: defaultdict(list))
    standing: dict[Stage, list[ProjectRow]] = field(default_factory=lambda: defaultdict(list))
    no_follow_up: list[Overdue] = field(default_factory=list)
    late_start: list[Overdue] = field(default_factory=list)


def _steps(week: _Week, line: Timeline, first: dt.date, cut: dt.date) -> None:
    project = line.project
    if line.entered is not None and first <= line.entered <= cut:
        week.leads[project.source_unit].append(project)
    for event in line.events:
        if first <= event.day <= cut:
            week.changes[event.to_stage].append(project)
    for stage in MILESTONES:
        day = line.reached(stage)
        if day is not None and first <= day <= cut:
            week.reached[stage].append(project)
    standing = line.stage_on(cut)
    if standing is not None:
        week.standing[standing].append(project)


def _started_by(line: Timeline, day: dt.date) -> bool:
    return any(e.day <= day and e.to_stage in (Stage.STARTED, Stage.PRODUCING) for e in line.events)


def _overdue(week: _Week, line: Timeline, last_contact: dt.date | None, cut: dt.date, days: int) -> None:
    project, stage = line.project, line.stage_on(cut)
    if stage in ACTIVE and line.entered is not None:
        since = max(last_contact or line.entered, line.entered)
        if (cut - since).days > days:
            week.no_follow_up.append(
                Overdue(project.code, project.name, project.source_unit, since, (cut - since).days)
            )
    agreed = project.agreed_start_on
    late = agreed is not None and agreed < cut and not _started_by(line, cut)
    if stage not in (None, Stage.DROPPED) and agreed is not None and late:
        week.late_start.append(
            Overdue(project.code, project.name, project.source_unit, agreed, (cut - agreed).days)
        )


def _week(ledger: Ledger, lines: list[Timeline], first: dt.date, cut: dt.date, days: int) -> _Week:
    week = _Week()
    by_id = {line.project.id: line.project for line in lines}
    last_contact: dict[int, dt.date] = {}
    for entry in ledger.follow_ups:
        project = by_id.get(entry.project_id)
        if project is None or entry.day > cut:
            continue
        last_contact[project.id] = max(entry.day, last_contact.get(project.id, entry.day))
        if entry.day >= first:
            week.follow_ups[project.source_unit].append(project)
            if entry.kind == LEADER_VISIT:
                week.visits[project.source_unit].append(project)
    for line in lines:
        _steps(week, line, first, cut)
        _overdue(week, line, last_contact.get(line.project.id), cut, days)
    return week


def _unit_line(unit: UnitRow | None, code: str | None, now: _Week, before: _Week) -> UnitLine:
    def compared(name: str, entries: bool) -> Compared:
        count = of_entries if entries else of_projects
        return Compared.of(*(count(getattr(week, name).get(code, [])) for week in (now, before)))

    return UnitLine(
        code,
        unit.name if unit else code,
        unit.kind if unit else None,
        compared("leads", False),
        compared("follow_ups", True),
        compared("visits", True),
    )


def _total(lines: list[UnitLine]) -> UnitLine:
    def summed(name: str) -> Compared:
        figures = [getattr(line, name) for line in lines]
        return Compared.of(
            *(
                Figure(
                    sum(getattr(f, side).count for f in figures),
                    0.0,
                    0.0,
                    tuple(sorted({c for f in figures for c in getattr(f, side).codes})),
                )
                for side in ("current", "previous")
            )
        )

    return UnitLine(None, None, None, summed("new_leads"), summed("follow_ups"), summed("leader_visits"))


def _units(ledger: Ledger, now: _Week, before: _Week) -> list[UnitLine]:
    """A line per unit of the reference table, then any other unit with something to show."""
    known = {u.code: u for u in ledger.units}
    active = {
        c
        for week in (now, before)
        for group in (week.leads, week.follow_ups)
        for c, rows in group.items()
        if rows
    }
    shown: list[str | None] = [u.code for u in ledger.units]
    shown += sorted(c for c in active if c is not None and c not in known)
    shown += [None] if None in active else []
    return [_unit_line(known.get(c) if c else None, c, now, before) for c in shown]


def _stage_lines(
    stages: Collection[Stage],
    now: dict[Stage, list[ProjectRow]],
    before: dict[Stage, list[ProjectRow]],
    entries: bool = False,
) -> tuple[StageLine, ...]:
    count = of_entries if entries else of_projects
    return tuple(StageLine(s, Compared.of(count(now.get(s, [])), count(before.get(s, [])))) for s in stages)


def _overdue_list(now: list[Overdue], before: list[Overdue]) -> OverdueList:
    def figure(rows: list[Overdue]) -> Figure:
        return Figure(len(rows), 0.0, 0.0, tuple(sorted(r.code for r in rows))) if rows else NOTHING

    return OverdueList(
        Compared.of(figure(now), figure(before)), tuple(sorted(now, key=lambda r: (-r.days, r.code)))
    )


def weekly_summary(ledger: Ledger, week: Period, config: PipelineConfig) -> WeeklySummary:
    """The summary of `week` as of the ledger's day, beside the week before; a project is overdue
    after `config.follow_up_days` without a follow-up."""
    overdue_days = config.follow_up_days
    cut, previous = cut_at(week, ledger.as_of), week.previous()
    lines = ledger.timelines()
    now = _week(ledger, lines, week.first, cut, overdue_days)
    before = _week(ledger, lines, previous.first, previous.last, overdue_days)
    units = _units(ledger, now, before)
    return WeeklySummary(
        week=week.label,
        first=week.first,
        last=week.last,
        as_of=ledger.as_of,
        cut=cut,
        previous_week=previous.label,
        overdue_days=overdue_days,
        units=tuple(units),
        total=_total(units),
        stage_changes=_stage_lines(list(Stage), now.changes, before.changes, entries=True),
        milestones=_stage_lines(MILESTONES, now.reached, before.reached),
        by_stage=_stage_lines(list(Stage), now.standing, before.standing),
        no_follow_up=_overdue_list(now.no_follow_up, before.no_follow_up),
        late_start=_overdue_list(now.late_start, before.late_start),
        names={
            line.project.code: line.project.name
            for line in lines
            if line.entered is not None and line.entered <= cut
        },
    )
