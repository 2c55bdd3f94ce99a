"""Changes to parcels and factories: create, update, delete, restore, status. Every path checks
the role and scope of who is asking, the version they read, and records each field's value
before and after (gis/history.py), so that nothing is overwritten unseen and nothing is lost.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import numpy as np
import shapely
from geoalchemy2.shape import from_shape, to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from gis import bulk
from gis.access import Action, Principal, authorize, authorize_transition, check_scope
from gis.area import ellipsoidal_area_m2
from gis.crs import CGCS2000
from gis.errors import (
    DuplicateCode,
    Forbidden,
    InvalidInput,
    NotFound,
    VersionConflict,
)
from gis.geometry import clean_point, clean_polygon
from gis.history import record_change, snapshot
from gis.labels import Text
from gis.models import Area, Factory, Parcel, Project, StatusEvent, utcnow
from gis.reference import industry_codes, land_use_class
from gis.status import check_transition

Site = Parcel | Factory
MODELS: dict[str, type[Parcel] | type[Factory]] = {"parcel": Parcel, "factory": Factory}

PARCEL_FIELDS = frozenset({
    "name", "cert_area_m2", "land_use", "stock_type", "ownership", "plot_ratio_min", "plot_ratio_max",
    "building_density_min", "height_limit_m", "green_ratio_max", "waterfront", "ready_road",
    "ready_power", "ready_water", "ready_drainage", "ready_telecom", "ready_gas", "ready_heat",
    "ready_leveled", "net_land", "price_wan_per_mu", "idle_since", "contact", "contact_phone", "remarks",
})
FACTORY_FIELDS = frozenset({
    "name", "building_type", "floors", "floor_area_m2", "vacant_area_m2", "clear_height_m",
    "floor_load_kn_m2", "crane_t", "power_kva", "year_built", "owner", "rent_yuan_m2_month",
    "sale_price_wan", "suitable_industries", "contact", "contact_phone", "remarks",
})
EDITABLE = {"parcel": PARCEL_FIELDS, "factory": FACTORY_FIELDS}
GEOMETRY = {"parcel": "geom", "factory": "footprint"}
SYSTEM = frozenset({"id", "code", "version", "area_m2", "created_at", "created_by", "updated_at",
                    "updated_by", "deleted_at", "status_since", "park_id", "town_id"})
WORKFLOW = frozenset({"status", "reserved_project", "reserved_project_id"})
PLACEMENT = frozenset({"park", "town"})
# A new record enters its workflow here; later states are reached through change_status.
INITIAL = {"parcel": ("available", "unavailable"), "factory": ("vacant",)}
STAGE_BY_STATUS = {"signed": "signed", "supplied": "landed", "under_construction": "started",
                   "in_production": "producing", "leased": "landed", "sold": "landed"}


def load(session: Session, kind: str, code: str, *, deleted: bool = False) -> Site:
    """The parcel or factory `code`; deleted records only when asked for."""
    model = MODELS[kind]
    record = cast(Site | None, session.scalar(select(model).where(model.code == code)))
    if record is None:
        raise NotFound(kind=Text(f"kind.{kind}"), code=code)
    if record.deleted_at is not None and not deleted:
        raise NotFound("error.deleted", kind=Text(f"kind.{kind}"), code=code)
    return record


def check_version(record: Site, expected: int | None) -> None:
    """Refuse a change based on a version other than the current one."""
    if expected is not None and record.version != expected:
        raise VersionConflict(by=record.updated_by or "-", current=record.version, given=expected,
                              at=record.updated_at.isoformat(timespec="seconds"))


def check_fields(kind: str, changes: dict[str, Any], who: Principal) -> None:
    """Refuse fields nobody may set this way, and placement fields only admins may set."""
    for name in changes:
        if name in WORKFLOW:
            raise InvalidInput("error.read_only_field", field=name, reason=Text("error.status_via_workflow"))
        if name in PLACEMENT:
            authorize(who, Action.ASSIGN_AREA)
        elif name in SYSTEM or (name not in EDITABLE[kind] and name != "geometry"):
            raise InvalidInput("error.read_only_field", field=name, reason=Text("error.read_only_reason"))


def _placement(session: Session, kind: str, record: Site, changes: dict[str, Any]) -> None:
    """Park and town: named by an admin, otherwise found by containment after a new geometry."""
    if "geometry" in changes and not PLACEMENT & changes.keys():
        point = to_shape(record.location if isinstance(record, Factory) else record.geom)
        if isinstance(record, Parcel):
            point = shapely.point_on_surface(point)
        parks, towns = bulk.locate(session, np.array([point], dtype=object))
        record.park_id, record.town_id = parks[0], towns[0]
    for name in PLACEMENT & changes.keys():
        code = changes[name]
        value = bulk.codes_to_ids(session, Area, [code])[0] if code else None
        setattr(record, f"{name}_id", value)


def _set_geometry(kind: str, record: Site, geometry: shapely.Geometry) -> None:
    if kind == "factory" and shapely.get_type_id(geometry) == 0:
        cast(Factory, record).location = from_shape(clean_point(geometry), srid=CGCS2000)
        return
    geom, _repairs = clean_polygon(geometry)
    if isinstance(record, Parcel):
        record.geom = from_shape(geom, srid=CGCS2000)
        record.area_m2 = float(ellipsoidal_area_m2(geom)[0])
    else:
        record.footprint = from_shape(geom, srid=CGCS2000)
        record.location = from_shape(geom.representative_point(), srid=CGCS2000)


def _validate(session: Session, record: Site) -> None:
    if isinstance(record, Parcel):
        land_use_class(session, record.land_use)
        low, high = record.plot_ratio_min, record.plot_ratio_max
        if low is not None and high is not None and low > high:
            raise InvalidInput("error.bad_range", field=Text("field.plot_ratio_max"), low=low, high=high)
    elif record.vacant_area_m2 > record.floor_area_m2:
        raise InvalidInput("error.bad_range", field=Text("field.vacant_area_m2"),
                           low=record.vacant_area_m2, high=record.floor_area_m2)


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        # Another writer committed between our read and our write (PostgreSQL row lock).
        raise VersionConflict("error.version_conflict_concurrent") from None


def update_site(session: Session, kind: str, code: str, changes: dict[str, Any], *, who: Principal,
                expected_version: int | None) -> Site:
    """Apply attribute (and geometry) changes; keep every changed field's before and after."""
    authorize(who, Action.EDIT_SITE)
    check_fields(kind, changes, who)
    record = load(session, kind, code)
    check_scope(who, code, record.park_id, record.town_id)
    check_version(record, expected_version)
    before = snapshot(record)
    # One UPDATE, one version step: nothing may flush half of the change while we validate.
    with session.no_autoflush:
        for name in EDITABLE[kind] & changes.keys():
            setattr(record, name, changes[name])
        if "geometry" in changes:
            _set_geometry(kind, record, changes["geometry"])
        _placement(session, kind, record, changes)
        check_scope(who, code, record.park_id, record.town_id)
        _validate(session, record)
        record.updated_by, record.updated_at = who.name, utcnow()
    _flush(session)
    record_change(session, kind, record, "update", before, snapshot(record), who.name)
    return record


