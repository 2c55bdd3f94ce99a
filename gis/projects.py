"""Investment projects (招商项目): list, read, create and update, each change kept in the record
history (gis/history.py). Sessions come from the caller."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from gis.errors import DuplicateCode, InvalidInput, NotFound, VersionConflict
from gis.history import record_change, snapshot
from gis.labels import Text
from gis.models import Area, Industry, Project, utcnow

HIDDEN = {"id", "deleted_at"}
EDITABLE = {
    "name", "investor", "industry_code", "investment_total_wan", "fixed_investment_wan",
    "land_min_mu", "land_max_mu", "floor_area_min_m2", "clear_height_min_m", "floor_load_min_kn_m2",
    "crane_min_t", "power_min_kva", "nuisance_class", "needs_waterfront", "preferred_areas",
    "annual_output_wan", "annual_tax_wan", "stage", "stage_since", "signed_on", "agreed_start_on",
    "started_on", "contact", "remarks",
}
STAGES = ("negotiating", "signed", "registered", "landed", "started", "producing")


def _select() -> Any:
    return (select(*[c for c in Project.__table__.c if c.name not in HIDDEN],
                   Industry.name.label("industry_name"))
            .outerjoin(Industry, Industry.code == Project.industry_code))


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


def _validate(session: Session, values: dict[str, Any]) -> None:
    code = values.get("industry_code")
    if code is not None and session.get(Industry, code) is None:
        raise InvalidInput("match.error.unknown_industry", code=code)
    low, high = values.get("land_min_mu"), values.get("land_max_mu")
    if low is not None and high is not None and low > high:
        raise InvalidInput("error.bad_range", field=Text("field.area_mu"), low=low, high=high)
    if values.get("stage") is not None and values["stage"] not in STAGES:
        raise InvalidInput(field=Text("field.stage"), value=values["stage"],
                           reason=[Text(f"project_stage.{s}") for s in STAGES])
    areas = values.get("preferred_areas") or []
    known = set(session.scalars(select(Area.code).where(Area.code.in_(areas))))
    missing = [a for a in areas if a not in known]
    if missing:
        raise InvalidInput("error.unknown_area", code=missing[0])


def _editable(values: dict[str, Any]) -> dict[str, Any]:
    """The fields a project's writer may set; an empty (null) preference list means none."""
    fields = {k: v for k, v in values.items() if k in EDITABLE}
    if "preferred_areas" in fields and fields["preferred_areas"] is None:
        fields["preferred_areas"] = []
    return fields


def create_project(session: Session, values: dict[str, Any], *, actor: str) -> dict[str, Any]:
    """Validate and insert one project; return it as `get_project` does."""
    code = str(values.get("code") or "").strip()
    if not code:
        raise InvalidInput(field=Text("field.code"), value="", reason=Text("project.error.code_required"))
    if session.scalar(select(Project.id).where(Project.code == code)) is not None:
        raise DuplicateCode(code=code)
    fields = _editable(values)
    _validate(session, fields)
    now = utcnow()
    project = Project(code=code, **fields, created_at=now, updated_at=now, updated_by=actor)
    session.add(project)
    session.flush()
    record_change(session, "project", project, "create", {}, snapshot(project), actor)
    return get_project(session, code)


def update_project(session: Session, code: str, changes: dict[str, Any], *, actor: str,
                   expected_version: int | None = None) -> dict[str, Any]:
    """Change some fields of a project (optimistic locking on `version`); return it."""
    project = session.scalar(select(Project).where(Project.code == code, Project.deleted_at.is_(None)))
    if project is None:
        raise NotFound(kind=Text("kind.project"), code=code)
    if expected_version is not None and project.version != expected_version:
        raise VersionConflict(by=project.updated_by, at=project.updated_at.isoformat(timespec="seconds"),
                              current=project.version, given=expected_version)
    fields = _editable(changes)
    merged = {k: getattr(project, k) for k in ("land_min_mu", "land_max_mu")} | fields
    _validate(session, merged)
    before = snapshot(project)
    for key, value in fields.items():
        setattr(project, key, value)
    project.updated_by, project.updated_at = actor, utcnow()
    try:
        session.flush()
    except StaleDataError:
        raise VersionConflict("error.version_conflict_concurrent") from None
    record_change(session, "project", project, "update", before, snapshot(project), actor)
    return get_project(session, code)
