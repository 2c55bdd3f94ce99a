"""The score's twin in SQL, computed by the database for every passing parcel.

A request can pass thousands of parcels. Rather than fetch their columns, the database ranks
them by an estimate of the whole score and returns the best, each with its id, code, the centre
of its bounding box and its partial score (every criterion but the distances); gis/matching/parcels.py
adds the exact distance criteria with numpy and explains only the top of the list.
The partial score mirrors gis/matching/scoring.py term by term (tests/db/test_matching.py checks that
both give the same score); change one, change the other. The estimate adds the distance criteria
measured on the box centre's tangent plane, with a known bound on its error
(`shape.estimate_error`). Every number comes in as a named parameter
(`shape.binds`), so each expression is built once per shape.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Date, Float, Integer, case, cast, func, literal

from gis.matching.constraints import ready_column
from gis.matching.need import READY_ITEMS
from gis.matching.proximity import column
from gis.matching.shape import Shape, param, param_list, squared_metres
from gis.models import Parcel


def _area(shape: Shape, official: ColumnElement[float]) -> Any:
    weight = param("w_area")
    if not shape.area_scored:
        return weight
    low = param("area_low")
    return case((official <= low, weight), else_=weight * low / official)


def _park(shape: Shape) -> Any:
    if not shape.parks:
        return cast(0.0, Float)
    return case({park_id: param(f"park_{i}") for i, park_id in enumerate(shape.parks)},
                value=Parcel.park_id, else_=0.0)


def _class(shape: Shape) -> Any:
    if not shape.class_scored:
        return param("w_class")  # 工业用海: every admitted class fits
    return case({code: param(f"class_{i}") for i, code in enumerate(shape.classes)},
                value=Parcel.land_use, else_=0.0)


def _readiness(shape: Shape) -> Any:
    flags = [getattr(Parcel, ready_column(i)) for i in READY_ITEMS]
    # SQLite keeps booleans as 0/1 already; PostgreSQL needs them cast to add them up
    ready = sum((f if shape.dialect == "sqlite" else cast(f, Integer) for f in flags), literal(0))
    return param("w_ready") * ready / float(len(READY_ITEMS))


def _price() -> Any:
    low, high, weight, price = param("price_low"), param("price_high"), param("w_price"), \
        Parcel.price_wan_per_mu
    return case((price.is_(None), 0.5 * weight), (price <= low, weight), (price >= high, 0.0),
                else_=weight * (high - price) / (high - low))


def _idle(shape: Shape) -> Any:
    if shape.dialect == "sqlite":
        days = param("today") - func.julianday(Parcel.idle_since)
    else:
        days = cast(param("today", Date) - Parcel.idle_since, Float)
    years, full, weight = days / 365.25, param("idle_full"), param("w_idle")
    return case((Parcel.idle_since.is_(None), 0.0), (years <= 0, 0.0), (years >= full, weight),
                else_=weight * years / full)


def _preferred() -> Any:
    ids = param_list("preferred_ids")
    return case((Parcel.park_id.in_(ids) | Parcel.town_id.in_(ids), param("w_preferred")), else_=0.0)


def parcel_partial(shape: Shape, official: ColumnElement[float]) -> ColumnElement[float]:
    """Each parcel's score without the distance criteria (points out of 100)."""
    terms = [_area(shape, official), _park(shape), _class(shape), _readiness(shape), _price(),
             _idle(shape)]
    if shape.preferred_scored:
        terms.append(_preferred())
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


def parcel_estimate(shape: Shape, partial: ColumnElement[float], lon: Any, lat: Any) -> ColumnElement[float]:
    """The whole score estimated in SQL: `partial` plus each scored distance criterion, from the
    parcel's stored distance to its kind when the layer is the one measured (the Gauss-Krüger
    distance itself), else measured from the box centre (`lon`, `lat`) to the nearest point of the
    kind on the point's tangent plane (within 0.3 % of the Gauss-Krüger distance)."""
    total: Any = partial
    for kind, points in shape.scored_points:
        nearest = func.sqrt(_least(shape.dialect, [squared_metres(p, lon, lat) for p in points]))
        if shape.stored_distances:  # both databases evaluate a coalesce's arguments lazily
            nearest = func.coalesce(getattr(Parcel, column(kind)), nearest)
        fit = _greatest(shape.dialect, 1.0 - nearest / param("distance_scale_m"), 0.0)
        total = total + param(f"w_{kind}") * fit
    return total
