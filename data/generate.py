"""Deterministic sample inventory of Qidong (启东市): python -m data.generate [OUT_DIR]

Inside the project's own coarse county outline (data/qidong_outline.geojson) it builds: twelve
towns that tile the county (Voronoi cells of approximate town seats, plus the 启隆镇 exclave on
Chongming island); the four parks the bureau names and six town industrial zones; parcels cut
from road blocks inside each park (3-300 亩, skewed small, touching or across a small road),
each with a status history consistent with the workflow; factories on built-up blocks; example
pipeline projects and the landed projects that occupy signed parcels; and the ports, highway
exits and stations used for distance criteria. Then, from a generator of its own, the investment
pipeline: every project's fields, steps and follow-ups, and new leads (data/pipeline.py,
data/leads.py, data/follow_ups.py). Layout happens in metres (Gauss-Krüger zone
EPSG:4550) and is written in EPSG:4490 with 7 decimals (town boundaries in full precision, so
they tile the outline exactly). Same seed, same files.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box, mapping, shape

from data import names
from data.context import build_context
from data.draw import choose, random_date
from data.follow_ups import LANDED_MOST, follow_ups
from data.leads import leads
from data.pipeline import (
    PIPELINE_SEED,
    assign_codes,
    example,
    landed_project_course,
    load_places,
    reservations,
    review_before_signing,
)
from data.projects import EXAMPLE_PROJECTS, INFRASTRUCTURE, LANDED_TEMPLATES
from gis.area import M2_PER_MU, ellipsoidal_area_m2
from gis.crs import CGCS2000, GK3_CM123, reproject
from gis.status import PARCEL_TRANSITIONS, ParcelStatus
from gis.vocabulary import SITE_WORKS

HERE = Path(__file__).resolve().parent
OUTLINE_FILE = HERE / "qidong_outline.geojson"
SAMPLE_DIR = HERE / "sample"
SEED = 20261127
TODAY = dt.date(2026, 11, 1)
DECIMALS = 7
LOCAL = GK3_CM123
COAST_VERTICES = 20  # the outline's first 20 vertices run along the coast and the Yangtze
BUILT_SHARE = 0.05  # share of blocks whose buildings enter the factory inventory


@dataclass(frozen=True)
class ParkSpec:
    """A park or zone: corners (lon, lat), road-grid angle, land-use mix and how built-up it is."""

    code: str
    name: str
    kind: str
    corners: tuple[tuple[float, float], ...]
    leading: tuple[str, ...]
    priority: bool
    angle: float
    land_use: tuple[tuple[str, float], ...]
    price: tuple[float, float]
    readiness: float
    prefix: str
    inventory_share: float


TOWN_SEATS: tuple[tuple[str, str, float, float], ...] = (
    ("T01", "汇龙镇", 121.655, 31.808),
    ("T02", "南阳镇", 121.560, 31.845),
    ("T03", "北新镇", 121.600, 31.930),
    ("T04", "王鲍镇", 121.680, 31.975),
    ("T05", "合作镇", 121.560, 31.995),
    ("T06", "吕四港镇", 121.615, 32.062),
    ("T07", "海复镇", 121.750, 31.935),
    ("T08", "近海镇", 121.790, 31.850),
    ("T09", "寅阳镇", 121.870, 31.715),
    ("T10", "惠萍镇", 121.760, 31.765),
    ("T11", "东海镇", 121.880, 31.815),
)
EXCLAVE_TOWN = ("T12", "启隆镇")

INDUSTRIAL_MIX = (("100101", 0.3), ("100102", 0.55), ("100103", 0.05), ("1001", 0.1))

PARKS: tuple[ParkSpec, ...] = (
    ParkSpec(
        "P01",
        "启东经济开发区",
        "park",
        ((121.684, 31.764), (121.742, 31.764), (121.742, 31.800), (121.684, 31.800)),
        ("38", "39", "34", "37"),
        True,
        8.0,
        (("100101", 0.25), ("100102", 0.55), ("100103", 0.05), ("110102", 0.1), ("1001", 0.05)),
        (30, 40),
        0.85,
        "KFQ",
        0.12,
    ),
    ParkSpec(
        "P02",
        "启东高新技术产业开发区",
        "park",
        ((121.566, 31.808), (121.612, 31.808), (121.612, 31.842), (121.566, 31.842)),
        ("39", "40", "38"),
        True,
        -5.0,
        (("100101", 0.55), ("100102", 0.4), ("1001", 0.05)),
        (32, 45),
        0.9,
        "GXQ",
        0.14,
    ),
    ParkSpec(
        "P03",
        "启东生命健康科技城",
        "park",
        ((121.762, 31.706), (121.812, 31.706), (121.812, 31.738), (121.762, 31.738)),
        ("27", "35", "73"),
        True,
        14.0,
        (("100101", 0.4), ("100102", 0.55), ("1001", 0.05)),
        (30, 42),
        0.8,
        "SMC",
        0.16,
    ),
    ParkSpec(
        "P04",
        "吕四港经济开发区",
        "park",
        ((121.566, 32.044), (121.664, 32.044), (121.664, 32.068), (121.600, 32.088), (121.566, 32.092)),
        ("373", "37", "59", "26", "30"),
        True,
        -16.0,
        (
            ("100102", 0.35),
            ("100103", 0.3),
            ("110102", 0.15),
            ("110103", 0.05),
            ("1901", 0.05),
            ("1001", 0.1),
        ),
        (18, 28),
        0.75,
        "LSG",
        0.12,
    ),
    ParkSpec(
        "Z01",
        "北新镇工业集中区",
        "zone",
        ((121.592, 31.922), (121.608, 31.922), (121.608, 31.936), (121.592, 31.936)),
        ("33", "34"),
        False,
        3.0,
        INDUSTRIAL_MIX,
        (16, 24),
        0.6,
        "BX",
        0.6,
    ),
    ParkSpec(
        "Z02",
        "海复镇工业集中区",
        "zone",
        ((121.742, 31.928), (121.758, 31.928), (121.758, 31.942), (121.742, 31.942)),
        ("38", "29"),
        False,
        -4.0,
        INDUSTRIAL_MIX,
        (16, 24),
        0.6,
        "HF",
        0.6,
    ),
    ParkSpec(
        "Z03",
        "近海镇工业集中区",
        "zone",
        ((121.782, 31.842), (121.798, 31.842), (121.798, 31.856), (121.782, 31.856)),
        ("33", "35"),
        False,
        10.0,
        INDUSTRIAL_MIX,
        (16, 24),
        0.55,
        "JH",
        0.6,
    ),
    ParkSpec(
        "Z04",
        "东海镇工业集中区",
        "zone",
        ((121.872, 31.808), (121.888, 31.808), (121.888, 31.822), (121.872, 31.822)),
        ("37", "33"),
        False,
        20.0,
        INDUSTRIAL_MIX,
        (15, 22),
        0.55,
        "DH",
        0.6,
    ),
    ParkSpec(
        "Z05",
        "合作镇工业集中区",
        "zone",
        ((121.552, 31.986), (121.568, 31.986), (121.568, 32.000), (121.552, 32.000)),
        ("29", "17"),
        False,
        0.0,
        INDUSTRIAL_MIX,
        (15, 22),
        0.5,
        "HZ",
        0.6,
    ),
    ParkSpec(
        "Z06",
        "王鲍镇工业集中区",
        "zone",
        ((121.672, 31.966), (121.688, 31.966), (121.688, 31.980), (121.672, 31.980)),
        ("34", "38"),
        False,
        -8.0,
        INDUSTRIAL_MIX,
        (15, 22),
        0.5,
        "WB",
        0.6,
    ),
)

STATUS_WEIGHTS = (
    ("available", 0.46),
    ("reserved", 0.07),
    ("signed", 0.07),
    ("supplied", 0.07),
    ("under_construction", 0.07),
    ("in_production", 0.12),
    ("unavailable", 0.14),
)
STOCK_WEIGHTS = (
    ("approved_unsupplied", 0.35),
    ("idle", 0.2),
    ("inefficient", 0.15),
    ("reserve", 0.25),
    ("other", 0.05),
)
READY_ITEMS = tuple(item.column for item in SITE_WORKS)  # net land is drawn apart
WORKFLOW_PATH = ("available", "reserved", "signed", "supplied", "under_construction", "in_production")


def to_local(geoms: list[Any]) -> list[Any]:
    """EPSG:4490 lon/lat to metres in EPSG:4550."""
    return list(reproject(np.asarray(geoms, dtype=object), CGCS2000, LOCAL))


def to_geo(geoms: list[Any]) -> list[Any]:
    """Metres in EPSG:4550 to EPSG:4490, rounded to 7 decimals."""
    out = reproject(np.asarray(geoms, dtype=object), LOCAL, CGCS2000)
    return list(shapely.set_precision(out, 10**-DECIMALS, mode="pointwise"))


def load_outline() -> tuple[Polygon, Polygon]:
    """The mainland outline and the 启隆 exclave, in EPSG:4490."""
    feature = json.loads(OUTLINE_FILE.read_text(encoding="utf-8"))["features"][0]
    mainland, exclave = shape(feature["geometry"]).geoms
    return mainland, exclave


# --- towns and parks ---------------------------------------------------------------------------


def build_towns(mainland: Polygon, exclave: Polygon) -> list[dict[str, Any]]:
    """Voronoi cells of the town seats clipped to the mainland, plus the exclave town."""
    land = to_local([mainland])[0]
    seats = to_local([Point(lon, lat) for _, _, lon, lat in TOWN_SEATS])
    cells = shapely.voronoi_polygons(MultiPoint(seats), extend_to=land.buffer(5000)).geoms
    ordered = [next(c for c in cells if c.contains(seat)) for seat in seats]
    # Clipped in degrees against the outline's own vertices and not rounded, so that the towns
    # tile the outline exactly: rounding where a cell edge crosses the coast would open slivers.
    clipped = reproject(np.asarray(ordered, dtype=object), LOCAL, CGCS2000)
    towns = [
        {"code": code, "name": name, "geom": geom}
        for (code, name, _, _), geom in zip(TOWN_SEATS, shapely.intersection(clipped, mainland), strict=True)
    ]
    towns.append({"code": EXCLAVE_TOWN[0], "name": EXCLAVE_TOWN[1], "geom": exclave})
    # synthetic 地籍区 codes, 001 for the first town on: the digits 7-9 of the towns' 宗地代码
    return [
        {
            "kind": "town",
            "leading_industries": [],
            "is_priority": False,
            "parent": None,
            "cadastral_code": f"{number:03d}",
            **t,
        }
        for number, t in enumerate(towns, start=1)
    ]


def build_parks(towns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The parks and zones as areas; a zone's parent is the town that holds it."""
    out = []
    for spec in PARKS:
        poly = Polygon(spec.corners)
        parent = None
        if spec.kind == "zone":
            parent = next(t["code"] for t in towns if t["geom"].contains(poly.centroid))
        out.append(
            {
                "code": spec.code,
                "name": spec.name,
                "kind": spec.kind,
                "parent": parent,
                "leading_industries": list(spec.leading),
                "is_priority": spec.priority,
                "geom": poly,
            }
        )
    return out


