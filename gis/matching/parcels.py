"""Parcels for a land need: the hard constraints as SQL, the pool the database ranks, near misses.

The hard constraints are WHERE clauses on indexed columns (status and official area first), so the
database returns only the parcels that pass, as plain columns and a centroid, never every geometry.
Distances to the infrastructure layer and the score are then computed for all of them at once
with numpy (in the Gauss-Krüger zone, metres); only the top of the list is explained check by
check. Near misses come from a bounded, relaxed query ordered by how close their area is.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Integer, Row, and_, false, func, null, or_, select, true, union_all
from sqlalchemy.orm import Session, aliased

from gis import search_area
from gis.inventory import place_columns, with_places
from gis.matching import prescore, proximity, scoring
from gis.matching.candidates import Candidate, candidate, near_misses, score
from gis.matching.constraints import ready_column
from gis.matching.context import Context, distance_mask, distances_km
from gis.matching.criteria import MEASURED, Sites, weights_for
from gis.matching.kinds import PARCEL
from gis.matching.need import READY_ITEMS, MatchConfig, Resolved
from gis.matching.shape import Shape, binds, estimate_error, reach, shape_of
from gis.matching.sql import failed_count, param, param_list
from gis.models import LandUseClass, Parcel
from gis.vocabulary import SiteKind


def official_m2() -> ColumnElement[float]:
    """The area a need is checked against: certificate area when known (indexed expression)."""
    return func.coalesce(Parcel.cert_area_m2, Parcel.area_m2)


PARCEL_COLUMNS = (
    "id",
    "code",
    "area_m2",
    "cert_area_m2",
    "park_id",
    "town_id",
    "land_use",
    "plot_ratio_max",
    "waterfront",
    *[ready_column(i) for i in READY_ITEMS],
    "price_wan_per_mu",
    "idle_since",
    "status",
)


def parcel_base() -> Any:
    """Plain parcel columns, park and town codes, and the centre of the bounding box (where
    distances are measured from: a generated column, so no geometry is parsed; for a parcel of a
    few hundred metres it is metres from the centroid)."""
    chosen = select(
        *[getattr(Parcel, c) for c in PARCEL_COLUMNS],
        *place_columns(names=False),
        Parcel.centre_lon.label("lon"),
        Parcel.centre_lat.label("lat"),
    )
    return with_places(chosen, Parcel)


def _area_window(shape: Shape) -> ColumnElement[bool]:
    window = official_m2() >= param("area_low")
    return and_(window, official_m2() <= param("area_high")) if shape.area_capped else window


def preferred_rule() -> ColumnElement[bool]:
    """Inside a preferred park or town (SQL; unknown, NULL, outside them)."""
    ids = param_list("preferred_ids")
    return or_(Parcel.park_id.in_(ids), Parcel.town_id.in_(ids))


def rule_checks(shape: Shape, preferred: bool = True) -> list[ColumnElement[bool]]:
    """The hard constraints on a parcel but status, area and the distances as SQL, one condition
    per check of gis/matching/constraints.py (the readiness items together): land use, preferred
    area (unless `preferred` is false), plot ratio, readiness, waterfront, budget, protection
    distance, those the request asks for."""
    where: list[ColumnElement[bool]] = [Parcel.land_use.in_(param_list("admitted"))]
    if shape.insist_on_preferred and preferred:
        where.append(preferred_rule())
    if shape.plot_ratio:
        where.append(or_(Parcel.plot_ratio_max.is_(None), Parcel.plot_ratio_max >= param("plot_ratio_min")))
    if shape.readiness:
        where.append(and_(*[getattr(Parcel, ready_column(i)).is_(True) for i in shape.readiness]))
    if shape.waterfront:
        where.append(Parcel.waterfront.is_(True))
    if shape.budget:
        where.append(
            or_(
                Parcel.price_wan_per_mu.is_(None),
                Parcel.price_wan_per_mu * official_m2() <= param("budget_m2"),
            )
        )
    if shape.searched:
        where.append(search_area.centre_inside(shape.dialect, Parcel.centre_lon, Parcel.centre_lat))
    if shape.protection:
        where.append(Parcel.id.not_in(param_list("too_near")))
    return where


def parcel_rules(shape: Shape) -> list[ColumnElement[bool]]:
    """Every hard constraint on a parcel except status and area, as SQL (the checks' twins)."""
    return [Parcel.deleted_at.is_(None), *rule_checks(shape)]


Bound = tuple[Shape, dict[str, Any]]


def shaped(session: Session, need: Resolved, ctx: Context, config: MatchConfig) -> Bound:
    """The shape of this request's parcel statements, and the values they bind (worked out once
    a match; each step works them out itself when called alone)."""
    shape = shape_of(session.get_bind().dialect.name, need, ctx, config)
    return shape, binds(shape, need, ctx, config)


def parcel_where(shape: Shape) -> list[Any]:
    """Every hard constraint as SQL but the distance limits, which numpy applies to the centres
    (a window of tens of kilometres would make the spatial index return most of the county)."""
    return [Parcel.status.in_(param_list("statuses")), _area_window(shape), *parcel_rules(shape)]


def match_parcels(
    session: Session,
    need: Resolved,
    ctx: Context,
    config: MatchConfig,
    limit: int,
    bound: Bound | None = None,
) -> tuple[list[Candidate], int]:
    """Parcels passing every hard constraint, best first; and how many passed in all.

    One pass of the database over the passing parcels counts them and returns the best `POOL` by
    an estimate of the whole score (gis/matching/prescore.py), read from the match index alone, each with
    its partial score (every criterion but the distances). Numpy completes the exact score. The
    estimate is within a known error of it, so when the last of the pool plus that error cannot
    reach the top, no other parcel can either; otherwise the few that could are fetched. Sites
    near a distance limit are decided exactly (`shape.reach`). Only the top is then
    explained."""
    shape, values = bound or shaped(session, need, ctx, config)
    sql = pool_statements(shape)
    error = estimate_error(shape, need, ctx, config)
    conn = session.connection()
    edge = list(conn.execute(sql.edge, values)) if sql.limited else []
    rows = list(conn.execute(sql.best, {**values, "pool": POOL}))
    passed = rows[0].passed if rows else 0
    pool = _Pool(rows + edge, ctx, need, config)
    passed += int(np.count_nonzero(pool.keep[len(rows) :]))
    reachable = pool.threshold(limit) - error - RANK_STEP
    if len(rows) == POOL and rows[-1].estimate >= reachable:
        rows = list(conn.execute(sql.above, {**values, "reachable": reachable}))
        pool = _Pool(rows + edge, ctx, need, config)
    top = pool.top(limit)
    if not top:
        return [], passed
    s = score(session, PARCEL, parcel_base().where(Parcel.id.in_(top)), need, ctx, config)
    return [candidate(s, i) for i in s.order], passed


POOL = 100  # parcels fetched by estimated score before the bound is checked
RANK_STEP = 0.01  # scores are ranked at 0.01 (scoring.ranking): a margin for the bound


@dataclass(frozen=True)
class PoolStatements:
    """The pool's statements of one shape: the best by estimate (`pool` of them, with how many
    pass), all above an estimate (`reachable`), and those near a distance limit, whose centre
    alone cannot decide."""

    best: Any
    above: Any
    edge: Any
    limited: bool


@functools.lru_cache(maxsize=256)
def pool_statements(shape: Shape) -> PoolStatements:
    """Built once per shape, so a request pays neither their construction nor their cache keys."""
    where = parcel_where(shape)
    bounds = reach(
        shape, Parcel.centre_lon, Parcel.centre_lat, lambda kind: getattr(Parcel, proximity.column(kind))
    )
    partial = prescore.parcel_partial(shape, official_m2())
    estimate = prescore.parcel_estimate(shape, partial, Parcel.centre_lon, Parcel.centre_lat)

    def ranked(*conditions: Any, counted: bool = False) -> Any:
        # id, code, partial score and box centre, best estimate first; with the estimate, and how
        # many parcels meet the conditions: a subquery the database runs once, before the sort,
        # which then keeps only its top rows (a window count sorted every passing parcel)
        passed = (
            select(func.count()).select_from(Parcel).where(*where, *conditions).scalar_subquery()
            if counted
            else null()
        )
        return (
            select(
                Parcel.id,
                Parcel.code,
                partial.label("partial"),
                Parcel.centre_lon,
                Parcel.centre_lat,
                estimate.label("estimate"),
                passed.label("passed"),
            )
            .where(*where, *conditions)
            .order_by(estimate.desc(), Parcel.code)
        )

    return PoolStatements(
        ranked(bounds.sure, counted=True).limit(param("pool", Integer)),
        ranked(bounds.sure, estimate >= param("reachable")),
        ranked(bounds.possible, ~bounds.sure),
        bounds.limited,
    )


class _Pool:
    """Fetched parcels with their total scores (partial + distances) and the distance limits."""

    def __init__(self, rows: list[Row[Any]], ctx: Context, need: Resolved, config: MatchConfig) -> None:
        columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(7)]
        ids, codes, points, lon, lat = columns[:5]
        dist = distances_km(ctx.layer, np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        weights = weights_for(SiteKind.PARCEL, need, config)
        measured = Sites(PARCEL, {}, dist, need, ctx, config)  # what the distance criteria read
        self.ids, self.codes = ids, codes
        self.total = np.asarray(points, dtype=float) + sum(
            (weights[c.name] * c.value(measured) for c in MEASURED if c.name in weights), np.zeros(len(rows))
        )
        self.keep = distance_mask(dist, need, len(rows))

    def threshold(self, limit: int) -> float:
        """The score a parcel must reach to enter the top `limit` (-inf while it has room)."""
        kept = np.sort(self.total[self.keep])
        return float(kept[-limit]) if len(kept) >= limit else -np.inf

    def top(self, limit: int) -> list[Any]:
        """Ids of the best `limit` kept parcels."""
        keep = np.flatnonzero(self.keep)
        best = scoring.top(self.total[keep], [self.codes[k] for k in keep], limit)
        return [self.ids[keep[i]] for i in best]


Slice = aliased(Parcel, name="slice")


def sliced_ids(
    dialect: str,
    statuses: Sequence[str],
    codes: Any,
    where: list[Any],
    condition: Any,
    descending: bool,
    count: Any,
) -> list[Any]:
    """Selects of the ids of the first `count` parcels by official area (largest first when
    `descending`; ties by code, the same way) meeting `condition` and `where`, for each status and
    each land-use class of `codes` (a list parameter: none selects nothing).

    Each (status, class) slice reads only its first rows off the match index (status, land use,
    official area, code), in the index's own order, so no plan sorts a slice; one ORDER BY over
    several classes would sort every row of them. The classes come from the reference table, each
    correlated to its slice, so the statement keeps its shape however many classes there are (and
    SQLAlchemy builds and caches it once). PostgreSQL joins each class to its slice LATERAL;
    SQLite, which has no LATERAL, looks the slice's ids up by rowid."""
    area = official_m2()
    order = (area.desc(), Parcel.code.desc()) if descending else (area.asc(), Parcel.code.asc())
    out = []
    for status in statuses:
        inner = (
            select(Parcel.id)
            .where(Parcel.status == status, Parcel.land_use == LandUseClass.code, condition, *where)
            .order_by(*order)
            .limit(count)
            .correlate(LandUseClass)
        )
        if dialect == "postgresql":
            rows = inner.lateral("slice")
            joined = select(rows.c.id).select_from(LandUseClass).join(rows, true())
        else:
            joined = select(Slice.id).select_from(LandUseClass).join(Slice, Slice.id.in_(inner))
        out.append(joined.where(LandUseClass.code.in_(codes)))
    return out


def united(parts: list[Any]) -> Any:
    """The selects' ids together (none: an empty select)."""
    return union_all(*parts) if parts else select(Parcel.id).where(false())


NEAR_STATUSES = ("available", "reserved")  # the statuses a near miss may have (reserved may lapse)


def single_failures(shape: Shape) -> Any:
    """The ids of the parcels within the need's area, in its preferred areas when it insists,
    that fail one other check alone (status, land use, or a rule the request asks for): the best
    `near_best` by estimated score (gis/matching/prescore.py), as the pool ranks the passing ones,
    over the same ranges of the match index (reserved parcels and other classes too). Outside the
    preferred areas, or beyond a distance limit, nearly every parcel would qualify: `near_pool`
    takes those failing only these by slices nearest in area instead."""
    area = official_m2()
    where = [area >= param("area_low")]
    if shape.area_capped:
        where.append(area <= param("area_high"))
    if shape.insist_on_preferred:
        where.append(preferred_rule())
    failed = failed_count([Parcel.status.in_(param_list("statuses")), *rule_checks(shape, preferred=False)])
    partial = prescore.parcel_partial(shape, area)
    estimate = prescore.parcel_estimate(shape, partial, Parcel.centre_lon, Parcel.centre_lat)
    best = (
        select(Parcel.id)
        .where(
            Parcel.deleted_at.is_(None),
            Parcel.status.in_(NEAR_STATUSES),
            Parcel.land_use.in_(param_list("admitted_and_others")),
            *where,
            failed == 1,
        )
        .order_by(estimate.desc(), Parcel.code)
        .limit(param("near_best", Integer))
        .subquery("single")
    )
    return select(best.c.id)


@functools.lru_cache(maxsize=256)
def near_pool(shape: Shape) -> Any:
    """The parcels examined for near misses (`parcel_base` rows), built once per shape.

    Those failing one check alone: the best by estimated score within the need's area
    (`single_failures`), and for each admitted class and status the nearest in area below the
    need (within the slack) and above it (however far: land can be divided) that meet every
    other check, and the nearest its minimum of those in it failing only the preferred area or
    perhaps a distance limit. Then, for sites failing two: for each admitted class the nearest in area below
    and above the need (within the slack) and those in it failing a rule, nearest its minimum;
    for other classes and reserved parcels, those in the need nearest its minimum. Each slice
    reads its first `near_k` rows off the match index, in the index's own order."""
    low, high, area, k = param("area_low"), param("area_high"), official_m2(), param("near_k", Integer)
    band = and_(area >= low, area <= high) if shape.area_capped else area >= low
    live, rules = [Parcel.deleted_at.is_(None)], parcel_rules(shape)
    admitted, others = param_list("admitted"), param_list("others")
    statuses = list(shape.statuses)

    def first(statuses: list[str], codes: Any, condition: Any, descending: bool = False) -> list[Any]:
        return sliced_ids(shape.dialect, statuses, codes, live, condition, descending, k)

    below = and_(area < low, area >= param("near_low"))
    parts = [single_failures(shape)]
    parts += first(statuses, admitted, and_(below, *rules), descending=True)
    if shape.area_capped:
        parts += first(statuses, admitted, and_(area > high, *rules))
    if shape.insist_on_preferred:
        outside = failed_count([preferred_rule()]) == 1
        parts += first(statuses, admitted, and_(band, outside, *rule_checks(shape, preferred=False)))
    if shape.limits:  # a limit on points (one on lines or areas: only numpy can tell)
        sure = reach(
            shape, Parcel.centre_lon, Parcel.centre_lat, lambda kind: getattr(Parcel, proximity.column(kind))
        ).sure
        parts += first(statuses, admitted, and_(band, ~sure, *rules))
    parts += first(statuses, admitted, below, descending=True)
    if shape.area_capped:
        parts += first(statuses, admitted, and_(area > high, area <= param("near_high")))
    parts += first(statuses, admitted, and_(band, ~and_(*rules[1:])))
    parts += first(statuses, others, band)
    if "reserved" not in statuses:
        parts += first(["reserved"], param_list("admitted_and_others"), band)
    return parcel_base().where(Parcel.id.in_(united(parts)))


def near_parcels(
    session: Session,
    need: Resolved,
    ctx: Context,
    config: MatchConfig,
    limit: int,
    bound: Bound | None = None,
) -> list[Candidate]:
    """The best excluded parcels: few failed constraints, each with its gap."""
    shape, values = bound or shaped(session, need, ctx, config)
    values = {**values, "near_best": limit + config.near_miss_pool}
    s = score(session, PARCEL, near_pool(shape), need, ctx, config, values)
    return near_misses(s, limit)
