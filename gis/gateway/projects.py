"""Investment projects one at a time: create and update (investment staff and administrators),
with the same field limits as every other write, optimistic locking on the version, and every
field's value before and after in the history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from gis.access import Action, Principal, authorize
from gis.errors import DuplicateCode, InvalidInput, NotFound, VersionConflict
from gis.gateway import fields
from gis.history import record_change, snapshot
from gis.labels import Text
from gis.models import Area, Industry, Project, ProjectStageEvent, utcnow
from gis.pipeline.stages import Stage
from gis.projects import get_project

EDITABLE = frozenset({
    "name", "investor", "industry_code", "investment_total_wan", "fixed_investment_wan",
    "land_min_mu", "land_max_mu", "floor_area_min_m2", "clear_height_min_m", "floor_load_min_kn_m2",
    "crane_min_t", "power_min_kva", "nuisance_class", "needs_waterfront", "preferred_areas",
    "annual_output_wan", "annual_tax_wan", "stage", "stage_since", "signed_on", "agreed_start_on",
    "started_on", "contact", "remarks",
})
STAGES = tuple(s.value for s in Stage)


def _validate(session: Session, values: dict[str, Any]) -> None:
    fields.check("project", values)
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
    """The fields a project's writer sets (others are refused); a null preference list is none."""
    unknown = sorted(set(values) - EDITABLE - {"code"})
    if unknown:
        raise InvalidInput("error.read_only_field", field=unknown[0], reason=Text("error.read_only_reason"))
    chosen = {k: v for k, v in values.items() if k in EDITABLE}
    if "preferred_areas" in chosen and chosen["preferred_areas"] is None:
        chosen["preferred_areas"] = []
    return chosen


def create(session: Session, values: dict[str, Any], *, who: Principal) -> dict[str, Any]:
    """Validate and insert one project; return it as `get_project` does."""
    authorize(who, Action.EDIT_PROJECT)
    code = str(values.get("code") or "").strip()
    if not code:
        raise InvalidInput(field=Text("field.code"), value="", reason=Text("project.error.code_required"))
    fields.check_code(code)
    if session.scalar(select(Project.id).where(Project.code == code)) is not None:
        raise DuplicateCode(code=code)
    chosen = _editable(values)
    _validate(session, chosen)
    now = utcnow()
    project = Project(code=code, **chosen, created_at=now, updated_at=now, updated_by=who.name)
    session.add(project)
    session.flush()
    _stage_event(session, project, None, who)
    record_change(session, "project", project, "create", {}, snapshot(project), who.name)
    return get_project(session, code)


def _stage_event(session: Session, project: Project, before: str | None, who: Principal) -> None:
    """The step to the project's stage, dated when it happened (its stage date, else today)."""
    if project.stage != before:
        session.add(ProjectStageEvent(project_id=project.id, day=project.stage_since or dt.date.today(),
                                      actor=who.name, from_stage=before, to_stage=project.stage))


def update(session: Session, code: str, values: dict[str, Any], *, who: Principal,
           expected_version: int | None = None) -> dict[str, Any]:
    """Change some fields of a project (optimistic locking on `version`); return it."""
    authorize(who, Action.EDIT_PROJECT)
    project = session.scalar(select(Project).where(Project.code == code, Project.deleted_at.is_(None))
                             .with_for_update(of=Project))
    if project is None:
        raise NotFound(kind=Text("kind.project"), code=code)
    project = cast(Project, project)
    if expected_version is not None and project.version != expected_version:
        raise VersionConflict(by=project.updated_by, at=project.updated_at.isoformat(timespec="seconds"),
                              current=project.version, given=expected_version)
    chosen = _editable(values)
    _validate(session, {k: getattr(project, k) for k in ("land_min_mu", "land_max_mu")} | chosen)
    before = snapshot(project)
    for key, value in chosen.items():
        setattr(project, key, value)
    project.updated_by, project.updated_at = who.name, utcnow()
    try:
        session.flush()
    except StaleDataError:
        raise VersionConflict("error.version_conflict_concurrent") from None
    _stage_event(session, project, before["stage"], who)
    record_change(session, "project", project, "update", before, snapshot(project), who.name)
    return get_project(session, code)
