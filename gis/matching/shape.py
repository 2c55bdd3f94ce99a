"""The form of a match's parcel statements, and the values each request binds into them.

A match's SQL depends on the request in two ways: its form (which constraints apply, which
criteria weigh something, which parks, land-use classes and infrastructure points the score
reads) and its numbers (the need, the weights, each park's industry fit, today). The form is a
`Shape`; the statements are built once per shape with named bound parameters
(gis/matching/sql.py; gis/matching/parcels.py keeps the statements), and each request supplies
only `binds`. Building the scored statement anew cost several milliseconds a match, more than the
database took to run it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, true

from gis import search_area
from gis.area import M2_PER_MU
from gis.matching.constraints import admitted_codes
from gis.matching.context import Context, points_of, statuses
from gis.matching.criteria import CRITERION, MEASURED, weights_for
from gis.matching.need import INFRA_KINDS, MatchConfig, Resolved
from gis.matching.sql import param, squared_metres
from gis.vocabulary import SiteKind

Points = tuple[tuple[float, float], ...]
REACH_MARGIN = 0.02  # the box-centre distance in SQL is within 0.3 % of the exact one (gis/crs.py)


@dataclass(frozen=True)
class Shape:
    """What decides the form of a match's parcel statements (never their numbers)."""

    dialect: str
    statuses: tuple[str, ...]
    parks: tuple[int, ...]
    classes: tuple[str, ...]
    area_capped: bool
    insist_on_preferred: bool
    plot_ratio: bool
    readiness: tuple[str, ...]
    waterfront: bool
    budget: bool
    scored: tuple[str, ...]  # the criteria read from the row that weigh something, in order
    scored_points: tuple[tuple[str, Points], ...]  # those measured that do, with their kind's points
    limits: tuple[Points, ...] | None  # None: a limit on lines or areas, decided in numpy alone
    limit_kinds: tuple[str | None, ...]  # each limit's kind of infrastructure (None: one named by code)
    stored_distances: bool  # the parcels' stored distances are of this layer (gis/matching/proximity.py)
    searched: bool = False  # a search area holds the sites (gis/search_area.py)
    protection: bool = False  # some parcels are too near a receptor (gis/matching/protection.py)


def _points(ctx: Context, target: str) -> Points | None:
    """The points of a kind or code (None when the layer holds anything but points)."""
    geoms = points_of(ctx, target)
    if not all(g.geom_type == "Point" for g in geoms):
        return None
    return tuple((float(g.x), float(g.y)) for g in geoms)


def _limits(ctx: Context, need: Resolved) -> tuple[Points, ...] | None:
    out = []
    for target, _ in need.need.max_distance_km:
        points = _points(ctx, target)
        if points is None:
            return None
        out.append(points)  # an empty layer keeps every site: its SQL bound is always true
    return tuple(out)


def shape_of(dialect: str, need: Resolved, ctx: Context, config: MatchConfig) -> Shape:
    """The shape of this request's parcel statements."""
    weights = weights_for(SiteKind.PARCEL, need, config)
    scored = tuple(n for n in weights if CRITERION[n].infra is None and CRITERION[n].sql is not None)
    points = []
    for criterion in MEASURED:
        kind_points = _points(ctx, criterion.name)
        if criterion.name in weights and kind_points:
            points.append((criterion.name, kind_points))
    n = need.need
    return Shape(
        dialect,
        tuple(statuses(need)),
        tuple(sorted(ctx.parks)),
        tuple(sorted(ctx.classes)),
        need.land_max_mu is not None,
        bool(n.preferred_areas and n.insist_on_preferred),
        need.plot_ratio_min is not None,
        tuple(n.required_readiness),
        n.needs_waterfront,
        n.budget_wan is not None,
        scored,
        tuple(points),
        _limits(ctx, need),
        tuple(t if t in INFRA_KINDS else None for t, _ in n.max_distance_km),
        ctx.layer.stored,
        searched=n.search_area is not None,
        protection=bool(ctx.protection.ids(SiteKind.PARCEL)),
    )