# --- blocks and parcels (in a frame rotated to the road grid, metres) -----------------------


def road_blocks(frame: Polygon, rng: np.random.Generator) -> list[Polygon]:
    """Axis-aligned blocks between roads that lie wholly inside the (rotated) park."""
    inner = frame.buffer(-30)
    minx, miny, maxx, maxy = frame.bounds
    blocks = []
    y = miny + 30
    while y < maxy:
        depth = float(rng.uniform(240, 420))
        x = minx + 30
        while x < maxx:
            width = float(rng.uniform(360, 620))
            block = box(x, y, x + width, y + depth)
            if inner.contains(block):
                blocks.append(block)
            x += width + float(rng.choice([24, 32, 40]))
        y += depth + float(rng.choice([24, 32, 40]))
    return blocks


def parcel_widths(length: float, depth: float, rng: np.random.Generator) -> list[tuple[float, float]]:
    """Cut a strip of `length` into parcels of lognormal area; return (start, end) offsets."""
    cuts, x = [], 0.0
    while length - x > 25:
        mu = float(np.clip(rng.lognormal(np.log(24), 0.85), 3, 300))
        width = float(np.clip(mu * M2_PER_MU / depth, 25, length - x))
        if length - (x + width) < 40:
            width = length - x
        if width * depth > 300 * M2_PER_MU:
            width = 300 * M2_PER_MU / depth
        cuts.append((x, x + width))
        x += width + (12.0 if rng.random() < 0.3 else 0.0)
    return cuts


