"""Validation and repair of incoming areal geometry (pure functions, no I/O).

Every parcel, factory footprint and area passes through `clean_polygons` before it is stored:
empty, non-areal, non-finite, out-of-range, lat/lon-swapped and outside-region geometries are
rejected with a reason; Z/M coordinates are dropped, invalid rings are repaired with
`make_valid(method="structure")`, stray points and lines are dropped, and everything becomes a
MultiPolygon. Each repair is reported, never applied silently. The work is vectorised over the
array; only geometries that need a repair are looked at one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import MultiPolygon

from gis.errors import InvalidGeometry

# Longitude/latitude box that holds China (with its sea areas); coordinates outside it are
# not plausible for Landstock, and coordinates that fit only when swapped are a lat/lon mix-up.
CHINA_BOUNDS = (73.0, 3.0, 136.0, 54.0)
DEFAULT_MAX_VERTICES = 20_000

_POLYGON, _MULTIPOLYGON, _COLLECTION = 3, 6, 7
_TYPE_NAMES = {0: "Point", 1: "LineString", 2: "LinearRing", 4: "MultiPoint", 5: "MultiLineString"}

Bounds = tuple[float, float, float, float]


@dataclass(frozen=True)
class Problem:
    """A message key and its parameters, rendered later in the user's language."""

    key: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass
class CleanResult:
    """Per input geometry: the cleaned MultiPolygon, or the reason it was rejected."""

    geoms: np.ndarray
    repairs: list[list[Problem]]
    rejections: list[Problem | None]

    @property
    def accepted(self) -> np.ndarray:
        """Boolean mask of geometries that were accepted (possibly after repair)."""
        return np.array([r is None for r in self.rejections], dtype=bool)


def _fmt_bounds(b: np.ndarray) -> str:
    return "({:.6g}, {:.6g}, {:.6g}, {:.6g})".format(*b)


def _reject_range(bounds: np.ndarray, region: Bounds) -> Problem | None:
    xmin, ymin, xmax, ymax = bounds
    rx0, ry0, rx1, ry1 = region
    if rx0 <= xmin and xmax <= rx1 and ry0 <= ymin and ymax <= ry1:
        return None
    # Swapped first: a swapped Chinese coordinate has a "latitude" above 90.
    if rx0 <= ymin and ymax <= rx1 and ry0 <= xmin and xmax <= ry1:
        return Problem("geometry.swapped", {"bounds": _fmt_bounds(bounds)})
    if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
        return Problem("geometry.out_of_range", {"bounds": _fmt_bounds(bounds)})
    return Problem(
        "geometry.outside_region", {"bounds": _fmt_bounds(bounds), "region": _fmt_bounds(np.asarray(region))}
    )


def _polygonal_parts(geom: shapely.Geometry) -> tuple[MultiPolygon, int]:
    """Keep the areal parts of a geometry; also return how many other parts were dropped."""
    parts = shapely.get_parts(geom)
    types = shapely.get_type_id(parts)
    areal = parts[types == _POLYGON]
    nested = parts[types == _MULTIPOLYGON]
    polys = list(areal) + [p for mp in nested for p in shapely.get_parts(mp)]
    dropped = int(np.sum((types != _POLYGON) & (types != _MULTIPOLYGON)))
    return MultiPolygon(polys), dropped


