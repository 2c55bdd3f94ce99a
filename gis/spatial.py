"""Spatial SQL that uses the spatial index on both databases.

PostGIS plans `ST_Intersects` with its GiST index by itself. SpatiaLite does not: its R-tree
(`idx_<table>_<column>`, maintained by triggers) must be joined explicitly, so every window
query here goes through it before the exact test.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    ColumnElement,
    Float,
    LargeBinary,
    Select,
    and_,
    bindparam,
    column,
    func,
    or_,
    select,
    table,
    union,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.functions import FunctionElement

from gis.crs import CGCS2000
from gis.errors import InvalidInput

BBox = tuple[float, float, float, float]
Edges = tuple[ColumnElement[float], ColumnElement[float], ColumnElement[float], ColumnElement[float]]
GEOJSON_DECIMALS = 7


def parse_bbox(text: str) -> BBox:
    """Parse "min_lon,min_lat,max_lon,max_lat" and check its order and range.

    The six-number form of OGC API – Features (with minimum and maximum height) is accepted too;
    the heights are ignored, as nothing here has one.
    """
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        raise InvalidInput("error.bad_bbox", value=text) from None
    if len(values) == 6:
        values = (values[0], values[1], values[3], values[4])
    if len(values) != 4:
        raise InvalidInput("error.bad_bbox", value=text)
    x0, y0, x1, y1 = values
    if not (-180 <= x0 < x1 <= 180 and -90 <= y0 < y1 <= 90):
        raise InvalidInput("error.bad_bbox", value=text)
    return x0, y0, x1, y1


def envelope(dialect: str, bbox: BBox | Edges) -> ColumnElement[Any]:
    """A rectangle in EPSG:4490 as a SQL geometry expression (edges as numbers or parameters)."""
    x0, y0, x1, y1 = (v if isinstance(v, ColumnElement) else bindparam(None, v, type_=Float) for v in bbox)
    if dialect == "sqlite":
        return func.BuildMbr(x0, y0, x1, y1, CGCS2000, type_=Geometry)
    return func.ST_MakeEnvelope(x0, y0, x1, y1, CGCS2000, type_=Geometry)


def index_candidates(dialect: str, model: Any, geom_column: str, bbox: BBox) -> ColumnElement[bool]:
    """Rows of `model` whose bounding box meets `bbox`, answered by the spatial index."""
    geom = getattr(model, geom_column)
    if dialect != "sqlite":
        overlaps: ColumnElement[bool] = geom.op("&&")(envelope(dialect, bbox))
        return overlaps
    indexed: ColumnElement[bool] = model.id.in_(_rtree_hits(model, geom_column, bbox))
    return indexed


def index_candidates_any(
    dialect: str, model: Any, geom_column: str, bboxes: Sequence[BBox | Edges]
) -> ColumnElement[bool]:
    """Rows of `model` whose bounding box meets any of `bboxes`, answered by the spatial index."""
    if dialect != "sqlite":
        geom = getattr(model, geom_column)
        return or_(*(geom.op("&&")(envelope(dialect, b)) for b in bboxes))
    # one R-tree lookup per window, united: SQLite then probes the table by rowid
    hits = union(*(_rtree_hits(model, geom_column, b) for b in bboxes))
    indexed: ColumnElement[bool] = model.id.in_(hits)
    return indexed


def _rtree_hits(model: Any, geom_column: str, bbox: BBox | Edges) -> Select[Any]:
    """The ids whose box in SpatiaLite's R-tree of `model.geom_column` meets `bbox`."""
    x0, y0, x1, y1 = bbox
    idx = table(
        f"idx_{model.__tablename__}_{geom_column}",
        column("pkid"),
        column("xmin"),
        column("xmax"),
        column("ymin"),
        column("ymax"),
    )
    return select(idx.c.pkid).where(idx.c.xmin <= x1, idx.c.xmax >= x0, idx.c.ymin <= y1, idx.c.ymax >= y0)


class BoxCentre(FunctionElement[float]):
    """The centre of a geometry's bounding box along one axis, read from the box both databases
    keep with the geometry, so nothing is parsed. Deterministic on both, which lets it define a
    generated column (gis/models.py, `Parcel.centre_lon`). Use `BoxCentreX` or `BoxCentreY`: one
    class per axis, so that SQLAlchemy's statement cache tells them apart."""

    type = Float()
    inherit_cache = True
    axis = ""


class BoxCentreX(BoxCentre):
    """The centre of the bounding box along x (longitude)."""

    inherit_cache = True
    axis = "X"


