"""Rows the alert tests build on the sample: projects with dated steps and follow-ups, and a site's
status history in place of the one the sample gave it."""

import datetime as dt

from sqlalchemy import delete, select

from gis import accounts
from gis.database import Database
from gis.models import Area, Factory, FollowUp, Parcel, Project, ProjectStageEvent, StatusEvent

DAY = dt.date(2026, 6, 30)


def ago(days: int, day: dt.date = DAY) -> dt.date:
    return day - dt.timedelta(days=days)


def area_id(session, code):
    return session.scalar(select(Area.id).where(Area.code == code))


def plant_project(
    db: Database, code, steps, *, platform="P04", officer=None, agreed=None, follow_ups=(), signed_on=None
):
    """A project with these (day, stage) steps, agreed start and follow-up days."""
    with db.write() as session:
        officer_id = accounts.get_user(session, officer).id if officer else None
        project = Project(
            code=code,
            name=f"待办测试{code}",
            stage=steps[-1][1],
            stage_since=steps[-1][0],
            agreed_start_on=agreed,
            signed_on=signed_on,
            officer_id=officer_id,
            platform_id=area_id(session, platform),
        )
        session.add(project)
        session.flush()
        previous = None
        for day, stage in steps:
            session.add(
                ProjectStageEvent(
                    project_id=project.id, day=day, actor="测试", from_stage=previous, to_stage=stage
                )
            )
            previous = stage
        for day in follow_ups:
            session.add(FollowUp(project_id=project.id, day=day, kind="visit", actor="测试"))


def plant_history(db: Database, kind, park, nth, history, project=None):
    """Give the `nth` site of `park` exactly this status history [(day, status)]; return its code."""
    model = Parcel if kind == "parcel" else Factory
    column = StatusEvent.parcel_id if kind == "parcel" else StatusEvent.factory_id
    with db.write() as session:
        site = session.scalars(
            select(model)
            .where(model.park_id == area_id(session, park), model.deleted_at.is_(None))
            .order_by(model.code)
        ).all()[nth]
        project_id = session.scalar(select(Project.id).where(Project.code == project)) if project else None
        session.execute(delete(StatusEvent).where(column == site.id))
        previous = None
        for day, status in history:
            session.add(
                StatusEvent(
                    at=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC),
                    actor="测试",
                    from_status=previous,
                    to_status=status,
                    project_id=project_id,
                    **{f"{kind}_id": site.id},
                )
            )
            previous = status
        site.status, site.reserved_project_id = previous, project_id
        return site.code