def _basic_rejections(geoms: np.ndarray, region: Bounds, max_vertices: int) -> list[Problem | None]:
    """Reasons that no repair can fix, found with array operations."""
    out: list[Problem | None] = [None] * len(geoms)
    missing = shapely.is_missing(geoms)
    present = np.where(missing, np.array(shapely.Point(), dtype=object), geoms)  # an empty point for none
    empty = missing | shapely.is_empty(present)
    types = np.where(empty, -1, shapely.get_type_id(present))
    coords, index = shapely.get_coordinates(geoms, include_z=False, return_index=True)
    nonfinite = np.zeros(len(geoms), dtype=bool)
    nonfinite[np.unique(index[~np.isfinite(coords).all(axis=1)])] = True
    n_vertices = shapely.get_num_coordinates(geoms)
    bounds = shapely.bounds(geoms)
    rx0, ry0, rx1, ry1 = region
    with np.errstate(invalid="ignore"):  # NaN bounds of empty geometries: not inside
        inside = (rx0 <= bounds[:, 0]) & (bounds[:, 2] <= rx1) & (ry0 <= bounds[:, 1]) & (bounds[:, 3] <= ry1)
    fine = (
        ~empty
        & np.isin(types, (_POLYGON, _MULTIPOLYGON, _COLLECTION))
        & ~nonfinite
        & (n_vertices <= max_vertices)
        & inside
    )
    for i in np.flatnonzero(~fine).tolist():  # the rest have no reason to be refused
        if empty[i]:
            out[i] = Problem("geometry.empty")
        elif types[i] not in (_POLYGON, _MULTIPOLYGON, _COLLECTION):
            out[i] = Problem("geometry.not_areal", {"kind": _TYPE_NAMES.get(int(types[i]), "?")})
        elif nonfinite[i]:
            out[i] = Problem("geometry.non_finite")
        elif n_vertices[i] > max_vertices:
            out[i] = Problem(
                "geometry.too_many_vertices", {"count": int(n_vertices[i]), "limit": max_vertices}
            )
        else:
            out[i] = _reject_range(bounds[i], region)
    return out


def clean_polygons(
    geoms: np.ndarray | list[shapely.Geometry | None],
    *,
    region: Bounds = CHINA_BOUNDS,
    max_vertices: int = DEFAULT_MAX_VERTICES,
) -> CleanResult:
    """Validate, repair and normalise lon/lat geometries to MultiPolygons; see module docstring."""
    arr = np.asarray(geoms, dtype=object)
    rejections = _basic_rejections(arr, region, max_vertices)
    repairs: list[list[Problem]] = [[] for _ in arr]
    ok = np.array([r is None for r in rejections], dtype=bool)
    out = np.full(len(arr), None, dtype=object)
    work = arr[ok]
    has_z = shapely.has_z(work)
    if has_z.any():
        work = np.where(has_z, shapely.force_2d(work), work)
    valid = shapely.is_valid(work)
    reasons = shapely.is_valid_reason(np.where(valid, None, work))
    fixed = np.where(
        valid, work, shapely.make_valid(np.where(valid, None, work), method="structure", keep_collapsed=False)
    )
    multi = shapely.get_type_id(fixed) == _MULTIPOLYGON
    for j, i in enumerate(np.flatnonzero(ok).tolist()):
        if has_z[j]:
            repairs[i].append(Problem("repair.dropped_z"))
        if not valid[j]:
            repairs[i].append(Problem("repair.made_valid", {"reason": str(reasons[j])}))
        if not multi[j]:
            fixed[j], dropped = _polygonal_parts(fixed[j])
            if dropped:
                repairs[i].append(Problem("repair.dropped_parts", {"count": dropped}))
    collapsed = shapely.is_empty(fixed) | (shapely.area(fixed) == 0)
    for j, i in enumerate(np.flatnonzero(ok).tolist()):
        if collapsed[j]:
            rejections[i] = Problem("geometry.collapsed")
        else:
            out[i] = fixed[j]
    return CleanResult(out, repairs, rejections)


def clean_polygon(geom: shapely.Geometry | None, **kwargs: object) -> tuple[MultiPolygon, list[Problem]]:
    """Clean one geometry; raise `InvalidGeometry` with the reason when it cannot be accepted."""
    result = clean_polygons([geom], **kwargs)  # type: ignore[arg-type]
    problem = result.rejections[0]
    if problem is not None:
        raise InvalidGeometry(problem.key, **problem.params)
    return result.geoms[0], result.repairs[0]


def clean_point(geom: shapely.Geometry | None, *, region: Bounds = CHINA_BOUNDS) -> shapely.Point:
    """Check a location (a factory known only by its position): one finite 2-D point in the region."""
    if geom is None or shapely.is_empty(geom):
        raise InvalidGeometry("geometry.empty")
    if not isinstance(geom, shapely.Point):
        raise InvalidGeometry("geometry.not_point", kind=type(geom).__name__)  # its geom_type
    if not np.isfinite(shapely.get_coordinates(geom)).all():
        raise InvalidGeometry("geometry.non_finite")
    problem = _reject_range(np.asarray(shapely.bounds(geom)), region)
    if problem is not None:
        raise InvalidGeometry(problem.key, **problem.params)
    return shapely.force_2d(geom)
