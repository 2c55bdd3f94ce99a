"""Land-supply figures for leaders: parcels and 亩 by park, town, land-use class or status,
today or as they stood at the end of any past day (from the status events)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, literal, or_, select
from sqlalchemy.orm import Session

from gis.area import M2_PER_MU
from gis.errors import InvalidInput
from gis.models import Area, LandUseClass, Parcel, StatusEvent

GROUPS = ("park", "town", "land_use", "status")


@dataclass(frozen=True)
class SupplyRow:
    """Parcels of one group in one status: how many, and how many 亩."""

    key: str | None
    name: str | None
    status: str
    count: int
    area_mu: float


def _status_at(end: dt.datetime) -> ColumnElement[Any]:
    """Each parcel's status at `end`: the target of its last event before then."""
    return (
        select(StatusEvent.to_status)
        .where(StatusEvent.parcel_id == Parcel.id, StatusEvent.at < end)
        .order_by(StatusEvent.at.desc(), StatusEvent.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _parcels(as_of: dt.date | None) -> Any:
    """Parcel id, placement, land use, area and status, now or at the end of `as_of`."""
    if as_of is None:
        return (
            select(
                Parcel.id,
                Parcel.park_id,
                Parcel.town_id,
                Parcel.land_use,
                Parcel.area_m2,
                Parcel.status.label("status"),
            )
            .where(Parcel.deleted_at.is_(None))
            .subquery()
        )
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    status = _status_at(end)
    return (
        select(
            Parcel.id, Parcel.park_id, Parcel.town_id, Parcel.land_use, Parcel.area_m2, status.label("status")
        )
        .where(or_(Parcel.deleted_at.is_(None), Parcel.deleted_at >= end), status.is_not(None))
        .subquery()
    )


def supply(
    session: Session, *, by: str = "park", as_of: dt.date | None = None, status: tuple[str, ...] = ()
) -> list[SupplyRow]:
    """Count and 亩 of parcels per group and status, in group order."""
    if by not in GROUPS:
        raise InvalidInput(field="by", value=by, reason=", ".join(GROUPS))
    p = _parcels(as_of)
    key: Any
    name: Any
    join: tuple[Any, Any] | None
    if by in ("park", "town"):
        key, name, join = Area.code, Area.name, (Area, Area.id == p.c[f"{by}_id"])
    elif by == "land_use":
        key, name = LandUseClass.code, LandUseClass.name
        join = (LandUseClass, LandUseClass.code == p.c.land_use)
    else:
        key, name, join = p.c.status, literal(None), None
    statement = select(key, name, p.c.status, func.count(), func.sum(p.c.area_m2)).select_from(p)
    if join is not None:
        statement = statement.outerjoin(*join)
    if status:
        statement = statement.where(p.c.status.in_(status))
    statement = statement.group_by(key, name, p.c.status).order_by(key, p.c.status)
    return [
        SupplyRow(k, n, s, c, round((m2 or 0) / M2_PER_MU, 2))
        for k, n, s, c, m2 in session.execute(statement)
    ]