def binds(shape: Shape, need: Resolved, ctx: Context, config: MatchConfig) -> dict[str, Any]:
    """Every number the statements of `shape` bind, by name, for this request: the constraints',
    and each scored criterion's weight and its own."""
    n = need.need
    low, high = (need.land_min_mu or 0.0) * M2_PER_MU, (need.land_max_mu or 0.0) * M2_PER_MU
    out: dict[str, Any] = {
        "statuses": list(shape.statuses),
        "preferred_ids": sorted(ctx.preferred_ids),
        "area_low": low,
        "area_high": high,
        "plot_ratio_min": (need.plot_ratio_min or 0.0) - 1e-9,
        "budget_m2": (n.budget_wan or 0.0) * M2_PER_MU,
        "near_low": low * (1 - config.near_miss_slack),
        "near_high": high * (1 + config.near_miss_slack),
        "near_k": config.near_miss_pool,
        "piece_min": low / config.assembly_max_members,
        "seeds": config.assembly_seeds,
        "too_near": ctx.protection.ids(SiteKind.PARCEL),
    }
    out.update(_classes(need, ctx, config))
    if n.search_area is not None:
        out.update(search_area.binds(n.search_area))
    weights = weights_for(SiteKind.PARCEL, need, config)
    for name in (*shape.scored, *(kind for kind, _ in shape.scored_points)):
        out[f"w_{name}"] = weights[name]
        out.update(CRITERION[name].binds(shape, need, ctx, config))
    for j, (_, km) in enumerate(n.max_distance_km):
        out[f"sure_{j}"] = (km * (1 - REACH_MARGIN) * 1000.0) ** 2
        out[f"possible_{j}"] = (km * (1 + REACH_MARGIN) * 1000.0) ** 2
    return out


def _classes(need: Resolved, ctx: Context, config: MatchConfig) -> dict[str, list[str]]:
    """The land-use codes that admit the need, and the other industrial (or logistics) ones."""
    admitted = admitted_codes(ctx.classes, need, config)
    kinds = ("logistics",) if need.logistics else ("industrial", "sea")
    others = sorted(c for c, cls in ctx.classes.items() if cls.kind in kinds and c not in admitted)
    return {"admitted": admitted or ["-"], "others": others, "admitted_and_others": admitted + others}


def estimate_error(shape: Shape, need: Resolved, ctx: Context, config: MatchConfig) -> float:
    """The most the estimated score can differ from the exact one (points out of 100).

    A scored distance is within `REACH_MARGIN` of its weight (measured on the point's tangent
    plane); a kind whose layer holds lines or areas is left out of the estimate, so its whole
    weight is the error; a kind with nothing in the layer scores 0 both ways."""
    weights = weights_for(SiteKind.PARCEL, need, config)
    scored = {kind for kind, _ in shape.scored_points}
    error = 0.0
    for criterion in MEASURED:
        name = criterion.name
        if name in scored:
            error += weights[name] * REACH_MARGIN
        elif weights.get(name, 0.0) > 0 and _points(ctx, name) is None:
            error += weights[name]
    return error


@dataclass(frozen=True)
class Reach:
    """The request's distance limits as SQL on a site's box centre: where `sure` holds every limit
    is met, where `possible` does not none can be; between the two, numpy decides
    (`distance_mask`). Without limits both are true; for a limit on anything but points, nothing
    is sure and everything possible."""

    sure: ColumnElement[bool]
    possible: ColumnElement[bool]
    limited: bool


def reach(shape: Shape, lon: Any, lat: Any, stored: Callable[[str], Any] | None = None) -> Reach:
    """SQL bounds of the distance limits, for the centre columns `lon`, `lat`; limit j's squared
    radii are the parameters `sure_j` and `possible_j`. `stored(kind)` is the column of the site's
    stored distance to a kind, read first when the layer is the one measured."""
    if shape.limits is None:
        return Reach(false(), true(), True)
    sure: list[ColumnElement[bool]] = []
    possible: list[ColumnElement[bool]] = []
    for j, (points, kind) in enumerate(zip(shape.limits, shape.limit_kinds, strict=True)):
        if not points:
            continue  # nothing of the kind: the distance is unknown and the limit keeps the site
        for bounds, name in ((sure, f"sure_{j}"), (possible, f"possible_{j}")):
            within: Any = or_(*[squared_metres(p, lon, lat) <= param(name) for p in points])
            if stored is not None and kind is not None and shape.stored_distances:
                metres = stored(kind)  # empty: measured on the centre as before
                within = func.coalesce(metres * metres <= param(name), within)
            bounds.append(within)
    return Reach(and_(true(), *sure), and_(true(), *possible), bool(shape.limits))
