"""The sample's sensitive receptors (data/sample/receptors.geojson): villages, schools, hospitals,
homes for the elderly and residential quarters that protection distances (卫生防护距离) keep
industry away from. Synthetic, from a seeded generator of their own, so that the other sample
files do not change when this one does.

Each town seat gets its residential quarter (an outline), a school, a health centre and, every
other town, a home for the elderly (points, a few hundred metres from the seat). Villages
(outlines of a few hundred metres) lie just outside each park's edges, some within a few hundred
metres of its parcels, so that a match for an industry with a protection distance finds sites
that fail it; a few more lie scattered between the parks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import Point, Polygon, box, shape

from data import generate
from gis.area import M2_PER_MU

SEED = 20261206
VILLAGE_SYLLABLES = (
    "新",
    "东",
    "南",
    "北",
    "西",
    "红",
    "永",
    "和",
    "兴",
    "丰",
    "福",
    "安",
    "立",
    "中",
    "五",
    "桥",
)
VILLAGE_ENDINGS = ("村", "村", "村", "港村", "河村", "圩村")


def _village_name(rng: np.random.Generator, used: set[str]) -> str:
    while True:
        picks = rng.choice(len(VILLAGE_SYLLABLES), size=2, replace=False)
        name = "".join(VILLAGE_SYLLABLES[i] for i in picks) + str(rng.choice(VILLAGE_ENDINGS))
        if name not in used:
            used.add(name)
            return name


def _square(centre: Point, side: float, angle: float) -> Polygon:
    half = side / 2
    shape = box(centre.x - half, centre.y - half, centre.x + half, centre.y + half)
    return affinity.rotate(shape, angle, origin=centre)


def _outside(edge_from: Point, edge_to: Point, inside: Point, offset: float) -> Point:
    """The point `offset` metres outward from the middle of an edge (away from `inside`)."""
    mx, my = (edge_from.x + edge_to.x) / 2, (edge_from.y + edge_to.y) / 2
    dx, dy = edge_to.x - edge_from.x, edge_to.y - edge_from.y
    length = float(np.hypot(dx, dy))
    nx, ny = -dy / length, dx / length
    if (inside.x - mx) * nx + (inside.y - my) * ny > 0:
        nx, ny = -nx, -ny
    return Point(mx + nx * offset, my + ny * offset)


def town_receptors(rng: np.random.Generator) -> list[tuple[dict[str, Any], Any]]:
    """Each town seat's residential quarter, school, health centre, and every other one's home for
    the elderly (metres, EPSG:4550)."""
    out = []
    seats = generate.to_local([Point(lon, lat) for _, _, lon, lat in generate.TOWN_SEATS])
    for n, ((code, name, _, _), seat) in enumerate(zip(generate.TOWN_SEATS, seats, strict=True)):
        quarter = _square(seat, float(rng.uniform(500, 800)), float(rng.uniform(0, 30)))
        out.append(({"code": f"R{code}-1", "name": f"{name}集镇居住区", "kind": "residential"}, quarter))
        kinds = [("school", "中心小学"), ("hospital", "卫生院")] + (
            [("elderly_care", "敬老院")] if n % 2 else []
        )
        for j, (kind, suffix) in enumerate(kinds, start=2):
            angle = float(rng.uniform(0, 2 * np.pi))
            distance = float(rng.uniform(400, 900))
            point = Point(seat.x + distance * np.cos(angle), seat.y + distance * np.sin(angle))
            out.append(({"code": f"R{code}-{j}", "name": f"{name}{suffix}", "kind": kind}, point))
    return out


def park_villages(rng: np.random.Generator, used: set[str]) -> list[tuple[dict[str, Any], Any]]:
    """Villages beside the parks: outside two of each park's edges, 150 to 450 m beyond it."""
    out = []
    for spec in generate.PARKS:
        corners = generate.to_local([Point(lon, lat) for lon, lat in spec.corners])
        inside = Point(np.mean([c.x for c in corners]), np.mean([c.y for c in corners]))
        edges = rng.choice(len(corners), size=2, replace=False)
        for j, e in enumerate(sorted(int(i) for i in edges), start=1):
            side = float(rng.uniform(200, 350))
            centre = _outside(
                corners[e], corners[(e + 1) % len(corners)], inside, side / 2 + rng.uniform(150, 450)
            )
            village = _square(centre, side, float(rng.uniform(0, 40)))
            properties = {"code": f"V{spec.code}-{j}", "name": _village_name(rng, used), "kind": "village"}
            out.append((properties, village))
    return out


