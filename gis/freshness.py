"""How fresh the inventory is: which parcels and factories have not been verified on site (核实)
for `after_days` calendar days, in the service's zone, and how many of them each park or town has.

A record is verified when a person changes it or its status, a survey import writes it, or a park
manager finds it unchanged (gis/gateway/sites.py `verify`). Verified on day V, it is due again
on day V + `after_days`; a record never verified is due at once. Only today's state is kept
(the stamp, not its past values), so these are the records due today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select, true
from sqlalchemy.orm import Session

from gis import localtime
from gis.access import ALLOWED, Action, Principal, in_scope
from gis.inventory import place_columns, with_places
from gis.models import Area, Factory, Parcel
from gis.vocabulary import SiteKind

VERIFY_AFTER_DAYS = 90
MODELS: dict[SiteKind, type[Parcel] | type[Factory]] = {SiteKind.PARCEL: Parcel, SiteKind.FACTORY: Factory}
URLS = {SiteKind.PARCEL: "/parcels/{code}", SiteKind.FACTORY: "/factories/{code}"}


@dataclass(frozen=True)
class Due:
    """A parcel or factory due for verification: when it was last verified, and how long ago."""

    kind: SiteKind
    code: str
    name: str | None
    park_name: str | None
    town_name: str | None
    verified_at: dt.datetime | None
    verified_by: str | None
    days: int | None  # calendar days since it was verified; None if it never was

    @property
    def url(self) -> str:
        """The record's page."""
        return URLS[self.kind].format(code=self.code)

    @property
    def verified_on(self) -> dt.date | None:
        """The local calendar day it was last verified."""
        return None if self.verified_at is None else localtime.local(self.verified_at).date()


@dataclass(frozen=True)
class AreaFreshness:
    """One park or town: its live parcels and factories, and how many of each are due."""

    code: str
    name: str
    parcels: int
    factories: int
    stale_parcels: int
    stale_factories: int

    @property
    def stale(self) -> int:
        """Records due for verification, of both kinds."""
        return self.stale_parcels + self.stale_factories


def verifies(who: Principal | None) -> bool:
    """Whether `who` keeps sites verified (as they keep their status): park managers, administrators."""
    return who is not None and Action.CHANGE_STATUS in ALLOWED[who.role]


def may_verify(who: Principal | None, park_id: int | None, town_id: int | None) -> bool:
    """Whether `who` may verify a record placed in this park and town."""
    return who is not None and verifies(who) and in_scope(who, park_id, town_id)


def due_before(day: dt.date, after_days: int) -> dt.datetime:
    """The instant before which a verification is due again on `day`: the start, in the service's
    zone, of the day after_days - 1 before it."""
    start = day - dt.timedelta(days=after_days - 1)
    return dt.datetime.combine(start, dt.time(), tzinfo=localtime.current()).astimezone(dt.UTC)


def _stale(model: type[Parcel] | type[Factory], bound: dt.datetime) -> ColumnElement[bool]:
    return or_(model.verified_at.is_(None), model.verified_at < bound)


def _in_scope(model: type[Parcel] | type[Factory], who: Principal) -> ColumnElement[bool]:
    if not who.scoped:
        return true()
    ids = sorted(who.area_ids)
    return or_(model.park_id.in_(ids), model.town_id.in_(ids))


def due(session: Session, who: Principal, after_days: int, day: dt.date | None = None) -> list[Due]:
    """The records `who` keeps (a park manager: their parks and towns) due on `day` (today),
    least recently verified first; none for readers who do not verify."""
    if not verifies(who):
        return []
    day = day or localtime.today()
    bound = due_before(day, after_days)
    found = []
    for kind, model in MODELS.items():
        statement = with_places(
            select(model.code, model.name, *place_columns()[1::2], model.verified_at, model.verified_by),
            model,
        ).where(model.deleted_at.is_(None), _stale(model, bound), _in_scope(model, who))
        for code, name, park, town, at, by in session.execute(statement):
            days = None if at is None else (day - localtime.local(at).date()).days
            found.append(Due(kind, code, name, park, town, at, by, days))
    never = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(found, key=lambda d: (d.verified_at or never, d.kind, d.code))


def count_due(session: Session, who: Principal | None, after_days: int) -> int:
    """How many records `who` keeps are due today (the navigation's count)."""
    if who is None or not verifies(who):
        return 0
    bound = due_before(localtime.today(), after_days)
    return sum(
        int(
            session.scalar(
                select(func.count())
                .select_from(model)
                .where(model.deleted_at.is_(None), _stale(model, bound), _in_scope(model, who))
            )
            or 0
        )
        for model in MODELS.values()
    )


def _tally(model: type[Parcel] | type[Factory], column: Any, bound: dt.datetime) -> Any:
    return (
        select(
            column.label("area_id"),
            func.count().label("total"),
            func.sum(case((_stale(model, bound), 1), else_=0)).label("stale"),
        )
        .where(model.deleted_at.is_(None), column.is_not(None))
        .group_by(column)
        .subquery()
    )


def by_area(session: Session, by: str, after_days: int, day: dt.date | None = None) -> list[AreaFreshness]:
    """Every park (with its zones' records counted where they lie) or town, in code order, with its
    live parcels and factories and how many are due on `day` (today)."""
    bound = due_before(day or localtime.today(), after_days)
    column = "park_id" if by == "park" else "town_id"
    parcels = _tally(Parcel, getattr(Parcel, column), bound)
    factories = _tally(Factory, getattr(Factory, column), bound)
    kinds = ("park", "zone") if by == "park" else ("town",)
    rows = session.execute(
        select(
            Area.code,
            Area.name,
            func.coalesce(parcels.c.total, 0),
            func.coalesce(factories.c.total, 0),
            func.coalesce(parcels.c.stale, 0),
            func.coalesce(factories.c.stale, 0),
        )
        .outerjoin(parcels, parcels.c.area_id == Area.id)
        .outerjoin(factories, factories.c.area_id == Area.id)
        .where(Area.kind.in_(kinds))
        .order_by(Area.code)
    ).all()
    return [AreaFreshness(code, name, *(int(n) for n in counts)) for code, name, *counts in rows]
