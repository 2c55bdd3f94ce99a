"""Land-supply figures for leaders: parcels and 亩 by park or town, status and land use."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gis.area import M2_PER_MU
from gis.models import Area, Parcel


@dataclass(frozen=True)
class SupplyRow:
    """Parcels of one area in one status: how many, and how many 亩."""

    area_code: str | None
    area_name: str | None
    status: str
    count: int
    area_mu: float


def supply_by_area(session: Session, *, by: str = "park") -> list[SupplyRow]:
    """Parcel count and 亩 per park (or town) and status, parks in code order."""
    column = Parcel.park_id if by == "park" else Parcel.town_id
    statement = (
        select(Area.code, Area.name, Parcel.status, func.count(Parcel.id), func.sum(Parcel.area_m2))
        .select_from(Parcel).outerjoin(Area, Area.id == column)
        .where(Parcel.deleted_at.is_(None))
        .group_by(Area.code, Area.name, Parcel.status)
        .order_by(Area.code, Parcel.status)
    )
    return [SupplyRow(code, name, status, count, round((m2 or 0) / M2_PER_MU, 2))
            for code, name, status, count, m2 in session.execute(statement)]
