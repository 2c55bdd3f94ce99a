"""A project's shortlist (推荐清单), through the write gateway: the parcels and factories chosen
from a match, each with the score it had then. Saving replaces the project's shortlist; the
project's history keeps every list it had (who, when, the sites and scores before and after).
Investment staff and administrators only, like every change of a project.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from gis.access import Action, Principal, authorize
from gis.errors import InvalidInput, NotFound, VersionConflict
from gis.gateway.stages import locked
from gis.history import record_change
from gis.labels import Text
from gis.models import Factory, Parcel, Project, ProjectSite, utcnow
from gis.vocabulary import SiteRole

MAX_SITES = 50


@dataclass(frozen=True)
class Pick:
    """A site put on the shortlist, with the score it had in the match."""

    code: str
    score: float


def _site(session: Session, code: str) -> tuple[str, int]:
    """(kind, id) of a live parcel or factory; `NotFound` otherwise."""
    for kind, model in (("parcel", Parcel), ("factory", Factory)):
        found = session.scalar(select(model.id).where(model.code == code, model.deleted_at.is_(None)))
        if found is not None:
            return kind, int(found)
    raise NotFound(kind=Text("kind.site"), code=code)


def _check(picks: Sequence[Pick]) -> list[Pick]:
    if len(picks) > MAX_SITES:
        raise InvalidInput("pipeline.shortlist.too_many", limit=MAX_SITES)
    for pick in picks:
        if not math.isfinite(pick.score) or not 0 <= pick.score <= 100:
            raise InvalidInput(
                field=Text("field.score"), value=str(pick.score), reason=Text("pipeline.shortlist.score")
            )
    first: dict[str, Pick] = {}
    for pick in picks:
        first.setdefault(pick.code, pick)  # a site named twice: its first score
    return list(first.values())


def _listed(session: Session, project: Project) -> str:
    rows = session.execute(
        select(Parcel.code, Factory.code, ProjectSite.score)
        .select_from(ProjectSite)
        .outerjoin(Parcel, Parcel.id == ProjectSite.parcel_id)
        .outerjoin(Factory, Factory.id == ProjectSite.factory_id)
        .where(ProjectSite.project_id == project.id, ProjectSite.role == SiteRole.SHORTLIST)
        .order_by(ProjectSite.id)
    ).all()
    return "；".join(f"{p or f} {s:.1f}" for p, f, s in rows)


def save(session: Session, code: str, picks: Sequence[Pick], *, who: Principal) -> Project:
    """Make `picks` the shortlist of project `code`; raise and write nothing when refused."""
    authorize(who, Action.EDIT_PROJECT)
    project = locked(session, code)
    chosen = _check(picks)
    sites = [(_site(session, p.code), p.score) for p in chosen]
    before = _listed(session, project)
    session.execute(
        delete(ProjectSite).where(
            ProjectSite.project_id == project.id, ProjectSite.role == SiteRole.SHORTLIST
        )
    )
    now = utcnow()
    for (kind, site_id), score in sites:
        session.add(
            ProjectSite(
                project_id=project.id,
                role=SiteRole.SHORTLIST,
                score=round(score, 2),
                saved_at=now,
                saved_by=who.name,
                **{f"{kind}_id": site_id},
            )
        )
    project.updated_by, project.updated_at = who.name, now
    try:
        session.flush()
    except StaleDataError:
        raise VersionConflict("error.version_conflict_concurrent") from None
    record_change(
        session,
        "project",
        project,
        "update",
        {"shortlist": before},
        {"shortlist": _listed(session, project)},
        who.name,
    )
    return project
