"""What the web maps and forms read besides the parcel lists: outlines, code lists, one shape."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

import orjson
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from gis.models import Area, Factory, Industry, LandUseClass, Parcel, Unit, User
from gis.spatial import as_geojson
from gis.vocabulary import SiteKind

# ~50 m at Qidong: outlines are drawn at county scale, never measured
OUTLINE_TOLERANCE_DEG = 0.0005


def area_outlines(session: Session, kind: str) -> dict[str, Any]:
    """Parks (with zones) or towns as a small GeoJSON FeatureCollection of simplified outlines."""
    dialect = session.get_bind().dialect.name
    simplify = func.SimplifyPreserveTopology if dialect == "sqlite" else func.ST_SimplifyPreserveTopology
    kinds = ("park", "zone") if kind == "park" else (kind,)
    rows = session.execute(
        select(
            Area.code,
            Area.name,
            Area.kind,
            Area.is_priority,
            as_geojson(dialect, simplify(Area.geom, OUTLINE_TOLERANCE_DEG)).label("geojson"),
        )
        .where(Area.kind.in_(kinds))
        .order_by(Area.code)
    ).all()
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"code": code, "name": name, "kind": k, "is_priority": bool(prio)},
            "geometry": orjson.loads(geojson),
        }
        for code, name, k, prio, geojson in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def land_use_choices(session: Session) -> list[tuple[str, str]]:
    """(code, name) of the land-use classes parcels may have, in code order."""
    return [
        (code, name)
        for code, name in session.execute(
            select(LandUseClass.code, LandUseClass.name).order_by(LandUseClass.code)
        )
    ]


def area_choices(session: Session, kind: str) -> list[tuple[str, str]]:
    """(code, name) of the parks and zones, or of the towns."""
    kinds = ("park", "zone") if kind == "park" else (kind,)
    return [
        (code, name)
        for code, name in session.execute(
            select(Area.code, Area.name).where(Area.kind.in_(kinds)).order_by(Area.code)
        )
    ]


class SiteLine(TypedDict):
    """A parcel or factory as a workspace list shows it: `size` is a parcel's area or a factory's
    vacant floor area, in m²."""

    code: str
    name: str | None
    status: str
    size: float | None
    version: int
    updated_at: dt.datetime
    updated_by: str | None
    park_name: str | None


def sites_in_areas(
    session: Session, kind: SiteKind, area_ids: frozenset[int] | None, *, limit: int = 50, offset: int = 0
) -> tuple[list[SiteLine], int]:
    """A page of the parcels or factories placed in `area_ids` (all when None), and how many."""
    model: Any = Parcel if kind == SiteKind.PARCEL else Factory
    size = model.area_m2 if kind == SiteKind.PARCEL else model.vacant_area_m2
    where = [model.deleted_at.is_(None)]
    if area_ids is not None:
        where.append(or_(model.park_id.in_(area_ids), model.town_id.in_(area_ids)))
    total = session.scalar(select(func.count()).select_from(model).where(*where)) or 0
    rows = session.execute(
        select(
            model.code,
            model.name,
            model.status,
            size.label("size"),
            model.version,
            model.updated_at,
            model.updated_by,
            Area.name.label("park_name"),
        )
        .outerjoin(Area, Area.id == model.park_id)
        .where(*where)
        .order_by(model.code)
        .limit(limit)
        .offset(offset)
    ).mappings()
    return [SiteLine(**r) for r in rows], int(total)  # type: ignore[typeddict-item]


def industry_choices(session: Session) -> list[tuple[str, str]]:
    """(GB/T 4754-2017 code, name) of the reference industries, in code order."""
    return [
        (code, name)
        for code, name in session.execute(select(Industry.code, Industry.name).order_by(Industry.code))
    ]


def unit_choices(session: Session) -> list[tuple[str, str]]:
    """(code, name) of the units that bring leads, parks and towns first, as the table lists them."""
    order = case({"park": 0, "town": 1, "office": 2}, value=Unit.kind, else_=3)
    rows = session.execute(select(Unit.code, Unit.name).order_by(order, Unit.code))
    return [(code, name) for code, name in rows]


def people_choices(session: Session, roles: tuple[str, ...]) -> list[tuple[str, str]]:
    """(account name, display name) of the active accounts of these roles (linked leaders, officers)."""
    rows = session.execute(
        select(User.name, User.display_name)
        .where(User.role.in_(roles), User.active.is_(True))
        .order_by(User.name)
    )
    return [(name, display or name) for name, display in rows]
