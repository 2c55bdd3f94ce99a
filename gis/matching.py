"""The match: which parcels, assembled sites and factories fit a project, ranked and explained.

The hard constraints are WHERE clauses on indexed columns (status and official area first), so the
database returns only the sites that pass, as plain columns and a centroid, never every geometry.
Distances to the infrastructure layer and the score are then computed for all of them at once
with numpy (in the Gauss-Krüger zone, metres); only the top of the list is explained check by
check and fetched with its geometry. Near misses come from a bounded, relaxed query ordered by
how close their area is; assemblies from a bounded search around the largest pieces.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from sqlalchemy import ColumnElement, Integer, Row, and_, false, func, null, or_, select, true, union_all
from sqlalchemy.orm import Session, aliased

from gis import assembly, match_shape, prescore, proximity, scoring
from gis.area import M2_PER_MU
from gis.constraints import (
    official_mu,
    parcel_checks,
    ready_column,
)
from gis.crs import CGCS2000, reproject
from gis.errors import InvalidInput, NotFound
from gis.factory_match import match_factories, near_factories
from gis.inventory import factory_select, parcel_select
from gis.labels import Text
from gis.match_context import (
    Context,
    Park,
    Town,
    distance_mask,
    distances_km,
    prepare,
)
from gis.match_shape import Shape, param, param_list
from gis.models import Factory, LandUseClass, Parcel, Project
from gis.need import INFRA_KINDS, READY_ITEMS, MatchConfig, Need, Resolved
from gis.site_scores import (
    Candidate,
    Scored,
    columns,
    criteria_rows,
    near_misses,
    parcel_values,
    raw_facts,
    site_row,
)
from gis.spatial import BBox, index_candidates_any

M_PER_DEG_LAT = 110_574.0


@dataclass
class MatchResult:
    """Ranked parcels (and assemblies), ranked factories, near misses, and the rules applied."""

    need: Resolved
    parcels: list[Candidate] = field(default_factory=list)
    factories: list[Candidate] = field(default_factory=list)
    near_parcels: list[Candidate] = field(default_factory=list)
    near_factories: list[Candidate] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[Text] = field(default_factory=list)


def official_m2() -> ColumnElement[float]:
    """The area a need is checked against: certificate area when known (indexed expression)."""
    return func.coalesce(Parcel.cert_area_m2, Parcel.area_m2)


PARCEL_COLUMNS = ("id", "code", "area_m2", "cert_area_m2", "park_id", "town_id", "land_use",
                  "plot_ratio_max", "waterfront", *[ready_column(i) for i in READY_ITEMS],
                  "price_wan_per_mu", "idle_since", "status")


def parcel_base() -> Any:
    """Plain parcel columns, park and town codes, and the centre of the bounding box (where
    distances are measured from: a generated column, so no geometry is parsed; for a parcel of a
    few hundred metres it is metres from the centroid)."""
    return (select(*[getattr(Parcel, c) for c in PARCEL_COLUMNS], Park.code.label("park_code"),
                   Town.code.label("town_code"), Parcel.centre_lon.label("lon"),
                   Parcel.centre_lat.label("lat"))
            .outerjoin(Park, Park.id == Parcel.park_id).outerjoin(Town, Town.id == Parcel.town_id))


def _area_window(shape: Shape) -> ColumnElement[bool]:
    window = official_m2() >= param("area_low")
    return and_(window, official_m2() <= param("area_high")) if shape.area_capped else window


def parcel_rules(shape: Shape) -> list[ColumnElement[bool]]:
    """Every hard constraint on a parcel except status and area, as SQL (the checks' twins)."""
    where: list[ColumnElement[bool]] = [Parcel.deleted_at.is_(None),
                                        Parcel.land_use.in_(param_list("admitted"))]
    if shape.insist_on_preferred:
        ids = param_list("preferred_ids")
        where.append(or_(Parcel.park_id.in_(ids), Parcel.town_id.in_(ids)))
    if shape.plot_ratio:
        where.append(or_(Parcel.plot_ratio_max.is_(None), Parcel.plot_ratio_max >= param("plot_ratio_min")))
    where += [getattr(Parcel, ready_column(i)).is_(True) for i in shape.readiness]
    if shape.waterfront:
        where.append(Parcel.waterfront.is_(True))
    if shape.budget:
        where.append(or_(Parcel.price_wan_per_mu.is_(None),
                         Parcel.price_wan_per_mu * official_m2() <= param("budget_m2")))
    return where


Bound = tuple[Shape, dict[str, Any]]


def shaped(session: Session, need: Resolved, ctx: Context, config: MatchConfig) -> Bound:
    """The shape of this request's parcel statements, and the values they bind (worked out once
    a match; each step works them out itself when called alone)."""
    shape = match_shape.shape_of(session.get_bind().dialect.name, need, ctx, config)
    return shape, match_shape.values(shape, need, ctx, config)


def parcel_columns(rows: Sequence[Row[Any]], statement: Any) -> dict[str, Any]:
    """Rows of `parcel_base()` as named columns, plus official area in 亩 and the score's keys."""
    cols = columns(rows, [c.name for c in statement.selected_columns])
    cols["official_mu"] = np.array([(c if c is not None else a) / M2_PER_MU
                                    for c, a in zip(cols["cert_area_m2"], cols["area_m2"], strict=True)])
    cols["price"] = [np.nan if p is None else p for p in cols["price_wan_per_mu"]]
    cols["since"] = cols["idle_since"]
    return cols


def score_parcels(session: Session, statement: Any, need: Resolved, ctx: Context,
                  config: MatchConfig, values: dict[str, Any] | None = None) -> Scored:
    """Run a parcel query (binding `values`), compute distances and scores for every row, rank them."""
    rows = session.connection().execute(statement, values or {}).all()
    return score_parcel_rows(rows, statement, need, ctx, config)


def score_parcel_rows(rows: Sequence[Row[Any]], statement: Any, need: Resolved, ctx: Context,
                      config: MatchConfig) -> Scored:
    """Distances and scores for parcel rows `statement` returned, ranked."""
    cols = parcel_columns(rows, statement)
    dist = distances_km(ctx.layer, np.asarray(cols["lon"], dtype=float), np.asarray(cols["lat"], dtype=float))
    scores = scoring.weighted(parcel_values(cols, need, ctx, config, dist), config, "parcel") \
        if rows else scoring.Scores(np.zeros(0), {}, {}, {})
    return Scored(cols, dist, scores, scoring.ranking(scores.total, cols["code"]))


def parcel_candidate(s: Scored, i: int, need: Resolved, ctx: Context, config: MatchConfig) -> Candidate:
    """Site `i` of `s` explained: criteria, checks and the facts shown beside them."""
    site = site_row(s.cols, i, s.dist)
    return Candidate("parcel", site["code"], [site["code"]], round(float(s.scores.total[i]), 1),
                     criteria_rows(s.scores, i, {**raw_facts(s.cols, i, s.dist, ctx, need),
                                                 "area_fit": round(official_mu(site), 1)}),
                     parcel_checks(site, need, ctx.classes, config), {"id": site["id"]})


def parcel_where(shape: Shape) -> list[Any]:
    """Every hard constraint as SQL but the distance limits, which numpy applies to the centres
    (a window of tens of kilometres would make the spatial index return most of the county)."""
    return [Parcel.status.in_(param_list("statuses")), _area_window(shape), *parcel_rules(shape)]


def match_parcels(session: Session, need: Resolved, ctx: Context, config: MatchConfig,
                  limit: int, bound: Bound | None = None) -> tuple[list[Candidate], int]:
    """Parcels passing every hard constraint, best first; and how many passed in all.

    One pass of the database over the passing parcels counts them and returns the best `POOL` by
    an estimate of the whole score (gis/prescore.py), read from the match index alone, each with
    its partial score (every criterion but the distances). Numpy completes the exact score. The
    estimate is within a known error of it, so when the last of the pool plus that error cannot
    reach the top, no other parcel can either; otherwise the few that could are fetched. Sites
    near a distance limit are decided exactly (`match_shape.reach`). Only the top is then
    explained."""
    shape, values = bound or shaped(session, need, ctx, config)
    sql = pool_statements(shape)
    error = match_shape.estimate_error(shape, need, ctx, config)
    conn = session.connection()
    edge = list(conn.execute(sql.edge, values)) if sql.limited else []
    rows = list(conn.execute(sql.best, {**values, "pool": POOL}))
    passed = rows[0].passed if rows else 0
    pool = _Pool(rows + edge, ctx, need, config)
    passed += int(np.count_nonzero(pool.keep[len(rows):]))
    reachable = pool.threshold(limit) - error - RANK_STEP
    if len(rows) == POOL and rows[-1].estimate >= reachable:
        rows = list(conn.execute(sql.above, {**values, "reachable": reachable}))
        pool = _Pool(rows + edge, ctx, need, config)
    top = pool.top(limit)
    if not top:
        return [], passed
    s = score_parcels(session, parcel_base().where(Parcel.id.in_(top)), need, ctx, config)
    return [parcel_candidate(s, i, need, ctx, config) for i in s.order], passed


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
    bounds = match_shape.reach(shape, Parcel.centre_lon, Parcel.centre_lat,
                               lambda kind: getattr(Parcel, proximity.column(kind)))
    partial = prescore.parcel_partial(shape, official_m2())
    estimate = prescore.parcel_estimate(shape, partial, Parcel.centre_lon, Parcel.centre_lat)

    def ranked(*conditions: Any, counted: bool = False) -> Any:
        # id, code, partial score and box centre, best estimate first; with the estimate, and how
        # many parcels meet the conditions: a subquery the database runs once, before the sort,
        # which then keeps only its top rows (a window count sorted every passing parcel)
        passed = select(func.count()).select_from(Parcel).where(*where, *conditions).scalar_subquery() \
            if counted else null()
        return (select(Parcel.id, Parcel.code, partial.label("partial"), Parcel.centre_lon,
                       Parcel.centre_lat, estimate.label("estimate"), passed.label("passed"))
                .where(*where, *conditions).order_by(estimate.desc(), Parcel.code))

    return PoolStatements(ranked(bounds.sure, counted=True).limit(param("pool", Integer)),
                          ranked(bounds.sure, estimate >= param("reachable")),
                          ranked(bounds.possible, ~bounds.sure), bounds.limited)


class _Pool:
    """Fetched parcels with their total scores (partial + distances) and the distance limits."""

    def __init__(self, rows: list[Row[Any]], ctx: Context, need: Resolved, config: MatchConfig) -> None:
        columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(7)]
        ids, codes, points, lon, lat = columns[:5]
        dist = distances_km(ctx.layer, np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        weights = scoring.normalised_weights(match_shape.criteria(need), config, "parcel")
        self.ids, self.codes = ids, codes
        self.total = np.asarray(points, dtype=float) + sum(
            (weights[k] * scoring.distance_fit(dist[k], config.distance_scale_km) for k in INFRA_KINDS
             if k in weights), np.zeros(len(rows)))
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


def sliced_ids(dialect: str, statuses: Sequence[str], codes: Any, where: list[Any], condition: Any,
               descending: bool, count: Any) -> list[Any]:
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
        inner = (select(Parcel.id)
                 .where(Parcel.status == status, Parcel.land_use == LandUseClass.code, condition, *where)
                 .order_by(*order).limit(count).correlate(LandUseClass))
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


@functools.lru_cache(maxsize=256)
def near_pool(shape: Shape) -> Any:
    """The parcels examined for near misses (`parcel_base` rows): for admitted classes, those
    nearest in area below and above the need and those in it failing another constraint; for
    other classes and reserved parcels, those in the need nearest its minimum (built once per
    shape)."""
    low, high, area, k = param("area_low"), param("area_high"), official_m2(), param("near_k", Integer)
    band = and_(area >= low, area <= high) if shape.area_capped else area >= low
    live, rules = [Parcel.deleted_at.is_(None)], parcel_rules(shape)
    admitted, others = param_list("admitted"), param_list("others")

    def first(statuses: list[str], codes: Any, condition: Any, descending: bool = False) -> list[Any]:
        return sliced_ids(shape.dialect, statuses, codes, live, condition, descending, k)

    parts = first(["available"], admitted, and_(area < low, area >= param("near_low")), descending=True)
    if shape.area_capped:
        parts += first(["available"], admitted, and_(area > high, area <= param("near_high")))
    parts += first(["available"], admitted, and_(band, ~and_(*rules[1:])))
    parts += first(["available"], others, band)
    parts += first(["reserved"], param_list("admitted_and_others"), band)
    return parcel_base().where(Parcel.id.in_(united(parts)))


def near_parcels(session: Session, need: Resolved, ctx: Context, config: MatchConfig,
                 limit: int, bound: Bound | None = None) -> list[Candidate]:
    """The best excluded parcels: few failed constraints, each with its gap."""
    shape, values = bound or shaped(session, need, ctx, config)
    s = score_parcels(session, near_pool(shape), need, ctx, config, values)
    return near_misses(s, lambda site: parcel_checks(site, need, ctx.classes, config),
                 lambda s, i: parcel_candidate(s, i, need, ctx, config), limit, config)


def _windows(lon: list[float], lat: list[float], metres: float) -> list[BBox]:
    out = []
    for x, y in zip(lon, lat, strict=True):
        dy = metres / M_PER_DEG_LAT
        dx = metres / (M_PER_DEG_LAT * float(np.cos(np.radians(y))))
        out.append((x - dx, y - dy, x + dx, y + dy))
    return out


def _assembly_rules(shape: Shape) -> list[Any]:
    return [Parcel.status.in_(param_list("statuses")), Parcel.park_id.is_not(None),
            official_m2() < param("area_low"), *parcel_rules(shape)]


@functools.lru_cache(maxsize=256)
def assembly_seeds(shape: Shape) -> Any:
    """The largest pieces under the need, for each status and admitted class (once per shape)."""
    area = official_m2()
    pieces = and_(area < param("area_low"), area >= param("piece_min"))
    seeds = sliced_ids(shape.dialect, shape.statuses, param_list("admitted"), _assembly_rules(shape)[1:],
                       pieces, True, param("seeds", Integer))
    return parcel_base().where(Parcel.id.in_(united(seeds)))


def _window_edges(i: int) -> tuple[str, str, str, str]:
    """The parameter names of window `i`'s edges."""
    return f"window_{i}_x0", f"window_{i}_y0", f"window_{i}_x1", f"window_{i}_y1"


@functools.lru_cache(maxsize=256)
def assembly_pieces(shape: Shape, windows: int) -> Any:
    """Every piece in one of `windows` boxes around the seeds, with geometry (once per shape)."""
    edges = [_window_edges(i) for i in range(windows)]
    boxes = [(param(x0), param(y0), param(x1), param(y1)) for x0, y0, x1, y1 in edges]
    return parcel_base().add_columns(func.ST_AsBinary(Parcel.geom).label("wkb")).where(
        *_assembly_rules(shape), index_candidates_any(shape.dialect, Parcel, "geom", boxes)
    ).order_by(Parcel.code)


def assembly_pool(session: Session, need: Resolved, ctx: Context, config: MatchConfig,
                  bound: Bound | None = None) -> tuple[list[int], dict[str, Any], np.ndarray]:
    """Seeds (the largest pieces under the need) and every piece near them, with geometry."""
    shape, values = bound or shaped(session, need, ctx, config)
    values = dict(values)  # the windows' edges are added below; the match's own stay as they are
    seed_rows = session.connection().execute(assembly_seeds(shape), values).all()
    # largest first, ties by code the same way, as each slice took them
    seed_rows = sorted(seed_rows, key=lambda r: (r.area_m2 if r.cert_area_m2 is None else r.cert_area_m2,
                                                 r.code), reverse=True)
    seed_rows = seed_rows[:config.assembly_seeds]
    if not seed_rows:
        return [], {}, np.array([], dtype=object)
    windows = _windows([r.lon for r in seed_rows], [r.lat for r in seed_rows], config.assembly_window_m)
    for i, box in enumerate(windows):
        values.update(zip(_window_edges(i), box, strict=True))
    statement = assembly_pieces(shape, len(windows))
    rows = session.connection().execute(statement, values).all()
    cols = parcel_columns(rows, statement)
    geoms = shapely.from_wkb([bytes(w) for w in cols.pop("wkb")])
    seed_codes = {r.code for r in seed_rows}
    return [i for i, c in enumerate(cols["code"]) if c in seed_codes], cols, geoms


def _assembled_columns(cols: dict[str, Any], groups: list[assembly.Assembly],
                       geoms: np.ndarray) -> tuple[dict[str, Any], list[Any]]:
    """One row per assembly: area summed, facts area-weighted, centre of the union's box."""
    out: dict[str, Any] = {k: [] for k in cols}
    unions = []
    for group in groups:
        m = list(group.members)
        weights = np.asarray([cols["official_mu"][i] for i in m])
        union = shapely.union_all(geoms[m])
        unions.append(union)
        for key, values in cols.items():
            picked = [values[i] for i in m]
            out[key].append(_merge(key, picked, weights))
        x0, y0, x1, y1 = union.bounds
        out["lon"][-1], out["lat"][-1] = (x0 + x1) / 2, (y0 + y1) / 2
    out["official_mu"] = np.asarray(out["official_mu"], dtype=float)
    return out, unions


def _merge(key: str, values: list[Any], weights: np.ndarray) -> Any:
    """How one column of the members becomes the assembly's."""
    if key in ("official_mu", "area_m2"):
        return float(np.sum(values))
    if key == "cert_area_m2":
        return None
    if key == "land_use":
        return max(values)  # highest class code: the class-fit criterion takes the worst member
    if key.startswith("ready_") or key == "net_land":
        return float(np.average(np.asarray(values, dtype=float), weights=weights))
    if key == "price":
        known = [(v, w) for v, w in zip(values, weights, strict=True) if not np.isnan(v)]
        return float(np.average([v for v, _ in known], weights=[w for _, w in known])) if known else np.nan
    if key in ("since", "idle_since"):
        return min((v for v in values if v), default=None)
    return values[0]


def match_assemblies(session: Session, need: Resolved, ctx: Context, config: MatchConfig,
                     limit: int, bound: Bound | None = None) -> list[Candidate]:
    """Assembled sites (拼地) meeting the need, scored like parcels less the assembly penalty."""
    seeds, cols, geoms = assembly_pool(session, need, ctx, config, bound)
    if not seeds:
        return []
    metres = reproject(geoms, CGCS2000, ctx.layer.epsg)
    adjacent = assembly.neighbours(metres, cols["park_id"], config.assembly_gap_m)
    groups = assembly.assemble(seeds, adjacent, [float(a) for a in cols["official_mu"]], cols["code"],
                               need.land_min_mu or 0.0, need.land_max_mu, config.assembly_max_members)
    if not groups:
        return []
    merged, unions = _assembled_columns(cols, groups, geoms)
    dist = distances_km(ctx.layer, np.asarray(merged["lon"]), np.asarray(merged["lat"]))
    keep = distance_mask(dist, need, len(groups))
    scores = scoring.weighted(parcel_values(merged, need, ctx, config, dist), config, "parcel")
    out = []
    for g, group in enumerate(groups):
        if keep[g]:
            out.append(_assembly_candidate(group, g, cols, merged, dist, scores, unions[g], need, ctx,
                                           config))
    out.sort(key=lambda c: (-round(c.score, 2), c.code))
    return out[:limit]


def _assembly_candidate(group: assembly.Assembly, g: int, cols: dict[str, Any], merged: dict[str, Any],
                        dist: dict[str, np.ndarray], scores: scoring.Scores, union: Any,
                        need: Resolved, ctx: Context, config: MatchConfig) -> Candidate:
    codes = [cols["code"][i] for i in group.members]
    raw = {**raw_facts(merged, g, dist, ctx, need), "area_fit": round(group.area_mu, 1)}
    criteria = criteria_rows(scores, g, raw)
    criteria.append({"name": "assembly", "weight": 0.0, "value": 0.0,
                     "points": -config.assembly_penalty, "raw": len(codes)})
    site = {**site_row(merged, g, dist), "code": "+".join(codes), "cert_area_m2": None,
            "area_m2": group.area_mu * M2_PER_MU}
    checks = parcel_checks(site, need, ctx.classes, config)
    total = max(0.0, float(scores.total[g]) - config.assembly_penalty)
    return Candidate("assembly", "+".join(codes), codes, round(total, 1), criteria, checks,
                     {"ids": [cols["id"][i] for i in group.members], "area_mu": group.area_mu},
                     shapely.to_geojson(union))


def attach_details(session: Session, candidates: list[Candidate]) -> None:
    """Names, park and land-use names and geometry for the candidates that will be shown."""
    dialect = session.get_bind().dialect.name
    parcel_ids = {c.facts["id"] for c in candidates if c.kind == "parcel"}
    parcel_ids |= {i for c in candidates if c.kind == "assembly" for i in c.facts["ids"]}
    factory_ids = {c.facts["id"] for c in candidates if c.kind == "factory"}
    conn = session.connection()  # plain rows: nothing here is an ORM object
    parcels = {r["id"]: dict(r) for r in conn.execute(
        parcel_select(dialect).where(Parcel.id.in_(parcel_ids))).mappings()} if parcel_ids else {}
    factories = {r["id"]: dict(r) for r in conn.execute(
        factory_select(dialect).where(Factory.id.in_(factory_ids))).mappings()} if factory_ids else {}
    for c in candidates:
        if c.kind == "factory":
            c.facts.update(factories[c.facts["id"]])
        elif c.kind == "parcel":
            c.facts.update(parcels[c.facts["id"]])
        else:
            members = [parcels[i] for i in c.facts["ids"]]
            c.facts.update({k: members[0][k] for k in ("park_code", "park_name", "town_code", "town_name")})
            c.facts["land_use"] = sorted({m["land_use"] for m in members})
            c.facts["members"] = members
    for c in candidates:
        if c.geojson is None:
            c.geojson = c.facts.get("geojson")


def match(session: Session, need: Need, config: MatchConfig, *, limit: int = 20,
          near_limit: int = 10, assemble: bool = True) -> MatchResult:
    """Rank parcels, assembled sites and factories for `need`, with near misses and notes."""
    resolved, ctx = prepare(session, need, config)
    result = MatchResult(resolved, notes=notes(resolved, config))
    if resolved.wants_land:
        bound = shaped(session, resolved, ctx, config)
        parcels, passed = match_parcels(session, resolved, ctx, config, limit, bound)
        assembled = match_assemblies(session, resolved, ctx, config, limit, bound) if assemble else []
        merged = sorted(parcels + assembled, key=lambda c: (-round(c.score, 2), c.code))
        result.parcels = merged[:limit]
        result.near_parcels = near_parcels(session, resolved, ctx, config, near_limit, bound)
        result.counts.update(parcels=passed, assemblies=len(assembled))
    if resolved.wants_factory:
        result.factories, passed = match_factories(session, resolved, ctx, config, limit)
        result.near_factories = near_factories(session, resolved, ctx, config, near_limit)
        result.counts["factories"] = passed
    attach_details(session, result.parcels + result.factories + result.near_parcels + result.near_factories)
    return result


def notes(need: Resolved, config: MatchConfig) -> list[Text]:
    """The rules that shaped this match, in words."""
    out = []
    if need.land_derived:
        out.append(Text("match.note.derived", {"investment": need.need.fixed_investment_wan,
                                               "intensity": config.investment_intensity_wan_per_mu,
                                               "low": need.land_min_mu, "high": need.land_max_mu}))
    if need.plot_ratio_min is not None:
        out.append(Text("match.note.plot_ratio", {"value": need.plot_ratio_min,
                                                  "rule": need.plot_ratio_rule}))
    if need.collective:
        out.append(Text("match.note.collective", {"industry": need.industry.name}))
    if need.steer_to_factories:
        out.append(Text("match.note.steer", {"limit": config.high_standard_factory_max_mu}))
    return out


def need_of_project(session: Session, code: str, **changes: Any) -> Need:
    """The match request of a saved project."""
    project = session.scalar(select(Project).where(Project.code == code, Project.deleted_at.is_(None)))
    if project is None:
        raise NotFound(kind=Text("kind.project"), code=code)
    return need_of(project, **changes)


def need_of(project: Project, **changes: Any) -> Need:
    """The match request of a project already read."""
    if not project.industry_code:
        raise InvalidInput("match.error.no_industry", code=project.code)
    return Need(industry_code=project.industry_code, project_code=project.code, name=project.name,
                nuisance_class=project.nuisance_class, land_min_mu=project.land_min_mu,
                land_max_mu=project.land_max_mu, fixed_investment_wan=project.fixed_investment_wan,
                floor_area_min_m2=project.floor_area_min_m2, clear_height_min_m=project.clear_height_min_m,
                floor_load_min_kn_m2=project.floor_load_min_kn_m2, crane_min_t=project.crane_min_t,
                power_min_kva=project.power_min_kva, needs_waterfront=project.needs_waterfront,
                preferred_areas=tuple(project.preferred_areas or ()), **changes)
