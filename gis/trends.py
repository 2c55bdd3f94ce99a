"""Leaders' trends: monthly series rebuilt from the status events, per park, town and the county.

Months are calendar months in local time (gis/localtime.py). A parcel counts in the park (or zone)
and town it lies in now, at its area now; a deleted parcel stops counting when it was deleted; a
zone's records count in its park as well. The measures, each in 亩 (factories: m² of floor area):

- available (可供存量): parcels whose status at the end of the month was 可供;
- supplied (供地): parcels that entered 已供地 during the month (each such event counts);
- revitalised (盘活存量土地): of those, the parcels of stock type 闲置 or 低效 — land already granted
  that stood idle or under-used and went to a new user;
- revitalised_factories (盘活厂房): factories let or sold during the month (空置/意向 → 已出租/已出售),
  their floor area;
- signed_not_started (已签约未开工): parcels whose status at the end of the month was 已签约 or
  已供地 — signed for a project, not yet 已开工.

Stocks are one running sum of per-event changes (+ area into the status, − area out of it, − area
when deleted in it), so the database reads each event once: a window (LAG) gives each event its
parcel's status before, one CASE expression buckets the changes by month (a binary search of the
boundaries), and the months before the window are summed into one opening slot.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Executable, Select, case, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from gis import localtime
from gis.area import M2_PER_MU
from gis.errors import InvalidInput
from gis.models import Area, Factory, Parcel, StatusEvent, UTCDateTime
from gis.status import FactoryStatus, ParcelStatus
from gis.vocabulary import StockType

COUNTY = "all"  # the area code of the whole county in every series
PERIODS = (12, 24, 36)  # the months a page may show
YEAR = 12


class Measure(StrEnum):
    """What a monthly series counts."""

    AVAILABLE = "available"
    SUPPLIED = "supplied"
    REVITALISED = "revitalised"
    REVITALISED_FACTORIES = "revitalised_factories"
    SIGNED_NOT_STARTED = "signed_not_started"

    @property
    def is_stock(self) -> bool:
        """A stock is read at the end of each month; the others are totals of the month."""
        return self in STOCK_STATUSES

    @property
    def unit(self) -> str:
        """The label key of the unit it is counted in."""
        return "unit.m2" if self == Measure.REVITALISED_FACTORIES else "unit.mu"


STOCK_STATUSES: dict[Measure, frozenset[str]] = {
    Measure.AVAILABLE: frozenset({ParcelStatus.AVAILABLE}),
    Measure.SIGNED_NOT_STARTED: frozenset({ParcelStatus.SIGNED, ParcelStatus.SUPPLIED}),
}
IDLE_STOCK = (StockType.IDLE.value, StockType.INEFFICIENT.value)
LET_OR_SOLD = (FactoryStatus.LEASED.value, FactoryStatus.SOLD.value)
# The measures a yearly target may be set for: totals of the months, in 亩
TARGETED = (Measure.SUPPLIED, Measure.REVITALISED)


def period(months: int) -> int:
    """`months` when a page may show that many; InvalidInput naming the choices otherwise."""
    if months not in PERIODS:
        raise InvalidInput("trends.period", choices=" / ".join(str(p) for p in PERIODS))
    return months


def month_of(day: dt.date) -> dt.date:
    """The first day of the month of `day`."""
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    """The first day of the month `n` months after (before, when negative) `month`."""
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def start_of(month: dt.date) -> dt.datetime:
    """The first instant of `month` in local time, in UTC."""
    return dt.datetime.combine(month, dt.time(), tzinfo=localtime.current()).astimezone(dt.UTC)


@dataclass(frozen=True)
class Trends:
    """Every series over `months` (oldest first) and the twelve months before them."""

    months: list[dt.date]
    values: dict[tuple[Measure, str], list[float]]

    def shown(self, measure: Measure, area: str) -> list[float]:
        """The values of the shown months."""
        return self._all(measure, area)[YEAR:]

    def year_before(self, measure: Measure, area: str) -> list[float]:
        """The values of the same months a year before."""
        return self._all(measure, area)[: len(self.months)]

    def _all(self, measure: Measure, area: str) -> list[float]:
        return self.values.get((measure, area)) or [0.0] * (len(self.months) + YEAR)

    def total(self, measure: Measure, area: str, year: int) -> float:
        """A flow's total over the shown months of `year`."""
        return round(
            sum(v for m, v in zip(self.months, self.shown(measure, area), strict=True) if m.year == year), 2
        )


