"""What a project's page and API show of its course: its steps, its follow-ups, its possible
duplicates. Reads only; the reader's right to the project is checked by the caller."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from gis.errors import NotFound
from gis.labels import Text
from gis.models import FollowUp, Project, ProjectStageEvent, User
from gis.pipeline.duplicates import pairs_of, summary


def project_id(session: Session, code: str) -> int:
    """The id of the live project `code`."""
    found = session.scalar(select(Project.id).where(Project.code == code, Project.deleted_at.is_(None)))
    if found is None:
        raise NotFound(kind=Text("kind.project"), code=code)
    return int(found)


def steps(session: Session, code: str) -> list[ProjectStageEvent]:
    """The project's steps, in the order they happened."""
    return list(
        session.scalars(
            select(ProjectStageEvent)
            .where(ProjectStageEvent.project_id == project_id(session, code))
            .order_by(ProjectStageEvent.day, ProjectStageEvent.id)
        )
    )


def follow_ups(session: Session, code: str) -> list[dict[str, Any]]:
    """The project's follow-ups (withdrawn ones left out), newest first, with the leader's name."""
    leader = aliased(User)
    rows = session.execute(
        select(FollowUp, leader.name.label("leader_name"))
        .outerjoin(leader, leader.id == FollowUp.leader_id)
        .where(FollowUp.project_id == project_id(session, code), FollowUp.deleted_at.is_(None))
        .order_by(FollowUp.day.desc(), FollowUp.id.desc())
    ).all()
    return [
        {**{c.name: getattr(entry, c.name) for c in FollowUp.__table__.columns}, "leader": name}
        for entry, name in rows
    ]


def duplicates_of(session: Session, code: str) -> list[dict[str, Any]]:
    """The projects marked as possible duplicates of this one, with the mark's status."""
    own = project_id(session, code)
    out = []
    for pair in pairs_of(session, own):
        other = session.get(Project, pair.other_id if pair.project_id == own else pair.project_id)
        if other is not None:
            out.append({**summary(other), "status": pair.status, "marked_by": pair.marked_by})
    return out
