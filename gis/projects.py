"""Investment projects (招商项目): list and read. Changes go through the write gateway
(gis/gateway/projects.py). Sessions come from the caller."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, aliased

from gis.errors import NotFound
from gis.labels import Text
from gis.models import Area, Industry, Project, Unit, User

HIDDEN = {"id", "deleted_at", "platform_id", "leader_id", "officer_id", "merged_into_id", "investor_key"}
Leader, Officer = aliased(User, name="leader"), aliased(User, name="officer")


def _select() -> Any:
    return (select(*[c for c in Project.__table__.c if c.name not in HIDDEN],
                   Industry.name.label("industry_name"), Unit.name.label("source_unit_name"),
                   Area.code.label("platform"), Area.name.label("platform_name"),
                   Leader.name.label("leader"), Leader.display_name.label("leader_name"),
                   Officer.name.label("officer"), Officer.display_name.label("officer_name"))
            .outerjoin(Industry, Industry.code == Project.industry_code)
            .outerjoin(Unit, Unit.code == Project.source_unit)
            .outerjoin(Area, Area.id == Project.platform_id)
            .outerjoin(Leader, Leader.id == Project.leader_id)
            .outerjoin(Officer, Officer.id == Project.officer_id))


def list_projects(session: Session, *, stage: tuple[str, ...] = (), industry: str | None = None,
                  search: str | None = None, limit: int = 100, offset: int = 0,
                  visible: ColumnElement[bool] | None = None) -> tuple[list[dict[str, Any]], int]:
    """Projects matching the filters (and `visible`, the reader's condition from gis.access),
    one page in code order, and how many match in all."""
    where: list[ColumnElement[bool]] = [Project.deleted_at.is_(None)]
    if visible is not None:
        where.append(visible)
    if stage:
        where.append(Project.stage.in_(stage))
    if industry:
        where.append(Project.industry_code.startswith(industry))
    if search:
        text = search.strip()
        where.append(or_(Project.code.contains(text, autoescape=True),
                         Project.name.contains(text, autoescape=True),
                         Project.investor.contains(text, autoescape=True)))
    matched = session.scalar(select(func.count()).select_from(Project).where(*where)) or 0
    rows = session.execute(_select().where(*where).order_by(Project.code).limit(limit).offset(offset))
    return [dict(r) for r in rows.mappings()], matched


def get_project(session: Session, code: str, *, visible: ColumnElement[bool] | None = None) -> dict[str, Any]:
    """One project by code; `NotFound` also when it is not `visible` to the reader."""
    statement = _select().where(Project.code == code, Project.deleted_at.is_(None))
    if visible is not None:
        statement = statement.where(visible)
    row = session.execute(statement).mappings().first()
    if row is None:
        raise NotFound(kind=Text("kind.project"), code=code)
    return dict(row)
