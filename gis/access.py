"""Who may do what: roles, the actions each allows, and the park/town scope of park managers.

Pure rules, used by every path that changes data (API, web forms, imports). Reading is open to
every signed-in role; the table below is about changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from gis.errors import Forbidden
from gis.labels import Text


class Role(StrEnum):
    """The four kinds of users."""

    ADMIN = "admin"
    INVESTMENT = "investment"
    PARK_MANAGER = "park_manager"
    LEADER = "leader"


class Action(StrEnum):
    """Kinds of change, checked before any write."""

    EDIT_SITE = "edit_site"            # create, update, delete parcels and factories
    CHANGE_STATUS = "change_status"    # any workflow transition
    RESERVE = "reserve"                # reserve a site for a project, or release it
    RESTORE = "restore"                # bring back a deleted record
    ASSIGN_AREA = "assign_area"        # set a record's park or town by hand
    EDIT_AREA = "edit_area"            # change a park's, zone's or town's attributes
    EDIT_PROJECT = "edit_project"      # create and update projects
    IMPORT = "import"                  # bulk import into the inventory
    MANAGE_USERS = "manage_users"      # accounts, roles, scopes


ALLOWED: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.INVESTMENT: frozenset({Action.RESERVE, Action.EDIT_PROJECT}),
    Role.PARK_MANAGER: frozenset({Action.EDIT_SITE, Action.CHANGE_STATUS, Action.RESERVE,
                                  Action.EDIT_AREA, Action.IMPORT}),
    Role.LEADER: frozenset(),
}

# Transitions that only tie a site to a project or release it: what investment staff may do.
RESERVATIONS = {("available", "reserved"), ("reserved", "available"),
                ("vacant", "reserved"), ("reserved", "vacant")}


@dataclass(frozen=True)
class Principal:
    """The signed-in user as the rules see them."""

    id: int
    name: str
    role: Role
    area_ids: frozenset[int] = field(default_factory=frozenset)
    display_name: str | None = None

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
    if (source, target) in RESERVATIONS and Action.RESERVE in ALLOWED[who.role]:
        return
    authorize(who, Action.CHANGE_STATUS)