def cut_corner(poly: Polygon, corner: tuple[float, float], leg: float) -> Polygon:
    """Cut a sight triangle off a block corner at a road junction (视距三角形)."""
    minx, miny, maxx, maxy = poly.bounds
    cx, cy = corner
    sx, sy = (1 if cx == minx else -1), (1 if cy == miny else -1)
    triangle = Polygon([(cx, cy), (cx + sx * leg, cy), (cx, cy + sy * leg)])
    return Polygon(poly.difference(triangle))


def split_block(block: Polygon, rng: np.random.Generator) -> list[Polygon]:
    """Parcels in one block: one or two rows, touching or separated by a 12 m internal road.

    Only the block's own corners, at road junctions, are sometimes cut: a cut on an edge shared
    with a neighbour would leave a vertex there that rounding could push into the neighbour.
    """
    x0, y0, x1, y1 = block.bounds
    rows = [(y0, y1)]
    if y1 - y0 > 280 and rng.random() < 0.6:
        mid, gap = (y0 + y1) / 2, (12.0 if rng.random() < 0.4 else 0.0)
        rows = [(y0, mid - gap / 2), (mid + gap / 2, y1)]
    parcels = [
        box(x0 + a, ya, x0 + b, yb) for ya, yb in rows for a, b in parcel_widths(x1 - x0, yb - ya, rng)
    ]
    for corner in ((x0, y0), (x1, y0), (x1, y1), (x0, y1)):
        if rng.random() < 0.2:
            i = next(i for i, p in enumerate(parcels) if p.intersects(Point(corner)))
            minx, miny, maxx, maxy = parcels[i].bounds
            leg = float(min(rng.uniform(10, 25), (maxx - minx) / 3, (maxy - miny) / 3))
            parcels[i] = cut_corner(parcels[i], corner, leg)
    # Where the two rows meet, each parcel's edge gets the other row's corners as vertices, so
    # that neighbours share every vertex and still fit exactly after reprojection and rounding.
    corners = MultiPoint(shapely.get_coordinates(parcels))
    return [shapely.snap(p, corners, 1e-6) for p in parcels]


