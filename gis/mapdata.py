"""What the web maps and forms read besides the parcel lists: outlines, code lists, one shape."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from gis.models import Area, Industry, LandUseClass, Unit, User
from gis.spatial import as_geojson

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
