"""The building blocks of a match's statements: named parameters, the distance on a point's
tangent plane, and the two dialects' least and greatest.

A match's statements are built once per shape (gis/matching/shape.py) with named parameters; each
request binds its own numbers. A name used in a statement but missing from the values bound is an
error of SQLAlchemy's at execution, never a silent default.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, bindparam, case, func, literal
from sqlalchemy.sql.elements import BindParameter

from gis.crs import metres_per_degree


def param(name: str, type_: Any = Float) -> BindParameter[Any]:
    """A named parameter of a match statement, its value given by `shape.binds`."""
    return bindparam(name, type_=type_)


def param_list(name: str) -> BindParameter[Any]:
    """A named list parameter (for IN, typed by the column it meets), of any length."""
    return bindparam(name, expanding=True)


def squared_metres(point: tuple[float, float], lon: Any, lat: Any) -> ColumnElement[float]:
    """The squared distance in metres from `point` (longitude, latitude) to `lon`, `lat` (SQL), on
    the plane that touches the ellipsoid at the point: within 0.3 % of the Gauss-Krüger distance
    (gis/crs.py)."""
    x, y = point
    kx, ky = metres_per_degree(y)
    dx, dy = (lon - x) * kx, (lat - y) * ky
    squared: ColumnElement[float] = dx * dx + dy * dy
    return squared


def least(dialect: str, values: list[Any]) -> Any:
    """The smallest of `values` in SQL (one value: itself)."""
    if len(values) == 1:
        return values[0]
    return func.min(*values) if dialect == "sqlite" else func.least(*values)


def greatest(dialect: str, a: Any, b: Any) -> Any:
    """The larger of `a` and `b` in SQL."""
    return func.max(a, b) if dialect == "sqlite" else func.greatest(a, b)


def failed_count(conditions: list[ColumnElement[bool]]) -> ColumnElement[int]:
    """How many of `conditions` a row does not meet (one that is unknown, NULL, counts as not met,
    as the checks fail a site whose value is missing)."""
    total: ColumnElement[int] = literal(0)
    for condition in conditions:
        total = total + case((condition, 0), else_=1)
    return total
