"""Mapbox vector tiles (MVT) of parcels and factories, so a map never inlines a large layer.

PostGIS builds tiles itself (`ST_AsMVTGeom` + `ST_AsMVT`). SpatiaLite has no MVT encoder: its
rows are picked through the R-tree, then clipped, simplified and encoded here with shapely
array functions and `mapbox_vector_tile`. The same Python path serves tiles shifted to GCJ-02
(for AMap/Gaode basemaps) on both databases: the shift happens at draw time only.

Tiles are in the Web Mercator XYZ scheme (EPSG:3857, 4096 units a side). Stored CGCS2000
coordinates are drawn as WGS84, which they match to well under a metre.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import mapbox_vector_tile
import numpy as np
import shapely
from mapbox_vector_tile.encoder import on_invalid_geometry_make_valid
from sqlalchemy import Float, Integer, Numeric, Select, case, cast, func, literal, select, table
from sqlalchemy import column as sql_column
from sqlalchemy.orm import Session

from gis.area import M2_PER_MU
from gis.crs import CGCS2000, WEB_MERCATOR, cgcs2000_to_gcj02, reproject
from gis.errors import InvalidInput
from gis.inventory import FactoryQuery, ParcelQuery, factory_conditions, parcel_conditions
from gis.models import Area, Factory, Parcel, RecordChange, StatusEvent
from gis.spatial import BBox, index_candidates
from gis.vocabulary import Layer

EXTENT = 4096
BUFFER = 64
MAX_ZOOM = 22
HALF_WORLD = 20037508.342789244
# GCJ-02 moves Qidong ~0.005° east and south; rows are picked from a window this much wider.
GCJ_MARGIN_DEG = 0.01
# A tile whose window holds more parcels than this is drawn as cells (count and 亩 per cell,
# CELLS x CELLS a tile) instead of polygons: at county zoom 10^5 parcels are dots anyway, and a
# browser drawing tens of thousands of polygons per tile stalls.
CELL_THRESHOLD = 3000
CELLS = 16


def tile_bounds(z: int, x: int, y: int) -> BBox:
    """The tile's bounds in Web Mercator metres."""
    if not (0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z):
        raise InvalidInput("error.bad_tile", z=z, x=x, y=y)
    size = 2 * HALF_WORLD / 2**z
    x0, y1 = -HALF_WORLD + x * size, HALF_WORLD - y * size
    return x0, y1 - size, x0 + size, y1


def _lonlat(mx: float, my: float) -> tuple[float, float]:
    lon = mx / HALF_WORLD * 180
    lat = math.degrees(2 * math.atan(math.exp(my / HALF_WORLD * math.pi)) - math.pi / 2)
    return lon, lat


def tiles_over(bbox: BBox, zooms: tuple[int, ...]) -> list[tuple[int, int, int]]:
    """Every (z, x, y) tile that meets a longitude/latitude window, at each zoom."""
    x0, y0, x1, y1 = bbox
    found = []
    for z in zooms:
        n = 2**z

        def column(lon: float, n: int = n) -> int:
            return min(n - 1, max(0, int((lon + 180) / 360 * n)))

        def row(lat: float, n: int = n) -> int:
            return min(n - 1, max(0, int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)))

        found += [(z, x, y) for x in range(column(x0), column(x1) + 1) for y in range(row(y1), row(y0) + 1)]
    return found


def tile_window(z: int, x: int, y: int, margin_deg: float = 0.0) -> BBox:
    """The tile with its buffer, as a longitude/latitude window for the index query."""
    x0, y0, x1, y1 = tile_bounds(z, x, y)
    pad = (x1 - x0) * BUFFER / EXTENT
    lon0, lat0 = _lonlat(x0 - pad, y0 - pad)
    lon1, lat1 = _lonlat(x1 + pad, y1 + pad)
    return (
        max(lon0 - margin_deg, -180),
        max(lat0 - margin_deg, -85.06),
        min(lon1 + margin_deg, 180),
        min(lat1 + margin_deg, 85.06),
    )


def _rounded(expr: Any, digits: int) -> Any:
    # PostgreSQL rounds only numeric; MVT stores doubles
    return cast(func.round(cast(expr, Numeric), digits), Float)


def _site_columns(model: type[Parcel] | type[Factory], *details: Any) -> list[Any]:
    """A feature's properties: the site's key, code, name and status, `details`, its park's name."""
    return [
        *(getattr(model, name).label(name) for name in ("id", "code", "name", "status")),
        *details,
        Area.name.label("park"),
    ]


def _parcel_columns() -> list[Any]:
    return _site_columns(
        Parcel, _rounded(Parcel.area_m2 / M2_PER_MU, 1).label("area_mu"), Parcel.land_use.label("land_use")
    )