def parcel_villages(
    rng: np.random.Generator, used: set[str], out_dir: Path
) -> list[tuple[dict[str, Any], Any]]:
    """In each park one village a few hundred metres (150 to 350 m) from an available parcel of
    20 to 80 亩, away from the park's middle: a village the park grew around, so that a match for
    an industry with a protection distance finds sites in the parks that fail it."""
    features = json.loads((out_dir / "parcels.geojson").read_text(encoding="utf-8"))["features"]
    out = []
    for spec in generate.PARKS:
        available = [
            shape(f["geometry"])
            for f in features
            if f["properties"].get("park") == spec.code and f["properties"].get("status") == "available"
        ]
        chosen = [g for g in generate.to_local(available) if 20 <= g.area / M2_PER_MU <= 80]
        if not chosen:
            continue
        parcel = chosen[int(rng.integers(len(chosen)))]
        middle = generate.to_local([Polygon(spec.corners).centroid])[0]
        gap, side = float(rng.uniform(150, 350)), float(rng.uniform(150, 250))
        dx, dy = parcel.centroid.x - middle.x, parcel.centroid.y - middle.y
        length = float(np.hypot(dx, dy)) or 1.0
        step = 0.0
        while True:
            step += 5.0
            centre = Point(parcel.centroid.x + dx / length * step, parcel.centroid.y + dy / length * step)
            village = _square(centre, side, 0.0)
            if village.distance(parcel) >= gap:
                break
        properties = {"code": f"V{spec.code}-3", "name": _village_name(rng, used), "kind": "village"}
        out.append((properties, village))
    return out


def scattered_villages(
    rng: np.random.Generator, used: set[str], count: int = 12
) -> list[tuple[dict[str, Any], Any]]:
    """Villages between the parks, as points, each at least 2 km from every park."""
    mainland, _ = generate.load_outline()
    land = generate.to_local([mainland])[0]
    parks = shapely.union_all(generate.to_local([Polygon(spec.corners) for spec in generate.PARKS])).buffer(
        2000
    )
    x0, y0, x1, y1 = land.bounds
    out: list[tuple[dict[str, Any], Any]] = []
    while len(out) < count:
        point = Point(rng.uniform(x0, x1), rng.uniform(y0, y1))
        if land.contains(point) and not parks.contains(point):
            properties = {"code": f"V{len(out) + 1:02d}", "name": _village_name(rng, used), "kind": "village"}
            out.append((properties, point))
    return out


def build(out_dir: Path) -> list[tuple[dict[str, Any], Any]]:
    """Every receptor of the sample, in EPSG:4490 (beside the parcels written in `out_dir`)."""
    rng = np.random.default_rng(SEED)
    used: set[str] = set()
    local = (
        town_receptors(rng)
        + park_villages(rng, used)
        + parcel_villages(rng, used, out_dir)
        + scattered_villages(rng, used)
    )
    geoms = generate.to_geo([g for _, g in local])
    return [(p, g) for (p, _), g in zip(local, geoms, strict=True)]


def write(out_dir: Path) -> int:
    """Write receptors.geojson into `out_dir`; return how many receptors it holds."""
    receptors = build(out_dir)
    generate.write_collection(out_dir / "receptors.geojson", [generate.feature(g, p) for p, g in receptors])
    return len(receptors)