def _bucket(column: Any, months: Sequence[dt.date]) -> ColumnElement[int]:
    """Which slot an instant falls in: 0 before the first month, i + 1 in month i, len + 1 after
    the last; one CASE expression searching the month boundaries by halves (six comparisons for
    four years), so that each change is bucketed where it is read, with no join."""
    bounds = [start_of(m) for m in months] + [start_of(add_months(months[-1], 1))]

    def node(low: int, high: int) -> ColumnElement[int]:
        if low == high:
            return literal(low)
        middle = (low + high + 1) // 2  # at or after bounds[middle - 1]: slot middle or later
        after = column >= literal(bounds[middle - 1], UTCDateTime())
        return case((after, node(middle, high)), else_=node(low, middle - 1))

    return node(0, len(bounds))


def _parcel_changes() -> Any:
    """Each parcel event with its parcel's status before, and each deletion as a step out of the
    status the parcel was deleted in."""
    before = func.lag(StatusEvent.to_status).over(
        partition_by=StatusEvent.parcel_id, order_by=(StatusEvent.at, StatusEvent.id)
    )
    events = select(
        StatusEvent.parcel_id.label("parcel_id"),
        StatusEvent.at.label("at"),
        StatusEvent.to_status.label("after"),
        before.label("before"),
    ).where(StatusEvent.parcel_id.is_not(None))
    deletions = select(
        Parcel.id.label("parcel_id"),
        Parcel.deleted_at.label("at"),
        null().label("after"),
        Parcel.status.label("before"),
    ).where(Parcel.deleted_at.is_not(None))
    return union_all(events, deletions).subquery("changes")


def _step(column: Any, statuses: Iterable[str]) -> ColumnElement[int]:
    return case((column.in_(sorted(statuses)), 1), else_=0)


def _parcel_query(months: Sequence[dt.date]) -> Executable:
    changes = _parcel_changes()
    slot = _bucket(changes.c.at, months).label("slot")
    mu = Parcel.area_m2 / M2_PER_MU
    columns = [
        func.sum(mu * (_step(changes.c.after, s) - _step(changes.c.before, s))).label(m.value)
        for m, s in STOCK_STATUSES.items()
    ]
    supplied = changes.c.after == ParcelStatus.SUPPLIED.value
    columns += [
        func.sum(case((supplied, mu), else_=0)).label(Measure.SUPPLIED.value),
        func.sum(case((supplied & Parcel.stock_type.in_(IDLE_STOCK), mu), else_=0)).label(
            Measure.REVITALISED.value
        ),
    ]
    return (
        select(slot, Parcel.park_id, Parcel.town_id, *columns)
        .select_from(changes)
        .join(Parcel, Parcel.id == changes.c.parcel_id)
        .group_by(slot, Parcel.park_id, Parcel.town_id)
    )


def _factory_query(months: Sequence[dt.date]) -> Executable:
    slot = _bucket(StatusEvent.at, months).label("slot")
    let = StatusEvent.to_status.in_(LET_OR_SOLD)
    return (
        select(
            slot,
            Factory.park_id,
            Factory.town_id,
            func.sum(Factory.floor_area_m2).label(Measure.REVITALISED_FACTORIES.value),
        )
        .select_from(Factory)  # from the few factories to their events, not from every event
        .join(StatusEvent, StatusEvent.factory_id == Factory.id)
        .where(let, StatusEvent.at >= literal(start_of(months[0]), UTCDateTime()))
        .group_by(slot, Factory.park_id, Factory.town_id)
    )


def places_of(session: Session) -> dict[int, tuple[str, ...]]:
    """Area id -> the codes a record placed there counts in: its own, and a zone's park too."""
    parent = Area.__table__.alias("parent")
    rows = session.execute(
        select(Area.id, Area.code, parent.c.code).outerjoin(parent, parent.c.id == Area.parent_id)
    ).all()
    return {i: (code,) if above is None else (code, above) for i, code, above in rows}


def monthly(session: Session, until: dt.date | None = None, count: int = 24) -> Trends:
    """The series of the `count` months to the month of `until` (today when None), with the year
    before, for every park, zone, town and the county."""
    last = month_of(until or localtime.today())
    months = [add_months(last, i - count - YEAR + 1) for i in range(count + YEAR)]
    codes = places_of(session)
    changes: dict[tuple[Measure, str], list[float]] = defaultdict(lambda: [0.0] * (len(months) + 1))
    for query in (_parcel_query(months), _factory_query(months)):
        for row in session.execute(query).mappings():
            slot = row["slot"]
            if slot > len(months):
                continue  # after the last month (a clock set ahead)
            places = {COUNTY, *codes.get(row["park_id"], ()), *codes.get(row["town_id"], ())}
            for measure in Measure:
                if measure.value in row:
                    for place in places:
                        changes[(measure, str(place))][slot] += float(row[measure.value] or 0)
    return Trends(months[YEAR:], {key: _series(key[0], deltas) for key, deltas in changes.items()})


