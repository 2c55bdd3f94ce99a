"""Investment projects one at a time: enter a lead (or a project as it stands), change its facts,
merge a duplicate, with the same field limits as every other write, optimistic locking on the
version and every change in the history. Investment staff and administrators only; a project's
stage moves by steps (gis/gateway/stages.py), never by editing the field.

Entering a project checks whether another active project has the same investor (credit code,
or the name under its variants): both are then marked as possible duplicates for the bureau to
resolve, and the answer names them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from gis import localtime
from gis.access import Action, Principal, Role, authorize
from gis.errors import DuplicateCode, InvalidInput, NotFound, VersionConflict
from gis.gateway import fields
from gis.history import record_change, snapshot
from gis.labels import Text
from gis.models import Area, Industry, Project, ProjectStageEvent, Unit, User, utcnow
from gis.pipeline import duplicates
from gis.pipeline.identity import check_credit_code, name_key
from gis.pipeline.stages import FORWARD, Stage
from gis.projects import get_project
from gis.rows import EnteredProjectRow


class ProjectType(StrEnum):
    """What kind of project (项目类型)."""

    MANUFACTURING = "manufacturing"  # 制造业
    PRODUCER_SERVICES = "producer_services"  # 生产性服务业
    OTHER = "other"


class InvestorCategory(StrEnum):
    """Who the investor is (投资方类别)."""

    GLOBAL_500 = "global_500"  # 世界500强
    CHINA_500 = "china_500"  # 中国500强
    PRIVATE_500 = "private_500"  # 民企500强
    LISTED = "listed"  # 上市公司
    LEADER = "industry_leader"  # 行业龙头
    CHAMPION = "hidden_champion"  # 隐形冠军
    OTHER = "other"


# The figures of a project's investment and returns, and of what it needs, in the order forms show them
INVESTMENT_FIGURES = (
    "investment_total_wan",
    "fixed_investment_wan",
    "foreign_investment_wusd",
    "annual_output_wan",
    "annual_tax_wan",
)
NEED_FIGURES = (
    "land_min_mu",
    "land_max_mu",
    "floor_area_min_m2",
    "clear_height_min_m",
    "floor_load_min_kn_m2",
    "crane_min_t",
    "power_min_kva",
)
# who invests in what: the facts a project is first entered with
PROJECT_IDENTITY = ("name", "investor", "credit_code", "investor_category", "project_type", "industry_code")
EDITABLE = frozenset(
    {
        *PROJECT_IDENTITY,
        *INVESTMENT_FIGURES,
        *NEED_FIGURES,
        "nuisance_class",
        "needs_waterfront",
        "preferred_areas",
        "agreed_start_on",
        "contact",
        "remarks",
    }
)
# Named by code or name: stored as a reference
REFERENCES = frozenset({"source_unit", "platform", "leader", "officer"})
# Only when a project is entered as it already stands (a ledger); later by steps only
ENTRY = frozenset({"stage", "stage_since", "signed_on", "started_on"})
CHOICES: dict[str, type[StrEnum]] = {"project_type": ProjectType, "investor_category": InvestorCategory}


def _choose(values: dict[str, Any], entering: bool) -> dict[str, Any]:
    """The fields a writer sets (others are refused with a reason); a null preference list is none."""
    allowed = EDITABLE | REFERENCES | (ENTRY if entering else frozenset())
    for name in values:
        if name in ENTRY and not entering:
            raise InvalidInput("error.read_only_field", field=name, reason=Text("pipeline.stage_by_step"))
        if name not in allowed and name != "code":
            raise InvalidInput("error.read_only_field", field=name, reason=Text("error.read_only_reason"))
    chosen = {k: v for k, v in values.items() if k in allowed}
    if "preferred_areas" in chosen and chosen["preferred_areas"] is None:
        chosen["preferred_areas"] = []
    if chosen.get("credit_code"):
        checked = check_credit_code(str(chosen["credit_code"]))
        if not checked.valid:
            raise InvalidInput(str(checked.problem))
        chosen["credit_code"] = checked.code
    return chosen


def _validate(session: Session, values: dict[str, Any]) -> None:
    fields.check("project", {k: v for k, v in values.items() if k not in REFERENCES})
    for name, choice in CHOICES.items():
        if values.get(name) is not None and values[name] not in {c.value for c in choice}:
            raise InvalidInput.not_a_choice(name, str(values[name]), name, choice)
    code = values.get("industry_code")
    if code is not None and session.get(Industry, code) is None:
        raise InvalidInput("match.error.unknown_industry", code=code)
    low, high = values.get("land_min_mu"), values.get("land_max_mu")
    if low is not None and high is not None and low > high:
        raise InvalidInput("error.bad_range", field=Text("field.area_mu"), low=low, high=high)
    areas = values.get("preferred_areas") or []
    known = set(session.scalars(select(Area.code).where(Area.code.in_(areas))))
    missing = [a for a in areas if a not in known]
    if missing:
        raise InvalidInput("error.unknown_area", code=missing[0])


def _entry(values: dict[str, Any]) -> None:
    """A project entered as it stands: a stage of the forward path, dated no later than today."""
    stage = values.get("stage", Stage.LEAD.value)
    if stage not in {s.value for s in FORWARD}:
        raise InvalidInput.not_a_choice("stage", str(stage), "project_stage", FORWARD)
    today = localtime.today()
    for name in ("stage_since", "signed_on", "started_on"):
        day = values.get(name)
        if day is not None and day > today:
            raise InvalidInput("pipeline.stage.date", on=day.isoformat(), today=today.isoformat(), last="-")


def _user(session: Session, name: str | None, roles: tuple[Role, ...], field: str) -> int | None:
    if not name:
        return None
    user = session.scalar(select(User).where(User.name == name, User.active.is_(True)))
    if user is None or Role(user.role) not in roles:
        raise InvalidInput(
            "pipeline.person",
            field=Text(f"field.{field}"),
            name=name,
            roles=[Text(f"role.{r.value}") for r in roles],
        )
    return int(user.id)


def _references(session: Session, project: Project, values: dict[str, Any]) -> None:
    """Set the unit, platform, linked leader and officer the writer names."""
    if "source_unit" in values:
        unit = values["source_unit"]
        if unit and session.get(Unit, unit) is None:
            raise InvalidInput("pipeline.unknown_unit", code=unit)
        project.source_unit = unit or None
    if "platform" in values:
        platform = values["platform"]
        found = session.scalar(select(Area.id).where(Area.code == platform)) if platform else None
        if platform and found is None:
            raise InvalidInput("error.unknown_area", code=platform)
        project.platform_id = found
    if "leader" in values:
        project.leader_id = _user(session, values["leader"], (Role.LEADER,), "leader")
    if "officer" in values:
        project.officer_id = _user(session, values["officer"], (Role.INVESTMENT, Role.ADMIN), "officer")


def _identity(project: Project, values: dict[str, Any]) -> None:
    """The credit code (checked by `_choose`, in its one form) and the investor's name key."""
    if "credit_code" in values:
        project.credit_code = values["credit_code"] or None
    if "investor" in values:
        project.investor_key = name_key(project.investor) if project.investor else None


