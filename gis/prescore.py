"""The score's twin in SQL, computed by the database for every passing parcel.

A request can pass thousands of parcels. Rather than fetch their columns, the database ranks
them by an estimate of the whole score and returns the best, each with its id, code, the centre
of its bounding box and its partial score (every criterion but the distances); gis/matching.py
adds the exact distance criteria with numpy and explains only the top of the list.
The partial score mirrors gis/scoring.py term by term (tests/db/test_matching.py checks that
both give the same score); change one, change the other. The estimate adds the distance criteria
measured on the box centre's tangent plane, with a known bound on its error.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Date, Float, Integer, case, cast, func, literal

from gis.area import M2_PER_MU
from gis.constraints import ready_column, site_class
from gis.match_context import REACH_MARGIN, points_of, squared_metres
from gis.models import Parcel
from gis.need import INFRA_KINDS, READY_ITEMS, MatchConfig, Resolved
from gis.scoring import industry_fit, normalised_weights


def parcel_criteria(need: Resolved) -> list[str]:
    """The criteria a parcel is scored on for this need (as gis/matching.py computes them)."""
    names = ["industry_fit", "priority", "idle", *INFRA_KINDS, "area_fit", "class_fit", "readiness", "price"]
    return names + (["preferred"] if need.need.preferred_areas else [])


def _area(need: Resolved, official: ColumnElement[float], weight: float) -> Any:
    low = (need.land_min_mu or 0.0) * M2_PER_MU
    if low <= 0:
        return literal(weight)
    return case((official <= low, weight), else_=weight * low / official)


def _park(ctx: Any, need: Resolved, config: MatchConfig, w: dict[str, float]) -> Any:
    values = {}
    for park_id, park in ctx.parks.items():
        leading = any(need.industry.code.startswith(c) or c.startswith(need.industry.code)
                      for c in park.leading)
        fit = float(industry_fit(leading, park.chain_firms, config.chain_full_firms))
        values[park_id] = w.get("industry_fit", 0.0) * fit + w.get("priority", 0.0) * float(park.priority)
    return case(values, value=Parcel.park_id, else_=0.0) if values else literal(0.0)


def _class(ctx: Any, need: Resolved, config: MatchConfig, weight: float) -> Any:
    if need.sea_use:
        return literal(weight)
    values = {code: weight * min(1.0, max(0.0, 1.0 - (site_class(cls, config) - need.nuisance_class) / 2))
              for code, cls in ctx.classes.items()}
    return case(values, value=Parcel.land_use, else_=0.0)


def _price(config: MatchConfig, weight: float) -> Any:
    low, high, price = config.price_low_wan_per_mu, config.price_high_wan_per_mu, Parcel.price_wan_per_mu
    return case((price.is_(None), 0.5 * weight), (price <= low, weight), (price >= high, 0.0),
                else_=weight * (high - price) / (high - low))


def _idle(dialect: str, need: Resolved, config: MatchConfig, weight: float) -> Any:
    if dialect == "sqlite":
        today = need.today.toordinal() + 1721424.5  # the Julian day of today, computed once
        days = literal(today) - func.julianday(Parcel.idle_since)
    else:
        days = cast(literal(need.today, Date) - Parcel.idle_since, Float)
    years = days / 365.25
    full = config.idle_full_years
    return case((Parcel.idle_since.is_(None), 0.0), (years <= 0, 0.0), (years >= full, weight),
                else_=weight * years / full)


def _preferred(ctx: Any, weight: float) -> Any:
    ids = list(ctx.preferred_ids)
    return case((Parcel.park_id.in_(ids) | Parcel.town_id.in_(ids), weight), else_=0.0)


def parcel_partial(dialect: str, need: Resolved, ctx: Any, config: MatchConfig,
                   official: ColumnElement[float]) -> ColumnElement[float]:
    """Each parcel's score without the distance criteria (points out of 100)."""
    names = parcel_criteria(need)
    w = dict.fromkeys(names, 0.0) | normalised_weights(names, config, "parcel")
    flags = [getattr(Parcel, ready_column(i)) for i in READY_ITEMS]
    # SQLite keeps booleans as 0/1 already; PostgreSQL needs them cast to add them up
    ready = sum((f if dialect == "sqlite" else cast(f, Integer) for f in flags), literal(0))
    terms = [_area(need, official, w["area_fit"]), _park(ctx, need, config, w),
             _class(ctx, need, config, w["class_fit"]), w["readiness"] * ready / float(len(READY_ITEMS)),
             _price(config, w["price"]), _idle(dialect, need, config, w["idle"])]
    if w.get("preferred"):
        terms.append(_preferred(ctx, w["preferred"]))
    total: Any = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def _least(dialect: str, values: list[Any]) -> Any:
    if len(values) == 1:
        return values[0]
    return func.min(*values) if dialect == "sqlite" else func.least(*values)


def _greatest(dialect: str, a: Any, b: Any) -> Any:
    return func.max(a, b) if dialect == "sqlite" else func.greatest(a, b)


def parcel_estimate(dialect: str, need: Resolved, ctx: Any, config: MatchConfig,
                    partial: ColumnElement[float], lon: Any, lat: Any) -> tuple[ColumnElement[float], float]:
    """The whole score estimated in SQL, and the most it can differ from the exact one.

    Each distance criterion is measured from the box centre (`lon`, `lat`) to the nearest point
    of its kind on the point's tangent plane, within 0.3 % of the Gauss-Krüger distance, so its
    points are within `REACH_MARGIN` of its weight. A kind whose layer holds lines or areas is
    left out, and its whole weight is the error; a kind with nothing in the layer scores 0 both
    ways."""
    names = parcel_criteria(need)
    w = normalised_weights(names, config, "parcel")
    total: Any = partial
    error = 0.0
    for kind in INFRA_KINDS:
        weight, points = w.get(kind, 0.0), points_of(ctx, kind)
        if weight == 0.0 or len(points) == 0:
            continue
        if not all(p.geom_type == "Point" for p in points):
            error += weight
            continue
        nearest = func.sqrt(_least(dialect, [squared_metres(p, lon, lat) for p in points]))
        fit = _greatest(dialect, 1.0 - nearest / (config.distance_scale_km * 1000.0), 0.0)
        total = total + weight * fit
        error += weight * REACH_MARGIN
    return total, error