def factory_footprints(block: Polygon, rng: np.random.Generator) -> list[tuple[Polygon, int, str]]:
    """Buildings on a built-up block: a row of multi-storey standard factories or a few sheds."""
    x0, y0, x1, y1 = block.bounds
    out: list[tuple[Polygon, int, str]] = []
    if rng.random() < 0.5:
        w, d, x = 30.0, 84.0, x0 + 20
        floors = int(rng.integers(3, 6))
        while x + w < x1 - 20 and len(out) < 6:
            out.append((box(x, y0 + 30, x + w, y0 + 30 + d), floors, "standard"))
            x += w + 22
        return out
    x = x0 + 25
    while x < x1 - 120 and len(out) < 3:
        w, d = float(rng.uniform(48, 96)), float(rng.uniform(90, min(200, y1 - y0 - 60)))
        kind = choose(rng, (("self_built", 0.6), ("warehouse", 0.3), ("rnd", 0.1)))
        out.append((box(x, y0 + 30, x + w, y0 + 30 + d), 1 if kind != "rnd" else 5, kind))
        x += w + float(rng.uniform(30, 60))
    return out


def lay_out_park(spec: ParkSpec, rng: np.random.Generator) -> tuple[list[Polygon], list[Any]]:
    """Parcels and factory footprints (EPSG:4490) for one park or zone."""
    local = to_local([Polygon(spec.corners)])[0]
    origin = local.centroid
    frame = affinity.rotate(local, -spec.angle, origin=origin)
    parcels: list[Polygon] = []
    buildings: list[tuple[Polygon, int, str]] = []
    for block in road_blocks(frame, rng):
        role = rng.random()
        if role < spec.inventory_share:
            parcels.extend(split_block(block, rng))
        elif role < spec.inventory_share + BUILT_SHARE:
            buildings.extend(factory_footprints(block, rng))
    back = [affinity.rotate(p, spec.angle, origin=origin) for p in parcels]
    shells = [affinity.rotate(b, spec.angle, origin=origin) for b, _, _ in buildings]
    geo = to_geo(back + shells)
    return geo[: len(back)], [(g, f, k) for g, (_, f, k) in zip(geo[len(back) :], buildings, strict=True)]


# --- attributes --------------------------------------------------------------------------------


def firm_name(rng: np.random.Generator, sector: str) -> tuple[str, str]:
    """An invented company for a sector: its short name (启东华兴) and full name."""
    place = names.FIRM_PLACES[int(rng.integers(len(names.FIRM_PLACES)))]
    word = names.FIRM_WORDS[int(rng.integers(len(names.FIRM_WORDS)))]
    trades = names.FIRM_TRADES[sector]
    return place + word, f"{place}{word}{trades[int(rng.integers(len(trades)))]}有限公司"


def person(rng: np.random.Generator) -> str:
    """An invented contact name such as 陆科长."""
    return (
        names.SURNAMES[int(rng.integers(len(names.SURNAMES)))]
        + names.TITLES[int(rng.integers(len(names.TITLES)))]
    )


