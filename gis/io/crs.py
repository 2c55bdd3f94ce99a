"""Which coordinate system an imported file is in, and bringing it to EPSG:4490.

Order of trust: the user's `--crs`, then the CRS the file declares, then inference from the
coordinate ranges. Whichever is used is checked against the service region: a declared CRS
that puts most features far outside the city is wrong (a common case is a `.prj` naming the
neighbouring Gauss-Krüger zone), and coordinates that fit only with x and y exchanged are a
lat/lon swap. Inference considers CGCS2000 longitude/latitude and the 3° Gauss-Krüger zones
over the region, with (EPSG:4513–4533) or without (EPSG:4534–4554) the zone number in the false
easting, and keeps the candidates that put the features inside the region: exactly one is
used and reported, several are refused with the candidates named.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from gis.crs import CGCS2000, gauss_kruger_epsg, gcj02_to_cgcs2000, reproject
from gis.errors import AmbiguousCrs, InvalidInput
from gis.geometry import Bounds
from gis.labels import Text

GCJ02 = "gcj02"
GCJ02_NAMES = {"gcj02", "gcj-02", "gcj", "mars", "火星坐标", "高德"}
INSIDE_SHARE = 0.5
REGION_SETTING = "LANDSTOCK_IMPORT_REGION"


@dataclass(frozen=True)
class CrsChoice:
    """The source CRS of a file (a pyproj CRS, or GCJ02) and how it was decided."""

    crs: CRS | str
    how: str
    note: Text

    @property
    def name(self) -> str:
        """A short name: EPSG:4549, GCJ-02, or the CRS's own name."""
        return describe(self.crs)


def describe(crs: CRS | str) -> str:
    """EPSG:nnnn when pyproj can tell, else the CRS's name."""
    if isinstance(crs, str):
        return "GCJ-02" if crs == GCJ02 else crs
    code = _epsg_or_wkt(crs)
    return f"EPSG:{code}" if isinstance(code, int) else crs.name


def parse_crs(text: str) -> CRS | str:
    """A `--crs` value: an EPSG code (4549, EPSG:4549), any pyproj input, or gcj02."""
    value = text.strip()
    if value.lower() in GCJ02_NAMES:
        return GCJ02
    try:
        return CRS.from_user_input(int(value) if value.isdigit() else value)
    except CRSError:
        raise InvalidInput("crs.unknown", value=text) from None


def to_cgcs2000(geoms: np.ndarray, crs: CRS | str) -> np.ndarray:
    """Geometries from `crs` to EPSG:4490 longitude/latitude."""
    if isinstance(crs, str):
        return gcj02_to_cgcs2000(geoms) if crs == GCJ02 else reproject(geoms, crs, CGCS2000)
    return reproject(geoms, _epsg_or_wkt(crs), CGCS2000)


@lru_cache(maxsize=32)
def _epsg_or_wkt(crs: CRS) -> int | str:
    """An EPSG code when pyproj can name one: comparing and caching WKT strings is slow."""
    code = crs.to_epsg(min_confidence=70)
    return code if code else crs.to_wkt()


def _points(geoms: np.ndarray) -> np.ndarray:
    """One finite representative point per geometry (for range tests), missing ones dropped."""
    usable = np.array([g is not None for g in geoms], dtype=bool)
    if usable.any():
        usable[usable] = ~shapely.is_empty(geoms[usable])
    with np.errstate(invalid="ignore"):  # NaN coordinates are refused row by row later
        centres = shapely.centroid(geoms[usable])
    coords = shapely.get_coordinates(centres)
    return coords[np.isfinite(coords).all(axis=1)]


def _inside_share(points: np.ndarray, crs: CRS | str, region: Bounds) -> float:
    if not len(points):
        return 0.0
    moved = shapely.get_coordinates(to_cgcs2000(np.asarray(shapely.points(points)), crs))
    x0, y0, x1, y1 = region
    inside = (moved[:, 0] >= x0) & (moved[:, 0] <= x1) & (moved[:, 1] >= y0) & (moved[:, 1] <= y1)
    return float(inside.mean())