def _assign(session: Session, project: Project, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if key not in REFERENCES and key != "credit_code":
            setattr(project, key, value)
    _references(session, project, values)
    _identity(project, values)


def create(session: Session, values: dict[str, Any], *, who: Principal) -> EnteredProjectRow:
    """Enter a project (a lead, or as it stands); return it as `get_project` does, with the
    possible duplicates it was marked with."""
    authorize(who, Action.EDIT_PROJECT)
    code = str(values.get("code") or "").strip()
    if not code:
        raise InvalidInput(field=Text("field.code"), value="", reason=Text("project.error.code_required"))
    fields.check_code(code)
    if session.scalar(select(Project.id).where(Project.code == code)) is not None:
        raise DuplicateCode(code=code)
    chosen = _choose(values, entering=True)
    _validate(session, chosen)
    _entry(chosen)
    now = utcnow()
    project = Project(code=code, stage=Stage.LEAD.value, created_at=now, updated_at=now, updated_by=who.name)
    _assign(session, project, chosen)
    session.add(project)
    session.flush()
    session.add(
        ProjectStageEvent(
            project_id=project.id,
            day=project.stage_since or localtime.today(),
            actor=who.name,
            from_stage=None,
            to_stage=project.stage,
        )
    )
    record_change(session, "project", project, "create", {}, snapshot(project), who.name)
    found = duplicates.mark(session, project, who)
    return {**get_project(session, code), "possible_duplicates": found}


def update(
    session: Session,
    code: str,
    values: dict[str, Any],
    *,
    who: Principal,
    expected_version: int | None = None,
) -> EnteredProjectRow:
    """Change some facts of a project (optimistic locking on `version`); return it."""
    authorize(who, Action.EDIT_PROJECT)
    project = session.scalar(
        select(Project).where(Project.code == code, Project.deleted_at.is_(None)).with_for_update(of=Project)
    )
    if project is None:
        raise NotFound(kind=Text("kind.project"), code=code)
    if expected_version is not None and project.version != expected_version:
        raise VersionConflict(
            by=project.updated_by,
            at=project.updated_at.isoformat(timespec="seconds"),
            current=project.version,
            given=expected_version,
        )
    chosen = _choose(values, entering=False)
    _validate(session, {k: getattr(project, k) for k in ("land_min_mu", "land_max_mu")} | chosen)
    before = snapshot(project)
    _assign(session, project, chosen)
    project.updated_by, project.updated_at = who.name, utcnow()
    try:
        session.flush()
    except StaleDataError:
        raise VersionConflict("error.version_conflict_concurrent") from None
    record_change(session, "project", project, "update", before, snapshot(project), who.name)
    found = duplicates.mark(session, project, who) if {"investor", "credit_code"} & chosen.keys() else []
    return {**get_project(session, code), "possible_duplicates": found}


# What a new project needs from a file, as the API's and the form's new project does
REQUIRED = ("name", "industry_code")


def _same(name: str, given: Any, stored: Any) -> bool:
    """Whether a file's value is what is stored (a credit code in its one form, a list as a set
    of codes, a blank reference as none)."""
    if name == "credit_code" and given:
        given = check_credit_code(str(given)).code
    if name == "preferred_areas":
        return sorted(given or []) == sorted(stored or [])
    if isinstance(given, float) and isinstance(stored, int | float):
        return abs(given - stored) <= 1e-9 * max(1.0, abs(stored))
    return bool(given == stored) or (given in (None, "") and stored in (None, ""))


def put(session: Session, values: dict[str, Any], *, who: Principal) -> tuple[str, list[dict[str, Any]]]:
    """One row of a project file: a new code enters the project (`create`), a known one changes
    the facts the row gives that differ (`update`), and a row that would store what is stored
    writes nothing. Returns what was done (insert, update or unchanged) and the possible
    duplicates the project was marked with. The stage and the entry dates of a known project
    move by steps only: a row may repeat them, not change them."""
    authorize(who, Action.EDIT_PROJECT)
    code = str(values["code"])
    stored = session.scalar(select(Project.deleted_at.is_(None)).where(Project.code == code))
    if stored is None:
        missing = [name for name in REQUIRED if values.get(name) in (None, "")]
        if missing:
            raise InvalidInput("import.required", field=Text(f"field.{missing[0]}"))
        return "insert", create(session, values, who=who)["possible_duplicates"]
    if not stored:
        raise NotFound(kind=Text("kind.project"), code=code)
    current = get_project(session, code)
    changed = {k: v for k, v in values.items() if k != "code" and not _same(k, v, current.get(k))}
    if not changed:
        return "unchanged", []
    return "update", update(session, code, changed, who=who)["possible_duplicates"]