def status_history(rng: np.random.Generator, final: str, since: dt.date, reason: str) -> list[list[Any]]:
    """Events (date, from, to, project, note) that lead along the workflow to `final`.

    The project column is left empty here and filled once the project is known.
    """
    if final == "unavailable":
        start = since - dt.timedelta(days=int(rng.integers(90, 900)))
        return [
            [start.isoformat(), None, "available", None, "纳入存量资源库"],
            [since.isoformat(), "available", "unavailable", None, reason],
        ]
    steps = list(WORKFLOW_PATH[: WORKFLOW_PATH.index(final) + 1])
    dates = [since]
    for _ in steps[1:]:
        dates.insert(0, dates[0] - dt.timedelta(days=int(rng.integers(45, 240))))
    events: list[list[Any]] = [[dates[0].isoformat(), None, "available", None, "纳入存量资源库"]]
    for (a, b), day in zip(zip(steps, steps[1:], strict=False), dates[1:], strict=True):
        if ParcelStatus(b) not in PARCEL_TRANSITIONS[ParcelStatus(a)]:
            raise RuntimeError(f"sample history breaks the workflow: {a} -> {b}")
        events.append([day.isoformat(), a, b, None, None])
    return events


def parcel_attributes(spec: ParkSpec, rng: np.random.Generator, serial: int) -> dict[str, Any]:
    """Everything about a parcel except its geometry, status and project."""
    land_use = choose(rng, spec.land_use)
    stock = choose(rng, STOCK_WEIGHTS)
    old_plan = rng.random() < 0.12
    road_a, road_b = rng.choice(len(names.ROADS), size=2, replace=False)
    ready = {item: bool(rng.random() < spec.readiness) for item in READY_ITEMS}
    ready["ready_heat"] = ready["ready_heat"] and rng.random() < 0.4
    owner = {"reserve": "启东市土地储备中心", "approved_unsupplied": "启东市自然资源和规划局"}.get(
        stock, firm_name(rng, choose(rng, tuple((s, 1.0) for s in names.FIRM_TRADES)))[1]
    )
    idle_since = (
        random_date(rng, dt.date(2012, 1, 1), dt.date(2024, 12, 31))
        if stock in ("idle", "inefficient", "approved_unsupplied")
        else None
    )
    return {
        "code": f"{spec.prefix}-{serial:03d}",
        "name": f"{names.ROADS[road_a]}与{names.ROADS[road_b]}交叉口地块",
        "land_use": land_use,
        "stock_type": stock,
        "ownership": owner,
        "plot_ratio_min": 0.8 if old_plan else 1.2,
        "plot_ratio_max": round(float(rng.uniform(1.0, 1.5) if old_plan else rng.choice([2.0, 2.5, 3.0])), 1),
        "building_density_min": 40.0,
        "height_limit_m": float(rng.choice([24, 30, 40, 50])),
        "green_ratio_max": float(rng.choice([15, 20])),
        **ready,
        "net_land": bool(stock in ("reserve", "approved_unsupplied") and rng.random() < 0.7),
        "price_wan_per_mu": round(float(rng.uniform(*spec.price)), 1),
        "idle_since": idle_since.isoformat() if idle_since else None,
        "contact": f"{spec.name}招商局 {person(rng)}",
        "remarks": names.PARCEL_REMARKS[int(rng.integers(len(names.PARCEL_REMARKS)))] or None,
    }


def land_use_group(code: str) -> str:
    """Which landed-project templates fit a land-use class."""
    if code.startswith("1101"):
        return "logistics"
    if code == "1901":
        return "sea"
    return {"100101": "industrial1", "100103": "industrial3"}.get(code, "industrial2")


# A parcel's status and the stage its project reached with it
SITE_STAGES = (
    ("signed", "signed"),
    ("supplied", "supplied"),
    ("under_construction", "started"),
    ("in_production", "producing"),
)


def pipeline_project(k: int, project: dict[str, Any]) -> dict[str, Any]:
    """An example project in talks: a lead first, then negotiating, on dates of its own."""
    lead = dt.date(2026, 3, 2) + dt.timedelta(days=9 * k)
    talks = lead + dt.timedelta(days=21 + 3 * k)
    return {
        **project,
        "stage": "negotiating",
        "stage_since": talks.isoformat(),
        "stages": [[lead.isoformat(), "lead"], [talks.isoformat(), "negotiating"]],
    }


