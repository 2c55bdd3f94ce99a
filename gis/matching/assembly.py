"""Assembled sites (拼地): adjacent available parcels of one park whose union meets the need.

The pool is small: the largest pieces under the need (the seeds) and every piece within a window
around them, fetched through the spatial index; the search over it is pure. Adjacency is measured
in metres in the Gauss-Krüger zone: parcels that touch, or lie within the configured gap (an
internal road of 12–15 m), are neighbours. From each seed the search grows connected sets up to
`max_members`, stops growing a set once it meets the need (more land would only be waste) and
keeps the smallest set that meets it. An assembly is scored as a parcel, less a penalty.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from sqlalchemy import Integer, and_, func
from sqlalchemy.orm import Session

from gis.area import M2_PER_MU
from gis.crs import CGCS2000, reproject
from gis.matching.candidates import Candidate, site_columns, site_row
from gis.matching.context import Context, distance_mask, distances_km
from gis.matching.criteria import Scores, Sites, criteria_rows, fits, weighted
from gis.matching.kinds import PARCEL
from gis.matching.need import MatchConfig, Resolved
from gis.matching.parcels import (
    Bound,
    official_m2,
    parcel_base,
    parcel_rules,
    shaped,
    sliced_ids,
    united,
)
from gis.matching.shape import Shape
from gis.matching.sql import param, param_list
from gis.models import Parcel
from gis.spatial import BBox, index_candidates_any
from gis.vocabulary import CandidateKind, SiteKind

MAX_SETS_PER_SEED = 400


@dataclass(frozen=True)
class Assembly:
    """Indices (into the pool) of the members and their total official area in 亩."""

    members: tuple[int, ...]
    area_mu: float


def neighbours(geoms_m: np.ndarray, parks: Sequence[int | None], gap_m: float) -> list[set[int]]:
    """For each parcel, the parcels of the same park within `gap_m` metres (touching included)."""
    tree = shapely.STRtree(geoms_m)
    left, right = tree.query(geoms_m, predicate="dwithin", distance=gap_m)
    adjacent: list[set[int]] = [set() for _ in range(len(geoms_m))]
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a != b and parks[a] is not None and parks[a] == parks[b]:
            adjacent[a].add(b)
    return adjacent


def _grow(
    seed: int,
    adjacent: list[set[int]],
    areas: Sequence[float],
    low: float,
    high: float | None,
    max_members: int,
) -> list[tuple[int, ...]]:
    """Connected sets containing `seed` that meet [low, high], breadth first, bounded."""
    found: list[tuple[int, ...]] = []
    frontier = [frozenset([seed])]
    seen = set(frontier)
    for _ in range(max_members - 1):
        grown = []
        for members in frontier:
            for n in sorted(set().union(*(adjacent[m] for m in members)) - members):
                candidate = members | {n}
                if candidate in seen or len(seen) > MAX_SETS_PER_SEED:
                    continue
                seen.add(candidate)
                total = sum(areas[i] for i in candidate)
                if high is not None and total > high:
                    continue
                if total >= low:
                    found.append(tuple(sorted(candidate)))
                else:
                    grown.append(candidate)
        frontier = grown
    return found


def assemble(
    seeds: Sequence[int],
    adjacent: list[set[int]],
    areas: Sequence[float],
    codes: Sequence[str],
    low: float,
    high: float | None,
    max_members: int,
) -> list[Assembly]:
    """For each seed, the least wasteful connected set meeting the need; distinct sets only."""
    best: dict[tuple[int, ...], Assembly] = {}
    for seed in seeds:
        options = _grow(seed, adjacent, areas, low, high, max_members)
        if not options:
            continue
        pick = min(options, key=lambda s: (sum(areas[i] for i in s), [codes[i] for i in s]))
        best[pick] = Assembly(pick, sum(areas[i] for i in pick))  # unrounded: checked against the need
    return sorted(best.values(), key=lambda a: (a.area_mu, [codes[i] for i in a.members]))


M_PER_DEG_LAT = 110_574.0


def _windows(lon: list[float], lat: list[float], metres: float) -> list[BBox]:
    out = []
    for x, y in zip(lon, lat, strict=True):
        dy = metres / M_PER_DEG_LAT
        dx = metres / (M_PER_DEG_LAT * float(np.cos(np.radians(y))))
        out.append((x - dx, y - dy, x + dx, y + dy))
    return out


def _assembly_rules(shape: Shape) -> list[Any]:
    return [
        Parcel.status.in_(param_list("statuses")),
        Parcel.park_id.is_not(None),
        official_m2() < param("area_low"),
        *parcel_rules(shape),
    ]


@functools.lru_cache(maxsize=256)
def assembly_seeds(shape: Shape) -> Any:
    """The largest pieces under the need, for each status and admitted class (once per shape)."""
    area = official_m2()
    pieces = and_(area < param("area_low"), area >= param("piece_min"))
    seeds = sliced_ids(
        shape.dialect,
        shape.statuses,
        param_list("admitted"),
        _assembly_rules(shape)[1:],
        pieces,
        True,
        param("seeds", Integer),
    )
    return parcel_base().where(Parcel.id.in_(united(seeds)))


def _window_edges(i: int) -> tuple[str, str, str, str]:
    """The parameter names of window `i`'s edges."""
    return f"window_{i}_x0", f"window_{i}_y0", f"window_{i}_x1", f"window_{i}_y1"


