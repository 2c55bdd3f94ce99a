"""Coordinate reference systems used in Qidong, and reprojection of shapely geometry arrays.

Storage is EPSG:4490 (CGCS2000 geographic). Surveys arrive in the CGCS2000 3-degree
Gauss-Krüger zones around 121.5°E, sometimes in GCJ-02 (the obfuscated datum of Gaode/AMap and
DataV). Web maps draw CGCS2000 coordinates as WGS84: the two differ by well under a metre.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import prcoords
import shapely
from pyproj import CRS, Geod, Transformer

CGCS2000 = 4490
WGS84 = 4326
WEB_MERCATOR = 3857
GK3_CM120 = 4549
GK3_CM123 = 4550
GK3_CM120_PREFIXED = 4528
GK3_CM123_PREFIXED = 4529
GRS80 = Geod(ellps="GRS80")  # CGCS2000's ellipsoid


def gauss_kruger_epsg(lon: float, *, zone_prefix: bool = False) -> int:
    """The CGCS2000 3-degree Gauss-Krüger zone (EPSG code) whose band contains `lon`.

    Zone n spans [3n - 1.5, 3n + 1.5) degrees east; China uses zones 25 to 45, numbered
    EPSG:4513-4533 with the zone prefix in the false easting and EPSG:4534-4554 without.
    """
    zone = math.floor((lon + 1.5) / 3)
    if not 25 <= zone <= 45:
        raise ValueError(f"longitude {lon} is outside China's 3-degree Gauss-Krüger zones 25-45")
    return (4513 if zone_prefix else 4534) + zone - 25


def metres_per_degree(lat: float) -> tuple[float, float]:
    """Metres per degree of longitude and of latitude at `lat` on the CGCS2000 ellipsoid (GRS80):
    the parallel's and the meridian's radius of curvature. Near that latitude they turn degree
    differences into metres; within 150 km of it around Qidong the distance so measured differs
    from the Gauss-Krüger one by under 0.3 %."""
    a, e2 = GRS80.a, GRS80.es
    phi = math.radians(lat)
    w = 1 - e2 * math.sin(phi) ** 2
    per_radian = math.pi / 180
    return a / math.sqrt(w) * math.cos(phi) * per_radian, a * (1 - e2) / w**1.5 * per_radian


@lru_cache(maxsize=64)
def transformer(source: int | str, target: int | str) -> Transformer:
    """A cached transformer between two CRS, always in (x, y) = (lon, lat) / (east, north) order."""
    return Transformer.from_crs(CRS.from_user_input(source), CRS.from_user_input(target), always_xy=True)


def reproject(geoms: np.ndarray, source: int | str, target: int | str) -> np.ndarray:
    """Reproject an array of shapely geometries; all coordinates go through pyproj at once."""
    if CRS.from_user_input(source) == CRS.from_user_input(target):
        return np.asarray(geoms)
    t = transformer(source, target)

    def _xy(coords: np.ndarray) -> np.ndarray:
        x, y = t.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(np.asarray(geoms), _xy)


def _shift(coords: np.ndarray, convert: object) -> np.ndarray:
    out = np.empty_like(coords)
    for i, (lon, lat) in enumerate(coords):
        shifted = convert((lat, lon), False)  # type: ignore[operator]
        out[i] = (shifted.lon, shifted.lat)
    return out


def gcj02_to_cgcs2000(geoms: np.ndarray) -> np.ndarray:
    """Undo the GCJ-02 offset (exact inverse by iteration, prcoords `gcj_wgs_bored`).

    GCJ-02 is defined against WGS84; the result is taken as CGCS2000, the two agreeing to
    well under a metre. This path is for occasional imports, not for bulk loads.
    """
    return shapely.transform(np.asarray(geoms), lambda c: _shift(c, prcoords.gcj_wgs_bored))


def cgcs2000_to_gcj02(geoms: np.ndarray) -> np.ndarray:
    """Apply the GCJ-02 offset, only to draw over Gaode/AMap tiles; stored data never changes."""
    return shapely.transform(np.asarray(geoms), lambda c: _shift(c, prcoords.wgs_gcj))
