"""Parcels and factories one at a time: create, update, delete, restore and status steps, for the
API, the web forms and the CLI. Each reads its record locked inside the writing transaction,
passes the rule book (gis/gateway/rules.py), writes, and records every field's value before and
after (gis/history.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import numpy as np
import shapely
from geoalchemy2.shape import from_shape
from sqlalchemy import select
from sqlalchemy import update as update_rows
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from gis import bulk, localtime
from gis.access import Principal, readable_projects
from gis.area import ellipsoidal_area_m2
from gis.crs import CGCS2000
from gis.errors import InvalidInput, NotFound, VersionConflict
from gis.gateway import places
from gis.gateway.rules import INITIAL, PLACEMENT, SITE_FIELDS, Act, Change, Stored, check
from gis.geometry import clean_point, clean_polygon
from gis.history import record_change, snapshot
from gis.labels import Text
from gis.models import Area, Factory, Parcel, Project, RecordChange, StatusEvent, utcnow
from gis.reference import land_use_class
from gis.vocabulary import SiteKind

Site = Parcel | Factory
Shape = shapely.Point | shapely.MultiPolygon  # a geometry as stored: a factory's point, or polygons
MODELS: dict[SiteKind, type[Parcel] | type[Factory]] = {SiteKind.PARCEL: Parcel, SiteKind.FACTORY: Factory}


def locked(session: Session, kind: SiteKind, code: str) -> Site | None:
    """The record `code` (deleted or not), locked until the transaction ends; None if there is none."""
    model = MODELS[kind]
    statement = select(model).where(model.code == code).with_for_update(of=model)
    return cast(Site | None, session.scalar(statement))


def stored(record: Site | None) -> Stored | None:
    """What the rules need to know of a stored record."""
    return None if record is None else Stored.of(lambda name: getattr(record, name))


def clean_shape(kind: SiteKind, geometry: shapely.Geometry) -> Shape:
    """The geometry as it will be stored: a repaired MultiPolygon, or a factory's point."""
    if kind == SiteKind.FACTORY and shapely.get_type_id(geometry) == 0:
        return clean_point(geometry)
    return clean_polygon(geometry)[0]


def _where(session: Session, who: Principal, change: Change, shape: shapely.Geometry | None) -> None:
    """Where a new geometry lies, and how much of it within the writer's areas."""
    if shape is None:
        return
    change.geometry = True
    found = places.locate(session, np.array([shape], dtype=object))
    change.place = (found.parks[0], found.towns[0])
    if who.scoped:
        region = places.territory(session, who.area_ids)
        change.share = float(places.shares_within(np.array([shape], dtype=object), region)[0])


def _named(session: Session, values: dict[str, Any]) -> dict[str, tuple[str, int | None]]:
    """The park and town a writer names by code, with their ids (None: no such area)."""
    named = {}
    for name in PLACEMENT:
        if name in values:
            code = values.pop(name)
            found = session.scalar(select(Area.id).where(Area.code == code)) if code else None
            named[name] = (code, found)
    return named


def propose(
    session: Session,
    who: Principal,
    kind: SiteKind,
    code: str,
    act: Act,
    record: Site | None,
    values: dict[str, Any],
    **workflow: Any,
) -> tuple[Change, Shape | None]:
    """The change `values` (geometry included) make to `record`, placed and ready for the rules."""
    values = dict(values)
    geometry = values.pop("geometry", None)
    change = Change(kind, code, act, stored=stored(record), named=_named(session, values), **workflow)
    change.values = values
    shape = clean_shape(kind, geometry) if geometry is not None else None
    _where(session, who, change, shape)
    return change, shape


def _set_shape(record: Site, shape: Shape) -> None:
    if isinstance(record, Factory) and shapely.get_type_id(shape) == 0:
        record.location = from_shape(shape, srid=CGCS2000)
    elif isinstance(record, Parcel):
        record.geom = from_shape(shape, srid=CGCS2000)
        record.area_m2 = float(ellipsoidal_area_m2(shape)[0])
    else:
        record.footprint = from_shape(shape, srid=CGCS2000)
        record.location = from_shape(shape.representative_point(), srid=CGCS2000)