@functools.lru_cache(maxsize=256)
def assembly_pieces(shape: Shape, windows: int) -> Any:
    """Every piece in one of `windows` boxes around the seeds, with geometry (once per shape)."""
    edges = [_window_edges(i) for i in range(windows)]
    boxes = [(param(x0), param(y0), param(x1), param(y1)) for x0, y0, x1, y1 in edges]
    return (
        parcel_base()
        .add_columns(func.ST_AsBinary(Parcel.geom).label("wkb"))
        .where(*_assembly_rules(shape), index_candidates_any(shape.dialect, Parcel, "geom", boxes))
        .order_by(Parcel.code)
    )


def assembly_pool(
    session: Session, need: Resolved, ctx: Context, config: MatchConfig, bound: Bound | None = None
) -> tuple[list[int], dict[str, Any], np.ndarray]:
    """Seeds (the largest pieces under the need) and every piece near them, with geometry."""
    shape, values = bound or shaped(session, need, ctx, config)
    values = dict(values)  # the windows' edges are added below; the match's own stay as they are
    seed_rows = session.connection().execute(assembly_seeds(shape), values).all()
    # largest first, ties by code the same way, as each slice took them
    seed_rows = sorted(
        seed_rows,
        key=lambda r: (r.area_m2 if r.cert_area_m2 is None else r.cert_area_m2, r.code),
        reverse=True,
    )
    seed_rows = seed_rows[: config.assembly_seeds]
    if not seed_rows:
        return [], {}, np.array([], dtype=object)
    windows = _windows([r.lon for r in seed_rows], [r.lat for r in seed_rows], config.assembly_window_m)
    for i, box in enumerate(windows):
        values.update(zip(_window_edges(i), box, strict=True))
    statement = assembly_pieces(shape, len(windows))
    rows = session.connection().execute(statement, values).all()
    cols = site_columns(PARCEL, rows, statement)
    geoms = shapely.from_wkb([bytes(w) for w in cols.pop("wkb")])
    seed_codes = {r.code for r in seed_rows}
    return [i for i, c in enumerate(cols["code"]) if c in seed_codes], cols, geoms