def _factory_columns() -> list[Any]:
    return _site_columns(
        Factory,
        _rounded(Factory.vacant_area_m2, 0).label("vacant_m2"),
        _rounded(Factory.floor_area_m2, 0).label("floor_area_m2"),
        Factory.building_type.label("building_type"),
    )


def _rows(session: Session, kind: Layer, q: Any, window: BBox) -> Select[Any]:
    model: type[Parcel] | type[Factory]
    if kind == Layer.PARCELS:
        model, columns, where = Parcel, _parcel_columns(), parcel_conditions(session, replace(q, bbox=window))
    else:
        model, columns, where = (
            Factory,
            _factory_columns(),
            factory_conditions(session, replace(q, bbox=window)),
        )
    return select(*columns).outerjoin(Area, Area.id == model.park_id).where(*where).order_by(model.id)


def _geometry_column(kind: Layer) -> Any:
    return Parcel.geom if kind == Layer.PARCELS else Factory.location


def _postgis_tile(session: Session, kind: Layer, q: Any, z: int, x: int, y: int) -> bytes:
    rows = _rows(session, kind, q, tile_window(z, x, y))
    envelope = func.ST_TileEnvelope(literal(z, Integer), literal(x, Integer), literal(y, Integer))
    geom = func.ST_AsMVTGeom(
        func.ST_Transform(_geometry_column(kind), WEB_MERCATOR), envelope, EXTENT, BUFFER, True
    )
    inner = rows.add_columns(geom.label("geom")).subquery("t")
    tile = select(func.ST_AsMVT(inner.table_valued(), str(kind), EXTENT, "geom", "id")).select_from(inner)
    return bytes(session.scalar(tile) or b"")


def _to_tile_units(geoms: np.ndarray, bounds: BBox) -> np.ndarray:
    x0, y0, x1, y1 = bounds
    scale = EXTENT / (x1 - x0)

    def affine(coords: np.ndarray) -> np.ndarray:
        return np.column_stack([(coords[:, 0] - x0) * scale, (coords[:, 1] - y0) * scale])

    return shapely.transform(geoms, affine)


def _python_tile(session: Session, kind: Layer, q: Any, z: int, x: int, y: int, *, gcj02: bool) -> bytes:
    window = tile_window(z, x, y, GCJ_MARGIN_DEG if gcj02 else 0.0)
    column = _geometry_column(kind)
    statement = _rows(session, kind, q, window).add_columns(func.ST_AsBinary(column).label("wkb"))
    records = [dict(r) for r in session.execute(statement).mappings()]
    if not records:
        return b""
    geoms = shapely.from_wkb([bytes(r.pop("wkb")) for r in records])
    if gcj02:
        geoms = cgcs2000_to_gcj02(geoms)
    local = _to_tile_units(reproject(geoms, CGCS2000, WEB_MERCATOR), tile_bounds(z, x, y))
    local = shapely.clip_by_rect(local, -BUFFER, -BUFFER, EXTENT + BUFFER, EXTENT + BUFFER)
    # MVT wants exterior rings clockwise on screen (y down); these coordinates have y up and the
    # encoder writes them as they are wound. Oriented here for all at once, as PostGIS winds them
    # (tests/db/test_tiles.py compares), instead of feature by feature in the encoder.
    local = shapely.orient_polygons(shapely.simplify(local, 0.5, preserve_topology=True), exterior_cw=True)
    keep = ~shapely.is_empty(local)
    features = [
        {"geometry": geom, "id": rec.pop("id"), "properties": {k: v for k, v in rec.items() if v is not None}}
        for geom, rec, kept in zip(local, records, keep, strict=True)
        if kept
    ]
    if not features:
        return b""
    options = {
        "extents": EXTENT,
        "on_invalid_geometry": on_invalid_geometry_make_valid,
        "check_winding_order": False,
    }
    return bytes(
        mapbox_vector_tile.encode([{"name": str(kind), "features": features}], default_options=options)
    )


def _conditions(session: Session, kind: Layer, q: Any, window: BBox | None) -> list[Any]:
    conditions = parcel_conditions if kind == Layer.PARCELS else factory_conditions
    return conditions(session, replace(q, bbox=window))


