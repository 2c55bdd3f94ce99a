"""The map's context from Landstock's own data: coastline, county outline, roads and waterways
(context_features), with the towns, parks, ports, highway exits and stations the inventory already
holds. Maps draw it, light, when no basemap package is configured; the brochure's map image reads
the features within a box.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gis.errors import InvalidInput
from gis.io import readers
from gis.io.crs import to_cgcs2000
from gis.io.limits import ImportLimits
from gis.labels import Text
from gis.models import Area, ContextFeature, Infrastructure
from gis.spatial import BBox, as_geojson, envelope, index_candidates
from gis.vocabulary import ContextKind

# ~20 m at Qidong: the context is drawn at county and park scale, never measured
CONTEXT_TOLERANCE_DEG = 0.0002
DEFAULT_RANK = 2
LINES = ("LineString", "MultiLineString")
OUTLINES = ("Polygon", "MultiPolygon")
# the geometries each kind takes (a county outline may come as its boundary line)
SHAPES = {
    ContextKind.COASTLINE: LINES,
    ContextKind.COUNTY: OUTLINES + LINES,
    ContextKind.ROAD: LINES,
    ContextKind.RIVER: LINES + OUTLINES,
}


@dataclass(frozen=True)
class ContextItem:
    """One context feature: its kind, name (may be None), rank (1 the most important), geometry."""

    kind: ContextKind
    name: str | None
    rank: int
    geometry: BaseGeometry


def within(
    session: Session, bbox: BBox, kinds: tuple[ContextKind, ...] = tuple(ContextKind)
) -> list[ContextItem]:
    """The context features of `kinds` that meet `bbox` (EPSG:4490), the most important first."""
    dialect = session.get_bind().dialect.name
    rows = session.execute(
        select(
            ContextFeature.kind,
            ContextFeature.name,
            ContextFeature.rank,
            func.ST_AsBinary(ContextFeature.geom),
        )
        .where(
            index_candidates(dialect, ContextFeature, "geom", bbox),
            func.ST_Intersects(ContextFeature.geom, envelope(dialect, bbox)),
            ContextFeature.kind.in_([k.value for k in kinds]),
        )
        .order_by(ContextFeature.rank, ContextFeature.id)
    ).all()
    return [
        ContextItem(ContextKind(kind), name, rank, shapely.from_wkb(bytes(wkb)))
        for kind, name, rank, wkb in rows
    ]


def _feature(layer: str, name: str | None, rank: int, geojson: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"layer": layer, "name": name, "rank": rank},
        "geometry": orjson.loads(geojson),
    }


def layer(session: Session) -> dict[str, Any]:
    """Everything the context layer draws as one FeatureCollection, simplified for county scale:
    context features, towns and parks (outlines; their names at a point inside), and the ports,
    highway exits and stations; each feature's `layer` says what it is."""
    dialect = session.get_bind().dialect.name
    simplify = func.SimplifyPreserveTopology if dialect == "sqlite" else func.ST_SimplifyPreserveTopology
    features = [
        _feature(kind, name, rank, geojson)
        for kind, name, rank, geojson in session.execute(
            select(
                ContextFeature.kind,
                ContextFeature.name,
                ContextFeature.rank,
                as_geojson(dialect, simplify(ContextFeature.geom, CONTEXT_TOLERANCE_DEG)),
            ).order_by(ContextFeature.rank.desc(), ContextFeature.id)
        )
    ]
    areas = session.execute(
        select(Area.kind, Area.name, as_geojson(dialect, func.ST_PointOnSurface(Area.geom))).order_by(
            Area.code
        )
    ).all()
    features += [
        _feature(f"{kind}_name", name, 1 if kind == "town" else 2, point) for kind, name, point in areas
    ]
    points = session.execute(
        select(Infrastructure.kind, Infrastructure.name, as_geojson(dialect, Infrastructure.geom)).order_by(
            Infrastructure.code
        )
    ).all()
    features += [_feature(kind, name, 2, point) for kind, name, point in points]
    return {"type": "FeatureCollection", "features": features}


def _kind(value: object, row: int) -> ContextKind:
    try:
        return ContextKind(str(value).strip().lower())
    except ValueError:
        raise InvalidInput(
            "basemap.context.bad_kind", row=row, value=value, kinds=", ".join(k.value for k in ContextKind)
        ) from None


def _rank(value: object, row: int) -> int:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return DEFAULT_RANK
    try:
        rank = int(float(str(value)))
    except ValueError:
        rank = 0
    if not 1 <= rank <= 9:
        raise InvalidInput("basemap.context.bad_rank", row=row, value=value)
    return rank


def _name(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return str(value).strip()[:100] or None


def read_file(path: Path, limits: ImportLimits) -> list[ContextItem]:
    """The context features of a GeoJSON, GeoPackage or Shapefile (columns `kind`, `name`,
    `rank`), in EPSG:4490; raise `InvalidInput` naming the first row that cannot be drawn."""
    source = readers.read(path, limits)
    if source.geoms is None or "kind" not in source.frame.columns:
        raise InvalidInput("basemap.context.needs_kind", name=path.name)
    geoms = to_cgcs2000(source.geoms, source.crs) if source.crs is not None else source.geoms
    frame = source.frame
    items = []
    for row, geom in enumerate(geoms):
        kind = _kind(frame["kind"].iloc[row], row + 1)
        if geom is None or geom.is_empty or geom.geom_type not in SHAPES[kind]:
            raise InvalidInput("basemap.context.bad_geometry", row=row + 1, kind=Text(f"context_kind.{kind}"))
        name = _name(frame["name"].iloc[row]) if "name" in frame.columns else None
        rank = _rank(frame["rank"].iloc[row], row + 1) if "rank" in frame.columns else DEFAULT_RANK
        items.append(ContextItem(kind, name, rank, geom))
    _inside_region(items, limits.region, path.name)
    return items


def _inside_region(items: list[ContextItem], region: BBox, name: str) -> None:
    x0, y0, x1, y1 = region
    bounds = shapely.bounds(np.array([i.geometry for i in items], dtype=object))
    outside = (bounds[:, 2] < x0) | (bounds[:, 0] > x1) | (bounds[:, 3] < y0) | (bounds[:, 1] > y1)
    if outside.any():
        row = int(np.flatnonzero(outside)[0]) + 1
        raise InvalidInput("basemap.context.outside_region", name=name, row=row)
