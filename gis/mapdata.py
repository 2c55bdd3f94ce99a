"""What the web maps and forms read besides the parcel lists: outlines, code lists, one shape."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gis.models import Area, LandUseClass
from gis.spatial import as_geojson

# ~50 m at Qidong: outlines are drawn at county scale, never measured
OUTLINE_TOLERANCE_DEG = 0.0005


def area_outlines(session: Session, kind: str) -> dict[str, Any]:
    """Parks (with zones) or towns as a small GeoJSON FeatureCollection of simplified outlines."""
    dialect = session.get_bind().dialect.name
    simplify = func.SimplifyPreserveTopology if dialect == "sqlite" else func.ST_SimplifyPreserveTopology
    kinds = ("park", "zone") if kind == "park" else (kind,)
    rows = session.execute(
        select(Area.code, Area.name, Area.kind, Area.is_priority,
               as_geojson(dialect, simplify(Area.geom, OUTLINE_TOLERANCE_DEG)).label("geojson"))
        .where(Area.kind.in_(kinds)).order_by(Area.code)).all()
    features = [{"type": "Feature", "id": code,
                 "properties": {"code": code, "name": name, "kind": k, "is_priority": bool(prio)},
                 "geometry": orjson.loads(geojson)} for code, name, k, prio, geojson in rows]
    return {"type": "FeatureCollection", "features": features}


def land_use_choices(session: Session) -> list[tuple[str, str]]:
    """(code, name) of the land-use classes parcels may have, in code order."""
    return [(code, name) for code, name in
            session.execute(select(LandUseClass.code, LandUseClass.name).order_by(LandUseClass.code))]


def area_choices(session: Session, kind: str) -> list[tuple[str, str]]:
    """(code, name) of the parks and zones, or of the towns."""
    kinds = ("park", "zone") if kind == "park" else (kind,)
    return [(code, name) for code, name in
            session.execute(select(Area.code, Area.name).where(Area.kind.in_(kinds)).order_by(Area.code))]
