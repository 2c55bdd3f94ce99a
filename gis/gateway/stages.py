"""A project's steps along the pipeline (gis/pipeline/stages.py), through the write gateway: dated
with the day they happened, by those who may change projects, each an event and a history entry.

A step moves the project's sites with it, through the sites' own gateway and its rules: reaching
供地 names the parcels or the factory it was given, and they move to 已供地 (a parcel, along its
workflow from 可供 or 意向) or 已出租 (a factory); 开工 and 投产 move its supplied parcels to 已开工
and 已投产. The writer must be allowed both changes, or neither is made. Each linked change is
recorded on both records: the site's status event names the project, the project keeps its
supplied sites.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from gis import localtime
from gis.access import Action, Principal, authorize
from gis.errors import InvalidInput, NotFound, VersionConflict
from gis.gateway import sites
from gis.history import record_change, snapshot
from gis.labels import Text
from gis.models import Factory, Parcel, Project, ProjectSite, ProjectStageEvent, utcnow
from gis.pipeline import reviews
from gis.pipeline.config import PipelineConfig
from gis.pipeline.reviews import APPROVED
from gis.pipeline.stages import Stage, Step, check_step, stage_of
from gis.vocabulary import SiteKind, SiteRole

# the parcel statuses a supplied site passes on its way, and where the later stages take it
PARCEL_TO_SUPPLY = ("reserved", "signed", "supplied")
FACTORY_TO_SUPPLY = ("reserved", "leased")
PARCEL_AT = {
    Stage.STARTED: ("supplied", "under_construction"),
    Stage.PRODUCING: ("under_construction", "in_production"),
}


@dataclass(frozen=True)
class Move:
    """A step a project is asked to take."""

    target: Stage
    day: dt.date
    note: str | None = None
    sites: Sequence[str] = ()  # parcel or factory codes given at 供地
    expected_version: int | None = None


def locked(session: Session, code: str) -> Project:
    """The project `code`, locked until the transaction ends."""
    project = session.scalar(
        select(Project).where(Project.code == code, Project.deleted_at.is_(None)).with_for_update(of=Project)
    )
    if project is None:
        raise NotFound(kind=Text("kind.project"), code=code)
    return project


def last_day(session: Session, project: Project) -> dt.date | None:
    """The day of the project's latest step."""
    return cast(
        dt.date | None,
        session.scalar(
            select(func.max(ProjectStageEvent.day)).where(ProjectStageEvent.project_id == project.id)
        ),
    )


def needs_site(project: Project) -> bool:
    """Whether the project needs land or a factory (not every project does: offices, services)."""
    return any(v is not None for v in (project.land_min_mu, project.land_max_mu, project.floor_area_min_m2))


def _site_kinds(session: Session, codes: Sequence[str]) -> list[tuple[SiteKind, str]]:
    """(kind, code) of each site code: a parcel's or a factory's; an unknown code is refused."""
    found = []
    for code in dict.fromkeys(codes):
        if session.scalar(select(Parcel.id).where(Parcel.code == code, Parcel.deleted_at.is_(None))):
            found.append((SiteKind.PARCEL, code))
        elif session.scalar(select(Factory.id).where(Factory.code == code, Factory.deleted_at.is_(None))):
            found.append((SiteKind.FACTORY, code))
        else:
            raise NotFound(kind=Text("kind.site"), code=code)
    return found