class BoxCentreY(BoxCentre):
    """The centre of the bounding box along y (latitude)."""

    inherit_cache = True
    axis = "Y"


@compiles(BoxCentre, "sqlite")
def _box_centre_spatialite(element: BoxCentre, compiler: Any, **kw: Any) -> str:
    geom, a = compiler.process(element.clauses, **kw), element.axis
    return f"((MbrMin{a}({geom}) + MbrMax{a}({geom})) / 2)"


@compiles(BoxCentre, "postgresql")
def _box_centre_postgis(element: BoxCentre, compiler: Any, **kw: Any) -> str:
    geom, a = compiler.process(element.clauses, **kw), element.axis
    return f"((ST_{a}Min({geom}) + ST_{a}Max({geom})) / 2)"


def intersects_bbox(dialect: str, model: Any, geom_column: str, bbox: BBox) -> ColumnElement[bool]:
    """Rows of `model` whose geometry intersects `bbox`: index prefilter, then the exact test."""
    exact = func.ST_Intersects(getattr(model, geom_column), envelope(dialect, bbox))
    test = exact == 1 if dialect == "sqlite" else exact
    return and_(index_candidates(dialect, model, geom_column, bbox), test)


def holds(dialect: str, name: str, a: Any, b: Any, *, true: bool = True) -> ColumnElement[bool]:
    """The spatial predicate `name` (ST_Intersects, ST_Within, ...) of `a` and `b` as a condition,
    or its negation: SpatiaLite answers 1 or 0 where PostGIS answers a boolean."""
    test: ColumnElement[Any] = getattr(func, name)(a, b)
    if dialect == "sqlite":
        test = test == (1 if true else 0)
    elif not true:
        test = ~test
    condition: ColumnElement[bool] = test
    return condition


def pair_candidates(dialect: str, a: Any, b: Any, geom_column: str) -> ColumnElement[bool]:
    """Rows of `b` (an alias of a table) whose bounding box meets the one of the row of `a`
    (another alias of the same table) they are joined to, answered by the spatial index."""
    mine, theirs = getattr(a, geom_column), getattr(b, geom_column)
    if dialect != "sqlite":
        meets: ColumnElement[bool] = mine.op("&&")(theirs)
        return meets
    edges = (func.MbrMinX(mine), func.MbrMinY(mine), func.MbrMaxX(mine), func.MbrMaxY(mine))
    indexed: ColumnElement[bool] = b.id.in_(_rtree_hits(b, geom_column, edges))
    return indexed


def bounds(dialect: str, geom: Any) -> list[ColumnElement[float]]:
    """Aggregates giving the bounding box (min x, min y, max x, max y) of a geometry column."""
    edges = (
        (func.MbrMinX, func.MbrMinY, func.MbrMaxX, func.MbrMaxY)
        if dialect == "sqlite"
        else (func.ST_XMin, func.ST_YMin, func.ST_XMax, func.ST_YMax)
    )
    return [func.min(edge(geom)) if i < 2 else func.max(edge(geom)) for i, edge in enumerate(edges)]


def as_geojson(dialect: str, expr: Any) -> ColumnElement[str]:
    """GeoJSON text of a geometry, 7 decimals (about 1 cm), computed by the database, its rings
    wound as RFC 7946 asks (exteriors counterclockwise, holes clockwise) whatever was stored."""
    shape = func.ST_ForcePolygonCCW(expr)  # both databases spell it so (SpatiaLite ≥ 5.0)
    if dialect == "sqlite":
        return func.AsGeoJSON(shape, GEOJSON_DECIMALS)
    # options 0: no "crs" member, which RFC 7946 does not allow (PostGIS adds one for non-4326)
    return func.ST_AsGeoJSON(shape, GEOJSON_DECIMALS, 0)


def from_wkb(param: str) -> ColumnElement[Any]:
    """A geometry built from WKB bytes bound as `param`, in EPSG:4490 (for bulk inserts)."""
    wkb: BindParameter[bytes] = bindparam(param, type_=LargeBinary)
    return func.ST_GeomFromWKB(wkb, CGCS2000, type_=Geometry)


def fingerprint(rows: list[tuple[str, str, bytes]]) -> str:
    """What identifies a layer of (code, kind, WKB) rows: any change of one changes it."""
    digest = hashlib.sha256()
    for code, kind, wkb in sorted(rows):
        digest.update(f"{code}\x1f{kind}\x1f".encode() + wkb + b"\x1e")
    return digest.hexdigest()