def _cell_rows(session: Session, kind: Layer, q: Any, window: BBox) -> list[Any]:
    """Records per cell of a CELLS x CELLS grid over `window`: count, size, free size, centre.

    Bounding boxes only (the spatial index's own on SpatiaLite, the stored box centre of a
    parcel and the point of a factory on PostGIS): no polygon is read, so this is cheap enough
    to run first and decide between cells and polygons.
    """
    model: Any = Parcel if kind == Layer.PARCELS else Factory
    column = "geom" if kind == Layer.PARCELS else "location"
    x0, y0, x1, y1 = window
    where = [*_conditions(session, kind, q, None)]
    cx: Any
    cy: Any
    if session.get_bind().dialect.name == "sqlite":
        idx = table(
            f"idx_{model.__tablename__}_{column}",
            sql_column("pkid"),
            sql_column("xmin"),
            sql_column("xmax"),
            sql_column("ymin"),
            sql_column("ymax"),
        )
        cx, cy = (idx.c.xmin + idx.c.xmax) / 2, (idx.c.ymin + idx.c.ymax) / 2
        source: Any = (
            select(model)
            .join(idx, idx.c.pkid == model.id)
            .where(idx.c.xmin <= x1, idx.c.xmax >= x0, idx.c.ymin <= y1, idx.c.ymax >= y0)
        )
    else:
        geom = getattr(model, column)
        if model is Parcel:  # the stored box centre: no geometry is read (nor detoasted)
            cx, cy = Parcel.centre_lon, Parcel.centre_lat
        else:
            cx, cy = func.ST_X(geom), func.ST_Y(geom)
        source = select(model).where(index_candidates("postgresql", model, column, window))
    i = cast(func.floor((cx - x0) / ((x1 - x0) / CELLS)), Integer).label("i")
    j = cast(func.floor((cy - y0) / ((y1 - y0) / CELLS)), Integer).label("j")
    size = model.area_m2 if kind == Layer.PARCELS else model.vacant_area_m2
    free = "available" if kind == Layer.PARCELS else "vacant"
    statement = (
        source.with_only_columns(
            i,
            j,
            func.count(),
            func.sum(size),
            func.sum(case((model.status == free, size), else_=0.0)),
            func.avg(cx),
            func.avg(cy),
        )
        .where(*where)
        .group_by(i, j)
    )
    return list(session.execute(statement).all())


def _cells_tile(rows: list[Any], kind: Layer, z: int, x: int, y: int, *, gcj02: bool) -> bytes:
    """The cells as points with their count, size and free size (亩 for parcels, m² for factories)."""
    points = shapely.points([(r[5], r[6]) for r in rows])
    if gcj02:
        points = cgcs2000_to_gcj02(points)
    local = _to_tile_units(reproject(points, CGCS2000, WEB_MERCATOR), tile_bounds(z, x, y))
    unit = M2_PER_MU if kind == Layer.PARCELS else 1.0
    features = [
        {
            "geometry": geom,
            "properties": {
                "cell": f"{z}/{x}/{y}/{r[0]}/{r[1]}",
                "count": int(r[2]),
                "size": round((r[3] or 0) / unit, 1),
                "free": round((r[4] or 0) / unit, 1),
            },
        }
        for geom, r in zip(local, rows, strict=True)
    ]
    options = {"extents": EXTENT, "on_invalid_geometry": on_invalid_geometry_make_valid}
    return bytes(
        mapbox_vector_tile.encode([{"name": f"{kind}_cells", "features": features}], default_options=options)
    )


def render_tile(
    session: Session,
    kind: Layer,
    q: ParcelQuery | FactoryQuery,
    z: int,
    x: int,
    y: int,
    *,
    gcj02: bool = False,
    cell_threshold: int = CELL_THRESHOLD,
) -> bytes:
    """One MVT tile of `kind` ("parcels" or "factories") filtered by `q`; empty bytes when empty.

    Past `cell_threshold` records in the tile's window, the tile holds the layer `<kind>_cells`:
    points with the count, size and free size of the records in each cell.
    """
    tile_bounds(z, x, y)
    cells = _cell_rows(session, kind, q, tile_window(z, x, y))
    if not cells:
        return b""
    if sum(r[2] for r in cells) > cell_threshold:
        return _cells_tile(cells, kind, z, x, y, gcj02=gcj02)
    if session.get_bind().dialect.name == "postgresql" and not gcj02:
        return _postgis_tile(session, kind, q, z, x, y)
    return _python_tile(session, kind, q, z, x, y, gcj02=gcj02)


def python_tile(
    session: Session, kind: Layer, q: ParcelQuery | FactoryQuery, z: int, x: int, y: int
) -> bytes:
    """The tile as the Python encoder makes it, on either database (to compare with PostGIS)."""
    return _python_tile(session, kind, q, z, x, y, gcj02=False)


def data_stamp(session: Session) -> tuple[int, ...]:
    """A stamp that changes whenever a parcel or factory is added or changed: the newest ids of
    the records and of their change and status histories (each one index lookup), asked in one
    statement: every tile request asks it."""
    newest = [
        select(func.max(c)).scalar_subquery()
        for c in (Parcel.id, Factory.id, RecordChange.id, StatusEvent.id)
    ]
    return tuple(int(value or 0) for value in session.execute(select(*newest)).one())  # one round trip