def create_site(session: Session, kind: str, values: dict[str, Any], geometry: shapely.Geometry, *,
                who: Principal) -> Site:
    """Insert one parcel or factory (geometry in EPSG:4490) after the same checks as an update."""
    authorize(who, Action.EDIT_SITE)
    code = str(values.get("code") or "").strip()
    if not code:
        raise InvalidInput(field=Text("field.code"), value="", reason=Text("error.code_required"))
    check_fields(kind, {k: v for k, v in values.items() if k not in ("code", "status")}, who)
    if session.scalar(select(MODELS[kind].id).where(MODELS[kind].code == code)) is not None:
        raise DuplicateCode(code=code)
    record = _insert(session, kind, {**values, "code": code}, geometry, who)
    check_scope(who, code, record.park_id, record.town_id)
    _validate(session, record)
    record_change(session, kind, record, "create", {}, snapshot(record), who.name)
    return record


def _insert(session: Session, kind: str, values: dict[str, Any], geometry: shapely.Geometry,
            who: Principal) -> Site:
    status = values.get("status") or INITIAL[kind][0]
    if status not in INITIAL[kind]:
        raise InvalidInput(field=Text("field.status"), value=status,
                           reason=[Text(f"{kind}_status.{s}") for s in INITIAL[kind]])
    if kind == "parcel":
        land_use_class(session, str(values.get("land_use", "")))
        geom, _ = clean_polygon(geometry)
        bulk.insert_parcels(session, [{**values, "status": status}], np.array([geom], dtype=object),
                            actor=who.name)
    else:
        point = shapely.get_type_id(geometry) == 0
        footprint = None if point else clean_polygon(geometry)[0]
        location = clean_point(geometry) if point else footprint.representative_point()  # type: ignore[union-attr]
        bulk.insert_factories(session, [{**values, "status": status}],
                              np.array([footprint], dtype=object), np.array([location], dtype=object),
                              actor=who.name)
    return load(session, kind, values["code"])


def delete_site(session: Session, kind: str, code: str, *, who: Principal,
                expected_version: int | None) -> Site:
    """Soft-delete: the record disappears from lists but stays, with its history, for restoring."""
    authorize(who, Action.EDIT_SITE)
    record = load(session, kind, code)
    check_scope(who, code, record.park_id, record.town_id)
    check_version(record, expected_version)
    before = snapshot(record)
    record.deleted_at, record.updated_by, record.updated_at = utcnow(), who.name, utcnow()
    _flush(session)
    record_change(session, kind, record, "delete", before, snapshot(record), who.name)
    return record