def landed_project(
    rng: np.random.Generator,
    parcel: dict[str, Any],
    area_mu: float,
    serial: int,
    status: str,
    dates: dict[str, str],
) -> dict[str, Any]:
    """The project that occupies a signed (or later) parcel, sized to the parcel."""
    templates = LANDED_TEMPLATES[land_use_group(parcel["land_use"])]
    industry, sector, what = templates[int(rng.integers(len(templates)))]
    short, investor = firm_name(rng, sector)
    fixed = round(area_mu * float(rng.uniform(260, 620)), -1)
    steps = [(day, stage) for status_reached, stage in SITE_STAGES if (day := dates.get(status_reached))]
    stage = dict(SITE_STAGES)[status]
    signed_on = dt.date.fromisoformat(dates["signed"])
    return {
        "code": f"XM-{signed_on.year}-{serial:03d}",
        "name": f"{short}{what}",
        "investor": investor,
        "industry_code": industry,
        "investment_total_wan": round(fixed * float(rng.uniform(1.15, 1.5)), -1),
        "fixed_investment_wan": fixed,
        "land_min_mu": round(area_mu * 0.9, 1),
        "land_max_mu": round(area_mu * 1.1, 1),
        "annual_output_wan": round(area_mu * float(rng.uniform(300, 900)), -1),
        "annual_tax_wan": round(area_mu * float(rng.uniform(15, 60)), -1),
        "preferred_areas": [],
        "stage": stage,
        "stage_since": dates[status],
        "stages": [[day, step] for day, step in steps],
        "signed_on": dates["signed"],
        "agreed_start_on": (signed_on + dt.timedelta(days=180)).isoformat(),
        "started_on": dates.get("under_construction"),
    }


def cert_area(rng: np.random.Generator, area_m2: float) -> float | None:
    """A certificate area for some parcels: usually within 0.5 %, now and then off by 1.5-4 %."""
    if rng.random() > 0.45:
        return None
    close = rng.random() < 0.85
    off = rng.uniform(-0.005, 0.005) if close else rng.choice([-1, 1]) * rng.uniform(0.015, 0.04)
    return round(area_m2 * (1 + float(off)), 2)


def build_parcels(
    rng: np.random.Generator,
    coast_local: LineString,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[str, Any]]]:
    """Parcels of every park with statuses and histories, the landed projects, the buildings."""
    parcels: list[dict[str, Any]] = []
    landed: list[dict[str, Any]] = []
    buildings: list[tuple[str, Any]] = []
    pipeline = [p["code"] for p in EXAMPLE_PROJECTS if p.get("land_min_mu")]
    for spec in PARKS:
        geoms, footprints = lay_out_park(spec, rng)
        buildings.extend((spec.code, f) for f in footprints)
        areas = ellipsoidal_area_m2(np.asarray(geoms, dtype=object)) if geoms else []
        waterfront = shapely.distance(np.asarray(to_local(geoms), dtype=object), coast_local) < 1500
        for i, (geom, area_m2) in enumerate(zip(geoms, areas, strict=True)):
            record = parcel_attributes(spec, rng, i + 1)
            status = choose(rng, STATUS_WEIGHTS)
            since = random_date(rng, dt.date(2023, 1, 1), TODAY)
            reason = names.UNAVAILABLE_REASONS[int(rng.integers(len(names.UNAVAILABLE_REASONS)))]
            project = None
            if status == "reserved":
                project = pipeline[int(rng.integers(len(pipeline)))]
            history = status_history(rng, status, since, reason)
            dates = {event[2]: event[0] for event in history}
            if status in WORKFLOW_PATH[2:]:
                occupant = landed_project(
                    rng, record, float(area_m2) / M2_PER_MU, len(landed) + 101, status, dates
                )
                landed.append(occupant)
                project = occupant["code"]
            for event in history[1:]:
                if event[2] in WORKFLOW_PATH[1:]:
                    event[3] = project
            record.update(
                geom=geom,
                park=spec.code,
                status=status,
                status_since=since.isoformat(),
                reserved_project=project,
                history=history,
                cert_area_m2=cert_area(rng, float(area_m2)),
                waterfront=bool(waterfront[i]),
                remarks=reason if status == "unavailable" else record["remarks"],
            )
            parcels.append(record)
    return parcels, landed, buildings


FACTORY_STATUS = (("vacant", 0.55), ("reserved", 0.08), ("leased", 0.27), ("sold", 0.10))


