"""Synthetic inventories of 10^3 to 10^6 parcels for benchmarks (python -m data.scale N OUT.gpkg).

Parcels are rectangles on a jittered grid that fills the Qidong outline, so window queries see
a realistic density (10^5 parcels: ~70 per km²). Attributes are drawn with the sample's mix.
Everything is vectorised; 10^6 parcels take a few seconds to generate.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from data.generate import LOCAL, STATUS_WEIGHTS, load_outline
from gis.crs import CGCS2000, reproject

LAND_USES = (("100101", 0.3), ("100102", 0.45), ("100103", 0.1), ("1001", 0.05), ("110102", 0.1))
STOCK_TYPES = ("approved_unsupplied", "idle", "inefficient", "reserve", "other")


def _grid(n: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Centres of n cells lying wholly inside the mainland outline (metres), and the cell size."""
    outline = reproject(np.array([load_outline()[0]]), CGCS2000, LOCAL)[0]
    shapely.prepare(outline)
    minx, miny, maxx, maxy = outline.bounds
    size = float(np.sqrt(outline.area / n))
    while True:
        xs, ys = np.meshgrid(np.arange(minx, maxx, size) + size / 2, np.arange(miny, maxy, size) + size / 2)
        corners = [(dx * size / 2, dy * size / 2) for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
        inside = np.logical_and.reduce(
            [shapely.contains_xy(outline, xs.ravel() + dx, ys.ravel() + dy) for dx, dy in corners]
        )
        if inside.sum() >= n:
            keep = np.flatnonzero(inside)[:n]
            return xs.ravel()[keep], ys.ravel()[keep], size
        size *= 0.98


def _choose(rng: np.random.Generator, weighted: tuple[tuple[str, float], ...], n: int) -> np.ndarray:
    values, weights = zip(*weighted, strict=True)
    p = np.asarray(weights) / np.sum(weights)
    return np.asarray(values)[rng.choice(len(values), size=n, p=p)]


def synthetic_parcels(n: int, seed: int = 0) -> tuple[list[dict[str, Any]], np.ndarray]:
    """`n` parcel records (for gis.bulk.insert_parcels) and their MultiPolygons in EPSG:4490."""
    rng = np.random.default_rng(seed)
    cx, cy, size = _grid(n)
    width, height = size * rng.uniform(0.45, 0.9, n), size * rng.uniform(0.45, 0.9, n)
    cx, cy = cx + rng.uniform(-0.04, 0.04, n) * size, cy + rng.uniform(-0.04, 0.04, n) * size
    boxes = shapely.box(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
    geoms = shapely.multipolygons(reproject(boxes, LOCAL, CGCS2000), indices=np.arange(n))
    status = _choose(rng, STATUS_WEIGHTS, n)
    land_use = _choose(rng, LAND_USES, n)
    plot_max = rng.choice([1.0, 1.5, 2.0, 2.5, 3.0], n)
    price = np.round(rng.uniform(15, 45, n), 1)
    stock = np.asarray(STOCK_TYPES)[rng.integers(len(STOCK_TYPES), size=n)]
    ready = rng.random((n, 3)) < 0.7
    records = [
        {
            "code": f"S{n}-{i:07d}",
            "land_use": str(land_use[i]),
            "status": str(status[i]),
            "stock_type": str(stock[i]),
            "plot_ratio_min": 1.0,
            "plot_ratio_max": float(plot_max[i]),
            "price_wan_per_mu": float(price[i]),
            "ready_road": bool(ready[i, 0]),
            "ready_power": bool(ready[i, 1]),
            "net_land": bool(ready[i, 2]),
        }
        for i in range(n)
    ]
    return records, geoms


Records = list[dict[str, Any]]


def chunks(records: Records, geoms: np.ndarray, size: int) -> Iterator[tuple[Records, np.ndarray]]:
    """The inventory in slices, so that loading 10^6 parcels does not hold 10^6 rows at once."""
    for start in range(0, len(records), size):
        yield records[start : start + size], geoms[start : start + size]


def write_geopackage(n: int, path: Path, seed: int = 0) -> None:
    """Write `n` synthetic parcels to a GeoPackage (for import benchmarks)."""
    import geopandas as gpd

    records, geoms = synthetic_parcels(n, seed)
    gpd.GeoDataFrame(records, geometry=geoms, crs=f"EPSG:{CGCS2000}").to_file(path, driver="GPKG")


if __name__ == "__main__":
    write_geopackage(int(sys.argv[1]), Path(sys.argv[2]))