def restore_site(session: Session, kind: str, code: str, *, who: Principal) -> Site:
    """Bring back a deleted record (administrators only)."""
    authorize(who, Action.RESTORE)
    record = load(session, kind, code, deleted=True)
    if record.deleted_at is None:
        raise InvalidInput("error.not_deleted", kind=Text(f"kind.{kind}"), code=code)
    before = snapshot(record)
    record.deleted_at, record.updated_by, record.updated_at = None, who.name, utcnow()
    _flush(session)
    record_change(session, kind, record, "restore", before, snapshot(record), who.name)
    return record


def _project(session: Session, code: str | None) -> Project | None:
    if not code:
        return None
    project = session.scalar(select(Project).where(Project.code == code, Project.deleted_at.is_(None)))
    if project is None:
        raise NotFound(kind=Text("kind.project"), code=code)
    return project


def _advance_project(project: Project | None, target: str, today: dt.date) -> None:
    """Signing, supplying and starting on a site are the project's milestones too."""
    if project is None or target not in STAGE_BY_STATUS:
        return
    project.stage, project.stage_since = STAGE_BY_STATUS[target], today
    if target in ("signed", "leased", "sold") and project.signed_on is None:
        project.signed_on = today
    if target == "under_construction" and project.started_on is None:
        project.started_on = today


def change_status(session: Session, kind: str, code: str, target: str, *, who: Principal,
                  project: str | None = None, note: str | None = None,
                  expected_version: int | None = None) -> StatusEvent:
    """Move a site along its workflow, recording who, when, why and for which project."""
    record = load(session, kind, code)
    authorize_transition(who, record.status, target)
    if who.scoped:
        check_scope(who, code, record.park_id, record.town_id)
    check_version(record, expected_version)
    check_transition(kind, code, record.status, target, project=project, note=note)
    chosen = _project(session, project)
    before = snapshot(record)
    event = StatusEvent(at=utcnow(), actor=who.name, from_status=record.status, to_status=target,
                        project_id=chosen.id if chosen else record.reserved_project_id, note=note,
                        **{f"{kind}_id": record.id})
    record.status, record.status_since = target, dt.date.today()
    if chosen is not None:
        record.reserved_project_id = chosen.id
    elif target in ("available", "vacant"):
        record.reserved_project_id = None
    record.updated_by, record.updated_at = who.name, utcnow()
    with session.no_autoflush:
        _advance_project(chosen or record.reserved_project, target, dt.date.today())
    session.add(event)
    _flush(session)
    record_change(session, kind, record, "status", before, snapshot(record), who.name)
    return event


AREA_FIELDS = frozenset({"name", "leading_industries", "remarks"})
AREA_ADMIN_FIELDS = frozenset({"is_priority", "geometry"})


def update_area(session: Session, code: str, changes: dict[str, Any], *, who: Principal,
                expected_stamp: str | None) -> Area:
    """Change a park's, zone's or town's attributes (park managers: only their own areas)."""
    authorize(who, Action.EDIT_AREA)
    area = session.scalar(select(Area).where(Area.code == code))
    if area is None:
        raise NotFound(kind=Text("kind.area"), code=code)
    if who.scoped and area.id not in who.area_ids:
        raise Forbidden("error.out_of_scope", code=code)
    if expected_stamp is not None and expected_stamp != area_stamp(area):
        raise VersionConflict("error.version_conflict_concurrent")
    for name in changes:
        if name in AREA_ADMIN_FIELDS:
            authorize(who, Action.ASSIGN_AREA)
        elif name not in AREA_FIELDS:
            raise InvalidInput("error.read_only_field", field=name, reason=Text("error.read_only_reason"))
    unknown = set(changes.get("leading_industries") or ()) - industry_codes(session)
    if unknown:
        raise InvalidInput("error.unknown_industry", code=sorted(unknown)[0])
    before = snapshot(area)
    with session.no_autoflush:
        for name in (AREA_FIELDS | {"is_priority"}) & changes.keys():
            setattr(area, name, changes[name])
        if "geometry" in changes:
            geom, _ = clean_polygon(changes["geometry"])
            area.geom, area.area_m2 = from_shape(geom, srid=CGCS2000), float(ellipsoidal_area_m2(geom)[0])
        area.updated_at = utcnow()
        after = snapshot(area)
        if after != before:
            area.version += 1
    session.flush()
    record_change(session, "area", area, "update", before, after, who.name)
    return area


STAMP = "%Y%m%d%H%M%S%f"


def area_stamp(area: Area) -> str:
    """Areas carry no version column; their last change time serves as the ETag."""
    return area.updated_at.strftime(STAMP)