def factory_specs(rng: np.random.Generator, kind: str) -> dict[str, Any]:
    """Clear height, floor load, crane and power typical of the building type."""
    if kind == "standard":
        return {
            "clear_height_m": float(rng.choice([5.4, 6.0, 7.2, 8.0])),
            "floor_load_kn_m2": float(rng.choice([8.0, 10.0, 12.0, 15.0])),
            "crane_t": None,
            "power_kva": float(rng.choice([400, 630, 800, 1000])),
        }
    if kind == "rnd":
        return {
            "clear_height_m": 4.5,
            "floor_load_kn_m2": 5.0,
            "crane_t": None,
            "power_kva": float(rng.choice([315, 400, 630])),
        }
    crane = float(rng.choice([5, 10, 16, 20, 32])) if kind == "self_built" and rng.random() < 0.45 else None
    return {
        "clear_height_m": float(rng.choice([8.0, 9.0, 10.0, 12.0, 14.0])),
        "floor_load_kn_m2": float(rng.choice([20.0, 30.0, 40.0, 50.0])),
        "crane_t": crane,
        "power_kva": float(rng.choice([630, 1000, 1250, 2000, 3150])),
    }


def factory_occupancy(rng: np.random.Generator, floor_area: float, pipeline: list[str]) -> dict[str, Any]:
    """Status, vacant floor area, dates and history of a factory."""
    status = choose(rng, FACTORY_STATUS)
    since = random_date(rng, dt.date(2023, 6, 1), TODAY)
    start = since - dt.timedelta(days=int(rng.integers(60, 700)))
    history: list[list[Any]] = [[start.isoformat(), None, "vacant", None, "纳入存量厂房库"]]
    project = None
    vacant = floor_area
    if status == "reserved":
        project = pipeline[int(rng.integers(len(pipeline)))]
        history.append([since.isoformat(), "vacant", "reserved", project, None])
    elif status in ("leased", "sold"):
        middle = start + (since - start) / 2
        history += [
            [middle.isoformat(), "vacant", "reserved", None, None],
            [since.isoformat(), "reserved", status, None, None],
        ]
        partly = status == "leased" and rng.random() < 0.35
        vacant = round(floor_area * float(rng.uniform(0.2, 0.6)), 1) if partly else 0.0
    return {
        "status": status,
        "status_since": since.isoformat(),
        "vacant_area_m2": vacant,
        "reserved_project": project,
        "history": history,
    }


