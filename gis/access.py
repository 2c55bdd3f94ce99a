"""Who may do what: roles, the actions each allows, and the park/town scope of park managers.

Pure rules, used by every path that changes data (API, web forms, imports), then the rules of
reading: the project pipeline is confidential, personal data is for signed-in users, and a park
manager sees the projects and reservations of their own parks and towns only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, exists, false, func, or_, select, true

from gis.errors import Forbidden
from gis.labels import Text
from gis.models import Area, Factory, Parcel, Project, Unit


class Role(StrEnum):
    """The four kinds of users."""

    ADMIN = "admin"
    INVESTMENT = "investment"
    PARK_MANAGER = "park_manager"
    LEADER = "leader"


class Action(StrEnum):
    """Kinds of change, checked before any write."""

    EDIT_SITE = "edit_site"  # create, update, delete parcels and factories
    CHANGE_STATUS = "change_status"  # any workflow transition
    RESERVE = "reserve"  # reserve a site for a project, or release it
    RESTORE = "restore"  # bring back a deleted record
    ASSIGN_AREA = "assign_area"  # set a record's park or town by hand
    EDIT_AREA = "edit_area"  # change a park's, zone's or town's attributes
    EDIT_PROJECT = "edit_project"  # create and update projects, their steps and follow-ups
    RESOLVE_DUPLICATES = "resolve_duplicates"  # merge duplicate leads, or mark them distinct
    DECIDE_REVIEW = "decide_review"  # enter a joint review's outcome
    IMPORT = "import"  # bulk import into the inventory
    MANAGE_USERS = "manage_users"  # accounts, roles, scopes
    SET_TARGETS = "set_targets"  # the yearly supply targets of parks and towns (gis/trends.py)
    EDIT_RECEPTORS = "edit_receptors"  # the sensitive receptors layer (卫生防护距离)
    EDIT_CONTEXT = "edit_context"  # replace the map's context layer (roads, waterways, coastline)


ALLOWED: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.INVESTMENT: frozenset({Action.RESERVE, Action.EDIT_PROJECT}),
    Role.PARK_MANAGER: frozenset(
        {Action.EDIT_SITE, Action.CHANGE_STATUS, Action.RESERVE, Action.EDIT_AREA, Action.IMPORT}
    ),
    Role.LEADER: frozenset(),
}

# Transitions that only tie a site to a project or release it: what investment staff may do.
RESERVATIONS = {
    ("available", "reserved"),
    ("reserved", "available"),
    ("vacant", "reserved"),
    ("reserved", "vacant"),
}


@dataclass(frozen=True)
class Principal:
    """The signed-in user as the rules see them."""

    id: int
    name: str
    role: Role
    area_ids: frozenset[int] = field(default_factory=frozenset)
    display_name: str | None = None
    area_names: tuple[str, ...] = ()  # the names of `area_ids`, for the page header

    @property
    def scoped(self) -> bool:
        """True when the user may only touch records of their own areas."""
        return self.role == Role.PARK_MANAGER


def operator(name: str) -> Principal:
    """Whoever runs Landstock's command line (or loads the sample) without naming an account: the
    shell already holds the database's rights, so they act as an administrator, under the name they
    give. Id 0 is no account."""
    return Principal(id=0, name=(name.strip() or "operator")[:60], role=Role.ADMIN)


def authorize(who: Principal, action: Action) -> None:
    """Raise `Forbidden` unless `who`'s role allows `action`."""
    if action not in ALLOWED[who.role]:
        raise Forbidden(role=Text(f"role.{who.role.value}"), action=Text(f"action.{action.value}"))


def in_scope(who: Principal, park_id: int | None, town_id: int | None) -> bool:
    """Whether a record placed in this park and town is within `who`'s areas."""
    if not who.scoped:
        return True
    return bool({park_id, town_id} & who.area_ids)


def check_scope(who: Principal, code: str, park_id: int | None, town_id: int | None) -> None:
    """Raise `Forbidden` when a park manager reaches outside their parks and towns."""
    if not in_scope(who, park_id, town_id):
        raise Forbidden("error.out_of_scope", code=code)


def authorize_transition(who: Principal, source: str, target: str) -> None:
    """Investment staff may only reserve and release; park managers and admins may do any step."""
    if not may_transition(who, source, target):
        authorize(who, Action.CHANGE_STATUS)


def may_transition(who: Principal, source: str, target: str) -> bool:
    """Whether `authorize_transition` lets `who` take a record from `source` to `target`."""
    if (source, target) in RESERVATIONS and Action.RESERVE in ALLOWED[who.role]:
        return True
    return Action.CHANGE_STATUS in ALLOWED[who.role]


@dataclass(frozen=True)
class SiteRights:
    """What one reader may do to one parcel or factory, and, when nothing, why (a label key)."""

    edit: bool
    change_status: bool
    reserve: bool
    read_only_because: str | None

    @property
    def any(self) -> bool:
        """Whether any form of the record's page is the reader's to use."""
        return self.edit or self.change_status or self.reserve


