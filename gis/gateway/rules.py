"""The rule book every write obeys, whatever its source (API, web form, import, CLI): who may do
it, where the record is and where it goes, whether it exists, the version the writer read, the
values it sets and the step of the workflow.

Each rule looks at one proposed change (`Change`) and raises what it finds wrong. A single-record
write raises the first problem (`check`); an import reports every problem of every row
(`problems`). Nothing here reads or writes the database: the writers read the stored record
inside their writing transaction, locked, and hand it over as `Stored`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from gis.access import ALLOWED, Action, Principal, Role, authorize, authorize_transition, in_scope
from gis.errors import DuplicateCode, Forbidden, InvalidInput, LandstockError, NotFound, VersionConflict
from gis.gateway import fields
from gis.gateway.places import SCOPE_SHARE
from gis.labels import Text
from gis.models import FACTORY_BUILDING, PARCEL_TERMS
from gis.status import NEEDS_NOTE, NEEDS_PROJECT, FactoryStatus, ParcelStatus, check_transition
from gis.vocabulary import SiteKind

SITE_FIELDS: dict[SiteKind, frozenset[str]] = {
    SiteKind.PARCEL: frozenset(
        {
            "name",
            "cert_area_m2",
            "land_use",
            "stock_type",
            "ownership",
            *PARCEL_TERMS,
            "idle_since",
            "contact",
            "contact_phone",
            "remarks",
        }
    ),
    SiteKind.FACTORY: frozenset(
        {
            "name",
            *FACTORY_BUILDING,
            "suitable_industries",
            "contact",
            "contact_phone",
            "remarks",
            "parcel",
        }
    ),
}
AREA_FIELDS = frozenset({"name", "leading_industries", "remarks"})
AREA_ADMIN_FIELDS = frozenset({"is_priority", "kind", "parent", "cadastral_code"})
EDITABLE: dict[str, frozenset[str]] = {
    **{k.value: v for k, v in SITE_FIELDS.items()},
    "area": AREA_FIELDS | AREA_ADMIN_FIELDS,
}
SYSTEM = frozenset(
    {
        "id",
        "code",
        "version",
        "area_m2",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "deleted_at",
        "status_since",
        "park_id",
        "town_id",
    }
)
WORKFLOW = frozenset({"status", "reserved_project", "reserved_project_id"})
PLACEMENT = ("park", "town")
# A new record enters its workflow here; an administrator may also enter one as it already
# stands further along (a ledger of existing sites), a park manager only at the start.
INITIAL: dict[SiteKind, tuple[str, ...]] = {
    SiteKind.PARCEL: (ParcelStatus.AVAILABLE, ParcelStatus.UNAVAILABLE),
    SiteKind.FACTORY: (FactoryStatus.VACANT,),
}


class Act(StrEnum):
    """What a change does to its record."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    RESTORE = "restore"
    STATUS = "status"
    VERIFY = "verify"  # 核实无变化: the record is as recorded; nothing but its stamp changes


@dataclass(frozen=True)
class Stored:
    """The record as the database holds it, read inside the writing transaction."""

    id: int
    version: int
    updated_by: str | None = None
    updated_at: dt.datetime | None = None
    status: str | None = None
    park_id: int | None = None
    town_id: int | None = None
    deleted: bool = False

    @classmethod
    def of(cls, column: Callable[[str], Any]) -> Stored:
        """The record whose value of each column `column` gives by name (None where it has none)."""
        values = {f.name: column(f.name) for f in dataclasses.fields(cls) if f.name != "deleted"}
        return cls(**values, deleted=column("deleted_at") is not None)


@dataclass
class Change:
    """One proposed change of one parcel, factory or area.

    `place` is where a new geometry lies (park, town), None when the geometry does not change;
    `share` how much of it lies within the writer's own areas (park managers); `named` the park
    and town the writer names by hand (code, id).
    """

    kind: str
    code: str
    act: Act
    stored: Stored | None = None
    values: dict[str, Any] = field(default_factory=dict)
    geometry: bool = False
    place: tuple[int | None, int | None] | None = None
    share: float | None = None
    named: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    status: str | None = None
    project: str | None = None
    note: str | None = None
    expected_version: int | None = None

    @property
    def steps(self) -> bool:
        """Whether the change moves the record to another status."""
        return self.status is not None and (self.stored is None or self.status != self.stored.status)


def _kind(change: Change) -> Text:
    return Text(f"kind.{change.kind}")


def role(who: Principal, change: Change) -> None:
    """The writer's role allows this kind of change."""
    if change.act is Act.RESTORE:
        authorize(who, Action.RESTORE)
    if change.kind == "area":
        # an outline moves every record inside it between managers: administrators only
        admin = change.act is not Act.UPDATE or change.geometry
        authorize(who, Action.ASSIGN_AREA if admin else Action.EDIT_AREA)
        return
    if change.act is Act.VERIFY:  # whoever keeps a site's status keeps it verified
        authorize(who, Action.CHANGE_STATUS)
        return
    touches = change.values or change.geometry or change.named
    if change.act is not Act.STATUS and (touches or change.act is not Act.UPDATE):
        authorize(who, Action.EDIT_SITE)
    if change.steps and change.stored is not None and change.stored.status is not None:
        authorize_transition(who, change.stored.status, str(change.status))