def _place(record: Site, change: Change) -> None:
    """Park and town: as named by an administrator, otherwise where the new geometry lies."""
    if change.place is not None:
        record.park_id, record.town_id = change.place
    for name, (_code, area_id) in change.named.items():
        setattr(record, f"{name}_id", area_id)


def consistent(session: Session, record: Site) -> None:
    """Rules across fields of the record as it will be stored."""
    if isinstance(record, Parcel):
        land_use_class(session, record.land_use)
        low, high = record.plot_ratio_min, record.plot_ratio_max
        if low is not None and high is not None and low > high:
            raise InvalidInput("error.bad_range", field=Text("field.plot_ratio_max"), low=low, high=high)
    elif record.vacant_area_m2 > record.floor_area_m2:
        raise InvalidInput(
            "error.bad_range",
            field=Text("field.vacant_area_m2"),
            low=record.vacant_area_m2,
            high=record.floor_area_m2,
        )


def _touched(record: Site, who: Principal) -> None:
    """Changed by a person, who has just seen the record as it now is: changed and verified."""
    record.updated_by, record.updated_at = who.name, utcnow()
    record.verified_by, record.verified_at = who.name, record.updated_at


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        # another writer committed between our read and our write
        raise VersionConflict("error.version_conflict_concurrent") from None


def _assign(session: Session, record: Site, values: dict[str, Any]) -> None:
    for name in (
        SITE_FIELDS[SiteKind.PARCEL if isinstance(record, Parcel) else SiteKind.FACTORY] & values.keys()
    ):
        if name == "parcel":
            cast(Factory, record).parcel_id = bulk.codes_to_ids(session, Parcel, [values[name]])[0]
        else:
            setattr(record, name, values[name])


def update(
    session: Session,
    kind: SiteKind,
    code: str,
    values: dict[str, Any],
    *,
    who: Principal,
    expected_version: int | None,
) -> Site:
    """Change attributes (and the geometry) of one record; keep every changed field's history."""
    record = locked(session, kind, code)
    change, shape = propose(
        session, who, kind, code, Act.UPDATE, record, values, expected_version=expected_version
    )
    check(who, change)
    record = cast(Site, record)
    before = snapshot(record)
    with session.no_autoflush:  # one UPDATE, one version step
        _assign(session, record, change.values)
        if shape is not None:
            _set_shape(record, shape)
        _place(record, change)
        consistent(session, record)
        _touched(record, who)
    _flush(session)
    record_change(session, kind, record, "update", before, snapshot(record), who.name)
    return record


def create(
    session: Session, kind: SiteKind, values: dict[str, Any], geometry: shapely.Geometry, *, who: Principal
) -> Site:
    """Insert one parcel or factory (geometry in EPSG:4490) after the rules of any write."""
    values = dict(values)
    code = str(values.pop("code", "") or "").strip()
    if not code:
        raise InvalidInput(field=Text("field.code"), value="", reason=Text("error.code_required"))
    status = values.pop("status", None) or INITIAL[kind][0]
    change, shape = propose(
        session,
        who,
        kind,
        code,
        Act.CREATE,
        locked(session, kind, code),
        {**values, "geometry": geometry},
        status=status,
    )
    check(who, change)
    assert shape is not None  # a geometry was given, and cleaned
    row = {**change.values, "code": code, "status": status, **{n: c for n, (c, _) in change.named.items()}}
    _insert(session, kind, row, shape, who)
    record = cast(Site, locked(session, kind, code))
    consistent(session, record)
    record_change(session, kind, record, "create", {}, snapshot(record), who.name)
    return record


def _insert(
    session: Session, kind: SiteKind, row: dict[str, Any], shape: shapely.Geometry, who: Principal
) -> None:
    if kind == SiteKind.PARCEL:
        land_use_class(session, str(row.get("land_use", "")))
        bulk.insert_parcels(session, [row], np.array([shape], dtype=object), actor=who.name)
        return
    point = shapely.get_type_id(shape) == 0
    location = shape if point else shapely.point_on_surface(shape)  # its representative_point()
    bulk.insert_factories(
        session,
        [row],
        np.array([None if point else shape], dtype=object),
        np.array([location], dtype=object),
        actor=who.name,
    )