def site_rights(who: Principal | None, park_id: int | None, town_id: int | None) -> SiteRights:
    """What `who` may do to a record in this park and town: the pages offer only these forms,
    and say why they offer none (the gateway still checks every write)."""
    if who is None:
        return SiteRights(False, False, False, "web.rights.anonymous")
    if not in_scope(who, park_id, town_id):
        return SiteRights(False, False, False, "web.rights.out_of_scope")
    allowed = ALLOWED[who.role]
    rights = SiteRights(
        edit=Action.EDIT_SITE in allowed,
        change_status=Action.CHANGE_STATUS in allowed,
        reserve=Action.RESERVE in allowed,
        read_only_because=None,
    )
    if not rights.any:
        return SiteRights(False, False, False, f"web.rights.role.{who.role.value}")
    return rights


# Reading. Anonymous readers are `None`.

# Fields of parcels, factories and areas that name or reach people: signed-in readers only.
# ("document": the names of documents attached or removed, as the history lists them)
PERSONAL_FIELDS = frozenset(
    {"contact", "contact_phone", "ownership", "owner", "remarks", "updated_by", "verified_by", "document"}
)
# Fields that say which project a site is reserved for: readers of that site's reservations only.
RESERVATION_FIELDS = frozenset({"reserved_project_id", "reserved_project_code", "reserved_project_name"})


def reads_personal(who: Principal | None) -> bool:
    """Contacts, owners, remarks and account names are shown to signed-in users only."""
    return who is not None


def reads_reservation(who: Principal | None, park_id: int | None, town_id: int | None) -> bool:
    """Whether `who` may see which project a site in this park and town is reserved for."""
    return who is not None and in_scope(who, park_id, town_id)


def reservation_areas(who: Principal | None) -> frozenset[int] | None:
    """The areas whose sites' reservations `who` sees: None for all of them."""
    if who is None:
        return frozenset()
    return who.area_ids if who.scoped else None


def hidden_fields(who: Principal | None, park_id: int | None, town_id: int | None) -> frozenset[str]:
    """The fields of a parcel, factory or area in this park and town that `who` may not read."""
    hidden = frozenset() if reads_personal(who) else PERSONAL_FIELDS
    return hidden if reads_reservation(who, park_id, town_id) else hidden | RESERVATION_FIELDS


def redact(values: Mapping[str, Any], hidden: frozenset[str]) -> dict[str, Any]:
    """`values` with every hidden field present set to None (the field stays, so shapes hold)."""
    return {k: None if k in hidden else v for k, v in values.items()}


def redact_changes(changes: Mapping[str, Any], hidden: frozenset[str]) -> dict[str, Any]:
    """A history entry's {field: [before, after]} without the hidden fields."""
    return {k: v for k, v in changes.items() if k not in hidden}


def reads_projects(who: Principal | None) -> bool:
    """Whether `who` may read any project at all (every signed-in role may read some)."""
    return who is not None


# The pipeline's reports (the weekly summary, the parks' and towns' scorecard) compare units,
# parks and towns with each other across the whole pipeline: the bureau's, its leaders' and its
# administrators' to read. A park manager is refused them rather than shown a cut: their own
# row's rank would say how the other parks did, and their projects are on the project pages.
REPORT_READERS = frozenset({Role.ADMIN, Role.INVESTMENT, Role.LEADER})


def check_reports(who: Principal) -> None:
    """Raise `Forbidden` unless `who` may read the pipeline's reports."""
    if who.role not in REPORT_READERS:
        raise Forbidden(role=Text(f"role.{who.role.value}"), action=Text("action.read_reports"))


def reads_reports(who: Principal | None) -> bool:
    """Whether `who` may read the pipeline's reports (for the navigation)."""
    return who is not None and who.role in REPORT_READERS


def readable_projects(who: Principal | None, dialect: str) -> ColumnElement[bool]:
    """A condition on `Project` rows: the projects `who` may read.

    Investment staff, leaders and administrators read every project; a park manager those tied
    to their parks and towns (one of them its platform, or the area of the unit that brought it;
    reserved on a parcel or factory there; or preferring one of them); anonymous readers none."""
    if who is None:
        return false()
    if not who.scoped:
        return true()
    ids = sorted(who.area_ids)
    return or_(_placed_in(ids), _reserved_in(Parcel, ids), _reserved_in(Factory, ids), _prefers(ids, dialect))


def _placed_in(ids: list[int]) -> ColumnElement[bool]:
    # the platform responsible for the project, or the park or town whose unit brought the lead
    units = select(Unit.code).join(Area, Area.code == Unit.area_code).where(Area.id.in_(ids))
    return or_(Project.platform_id.in_(ids), Project.source_unit.in_(units))


def _reserved_in(model: type[Parcel] | type[Factory], ids: list[int]) -> ColumnElement[bool]:
    return exists().where(
        model.reserved_project_id == Project.id,
        model.deleted_at.is_(None),
        or_(model.park_id.in_(ids), model.town_id.in_(ids)),
    )


def _prefers(ids: list[int], dialect: str) -> ColumnElement[bool]:
    # preferred_areas is a JSON list of area codes: each database spells "its elements" its own way
    spread = func.json_array_elements_text if dialect == "postgresql" else func.json_each
    elements = spread(Project.preferred_areas).table_valued("value")
    codes = select(Area.code).where(Area.id.in_(ids))
    return exists(select(elements.c.value).where(elements.c.value.in_(codes)))
