"""Vacant factories for a floor-area need: the same pipeline as parcels, on building specs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from gis import search_area
from gis.inventory import place_columns, with_places
from gis.matching.candidates import Candidate, candidate, near_misses, score
from gis.matching.constraints import admitted_codes
from gis.matching.context import Context, distance_mask, preferred_clause
from gis.matching.kinds import FACTORY
from gis.matching.need import MatchConfig, Resolved
from gis.matching.sql import failed_count
from gis.models import Factory, Parcel
from gis.vocabulary import SiteKind

SiteParcel = aliased(Parcel, name="site_parcel")


def factory_base() -> Any:
    """Plain factory columns, the land use of its parcel, park and town codes, its location."""
    chosen = select(
        Factory.id,
        Factory.code,
        Factory.status,
        Factory.vacant_area_m2,
        Factory.floor_area_m2,
        Factory.clear_height_m,
        Factory.floor_load_kn_m2,
        Factory.crane_t,
        Factory.power_kva,
        Factory.rent_yuan_m2_month,
        Factory.status_since,
        Factory.park_id,
        Factory.town_id,
        Factory.building_type,
        SiteParcel.land_use,
        SiteParcel.waterfront,
        *place_columns(names=False),
        func.ST_X(Factory.location).label("lon"),
        func.ST_Y(Factory.location).label("lat"),
    ).outerjoin(SiteParcel, SiteParcel.id == Factory.parcel_id)
    return with_places(chosen, Factory)


def factory_status_clause(need: Resolved) -> ColumnElement[bool]:
    """Vacant, or leased with floor area still vacant, or reserved when asked."""
    reserved = Factory.status == "reserved" if need.need.include_reserved else false()
    return or_(
        Factory.status == "vacant", and_(Factory.status == "leased", Factory.vacant_area_m2 > 0), reserved
    )


def factory_rules(need: Resolved, ctx: Context, config: MatchConfig) -> list[ColumnElement[bool]]:
    """Every hard constraint on a factory except status and floor area, as SQL."""
    n = need.need
    where: list[ColumnElement[bool]] = [
        Factory.deleted_at.is_(None),
        preferred_clause(Factory, ctx, need),
        or_(
            SiteParcel.land_use.is_(None),
            SiteParcel.land_use.in_(admitted_codes(ctx.classes, need, config) or ["-"]),
        ),
    ]
    for column, wanted in (
        (Factory.clear_height_m, n.clear_height_min_m),
        (Factory.floor_load_kn_m2, n.floor_load_min_kn_m2),
        (Factory.crane_t, n.crane_min_t),
        (Factory.power_kva, n.power_min_kva),
    ):
        if wanted is not None:
            where.append(column >= wanted)
    if n.needs_waterfront:
        where.append(SiteParcel.waterfront.is_(True))
    if n.max_rent_yuan_m2_month is not None:
        where.append(
            or_(Factory.rent_yuan_m2_month.is_(None), Factory.rent_yuan_m2_month <= n.max_rent_yuan_m2_month)
        )
    too_near = ctx.protection.ids(SiteKind.FACTORY)
    if too_near:
        where.append(Factory.id.not_in(too_near))
    return where


def in_search_area(session: Session, need: Resolved) -> list[ColumnElement[bool]]:
    """The factory's location lies in the request's search area, if it names one (SQL)."""
    area = need.need.search_area
    if area is None:
        return []
    dialect = session.get_bind().dialect.name
    return [search_area.inside(dialect, area, func.ST_X(Factory.location), func.ST_Y(Factory.location))]


def _floor_window(need: Resolved, slack: float = 0.0) -> ColumnElement[bool]:
    low = (need.floor_area_min_m2 or 0.0) * (1 - slack)
    high = need.need.floor_area_max_m2
    window = Factory.vacant_area_m2 >= low
    return and_(window, Factory.vacant_area_m2 <= high * (1 + slack)) if high is not None else window


def match_factories(
    session: Session, need: Resolved, ctx: Context, config: MatchConfig, limit: int
) -> tuple[list[Candidate], int]:
    """Factories passing every hard constraint, best first; and how many passed in all."""
    rules = factory_rules(need, ctx, config) + in_search_area(session, need)
    statement = factory_base().where(factory_status_clause(need), _floor_window(need), *rules)
    s = score(session, FACTORY, statement, need, ctx, config)
    keep = distance_mask(s.dist, need, len(s.order))
    order = [i for i in s.order if keep[i]]
    return [candidate(s, i) for i in order[:limit]], len(order)


NEAR_STATUSES = ("vacant", "reserved", "leased")  # with floor area vacant


def near_factories(
    session: Session, need: Resolved, ctx: Context, config: MatchConfig, limit: int
) -> list[Candidate]:
    """The best excluded factories, each with its gaps (factories are few: sorted queries).

    Those nearest the need's floor area (within the slack), and those failing one check alone
    (the floor area however far above the need, a spec, the land use, the waterfront, the
    preferred area, the rent, the status; or none but perhaps a distance limit), nearest the
    need's floor area too."""
    target = need.floor_area_min_m2 or 0.0
    low = target * (1 - config.near_miss_slack)
    rules = factory_rules(need, ctx, config) + in_search_area(session, need)
    failed = failed_count([factory_status_clause(need), _floor_window(need), *rules[1:]])
    single = failed <= 1 if need.need.max_distance_km else failed == 1  # numpy measures distances

    def nearest(*conditions: Any) -> Any:
        return (
            select(Factory.id)
            .outerjoin(SiteParcel, SiteParcel.id == Factory.parcel_id)
            .where(
                Factory.deleted_at.is_(None),
                Factory.status.in_(NEAR_STATUSES),
                Factory.vacant_area_m2 > 0,
                *conditions,
            )
            .order_by(func.abs(Factory.vacant_area_m2 - target), Factory.code)
            .limit(config.near_miss_pool * 10)
            .subquery()
        )

    pools = [
        nearest(_floor_window(need, config.near_miss_slack)),
        nearest(Factory.vacant_area_m2 >= low, single),
    ]
    ids = union_all(*[select(p.c.id) for p in pools])
    s = score(session, FACTORY, factory_base().where(Factory.id.in_(ids)), need, ctx, config)
    return near_misses(s, limit)