def presence(_who: Principal, change: Change) -> None:
    """A record exists for a change and a delete, is deleted for a restore, is new for a create."""
    stored = change.stored
    if change.act is Act.CREATE:
        fields.check_code(change.code)
        if stored is not None:
            raise DuplicateCode(code=change.code)
    elif stored is None:
        raise NotFound(kind=_kind(change), code=change.code)
    elif change.act is Act.RESTORE:
        if not stored.deleted:
            raise InvalidInput("error.not_deleted", kind=_kind(change), code=change.code)
    elif stored.deleted:
        raise NotFound("error.deleted", kind=_kind(change), code=change.code)


def values(who: Principal, change: Change) -> None:
    """Only fields the writer may set, each with a value its field can hold."""
    for name in change.values:
        if name in WORKFLOW:
            raise InvalidInput("error.read_only_field", field=name, reason=Text("error.status_via_workflow"))
        if name in SYSTEM or name not in EDITABLE[change.kind]:
            raise InvalidInput("error.read_only_field", field=name, reason=Text("error.read_only_reason"))
        if change.kind == "area" and name in AREA_ADMIN_FIELDS and change.act is Act.UPDATE:
            authorize(who, Action.ASSIGN_AREA)
    fields.check(change.kind, change.values)


def placement(who: Principal, change: Change) -> None:
    """A park or town named by hand is an administrator's decision; others' records are placed
    where their geometry lies, and a name that disagrees with it is refused."""
    if not change.named:
        return
    if Action.ASSIGN_AREA in ALLOWED[who.role]:
        for code, area_id in change.named.values():
            if code and area_id is None:
                raise InvalidInput("error.unknown_area", code=code)
        return
    stored = change.stored
    where = change.place or ((stored.park_id, stored.town_id) if stored else (None, None))
    for name, (code, named_id) in change.named.items():
        if named_id != where[PLACEMENT.index(name)]:
            raise Forbidden("gateway.placed_by_location", field=Text(f"field.{name}"), code=code)


def scope(who: Principal, change: Change) -> None:
    """A park manager reaches only records of their own parks and towns, where they are and
    where the change takes them."""
    if not who.scoped:
        return
    stored = change.stored
    if change.kind == "area":
        if stored is not None and stored.id not in who.area_ids:
            raise Forbidden("error.out_of_scope", code=change.code)
        return
    if stored is not None and not in_scope(who, stored.park_id, stored.town_id):
        raise Forbidden("error.out_of_scope", code=change.code)
    if change.place is not None and (
        not in_scope(who, *change.place) or change.share is None or not change.share > SCOPE_SHARE
    ):
        raise Forbidden("gateway.moves_out_of_scope", code=change.code, share=f"{(change.share or 0):.0%}")


def version(_who: Principal, change: Change) -> None:
    """The writer read the version the record is at now."""
    stored, expected = change.stored, change.expected_version
    if stored is not None and expected is not None and stored.version != expected:
        at = stored.updated_at.isoformat(timespec="seconds") if stored.updated_at else "-"
        raise VersionConflict(by=stored.updated_by or "-", current=stored.version, given=expected, at=at)


def workflow(who: Principal, change: Change) -> None:
    """New records start where the workflow starts; a status change is a legal step."""
    if change.kind not in INITIAL:
        return
    kind = SiteKind(change.kind)
    if change.act is Act.CREATE:
        status = change.status or INITIAL[kind][0]
        if status not in INITIAL[kind] and who.role is not Role.ADMIN:
            raise InvalidInput.not_a_choice("status", status, f"{kind}_status", INITIAL[kind])
        if status in NEEDS_PROJECT and not change.project:
            raise InvalidInput("status.needs_project")
        if status in NEEDS_NOTE and not (change.note and change.note.strip()):
            raise InvalidInput("status.needs_note")
    elif change.steps and change.stored is not None and change.stored.status is not None:
        check_transition(
            kind,
            change.code,
            change.stored.status,
            str(change.status),
            project=change.project,
            note=change.note,
        )


Rule = Callable[[Principal, Change], None]
# In the order a writer hears about them; after the first two, the others would be noise.
RULES: tuple[Rule, ...] = (role, presence, values, placement, scope, version, workflow)
DECISIVE = (role, presence)


def problems(who: Principal, change: Change) -> list[LandstockError]:
    """Everything wrong with `change` by `who` (empty when it may be written)."""
    found: list[LandstockError] = []
    for rule in RULES:
        try:
            rule(who, change)
        except LandstockError as error:
            found.append(error)
            if rule in DECISIVE:
                break
    return found


def check(who: Principal, change: Change) -> None:
    """Raise the first thing wrong with `change` by `who`."""
    found = problems(who, change)
    if found:
        raise found[0]