def build_factories(
    rng: np.random.Generator, buildings: list[tuple[str, Any]], parcels: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Factory records for the built-up blocks and for some parcels already in production."""
    pipeline = [p["code"] for p in EXAMPLE_PROJECTS if p.get("floor_area_min_m2")]
    leading = {spec.code: spec for spec in PARKS}
    hosts = [p for p in parcels if p["status"] == "in_production"][::3]
    insets = to_geo(
        [
            affinity.scale(g.buffer(-15, join_style="mitre"), 0.85, 0.85)
            for g in to_local([p["geom"] for p in hosts])
        ]
    )
    sites: list[tuple[str, Any, str | None]] = [(park, b, None) for park, b in buildings]
    sites += [
        (p["park"], (g, 2, "self_built"), p["code"])
        for p, g in zip(hosts, insets, strict=True)
        if not g.is_empty
    ]
    out = []
    for n, (park_code, (geom, floors, kind), parcel_code) in enumerate(sites, start=1):
        spec = leading[park_code]
        footprint_m2 = float(ellipsoidal_area_m2(geom)[0])
        floor_area = round(footprint_m2 * floors, 1)
        point_only = rng.random() < 0.2
        owner = (
            f"{spec.name[:-3] if spec.kind == 'park' else spec.name[:3]}开发建设有限公司"
            if kind == "standard"
            else firm_name(rng, "高端装备")[1]
        )
        out.append(
            {
                "code": f"CF-{spec.prefix}-{n:03d}",
                "name": f"{spec.name}{'标准厂房' if kind == 'standard' else '厂房'}{n}号",
                "geom": None if point_only else geom,
                "location": geom.representative_point(),
                "park": park_code,
                "parcel": parcel_code,
                "building_type": kind,
                "floors": floors,
                "floor_area_m2": floor_area,
                **factory_specs(rng, kind),
                "year_built": int(rng.integers(2006, 2025)),
                "owner": owner,
                "rent_yuan_m2_month": round(float(rng.uniform(12, 24)), 1) if kind != "rnd" else 30.0,
                "sale_price_wan": (
                    round(floor_area * float(rng.uniform(0.25, 0.4)), -1) if kind == "self_built" else None
                ),
                "suitable_industries": list(spec.leading),
                "contact": f"{spec.name}招商局 {person(rng)}",
                "remarks": names.FACTORY_REMARKS[int(rng.integers(len(names.FACTORY_REMARKS)))] or None,
                **factory_occupancy(rng, floor_area, pipeline),
            }
        )
    return out


def build_pipeline(
    areas: list[dict[str, Any]],
    parcels: list[dict[str, Any]],
    factories: list[dict[str, Any]],
    landed: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Every project of the sample with its pipeline fields, steps and follow-ups: the example
    projects, the landed ones, the new leads (data/pipeline.py, data/leads.py), drawn from the
    pipeline's own generator so that the inventory drawn before stays as it was."""
    rng = np.random.default_rng(PIPELINE_SEED)
    places = load_places(areas)
    first_reserved = reservations(parcels, factories)
    drafted = [
        example(rng, places, pipeline_project(k, p), first_reserved.get(p["code"]))
        for k, p in enumerate(EXAMPLE_PROJECTS)
    ]
    occupied = {p["reserved_project"]: p for p in parcels if p["status"] in WORKFLOW_PATH[2:]}
    drafted += [landed_project_course(rng, places, r, occupied[r["code"]], TODAY) for r in landed]
    drafted += leads(rng, places, TODAY)
    assign_codes(rng, drafted)
    for d in drafted:
        most = LANDED_MOST if "parcel" in d.extra else None
        d.record["follow_ups"] = follow_ups(rng, d, places, TODAY, most)
        if "parcel" in d.extra and (review := review_before_signing(d.record)):
            d.record["review"] = review
    return [d.record for d in drafted]


# --- output ------------------------------------------------------------------------------------


def feature(geom: Any, properties: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON feature; geometry None is allowed (a factory known only by its location)."""
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": mapping(geom) if geom is not None else None,
    }


def write_collection(path: Path, features: list[dict[str, Any]]) -> None:
    """Write a FeatureCollection, one feature per line so diffs stay readable."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    body = ",\n".join(lines)
    path.write_text('{"type":"FeatureCollection","features":[\n' + body + "\n]}\n", encoding="utf-8")


def multipolygon(geom: Any) -> Any:
    """Areas and parcels are stored as MultiPolygons."""
    return geom if geom.geom_type == "MultiPolygon" else shapely.MultiPolygon([geom])


def write_context(path: Path, mainland: Polygon, exclave: Polygon) -> None:
    """Write the map's context (data/context.py), drawn from its own generator after the rest."""
    context = build_context(mainland, exclave)
    geoms = shapely.set_precision(np.array([c.pop("geom") for c in context]), 10**-DECIMALS, mode="pointwise")
    write_collection(path, [feature(g, c) for g, c in zip(geoms, context, strict=True)])


def generate(out_dir: Path = SAMPLE_DIR) -> dict[str, int]:
    """Write the sample files into `out_dir`; return how many records each holds."""
    rng = np.random.default_rng(SEED)
    mainland, exclave = load_outline()
    coast = to_local([LineString(list(mainland.exterior.coords)[:COAST_VERTICES])])[0]
    towns = build_towns(mainland, exclave)
    areas = towns + build_parks(towns)
    parcels, landed, buildings = build_parcels(rng, coast)
    factories = build_factories(rng, buildings, parcels)
    projects = build_pipeline(areas, parcels, factories, landed)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_collection(out_dir / "areas.geojson", [feature(multipolygon(a.pop("geom")), a) for a in areas])
    write_collection(out_dir / "parcels.geojson", [feature(multipolygon(p.pop("geom")), p) for p in parcels])
    for f in factories:
        f["location"] = [round(f["location"].x, DECIMALS), round(f["location"].y, DECIMALS)]
    write_collection(
        out_dir / "factories.geojson",
        [
            feature(multipolygon(f.pop("geom")) if f["geom"] is not None else f.pop("geom"), f)
            for f in factories
        ],
    )
    write_collection(
        out_dir / "infrastructure.geojson",
        [
            feature(Point(i["lon"], i["lat"]), {k: v for k, v in i.items() if k not in ("lon", "lat")})
            for i in INFRASTRUCTURE
        ],
    )
    write_context(out_dir / "context.geojson", mainland, exclave)
    (out_dir / "projects.json").write_text(
        json.dumps(projects, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    from data import receptors  # its own seeded generator: the files above stay as they were

    return {
        "areas": len(areas),
        "parcels": len(parcels),
        "factories": len(factories),
        "projects": len(projects),
        "infrastructure": len(INFRASTRUCTURE),
        "receptors": receptors.write(out_dir),
    }


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE_DIR
    print(generate(target))
