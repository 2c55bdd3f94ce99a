"""Duplicate leads (项目信息重叠): two units chasing one investor. A project entered or changed is
compared with every active project, by credit code and by the investor's name under its
variants (gis/pipeline/identity.py); a pair found is marked for the bureau to resolve, as
different projects or by merging one into the other (administrators), which keeps both
histories and both projects' follow-ups.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from gis.access import Action, Principal, authorize
from gis.errors import InvalidInput, NotFound
from gis.gateway.stages import locked
from gis.history import record_change, snapshot
from gis.labels import Text
from gis.models import Factory, FollowUp, Parcel, Project, ProjectDuplicate, ProjectSite, utcnow
from gis.pipeline.identity import check_credit_code, same_investor
from gis.vocabulary import DuplicateStatus

CLOSED = ("dropped",)
# What the form shows of an existing project: enough to call its unit
SUMMARY = ("code", "name", "investor", "source_unit", "stage", "credit_code")


def _active(session: Session, exclude: int | None) -> list[Project]:
    statement = select(Project).where(
        Project.deleted_at.is_(None), Project.merged_into_id.is_(None), Project.stage.not_in(CLOSED)
    )
    if exclude is not None:
        statement = statement.where(Project.id != exclude)
    return list(session.scalars(statement.order_by(Project.code)))


def matching(
    session: Session, investor: str | None, credit_code: str | None, exclude: int | None = None
) -> list[Project]:
    """The active projects whose investor is this one: the same credit code or the same name."""
    code = check_credit_code(credit_code).code if credit_code else None
    return [
        p
        for p in _active(session, exclude)
        if (code and p.credit_code == code)
        or (investor and p.investor and same_investor(investor, p.investor))
    ]


def summary(project: Project) -> dict[str, Any]:
    """What the form shows of an existing project: enough to call its unit."""
    return {name: getattr(project, name) for name in SUMMARY}


def mark(session: Session, project: Project, who: Principal) -> list[dict[str, Any]]:
    """Mark `project` and each active project of the same investor as possible duplicates."""
    found = matching(session, project.investor, project.credit_code, exclude=project.id)
    for other in found:
        low, high = sorted((project.id, other.id))
        known = session.scalar(
            select(ProjectDuplicate.id).where(
                ProjectDuplicate.project_id == low, ProjectDuplicate.other_id == high
            )
        )
        if known is None:
            session.add(
                ProjectDuplicate(
                    project_id=low, other_id=high, status=DuplicateStatus.OPEN, marked_by=who.name
                )
            )
    session.flush()
    return [summary(p) for p in found]


def pairs_of(session: Session, project_id: int) -> list[ProjectDuplicate]:
    """The duplicate marks a project is in."""
    return list(
        session.scalars(
            select(ProjectDuplicate)
            .where(or_(ProjectDuplicate.project_id == project_id, ProjectDuplicate.other_id == project_id))
            .order_by(ProjectDuplicate.id)
        )
    )


def _pair(session: Session, a: Project, b: Project) -> ProjectDuplicate:
    low, high = sorted((a.id, b.id))
    pair = session.scalar(
        select(ProjectDuplicate).where(ProjectDuplicate.project_id == low, ProjectDuplicate.other_id == high)
    )
    if pair is None:
        raise NotFound("pipeline.no_duplicate", first=a.code, second=b.code)
    return pair


def resolve_distinct(session: Session, code: str, other: str, *, who: Principal) -> ProjectDuplicate:
    """Two marked projects are different investors' after all (administrators)."""
    authorize(who, Action.RESOLVE_DUPLICATES)
    pair = _pair(session, locked(session, code), locked(session, other))
    pair.status, pair.resolved_by, pair.resolved_at = DuplicateStatus.DISTINCT, who.name, utcnow()
    session.flush()
    return pair


def merge(session: Session, code: str, into: str, *, who: Principal) -> Project:
    """Merge project `code` into `into` (administrators): its follow-ups and shortlisted sites
    move over, it is closed pointing at `into`, and both histories say so."""
    authorize(who, Action.RESOLVE_DUPLICATES)
    gone, kept = locked(session, code), locked(session, into)
    pair = _pair(session, gone, kept)
    held = session.scalar(
        select(Parcel.code).where(Parcel.reserved_project_id == gone.id).limit(1)
    ) or session.scalar(select(Factory.code).where(Factory.reserved_project_id == gone.id).limit(1))
    if held is not None:
        raise InvalidInput("pipeline.merge_has_sites", code=code, site=held)
    session.execute(update(FollowUp).where(FollowUp.project_id == gone.id).values(project_id=kept.id))
    session.execute(update(ProjectSite).where(ProjectSite.project_id == gone.id).values(project_id=kept.id))
    before_gone, before_kept = snapshot(gone), snapshot(kept)
    now = utcnow()
    gone.merged_into_id, gone.deleted_at, gone.updated_by, gone.updated_at = kept.id, now, who.name, now
    kept.remarks = "\n".join(
        filter(
            None,
            [kept.remarks, Text("pipeline.merged_note", {"code": gone.code, "name": gone.name}).render("zh")],
        )
    )
    kept.updated_by, kept.updated_at = who.name, now
    pair.status, pair.resolved_by, pair.resolved_at = DuplicateStatus.MERGED, who.name, now
    session.flush()
    record_change(session, "project", gone, "delete", before_gone, snapshot(gone), who.name)
    record_change(session, "project", kept, "update", before_kept, snapshot(kept), who.name)
    return kept
