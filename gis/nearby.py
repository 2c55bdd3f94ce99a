"""The parcels and factories around a point (a phone's position), nearest first, with the distance
in metres: a parcel's from its outline (0 inside it), a factory's from its location.

The spatial index picks the records whose box meets the square of `within_m` around the point;
their geometries are measured in metres on the plane tangent at the point (gis/crs.py
`metres_per_degree`: under 0.3 % from the Gauss-Krüger distance within 150 km), all at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gis.crs import metres_per_degree
from gis.inventory import place_columns, with_places
from gis.models import Factory, Parcel
from gis.spatial import intersects_bbox
from gis.vocabulary import SiteKind

URLS = {SiteKind.PARCEL: "/parcels/{code}", SiteKind.FACTORY: "/factories/{code}"}


@dataclass(frozen=True)
class Nearby:
    """A live parcel or factory near the point, and how far."""

    kind: SiteKind
    code: str
    name: str | None
    status: str
    park_name: str | None
    town_name: str | None
    distance_m: float

    @property
    def url(self) -> str:
        """The record's page."""
        return URLS[self.kind].format(code=self.code)


def _rows(session: Session, kind: SiteKind, box: tuple[float, float, float, float]) -> list[Any]:
    model: Any = Parcel if kind == SiteKind.PARCEL else Factory
    column = "geom" if kind == SiteKind.PARCEL else "location"
    dialect = session.get_bind().dialect.name
    shape = getattr(model, column)
    statement = with_places(
        select(model.code, model.name, model.status, *place_columns()[1::2], func.ST_AsBinary(shape)), model
    ).where(model.deleted_at.is_(None), intersects_bbox(dialect, model, column, box))
    return list(session.execute(statement).all())


def near(session: Session, lon: float, lat: float, within_m: float, limit: int) -> list[Nearby]:
    """The live parcels and factories within `within_m` metres of (lon, lat), nearest first (then
    by code), at most `limit`."""
    per_lon, per_lat = metres_per_degree(lat)
    dx, dy = within_m / per_lon, within_m / per_lat
    box = (lon - dx, lat - dy, lon + dx, lat + dy)
    found: list[Nearby] = []
    for kind in (SiteKind.PARCEL, SiteKind.FACTORY):
        rows = _rows(session, kind, box)
        if not rows:
            continue
        shapes = shapely.from_wkb([bytes(r[-1]) for r in rows])
        local = shapely.transform(shapes, lambda xy: (xy - (lon, lat)) * (per_lon, per_lat))
        distances = shapely.distance(shapely.Point(0, 0), local)
        found += [
            Nearby(kind, code, name, status, park, town, round(float(d), 1))
            for (code, name, status, park, town, _wkb), d in zip(rows, distances, strict=True)
            if d <= within_m
        ]
    return sorted(found, key=lambda n: (n.distance_m, n.code))[:limit]
