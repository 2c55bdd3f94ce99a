"""Where a record lies, decided from its geometry: the park (or zone) and town that hold it, and
how much of it lies within a park manager's own areas. A label in a file or a request never
decides where a record is; only an administrator may name a park or town by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gis import bulk
from gis.models import Area

# A record belongs to the areas that hold most of it: a park manager may write an outline only
# when more than half of it lies within their own parks and towns (parcels cut across town lines
# keep their town; an outline drawn mostly over a neighbour's park does not pass).
SCOPE_SHARE = 0.5


@dataclass(frozen=True)
class Places:
    """For each geometry: the park or zone and the town holding its representative point."""

    parks: list[int | None]
    towns: list[int | None]


def anchors(shapes: np.ndarray) -> np.ndarray:
    """The point that places each shape: a point itself, a point on a polygon's surface."""
    present = np.array([s is not None for s in shapes], dtype=bool)
    out = np.full(len(shapes), None, dtype=object)
    if present.any():
        out[present] = shapely.point_on_surface(shapes[present])
    return out


def locate(session: Session, shapes: np.ndarray) -> Places:
    """The park and town of each shape (None where the shape is None or lies outside every area)."""
    points = anchors(shapes)
    present = np.array([p is not None for p in points], dtype=bool)
    parks: list[int | None] = [None] * len(shapes)
    towns: list[int | None] = [None] * len(shapes)
    if present.any():
        found_parks, found_towns = bulk.locate(session, points[present])
        for j, i in enumerate(np.flatnonzero(present).tolist()):
            parks[i], towns[i] = found_parks[j], found_towns[j]
    return Places(parks, towns)


def territory(session: Session, area_ids: frozenset[int]) -> shapely.Geometry | None:
    """The union of the outlines of `area_ids` (None when there are none)."""
    if not area_ids:
        return None
    rows = session.scalars(select(func.ST_AsBinary(Area.geom)).where(Area.id.in_(sorted(area_ids)))).all()
    return shapely.union_all(shapely.from_wkb([bytes(w) for w in rows])) if rows else None


def shares_within(shapes: np.ndarray, region: shapely.Geometry | None) -> np.ndarray:
    """The share of each shape inside `region`: of its area for polygons, 1 or 0 for points
    (NaN where the shape is None)."""
    out = np.full(len(shapes), np.nan)
    present = np.array([s is not None for s in shapes], dtype=bool)
    if not present.any():
        return out
    given = shapes[present]
    if region is None:
        out[present] = 0.0
        return out
    shapely.prepare(region)
    polygonal = shapely.area(given) > 0
    inside = np.where(shapely.covers(region, given), 1.0, 0.0)
    if polygonal.any():
        # a ratio of areas in degrees: both areas are of the same small place, so the scale cancels
        parts = shapely.area(shapely.intersection(given[polygonal], region)) / shapely.area(given[polygonal])
        inside[polygonal] = parts
    out[present] = inside
    return out
