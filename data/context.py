"""The sample's map context (data/sample/context.geojson), from a generator of its own: the county
outline and coastline from data/qidong_outline.geojson, and main roads and waterways laid across
the county through the town seats, the highway exits and the ports, each with a Chinese name.

Invented for the sample: the names are those of roads and rivers a reader in Qidong expects, the
courses only plausible (straight legs through the places they join, meandering a little). Every
line is cut to the mainland. Same seed, same file.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon

CONTEXT_SEED = 20261206
COAST_SEA = slice(0, 12)  # the outline's vertices along the Yellow Sea (north, then east)
COAST_RIVER = slice(11, 20)  # … and along the Yangtze (south)

# kind, name, rank (1 most important), the places it runs through (lon, lat)
LINES: tuple[tuple[str, str, int, tuple[tuple[float, float], ...]], ...] = (
    (
        "road",
        "G40沪陕高速",
        1,
        ((121.46, 31.81), (121.545, 31.83), (121.64, 31.772), (121.77, 31.785), (121.93, 31.76)),
    ),
    (
        "road",
        "启东—吕四高速连接线",
        1,
        ((121.545, 31.83), (121.575, 31.93), (121.60, 32.03), (121.62, 32.09)),
    ),
    (
        "road",
        "G328国道",
        2,
        ((121.47, 31.86), (121.56, 31.845), (121.655, 31.808), (121.76, 31.765), (121.87, 31.715)),
    ),
    ("road", "S221省道", 2, ((121.655, 31.70), (121.655, 31.808), (121.68, 31.975), (121.70, 32.07))),
    (
        "road",
        "S336省道",
        2,
        ((121.53, 32.00), (121.56, 31.995), (121.68, 31.975), (121.75, 31.935), (121.86, 31.93)),
    ),
    ("road", "江海公路", 2, ((121.52, 31.75), (121.65, 31.712), (121.80, 31.672), (121.95, 31.645))),
    ("road", "汇龙—近海公路", 3, ((121.655, 31.808), (121.79, 31.85), (121.88, 31.815))),
    ("road", "南阳—北新公路", 3, ((121.56, 31.845), (121.60, 31.93), (121.56, 31.995))),
    ("road", "北新—海复公路", 3, ((121.60, 31.93), (121.75, 31.935))),
    ("road", "吕四—合作公路", 3, ((121.615, 32.062), (121.56, 31.995))),
    ("road", "惠萍—寅阳公路", 3, ((121.76, 31.765), (121.87, 31.715))),
    ("road", "东海—近海公路", 3, ((121.88, 31.815), (121.86, 31.90))),
    ("river", "通吕运河", 1, ((121.46, 32.00), (121.53, 32.02), (121.615, 32.05), (121.66, 32.075))),
    (
        "river",
        "通启运河",
        1,
        ((121.47, 31.82), (121.56, 31.84), (121.655, 31.815), (121.76, 31.80), (121.91, 31.79)),
    ),
    ("river", "头兴港河", 2, ((121.64, 31.71), (121.66, 31.85), (121.69, 31.96), (121.72, 32.06))),
    ("river", "蒿枝港河", 2, ((121.79, 31.68), (121.80, 31.85), (121.84, 31.93))),
    ("river", "红阳河", 2, ((121.56, 31.75), (121.57, 31.90), (121.58, 32.05))),
    ("river", "三和港", 3, ((121.70, 31.69), (121.73, 31.83), (121.75, 31.93))),
    ("river", "庙港河", 3, ((121.50, 31.77), (121.53, 31.88), (121.53, 31.96))),
    ("river", "圩角河", 3, ((121.86, 31.72), (121.90, 31.78))),
)
MEANDER = {"road": 0.0015, "river": 0.004}  # how far a course strays from its straight legs (°)
STEP = 0.01  # one bend per this many degrees of course


def _course(points: tuple[tuple[float, float], ...], stray: float, rng: np.random.Generator) -> LineString:
    """A line through `points`, each leg bent a little sideways at every STEP."""
    coords: list[tuple[float, float]] = []
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        length = float(np.hypot(x1 - x0, y1 - y0))
        bends = max(int(length / STEP), 1)
        nx, ny = -(y1 - y0) / length, (x1 - x0) / length
        offsets = rng.uniform(-stray, stray, bends + 1)
        offsets[0] = offsets[-1] = 0.0  # through the places themselves
        for i, t in enumerate(np.linspace(0, 1, bends + 1)[: -1 if (x1, y1) != points[-1] else None]):
            coords.append((x0 + t * (x1 - x0) + offsets[i] * nx, y0 + t * (y1 - y0) + offsets[i] * ny))
    return LineString(coords)


def build_context(mainland: Polygon, exclave: Polygon) -> list[dict[str, Any]]:
    """The context features: county outline, coastline, roads and waterways (EPSG:4490)."""
    rng = np.random.default_rng(CONTEXT_SEED)
    ring = list(mainland.exterior.coords)
    features: list[dict[str, Any]] = [
        {"kind": "county", "name": "启东市", "rank": 1, "geom": MultiPolygon([mainland, exclave])},
        {"kind": "coastline", "name": "黄海岸线", "rank": 1, "geom": LineString(ring[COAST_SEA])},
        {"kind": "coastline", "name": "长江岸线", "rank": 1, "geom": LineString(ring[COAST_RIVER])},
        {"kind": "coastline", "name": "崇明岛北岸", "rank": 2, "geom": LineString(exclave.exterior.coords)},
    ]
    for kind, name, rank, points in LINES:
        line = shapely.intersection(_course(points, MEANDER[kind], rng), mainland)
        features.append({"kind": kind, "name": name, "rank": rank, "geom": line})
    return features