def _assembled_columns(
    cols: dict[str, Any], groups: list[Assembly], geoms: np.ndarray
) -> tuple[dict[str, Any], list[Any]]:
    """One row per assembly: area summed, facts area-weighted, centre of the union's box."""
    out: dict[str, Any] = {k: [] for k in cols}
    unions = []
    for group in groups:
        m = list(group.members)
        weights = np.asarray([cols["official_mu"][i] for i in m])
        union = shapely.union_all(geoms[m])
        unions.append(union)
        for key, values in cols.items():
            picked = [values[i] for i in m]
            out[key].append(_merge(key, picked, weights))
        x0, y0, x1, y1 = union.bounds
        out["lon"][-1], out["lat"][-1] = (x0 + x1) / 2, (y0 + y1) / 2
    out["official_mu"] = np.asarray(out["official_mu"], dtype=float)
    return out, unions


def _merge(key: str, values: list[Any], weights: np.ndarray) -> Any:
    """How one column of the members becomes the assembly's."""
    if key in ("official_mu", "area_m2"):
        return float(np.sum(values))
    if key == "cert_area_m2":
        return None
    if key == "land_use":
        return max(values)  # highest class code: the class-fit criterion takes the worst member
    if key.startswith("ready_") or key == "net_land":
        return float(np.average(np.asarray(values, dtype=float), weights=weights))
    if key == "price":
        known = [(v, w) for v, w in zip(values, weights, strict=True) if not np.isnan(v)]
        return float(np.average([v for v, _ in known], weights=[w for _, w in known])) if known else np.nan
    if key in ("since", "idle_since"):
        return min((v for v in values if v), default=None)
    return values[0]


def match_assemblies(
    session: Session,
    need: Resolved,
    ctx: Context,
    config: MatchConfig,
    limit: int,
    bound: Bound | None = None,
) -> list[Candidate]:
    """Assembled sites (拼地) meeting the need, scored like parcels less the assembly penalty."""
    seeds, cols, geoms = assembly_pool(session, need, ctx, config, bound)
    if not seeds:
        return []
    metres = reproject(geoms, CGCS2000, ctx.layer.epsg)
    adjacent = neighbours(metres, cols["park_id"], config.assembly_gap_m)
    groups = assemble(
        seeds,
        adjacent,
        [float(a) for a in cols["official_mu"]],
        cols["code"],
        need.land_min_mu or 0.0,
        need.land_max_mu,
        config.assembly_max_members,
    )
    if not groups:
        return []
    merged, unions = _assembled_columns(cols, groups, geoms)
    dist = distances_km(ctx.layer, np.asarray(merged["lon"]), np.asarray(merged["lat"]))
    keep = distance_mask(dist, need, len(groups))
    sites = Sites(PARCEL, merged, dist, need, ctx, config)
    scores = weighted(fits(sites), config, SiteKind.PARCEL)
    out = [
        _assembly_candidate(group, g, cols, sites, scores, unions[g])
        for g, group in enumerate(groups)
        if keep[g]
    ]
    out.sort(key=lambda c: (-round(c.score, 2), c.code))
    return out[:limit]


def _assembly_candidate(
    group: Assembly, g: int, cols: dict[str, Any], sites: Sites, scores: Scores, union: Any
) -> Candidate:
    codes, config = [cols["code"][i] for i in group.members], sites.config
    criteria = criteria_rows(sites, scores, g, area_fit=round(group.area_mu, 1))
    criteria.append(
        {
            "name": "assembly",
            "weight": 0.0,
            "value": 0.0,
            "points": -config.assembly_penalty,
            "raw": len(codes),
        }
    )
    site = {
        **site_row(sites.cols, g, sites.dist),
        "code": "+".join(codes),
        "cert_area_m2": None,
        "area_m2": group.area_mu * M2_PER_MU,
    }
    checks = PARCEL.checks(site, sites.need, sites.ctx.classes, config)
    total = max(0.0, float(scores.total[g]) - config.assembly_penalty)
    return Candidate(
        CandidateKind.ASSEMBLY,
        "+".join(codes),
        codes,
        round(total, 1),
        criteria,
        checks,
        {"ids": [cols["id"][i] for i in group.members], "area_mu": round(group.area_mu, 4)},
        shapely.to_geojson(shapely.orient_polygons(union)),  # RFC 7946 winding, as the database gives
    )
