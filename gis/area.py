"""Areas on the CGCS2000 ellipsoid, and the units leaders quote (亩, 公顷).

Area is never taken in degrees or Web Mercator (×1.38 too large at Qidong's latitude). For
arrays of geometries we project every coordinate at once to the cylindrical equal-area
projection on the GRS80 ellipsoid (CGCS2000's ellipsoid: same a and 1/f) and let shapely
measure: an equal-area projection preserves ellipsoidal area, and for parcel-sized polygons the
result agrees with pyproj's geodesic polygon area (`Geod`) to about 1e-6, which the tests check.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import shapely
from pyproj import Geod

from gis.crs import CGCS2000, reproject

M2_PER_MU = 10000 / 15
MU_PER_M2 = Decimal("0.0015")  # exactly 15 / 10000
MU_PER_HECTARE = 15
M2_PER_HECTARE = 10000

EQUAL_AREA = "+proj=cea +lon_0=0 +lat_ts=0 +ellps=GRS80 +units=m +no_defs"
GEOD = Geod(ellps="GRS80")


def m2_to_mu(m2: float) -> float:
    """Square metres to 亩 (1 亩 = 10000/15 m²)."""
    return m2 / M2_PER_MU


def shown_mu(m2: float | None) -> float | None:
    """亩 as records show them: two decimals, half up, from the area's 15 significant digits.

    PostgreSQL takes a double to numeric through its 15 significant digits, then rounds half
    away from zero; this is the same rule, so a page of features written by the database
    (service/feature_sql.py) and one written here agree to the last digit (30.015 亩 is 30.02)."""
    if m2 is None:
        return None
    return float((Decimal(f"{m2:.15g}") * MU_PER_M2).quantize(Decimal("0.01"), ROUND_HALF_UP))


def mu_to_m2(mu: float) -> float:
    """亩 to square metres."""
    return mu * M2_PER_MU


def ellipsoidal_area_m2(geoms: np.ndarray | shapely.Geometry, crs: int | str = CGCS2000) -> np.ndarray:
    """Area in m² on the ellipsoid of each geometry given in geographic `crs` (vectorised)."""
    projected = reproject(np.atleast_1d(np.asarray(geoms, dtype=object)), crs, EQUAL_AREA)
    return np.asarray(shapely.area(projected), dtype=float)


def geodesic_area_m2(geom: shapely.Geometry) -> float:
    """Area in m² of one lon/lat geometry with geodesic edges (pyproj Geod); the reference."""
    area, _ = GEOD.geometry_area_perimeter(geom)
    return abs(area)
