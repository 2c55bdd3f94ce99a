"""The park manager's list of their own parcels and factories: text search (code, name, owner),
filters (kind, status, park or town, land-use class, not updated for a year), the order, and one
page of it with each record's shape for the map beside it; or every code and version it selects,
for a bulk change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypedDict

from sqlalchemy import ColumnElement, Select, asc, desc, func, null, or_, select
from sqlalchemy.orm import Session

from gis.errors import InvalidInput
from gis.inventory import land_use_class_filter
from gis.labels import Text
from gis.models import Area, Factory, Parcel, RecordChange, utcnow
from gis.spatial import as_geojson
from gis.vocabulary import SiteKind

STALE_DAYS = 365  # a record no one has touched for a year is worth a look
SORTS = ("code", "size", "status", "updated")
MAX_SELECTED = 1000  # "all filtered" takes at most this many records of each kind


@dataclass(frozen=True)
class WorkspaceQuery:
    """What the workspace's filter form asks for; empty means any."""

    search: str | None = None
    kind: SiteKind | None = None
    status: tuple[str, ...] = ()
    area: str | None = None  # a park, zone or town code
    land_use: str | None = None  # a class: its subclasses match too
    stale: bool = False
    sort: str = "code"  # a name of SORTS, "-" first for descending
    limit: int = 50
    offset: int = 0


class WorkspaceLine(TypedDict):
    """A parcel or factory as the workspace lists it: `size` is a parcel's area or a factory's
    vacant floor area, in m²; `geojson` its outline (a factory's footprint or location)."""

    code: str
    name: str | None
    status: str
    size: float | None
    version: int
    updated_at: dt.datetime
    updated_by: str | None
    park_name: str | None
    land_use: str | None
    geojson: str | None


def _model(kind: SiteKind) -> Any:
    return Parcel if kind == SiteKind.PARCEL else Factory


def _size(kind: SiteKind) -> Any:
    return Parcel.area_m2 if kind == SiteKind.PARCEL else Factory.vacant_area_m2


def check_sort(sort: str) -> str:
    """The order asked for, or `InvalidInput` naming the choices."""
    if sort.lstrip("-") not in SORTS:
        raise InvalidInput(field=Text("field.sort"), value=sort, reason=", ".join(SORTS))
    return sort


def applies(kind: SiteKind, q: WorkspaceQuery) -> bool:
    """Whether records of `kind` can match at all: a kind asked for, a land-use class (parcels')."""
    return (q.kind is None or q.kind == kind) and not (q.land_use and kind == SiteKind.FACTORY)


def _where(
    session: Session, kind: SiteKind, area_ids: frozenset[int] | None, q: WorkspaceQuery
) -> list[ColumnElement[bool]]:
    model = _model(kind)
    where: list[ColumnElement[bool]] = [model.deleted_at.is_(None)]
    if area_ids is not None:
        where.append(or_(model.park_id.in_(area_ids), model.town_id.in_(area_ids)))
    if q.area:
        chosen = session.scalar(select(Area.id).where(Area.code == q.area))
        if chosen is None:
            raise InvalidInput("error.unknown_area", code=q.area)
        where.append(or_(model.park_id == chosen, model.town_id == chosen))
    if q.status:
        where.append(model.status.in_(q.status))
    if q.search and q.search.strip():
        text = q.search.strip()
        owner = Parcel.ownership if kind == SiteKind.PARCEL else Factory.owner
        where.append(
            or_(*(column.icontains(text, autoescape=True) for column in (model.code, model.name, owner)))
        )
    if q.land_use:
        where.append(land_use_class_filter(q.land_use))
    if q.stale:
        where.append(model.updated_at < utcnow() - dt.timedelta(days=STALE_DAYS))
    return where


def _ordered(statement: Select[Any], kind: SiteKind, sort: str) -> Select[Any]:
    model = _model(kind)
    column = {"code": model.code, "size": _size(kind), "status": model.status, "updated": model.updated_at}
    direction = desc if sort.startswith("-") else asc
    return statement.order_by(direction(column[check_sort(sort).lstrip("-")]), asc(model.code))


def lines(
    session: Session, kind: SiteKind, area_ids: frozenset[int] | None, q: WorkspaceQuery
) -> tuple[list[WorkspaceLine], int]:
    """One page of the records of `kind` placed in `area_ids` (all when None) that match `q`,
    and how many match in all."""
    if not applies(kind, q):
        return [], 0
    model = _model(kind)
    where = _where(session, kind, area_ids, q)
    total = session.scalar(select(func.count()).select_from(model).where(*where)) or 0
    dialect = session.get_bind().dialect.name
    shape = model.geom if kind == SiteKind.PARCEL else func.coalesce(model.footprint, model.location)
    statement = (
        select(
            model.code,
            model.name,
            model.status,
            _size(kind).label("size"),
            model.version,
            model.updated_at,
            model.updated_by,
            Area.name.label("park_name"),
            (Parcel.land_use if kind == SiteKind.PARCEL else null()).label("land_use"),
            as_geojson(dialect, shape).label("geojson"),
        )
        .outerjoin(Area, Area.id == model.park_id)
        .where(*where)
    )
    rows = session.execute(_ordered(statement, kind, q.sort).limit(q.limit).offset(q.offset)).mappings()
    return [WorkspaceLine(**r) for r in rows], int(total)  # type: ignore[typeddict-item]


def selected(
    session: Session, kind: SiteKind, area_ids: frozenset[int] | None, q: WorkspaceQuery
) -> list[tuple[str, int]]:
    """The code and version of every record of `kind` that `q` selects (at most MAX_SELECTED)."""
    if not applies(kind, q):
        return []
    model = _model(kind)
    statement = select(model.code, model.version).where(*_where(session, kind, area_ids, q))
    rows = session.execute(_ordered(statement, kind, q.sort).limit(MAX_SELECTED)).all()
    return [(code, int(version)) for code, version in rows]


def areas_in_scope(session: Session, area_ids: frozenset[int] | None) -> list[tuple[str, str]]:
    """(code, name) of the parks, zones and towns a reader may filter by: their own, or all."""
    statement = select(Area.code, Area.name).where(Area.kind.in_(("park", "zone", "town")))
    if area_ids is not None:
        statement = statement.where(Area.id.in_(area_ids))
    return [(code, name) for code, name in session.execute(statement.order_by(Area.kind, Area.code))]


def recent_changes(
    session: Session, area_ids: frozenset[int] | None, *, limit: int = 10
) -> list[tuple[SiteKind, str, RecordChange]]:
    """The latest field changes of the parcels and factories placed in `area_ids` (all when None),
    newest first, each with its record's kind and code."""
    found: list[tuple[SiteKind, str, RecordChange]] = []
    for kind in SiteKind:
        model = _model(kind)
        link = RecordChange.parcel_id if kind == SiteKind.PARCEL else RecordChange.factory_id
        statement = select(model.code, RecordChange).join(model, model.id == link)
        if area_ids is not None:
            statement = statement.where(or_(model.park_id.in_(area_ids), model.town_id.in_(area_ids)))
        rows = session.execute(
            statement.order_by(RecordChange.at.desc(), RecordChange.id.desc()).limit(limit)
        )
        found += [(kind, code, change) for code, change in rows]
    found.sort(key=lambda r: (r[2].at, r[2].id), reverse=True)
    return found[:limit]