def _series(measure: Measure, deltas: list[float]) -> list[float]:
    """The month values from the opening row and each month's changes: a running sum for a stock."""
    if not measure.is_stock:
        return [round(v, 2) for v in deltas[1:]]
    out, running = [], deltas[0]
    for change in deltas[1:]:
        running += change
        out.append(round(running, 2))
    return out


@dataclass(frozen=True)
class Record:
    """A parcel or factory behind one point of a series, with the event that put it there."""

    kind: str  # "parcel" or "factory"
    code: str
    name: str | None
    park: str | None
    town: str | None
    size: float  # 亩 (a parcel), m² of floor area (a factory)
    at: dt.datetime
    from_status: str | None
    to_status: str


def _in_area(model: type[Parcel] | type[Factory], area_id: int | None) -> ColumnElement[bool]:
    """Placed in the area (a park: or one of its zones); anywhere when None."""
    if area_id is None:
        return literal(True)
    zones = select(Area.id).where(Area.parent_id == area_id).correlate(None)
    return (model.park_id == area_id) | model.park_id.in_(zones) | (model.town_id == area_id)


def records(
    session: Session, measure: Measure, month: dt.date, area_id: int | None, months: int = 1
) -> list[Record]:
    """The parcels (or factories) counted by `measure` in `month` (a flow: in the `months` from it)
    in the area (the county when None), largest first."""
    start, end = start_of(month), start_of(add_months(month, 1 if measure.is_stock else months))
    if measure == Measure.REVITALISED_FACTORIES:
        where = [StatusEvent.to_status.in_(LET_OR_SOLD), _in_area(Factory, area_id)]
        return _rows(session, Factory, _events_between(Factory, start, end, where))
    if measure.is_stock:
        return _rows(session, Parcel, _last_events(end, STOCK_STATUSES[measure], area_id))
    where = [StatusEvent.to_status == ParcelStatus.SUPPLIED.value, _in_area(Parcel, area_id)]
    if measure == Measure.REVITALISED:
        where.append(Parcel.stock_type.in_(IDLE_STOCK))
    return _rows(session, Parcel, _events_between(Parcel, start, end, where))


def _events_between(
    model: type[Parcel] | type[Factory],
    start: dt.datetime,
    end: dt.datetime,
    where: list[ColumnElement[bool]],
) -> Select[Any]:
    subject = StatusEvent.parcel_id if model is Parcel else StatusEvent.factory_id
    return (
        select(StatusEvent.id)
        .join(model, model.id == subject)
        .where(StatusEvent.at >= start, StatusEvent.at < end, *where)
        .correlate(None)
    )


def _last_events(end: dt.datetime, statuses: frozenset[str], area_id: int | None) -> Select[Any]:
    """The last event before `end` of each parcel then in one of `statuses` and not yet deleted."""
    ranked = (
        select(
            StatusEvent.id,
            StatusEvent.to_status,
            func.row_number()
            .over(partition_by=StatusEvent.parcel_id, order_by=(StatusEvent.at.desc(), StatusEvent.id.desc()))
            .label("rank"),
        )
        .join(Parcel, Parcel.id == StatusEvent.parcel_id)
        .where(
            StatusEvent.at < end,
            _in_area(Parcel, area_id),
            Parcel.deleted_at.is_(None) | (Parcel.deleted_at >= end),
        )
    ).subquery()
    return (
        select(ranked.c.id)
        .where(ranked.c.rank == 1, ranked.c.to_status.in_(sorted(statuses)))
        .correlate(None)
    )


def _rows(session: Session, model: type[Parcel] | type[Factory], ids: Select[Any]) -> list[Record]:
    park, town = Area.__table__.alias("park"), Area.__table__.alias("town")
    size = Parcel.area_m2 / M2_PER_MU if model is Parcel else Factory.floor_area_m2
    subject = StatusEvent.parcel_id if model is Parcel else StatusEvent.factory_id
    rows = session.execute(
        select(
            model.code,
            model.name,
            park.c.name,
            town.c.name,
            size,
            StatusEvent.at,
            StatusEvent.from_status,
            StatusEvent.to_status,
        )
        .join(model, model.id == subject)
        .outerjoin(park, park.c.id == model.park_id)
        .outerjoin(town, town.c.id == model.town_id)
        .where(StatusEvent.id.in_(ids))
        .order_by(size.desc(), model.code)
    ).all()
    kind = "parcel" if model is Parcel else "factory"
    return [Record(kind, r[0], r[1], r[2], r[3], round(float(r[4]), 2), r[5], r[6], r[7]) for r in rows]