def delete(
    session: Session, kind: SiteKind, code: str, *, who: Principal, expected_version: int | None
) -> Site:
    """Soft-delete: the record leaves lists and maps but stays, with its history, for restoring."""
    record = locked(session, kind, code)
    check(who, Change(kind, code, Act.DELETE, stored=stored(record), expected_version=expected_version))
    return _mark(session, kind, cast(Site, record), "delete", utcnow(), who)


def restore(session: Session, kind: SiteKind, code: str, *, who: Principal) -> Site:
    """Bring back a deleted record (administrators only)."""
    record = locked(session, kind, code)
    check(who, Change(kind, code, Act.RESTORE, stored=stored(record)))
    return _mark(session, kind, cast(Site, record), "restore", None, who)


def _mark(
    session: Session,
    kind: SiteKind,
    record: Site,
    action: str,
    deleted_at: dt.datetime | None,
    who: Principal,
) -> Site:
    before = snapshot(record)
    record.deleted_at, record.updated_by, record.updated_at = deleted_at, who.name, utcnow()
    _flush(session)
    record_change(session, kind, record, action, before, snapshot(record), who.name)
    return record


def _project(session: Session, code: str | None, who: Principal) -> Project | None:
    """The project a status change names, locked; one the writer may not read is refused as one
    that does not exist (a park manager reserves only for projects tied to their parks)."""
    if not code:
        return None
    readable = readable_projects(who, session.get_bind().dialect.name)
    project = session.scalar(
        select(Project)
        .where(Project.code == code, Project.deleted_at.is_(None), readable)
        .with_for_update(of=Project)
    )
    if project is None:
        raise NotFound(kind=Text("kind.project"), code=code)
    return project


def change_status(
    session: Session,
    kind: SiteKind,
    code: str,
    target: str,
    *,
    who: Principal,
    project: str | None = None,
    note: str | None = None,
    expected_version: int | None = None,
) -> StatusEvent:
    """Move a site one step along its workflow, recording who, when, why and for which project."""
    record = locked(session, kind, code)
    check(
        who,
        Change(
            kind,
            code,
            Act.STATUS,
            stored=stored(record),
            status=target,
            project=project,
            note=note,
            expected_version=expected_version,
        ),
    )
    record = cast(Site, record)
    chosen = _project(session, project, who)
    before = snapshot(record)
    event = StatusEvent(
        at=utcnow(),
        actor=who.name,
        from_status=record.status,
        to_status=target,
        project_id=chosen.id if chosen else record.reserved_project_id,
        note=note,
        **{f"{kind}_id": record.id},
    )
    record.status, record.status_since = target, localtime.today()
    if chosen is not None:
        record.reserved_project_id = chosen.id
    elif target in ("available", "vacant"):
        record.reserved_project_id = None
    _touched(record, who)
    session.add(event)
    _flush(session)
    record_change(session, kind, record, "status", before, snapshot(record), who.name)
    return event


def verify(
    session: Session, kind: SiteKind, code: str, *, who: Principal, expected_version: int | None = None
) -> Site:
    """核实无变化: `who` found the record on site as recorded. Only its verification stamp moves,
    with a history entry; the version, counting changes of what the record says, stays.
    `expected_version`, when given, is the version the verifier saw: a record changed since then
    was not the one they found unchanged."""
    record = locked(session, kind, code)
    check(who, Change(kind, code, Act.VERIFY, stored=stored(record), expected_version=expected_version))
    record = cast(Site, record)
    model, now = MODELS[kind], utcnow()
    before = [_plain_time(record.verified_at), record.verified_by]
    session.execute(
        update_rows(model).where(model.id == record.id).values(verified_at=now, verified_by=who.name),
        execution_options={"synchronize_session": "fetch"},
    )
    entry = RecordChange(
        at=now,
        actor=who.name,
        action="verify",
        changes={"verified_at": [before[0], now.isoformat()], "verified_by": [before[1], who.name]},
        version=record.version,
        **{f"{kind}_id": record.id},
    )
    session.add(entry)
    session.flush()
    return record


def _plain_time(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
