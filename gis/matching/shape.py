"""The form of a match's parcel statements, and the values each request binds into them.

A match's SQL depends on the request in two ways: its form (which constraints apply, which parks,
land-use classes and infrastructure points the score reads) and its numbers (the need, the
weights, each park's industry fit, today). The form is a `Shape`; the statements are built once
per shape with named bound parameters (gis/matching/parcels.py keeps them), and each request supplies
only `values`. Building the scored statement anew cost several milliseconds a match, more than
the database took to run it. A name used in a statement but missing from `values` is an error
of SQLAlchemy's at execution, never a silent default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Float, and_, bindparam, false, func, or_, true
from sqlalchemy.sql.elements import BindParameter

from gis.area import M2_PER_MU
from gis.crs import metres_per_degree
from gis.matching.candidates import leads
from gis.matching.constraints import admitted_codes, site_class
from gis.matching.context import Context, points_of, statuses
from gis.matching.need import INFRA_KINDS, MatchConfig, Resolved
from gis.matching.scoring import industry_fit, normalised_weights

Points = tuple[tuple[float, float], ...]
REACH_MARGIN = 0.02  # the box-centre distance in SQL is within 0.3 % of the exact one (gis/crs.py)


def param(name: str, type_: Any = Float) -> BindParameter[Any]:
    """A named parameter of a match statement, its value given by `values`."""
    return bindparam(name, type_=type_)


def param_list(name: str) -> BindParameter[Any]:
    """A named list parameter (for IN, typed by the column it meets), of any length."""
    return bindparam(name, expanding=True)


@dataclass(frozen=True)
class Shape:
    """What decides the form of a match's parcel statements (never their numbers)."""

    dialect: str
    statuses: tuple[str, ...]
    parks: tuple[int, ...]
    classes: tuple[str, ...]
    area_scored: bool
    area_capped: bool
    class_scored: bool
    preferred_scored: bool
    insist_on_preferred: bool
    plot_ratio: bool
    readiness: tuple[str, ...]
    waterfront: bool
    budget: bool
    scored_points: tuple[tuple[str, Points], ...]
    limits: tuple[Points, ...] | None  # None: a limit on lines or areas, decided in numpy alone
    limit_kinds: tuple[str | None, ...]  # each limit's kind of infrastructure (None: one named by code)
    stored_distances: bool  # the parcels' stored distances are of this layer (gis/matching/proximity.py)


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
    weights = normalised_weights(criteria(need), config, "parcel")
    scored = []
    for kind in INFRA_KINDS:
        points = _points(ctx, kind)
        if weights.get(kind, 0.0) > 0 and points:
            scored.append((kind, points))
    n = need.need
    return Shape(dialect, tuple(statuses(need)), tuple(sorted(ctx.parks)), tuple(sorted(ctx.classes)),
                 (need.land_min_mu or 0.0) > 0, need.land_max_mu is not None, not need.sea_use,
                 bool(n.preferred_areas) and weights.get("preferred", 0.0) > 0,
                 bool(n.preferred_areas and n.insist_on_preferred), need.plot_ratio_min is not None,
                 tuple(n.required_readiness), n.needs_waterfront, n.budget_wan is not None,
                 tuple(scored), _limits(ctx, need),
                 tuple(t if t in INFRA_KINDS else None for t, _ in n.max_distance_km), ctx.layer.stored)


def criteria(need: Resolved) -> list[str]:
    """The criteria a parcel is scored on for this need (as gis/matching/parcels.py computes them)."""
    names = ["industry_fit", "priority", "idle", *INFRA_KINDS, "area_fit", "class_fit", "readiness", "price"]
    return names + (["preferred"] if need.need.preferred_areas else [])


def _today(dialect: str, today: dt.date) -> Any:
    # SQLite counts days as Julian day numbers; PostgreSQL subtracts dates
    return today.toordinal() + 1721424.5 if dialect == "sqlite" else today


def binds(shape: Shape, need: Resolved, ctx: Context, config: MatchConfig) -> dict[str, Any]:
    """Every number the statements of `shape` bind, by name, for this request."""
    w = dict.fromkeys(criteria(need), 0.0) | normalised_weights(criteria(need), config, "parcel")
    n = need.need
    low, high = (need.land_min_mu or 0.0) * M2_PER_MU, (need.land_max_mu or 0.0) * M2_PER_MU
    out: dict[str, Any] = {
        "statuses": list(shape.statuses), "preferred_ids": sorted(ctx.preferred_ids),
        "area_low": low, "area_high": high, "w_area": w["area_fit"],
        "w_class": w["class_fit"], "w_ready": w["readiness"], "w_price": w["price"], "w_idle": w["idle"],
        "w_preferred": w.get("preferred", 0.0), "price_low": config.price_low_wan_per_mu,
        "price_high": config.price_high_wan_per_mu, "idle_full": config.idle_full_years,
        "today": _today(shape.dialect, need.today), "distance_scale_m": config.distance_scale_km * 1000.0,
        "plot_ratio_min": (need.plot_ratio_min or 0.0) - 1e-9,
        "budget_m2": (n.budget_wan or 0.0) * M2_PER_MU,
        "near_low": low * (1 - config.near_miss_slack), "near_high": high * (1 + config.near_miss_slack),
        "near_k": config.near_miss_pool, "piece_min": low / config.assembly_max_members,
        "seeds": config.assembly_seeds,
    }
    out.update(_classes(need, ctx, config))
    for i, park_id in enumerate(shape.parks):
        park = ctx.parks[park_id]
        fit = float(industry_fit(leads(need.industry.code, park.leading), park.chain_firms,
                                 config.chain_full_firms))
        out[f"park_{i}"] = w["industry_fit"] * fit + w["priority"] * float(park.priority)
    for i, code in enumerate(shape.classes):
        fit = 1.0 - (site_class(ctx.classes[code], config) - need.nuisance_class) / 2
        out[f"class_{i}"] = w["class_fit"] * min(1.0, max(0.0, fit))
    for kind, _ in shape.scored_points:
        out[f"w_{kind}"] = w[kind]
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

    A scored kind is within `REACH_MARGIN` of its weight (distances on the point's tangent
    plane); a kind whose layer holds lines or areas is left out of the estimate, so its whole
    weight is the error; a kind with nothing in the layer scores 0 both ways."""
    w = normalised_weights(criteria(need), config, "parcel")
    scored = {kind for kind, _ in shape.scored_points}
    error = 0.0
    for kind in INFRA_KINDS:
        if kind in scored:
            error += w[kind] * REACH_MARGIN
        elif w.get(kind, 0.0) > 0 and _points(ctx, kind) is None:
            error += w[kind]
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


def squared_metres(point: tuple[float, float], lon: Any, lat: Any) -> ColumnElement[float]:
    """The squared distance in metres from `point` (longitude, latitude) to `lon`, `lat` (SQL), on
    the plane that touches the ellipsoid at the point: within 0.3 % of the Gauss-Krüger distance
    (gis/crs.py)."""
    x, y = point
    kx, ky = metres_per_degree(y)
    dx, dy = (lon - x) * kx, (lat - y) * ky
    return dx * dx + dy * dy