def step(session: Session, code: str, move: Move, *, who: Principal, config: PipelineConfig) -> Project:
    """Move project `code` one step, with its sites; raise and write nothing when refused."""
    authorize(who, Action.EDIT_PROJECT)
    project = locked(session, code)
    if move.expected_version is not None and project.version != move.expected_version:
        raise VersionConflict(
            by=project.updated_by,
            at=project.updated_at.isoformat(timespec="seconds"),
            current=project.version,
            given=move.expected_version,
        )
    given = _site_kinds(session, move.sites)
    current = stage_of(project.stage)
    supplied = _supplied(session, project)
    held = reviews.held(session, project.id)
    check_step(
        Step(
            code,
            current,
            move.target,
            move.day,
            last_day(session, project),
            held_at=stage_of(project.held_at) if project.held_at else None,
            reason=move.note,
            sites=bool(given or supplied),
            needs_site=needs_site(project),
            review_passed=any(outcome in APPROVED for _, outcome in held),
            review_required=config.review_before_signing,
            reviews_held=tuple(held),
        ),
        localtime.today(),
    )
    _move_sites(session, project, move, given, supplied, who)
    _record(session, project, current, move, who)
    return project


def _supplied(session: Session, project: Project) -> list[tuple[SiteKind, str]]:
    """The sites the project was given (kind, code)."""
    rows = session.execute(
        select(Parcel.code, Factory.code)
        .select_from(ProjectSite)
        .outerjoin(Parcel, Parcel.id == ProjectSite.parcel_id)
        .outerjoin(Factory, Factory.id == ProjectSite.factory_id)
        .where(ProjectSite.project_id == project.id, ProjectSite.role == SiteRole.SUPPLIED)
    ).all()
    return [(SiteKind.PARCEL, p) if p else (SiteKind.FACTORY, f) for p, f in rows]


def _move_sites(
    session: Session,
    project: Project,
    move: Move,
    given: list[tuple[SiteKind, str]],
    supplied: list[tuple[SiteKind, str]],
    who: Principal,
) -> None:
    note = move.note or Text("pipeline.site_note", {"code": project.code}).render("zh")
    if move.target == Stage.SUPPLIED:
        for kind, code in given:
            _supply(session, project, kind, code, note, who)
    for kind, code in supplied if move.target in PARCEL_AT else ():
        source, target = PARCEL_AT[move.target]
        site = sites.locked(session, kind, code)
        if kind == SiteKind.PARCEL and site is not None and site.status == source:
            sites.change_status(session, kind, code, target, who=who, project=project.code, note=note)


def _supply(session: Session, project: Project, kind: SiteKind, code: str, note: str, who: Principal) -> None:
    """Take the site along its workflow to 已供地 (已出租), reserved for the project on the way."""
    path = PARCEL_TO_SUPPLY if kind == SiteKind.PARCEL else FACTORY_TO_SUPPLY
    site = cast(sites.Site, sites.locked(session, kind, code))
    free = site.status in ("available", "vacant", *path)
    if site.reserved_project_id not in (None, project.id) or not free:
        raise InvalidInput("pipeline.site_taken", code=code, status=Text(f"{kind}_status.{site.status}"))
    done = path.index(site.status) + 1 if site.status in path else 0
    for target in path[done:]:
        sites.change_status(session, kind, code, target, who=who, project=project.code, note=note)
    session.add(
        ProjectSite(
            project_id=project.id, role=SiteRole.SUPPLIED, saved_by=who.name, **{f"{kind}_id": site.id}
        )
    )


def _record(session: Session, project: Project, current: Stage, move: Move, who: Principal) -> None:
    before = snapshot(project)
    project.stage, project.stage_since = move.target.value, move.day
    project.held_at = current.value if move.target == Stage.ON_HOLD else None
    if move.target == Stage.SIGNED:
        project.signed_on = move.day
    if move.target == Stage.STARTED:
        project.started_on = move.day
    project.updated_by, project.updated_at = who.name, utcnow()
    try:
        session.flush()
    except StaleDataError:
        raise VersionConflict("error.version_conflict_concurrent") from None
    session.add(
        ProjectStageEvent(
            project_id=project.id,
            day=move.day,
            actor=who.name,
            from_stage=current.value,
            to_stage=move.target.value,
            note=move.note,
        )
    )
    record_change(session, "project", project, "update", before, snapshot(project), who.name)