def _candidates(points: np.ndarray, region: Bounds) -> list[int]:
    """EPSG codes whose coordinate ranges match the points' magnitudes."""
    x, y = points[:, 0], points[:, 1]
    if (np.abs(x) <= 180).all() and (np.abs(y) <= 180).all():  # degrees, some maybe lat/lon swapped
        return [CGCS2000]
    if not ((y > 0).all() and (y < 6.5e6).all()):
        return []
    if (x >= 13e6).all() and (x < 46e6).all():
        zones = set((x // 1e6).astype(int).tolist())
        return [4513 + z - 25 for z in sorted(zones) if 25 <= z <= 45]
    if (x > 0).all() and (x < 1e6).all():
        first = math.floor((region[0] + 1.5) / 3)
        last = math.floor((region[2] + 1.5) / 3)
        return [gauss_kruger_epsg(3.0 * z) for z in range(max(first, 25), min(last, 45) + 1)]
    return []


def _bounds_text(points: np.ndarray) -> str:
    return "({:.6g}, {:.6g}, {:.6g}, {:.6g})".format(*points.min(axis=0), *points.max(axis=0))


def _where(points: np.ndarray, region: Bounds, left_out: Text | str) -> dict[str, object]:
    """What every refusal says: the file's extent, the region and its setting, and the rows that
    were left out of the extent (at (0, 0), without a location)."""
    box = "({:.6g}, {:.6g}, {:.6g}, {:.6g})".format(*region)
    return {"bounds": _bounds_text(points), "region": box, "setting": REGION_SETTING, "left_out": left_out}


def _degrees(points: np.ndarray) -> bool:
    return bool((np.abs(points[:, 0]) <= 180).all() and (np.abs(points[:, 1]) <= 90).all())


def _swapped(points: np.ndarray, region: Bounds) -> bool:
    return _inside_share(points[:, ::-1].copy(), CRS.from_epsg(CGCS2000), region) >= INSIDE_SHARE


def infer(points: np.ndarray, region: Bounds, left_out: Text | str = "") -> CrsChoice:
    """Decide the CRS from coordinate ranges alone, or refuse naming what to pass: degrees outside
    the region are said to be outside it (no projected CRS can help them)."""
    found = [
        c
        for c in _candidates(points, region)
        if _inside_share(points, CRS.from_epsg(c), region) >= INSIDE_SHARE
    ]
    if len(found) == 1:
        key = "crs.inferred_degrees" if found[0] == CGCS2000 else "crs.inferred_gk"
        return CrsChoice(CRS.from_epsg(found[0]), "inferred", Text(key, {"crs": f"EPSG:{found[0]}"}))
    if found:
        raise AmbiguousCrs(candidates=", ".join(f"EPSG:{c}" for c in found), flag="--crs")
    if _swapped(points, region):
        raise InvalidInput("crs.swapped", bounds=_bounds_text(points))
    if _degrees(points):
        raise InvalidInput("crs.degrees_outside", **_where(points, region, left_out))
    raise InvalidInput("crs.undecidable", flag="--crs", **_where(points, region, left_out))


def _check(points: np.ndarray, choice: CrsChoice, region: Bounds, left_out: Text | str = "") -> CrsChoice:
    """Refuse a declared or given CRS that puts most features outside the service region."""
    if not len(points) or _inside_share(points, choice.crs, region) >= INSIDE_SHARE:
        return choice
    geographic = isinstance(choice.crs, CRS) and choice.crs.is_geographic or choice.crs == GCJ02
    if geographic and _swapped(points, region):
        raise InvalidInput("crs.swapped", bounds=_bounds_text(points))
    try:
        suggestion: Text = Text("crs.looks_like", {"crs": infer(points, region).name, "flag": "--crs"})
    except (AmbiguousCrs, InvalidInput):
        suggestion = Text("crs.no_suggestion")
    raise InvalidInput(
        "crs.wrong",
        crs=choice.name,
        how=Text(f"crs.how.{choice.how}"),
        suggestion=suggestion,
        **_where(points, region, left_out),
    )


def choose(
    geoms: np.ndarray,
    *,
    declared: CRS | None,
    given: CRS | str | None,
    region: Bounds,
    left_out: Text | str = "",
) -> CrsChoice:
    """The CRS to read `geoms` in: given, else declared, else inferred; always region-checked.
    `left_out` says which rows are not among `geoms` (a refusal names them)."""
    points = _points(np.asarray(geoms, dtype=object))
    if given is not None:
        choice = CrsChoice(given, "given", Text("crs.given", {"crs": describe(given)}))
    elif declared is not None:
        choice = CrsChoice(declared, "declared", Text("crs.declared", {"crs": describe(declared)}))
    elif not len(points):
        return CrsChoice(CRS.from_epsg(CGCS2000), "inferred", Text("crs.no_coordinates"))
    else:
        return infer(points, region, left_out)
    return _check(points, choice, region, left_out)
