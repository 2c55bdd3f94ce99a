"""Figures of the leaders' land-supply page (供地一张图), on any past date.

The state on date D is rebuilt from the status events (kept forever): a parcel counts from its
first event on or before D, in the status of its last event on or before D. Today is read from
the parcels themselves.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from gis import localtime
from gis.area import M2_PER_MU
from gis.models import Area, Parcel, Project, StatusEvent

# The days the figures may be asked for: a status history begins long after the first, and the
# end of the last is still a date (the end of 9999-12-31 is not).
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def status_on(day: dt.date | None) -> Select[int, str]:
    """(parcel id, status) of every parcel on `day` (today when None), as a subquery source."""
    if day is None or day >= localtime.today():
        return select(Parcel.id.label("parcel_id"), Parcel.status.label("status")).where(
            Parcel.deleted_at.is_(None)
        )
    ranked = (
        select(
            StatusEvent.parcel_id,
            StatusEvent.to_status,
            func.row_number()
            .over(partition_by=StatusEvent.parcel_id, order_by=(StatusEvent.at.desc(), StatusEvent.id.desc()))
            .label("rank"),
        ).where(StatusEvent.parcel_id.is_not(None), StatusEvent.at < _end_of(day))
    ).subquery()
    return select(ranked.c.parcel_id, ranked.c.to_status.label("status")).where(ranked.c.rank == 1)


@dataclass(frozen=True)
class AreaSupply:
    """One park or town: parcels and 亩 per status on the day."""

    code: str
    name: str
    by_status: dict[str, tuple[int, float]]

    @property
    def available_mu(self) -> float:
        """亩 available (可供)."""
        return self.by_status.get("available", (0, 0.0))[1]


def supply_by_area(session: Session, by: str, day: dt.date | None = None) -> list[AreaSupply]:
    """Every park (or town) with its parcels and 亩 per status on `day`, in code order."""
    state = status_on(day).subquery()
    column = Parcel.park_id if by == "park" else Parcel.town_id
    rows = session.execute(
        select(Area.code, Area.name, state.c.status, func.count(), func.sum(Parcel.area_m2))
        .select_from(state)
        .join(Parcel, Parcel.id == state.c.parcel_id)
        .join(Area, Area.id == column)
        .group_by(Area.code, Area.name, state.c.status)
    ).all()
    kinds = ("park", "zone") if by == "park" else ("town",)
    areas = {
        code: AreaSupply(code, name, {})
        for code, name in session.execute(
            select(Area.code, Area.name).where(Area.kind.in_(kinds)).order_by(Area.code)
        )
    }
    for code, _name, status, count, m2 in rows:
        if code in areas:
            areas[code].by_status[status] = (count, round((m2 or 0) / M2_PER_MU, 2))
    return list(areas.values())


def supply_by_land_use(
    session: Session,
    day: dt.date | None = None,
) -> dict[str, dict[str, tuple[int, float]]]:
    """Parcels and 亩 per land-use group (the 4-digit class) and status on `day`."""
    state = status_on(day).subquery()
    group = func.substr(Parcel.land_use, 1, 4)
    rows = session.execute(
        select(group, state.c.status, func.count(), func.sum(Parcel.area_m2))
        .select_from(state)
        .join(Parcel, Parcel.id == state.c.parcel_id)
        .group_by(group, state.c.status)
        .order_by(group)
    ).all()
    table: dict[str, dict[str, tuple[int, float]]] = defaultdict(dict)
    for code, status, count, m2 in rows:
        table[code][status] = (count, round((m2 or 0) / M2_PER_MU, 2))
    return dict(table)


def supplied_per_quarter(
    session: Session,
    day: dt.date | None = None,
    quarters: int = 12,
) -> list[tuple[str, int, float]]:
    """(quarter, parcels, 亩) that became 已供地 in each of the last `quarters` quarters to `day`."""
    day = day or localtime.today()
    rows = session.execute(
        select(StatusEvent.at, Parcel.area_m2)
        .join(Parcel, Parcel.id == StatusEvent.parcel_id)
        .where(StatusEvent.to_status == "supplied", StatusEvent.at < _end_of(day))
    ).all()
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for at, m2 in rows:
        key = f"{at.year}Q{(at.month - 1) // 3 + 1}"
        totals[key][0] += 1
        totals[key][1] += m2 / M2_PER_MU
    keys, year, quarter = [], day.year, (day.month - 1) // 3 + 1
    for _ in range(quarters):
        keys.append(f"{year}Q{quarter}")
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return [(k, int(totals[k][0]), round(totals[k][1], 2)) for k in reversed(keys)]


@dataclass(frozen=True)
class PipelineProject:
    """A signed project on its way from 签约 to 供地 to 开工."""

    code: str
    name: str
    signed_on: dt.date
    supplied_on: dt.date | None
    agreed_start_on: dt.date | None
    started_on: dt.date | None
    stage: str
    overdue_days: int


def pipeline(
    session: Session, day: dt.date | None = None, *, visible: ColumnElement[bool] | None = None
) -> list[PipelineProject]:
    """Projects signed by `day` (of those `visible` to the reader, gis.access): their stage then,
    and how late a start past its agreed date is."""
    day = day or localtime.today()
    supplied = (
        select(StatusEvent.project_id, func.min(StatusEvent.at).label("first"))
        .where(StatusEvent.to_status == "supplied", StatusEvent.project_id.is_not(None))
        .group_by(StatusEvent.project_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Project.code,
            Project.name,
            Project.signed_on,
            supplied.c.first,
            Project.agreed_start_on,
            Project.started_on,
        )
        .outerjoin(supplied, supplied.c.project_id == Project.id)
        .where(
            and_(Project.signed_on.is_not(None), Project.signed_on <= day),
            Project.deleted_at.is_(None),
            *(() if visible is None else (visible,)),
        )
        .order_by(Project.signed_on, Project.code)
    ).all()
    result = []
    for code, name, signed, first_supplied, agreed, started in rows:
        supplied_on = first_supplied.date() if first_supplied else None
        started_by = started if started and started <= day else None
        stage = "started" if started_by else "supplied" if supplied_on and supplied_on <= day else "signed"
        late = (day - agreed).days if agreed and agreed < day and not started_by else 0
        result.append(PipelineProject(code, name, signed, supplied_on, agreed, started, stage, late))
    return result
