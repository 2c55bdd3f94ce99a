"""The score's twin in SQL, computed by the database for every passing parcel.

A request can pass thousands of parcels. Rather than fetch their columns, the database ranks
them by an estimate of the whole score and returns the best, each with its id, code, the centre
of its bounding box and its partial score (every criterion but the distances); gis/matching/parcels.py
adds the exact distance criteria with numpy and explains only the top of the list. Each term is
a criterion's SQL form (gis/matching/criteria.py) times its weight, so the partial score is the
numpy score less the distances (tests/db/test_matching.py checks that both give the same score).
The estimate adds the distance criteria measured on the box centre's tangent plane, with a known
bound on its error (`shape.estimate_error`). Every number comes in as a named parameter
(`shape.binds`), so each expression is built once per shape.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, cast

from gis.matching.criteria import CRITERION, Place
from gis.matching.shape import Shape
from gis.matching.sql import param


def _sum(terms: list[Any]) -> Any:
    if not terms:
        return cast(0.0, Float)
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def _points(shape: Shape, name: str, place: Place) -> Any:
    """A criterion's points: its weight (a parameter) times its SQL form."""
    form = CRITERION[name].sql
    if form is None:  # the shape scores only criteria that have one
        raise ValueError(f"criterion {name} has no SQL form")
    return param(f"w_{name}") * form(shape, place)


def parcel_partial(shape: Shape, official: ColumnElement[float]) -> ColumnElement[float]:
    """Each parcel's score without the distance criteria (points out of 100)."""
    place = Place(area=official)
    total: ColumnElement[float] = _sum([_points(shape, name, place) for name in shape.scored])
    return total


def parcel_estimate(shape: Shape, partial: ColumnElement[float], lon: Any, lat: Any) -> ColumnElement[float]:
    """The whole score estimated in SQL: `partial` plus each scored distance criterion, measured
    from the centre of the parcel's box (`lon`, `lat`) as the criterion's SQL form says."""
    place = Place(lon=lon, lat=lat)
    distances = [_points(shape, kind, place) for kind, _ in shape.scored_points]
    total: ColumnElement[float] = _sum([partial, *distances])
    return total
