"""The match: which parcels, assembled sites and factories fit a project, ranked and explained.

The hard constraints are WHERE clauses on indexed columns (status and official area first), so the
database returns only the sites that pass, as plain columns and a centroid, never every geometry.
Distances to the infrastructure layer and the score are then computed for all of them at once
with numpy (in the Gauss-Krüger zone, metres); only the top of the list is explained check by
check and fetched with its geometry. Near misses come from a bounded, relaxed query ordered by
how close their area is; assemblies from a bounded search around the largest pieces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from sqlalchemy import ColumnElement, Row, and_, false, func, or_, select, true, union_all
from sqlalchemy.orm import Session, aliased

from gis import assembly, prescore, scoring
from gis.area import M2_PER_MU
from gis.constraints import (
    Check,
    LandClass,
    admitted_codes,
    factory_checks,
    failures,
    official_mu,
    parcel_checks,
    ready_column,
    site_class,
)
from gis.crs import CGCS2000, gauss_kruger_epsg, reproject, transformer
from gis.errors import InvalidInput, NotFound
from gis.inventory import factory_select, parcel_select
from gis.labels import Text
from gis.models import Area, Factory, Industry, Infrastructure, LandUseClass, Parcel, Project
from gis.need import INFRA_KINDS, READY_ITEMS, MatchConfig, Need, Resolved, resolve
from gis.need import Industry as IndustryFacts
from gis.spatial import BBox, bbox_centre, index_candidates_any

Park, Town = aliased(Area, name="park"), aliased(Area, name="town")
SiteParcel = aliased(Parcel, name="site_parcel")
LANDED_STATUSES = ("signed", "supplied", "under_construction", "in_production")
M_PER_DEG_LAT = 110_574.0


@dataclass(frozen=True)
class ParkFacts:
    """What the score needs to know of a park or zone."""

    code: str
    leading: tuple[str, ...]
    priority: bool
    chain_firms: int


@dataclass(frozen=True)
class Context:
    """Reference facts loaded once per match: land classes, parks, infrastructure, preferences."""

    classes: dict[str, LandClass]
    parks: dict[int, ParkFacts]
    infra_codes: list[str]
    infra_names: list[str]
    infra_kinds: np.ndarray
    infra_geoms: np.ndarray
    infra_geo: np.ndarray
    epsg: int
    preferred_ids: frozenset[int]


@dataclass
class Candidate:
    """One ranked (or nearly fitting) site with its score, criteria and checks."""

    kind: str
    code: str
    members: list[str]
    score: float
    criteria: list[dict[str, Any]]
    checks: list[Check]
    facts: dict[str, Any]
    geojson: str | None = None


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


# --- reference facts ---------------------------------------------------------------------------

def industry_facts(session: Session, code: str) -> IndustryFacts:
    """The industry's facts from the reference table, or `InvalidInput` naming the code."""
    row = session.get(Industry, code.strip())
    if row is None:
        raise InvalidInput("match.error.unknown_industry", code=code)
    return IndustryFacts(row.code, row.name, row.nuisance_class, row.plot_ratio_min,
                         row.collective_decision, row.sector)


def _chain_codes(session: Session, industry: IndustryFacts) -> list[str]:
    """Industry codes of the same chain: the same sector, else the same division."""
    if industry.sector:
        return list(session.scalars(select(Industry.code).where(Industry.sector == industry.sector)))
    return [industry.code[:2], industry.code]


def _chain_firms(session: Session, industry: IndustryFacts) -> dict[int, int]:
    """Projects of the same chain on landed parcels, per park (through the indexed project key)."""
    chain = _chain_codes(session, industry)
    projects = list(session.scalars(select(Project.id).where(Project.industry_code.in_(chain),
                                                             Project.deleted_at.is_(None))))
    counts: dict[int, int] = {}
    for start in range(0, len(projects), 900):
        rows = session.execute(
            select(Parcel.park_id, func.count(func.distinct(Parcel.reserved_project_id)))
            .where(Parcel.reserved_project_id.in_(projects[start:start + 900]),
                   Parcel.status.in_(LANDED_STATUSES), Parcel.deleted_at.is_(None))
            .group_by(Parcel.park_id))
        for park, count in rows:
            if park is not None:
                counts[park] = counts.get(park, 0) + int(count)
    return counts


def _parks(session: Session, industry: IndustryFacts) -> dict[int, ParkFacts]:
    firms = _chain_firms(session, industry)
    rows = session.execute(select(Area.id, Area.code, Area.leading_industries, Area.is_priority)
                           .where(Area.kind.in_(("park", "zone"))))
    return {i: ParkFacts(code, tuple(leading or ()), bool(priority), firms.get(i, 0))
            for i, code, leading, priority in rows}


def _preferred(session: Session, codes: tuple[str, ...]) -> frozenset[int]:
    found = dict(session.execute(select(Area.code, Area.id).where(Area.code.in_(codes))).all())
    missing = [c for c in codes if c not in found]
    if missing:
        raise InvalidInput("error.unknown_area", code=missing[0])
    return frozenset(found.values())


def load_context(session: Session, need: Resolved) -> Context:
    """Everything small the match reads besides the sites themselves."""
    classes = {c.code: LandClass(c.code, c.name, c.kind, c.max_nuisance)
               for c in session.scalars(select(LandUseClass))}
    infra = session.execute(select(Infrastructure.code, Infrastructure.name, Infrastructure.kind,
                                   func.ST_AsBinary(Infrastructure.geom))
                            .order_by(Infrastructure.code)).all()
    geoms = shapely.from_wkb([bytes(r[3]) for r in infra]) if infra else np.array([], dtype=object)
    lon = float(np.mean(shapely.get_coordinates(geoms)[:, 0])) if infra else 121.7
    epsg = gauss_kruger_epsg(lon)
    return Context(classes, _parks(session, need.industry), [r[0] for r in infra],
                   [r[1] for r in infra], np.array([r[2] for r in infra], dtype=object),
                   reproject(geoms, CGCS2000, epsg) if infra else geoms, geoms, epsg,
                   _preferred(session, need.need.preferred_areas))


def prepare(session: Session, need: Need, config: MatchConfig) -> tuple[Resolved, Context]:
    """Resolve the need against the reference table and load the context."""
    resolved = resolve(need, industry_facts(session, need.industry_code), config)
    known = set(INFRA_KINDS)
    codes = set(session.scalars(select(Infrastructure.code)))
    for target, limit in need.max_distance_km:
        if target not in known and target not in codes:
            raise InvalidInput("match.error.unknown_infrastructure", code=target)
        if limit <= 0:
            raise InvalidInput("match.error.bad_distance", code=target, value=limit)
    return resolved, load_context(session, resolved)


# --- distances and scores ----------------------------------------------------------------------

def distances_km(ctx: Context, lon: np.ndarray, lat: np.ndarray) -> dict[str, np.ndarray]:
    """Distance in km from each point to the nearest infrastructure of each kind, and to each code."""
    n = len(lon)
    if n == 0 or len(ctx.infra_codes) == 0:
        return {k: np.full(n, np.nan) for k in INFRA_KINDS}
    x, y = transformer(CGCS2000, ctx.epsg).transform(lon, lat)
    if all(g.geom_type == "Point" for g in ctx.infra_geoms):  # the usual layer: plain arithmetic
        ix, iy = shapely.get_x(ctx.infra_geoms), shapely.get_y(ctx.infra_geoms)
        matrix = np.hypot(np.subtract.outer(x, ix), np.subtract.outer(y, iy)) / 1000.0
    else:
        matrix = shapely.distance(shapely.points(x, y)[:, None], ctx.infra_geoms[None, :]) / 1000.0
    out = {code: matrix[:, j] for j, code in enumerate(ctx.infra_codes)}
    for kind in INFRA_KINDS:
        mask = ctx.infra_kinds == kind
        out[kind] = matrix[:, mask].min(axis=1) if mask.any() else np.full(n, np.nan)
    return out


def _leading(industry: str, leading: tuple[str, ...]) -> bool:
    return any(industry.startswith(c) or c.startswith(industry) for c in leading)


def _years(since: list[dt.date | None], today: dt.date) -> np.ndarray:
    return np.array([(today - d).days / 365.25 if d else np.nan for d in since], dtype=float)


def _common(cols: dict[str, Any], need: Resolved, ctx: Context, config: MatchConfig,
            dist: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    parks = [ctx.parks.get(p) for p in cols["park_id"]]
    values = {
        "industry_fit": scoring.industry_fit(
            [p is not None and _leading(need.industry.code, p.leading) for p in parks],
            [p.chain_firms if p else 0 for p in parks], config.chain_full_firms),
        "priority": np.array([bool(p and p.priority) for p in parks], dtype=float),
        "idle": scoring.idle_fit(_years(cols["since"], need.today), config.idle_full_years),
    }
    for kind in INFRA_KINDS:
        values[kind] = scoring.distance_fit(dist[kind], config.distance_scale_km)
    if need.need.preferred_areas:
        values["preferred"] = np.array([p in ctx.preferred_ids or t in ctx.preferred_ids
                                        for p, t in zip(cols["park_id"], cols["town_id"], strict=True)],
                                       dtype=float)
    return values


def parcel_values(cols: dict[str, Any], need: Resolved, ctx: Context, config: MatchConfig,
                  dist: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Normalised criteria of parcels (columns as arrays)."""
    values = _common(cols, need, ctx, config, dist)
    values["area_fit"] = scoring.area_fit(cols["official_mu"], need.land_min_mu or 0.0)
    values["class_fit"] = scoring.class_fit(
        [site_class(ctx.classes[c], config) if c in ctx.classes else 3 for c in cols["land_use"]],
        need.nuisance_class) if not need.sea_use else np.ones(len(cols["land_use"]))
    values["readiness"] = scoring.readiness_fit(np.column_stack(
        [np.asarray(cols[ready_column(i)], dtype=float) for i in READY_ITEMS]))
    values["price"] = scoring.price_fit(np.asarray(cols["price"], dtype=float),
                                        config.price_low_wan_per_mu, config.price_high_wan_per_mu)
    return values


def factory_values(cols: dict[str, Any], need: Resolved, ctx: Context, config: MatchConfig,
                   dist: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Normalised criteria of factories (columns as arrays)."""
    values = _common(cols, need, ctx, config, dist)
    values["area_fit"] = scoring.area_fit(cols["vacant_area_m2"], need.floor_area_min_m2 or 0.0)
    values["price"] = scoring.price_fit(np.asarray(cols["price"], dtype=float),
                                        config.rent_low_yuan, config.rent_high_yuan)
    return values


# --- the SQL side ------------------------------------------------------------------------------

def official_m2() -> ColumnElement[float]:
    """The area a need is checked against: certificate area when known (indexed expression)."""
    return func.coalesce(Parcel.cert_area_m2, Parcel.area_m2)


PARCEL_COLUMNS = ("id", "code", "area_m2", "cert_area_m2", "park_id", "town_id", "land_use",
                  "plot_ratio_max", "waterfront", *[ready_column(i) for i in READY_ITEMS],
                  "price_wan_per_mu", "idle_since", "status")


def parcel_base(dialect: str) -> Any:
    """Plain parcel columns, park and town codes, and the centre of the bounding box (where
    distances are measured from: the database keeps the box with the geometry, so no geometry
    is parsed; for a parcel of a few hundred metres it is metres from the centroid)."""
    x, y = bbox_centre(dialect, Parcel.geom)
    return (select(*[getattr(Parcel, c) for c in PARCEL_COLUMNS], Park.code.label("park_code"),
                   Town.code.label("town_code"), x.label("lon"), y.label("lat"))
            .outerjoin(Park, Park.id == Parcel.park_id).outerjoin(Town, Town.id == Parcel.town_id))


def _area_window(low: float, high: float | None) -> ColumnElement[bool]:
    window = official_m2() >= low * M2_PER_MU
    return and_(window, official_m2() <= high * M2_PER_MU) if high is not None else window


def _statuses(need: Resolved) -> list[str]:
    return ["available", "reserved"] if need.need.include_reserved else ["available"]


def _preferred_clause(model: Any, ctx: Context, need: Resolved) -> ColumnElement[bool]:
    if not (need.need.preferred_areas and need.need.insist_on_preferred):
        return true()
    return or_(model.park_id.in_(ctx.preferred_ids), model.town_id.in_(ctx.preferred_ids))


def parcel_rules(need: Resolved, ctx: Context, config: MatchConfig) -> list[ColumnElement[bool]]:
    """Every hard constraint on a parcel except status and area, as SQL (the checks' twins)."""
    where: list[ColumnElement[bool]] = [
        Parcel.deleted_at.is_(None),
        Parcel.land_use.in_(admitted_codes(ctx.classes, need, config) or ["-"]),
        _preferred_clause(Parcel, ctx, need)]
    if need.plot_ratio_min is not None:
        reaches = Parcel.plot_ratio_max >= need.plot_ratio_min - 1e-9
        where.append(or_(Parcel.plot_ratio_max.is_(None), reaches))
    where += [getattr(Parcel, ready_column(i)).is_(True) for i in need.need.required_readiness]
    if need.need.needs_waterfront:
        where.append(Parcel.waterfront.is_(True))
    if need.need.budget_wan is not None:
        where.append(or_(Parcel.price_wan_per_mu.is_(None),
                         Parcel.price_wan_per_mu * official_m2() <= need.need.budget_wan * M2_PER_MU))
    return where


def _columns(rows: Sequence[Row[Any]], names: list[str]) -> dict[str, Any]:
    if not rows:
        return {n: [] for n in names}
    return dict(zip(names, (list(c) for c in zip(*rows, strict=True)), strict=True))


def parcel_columns(rows: Sequence[Row[Any]], statement: Any) -> dict[str, Any]:
    """Rows of `parcel_base()` as named columns, plus official area in 亩 and the score's keys."""
    cols = _columns(rows, [c.name for c in statement.selected_columns])
    cols["official_mu"] = np.array([(c if c is not None else a) / M2_PER_MU
                                    for c, a in zip(cols["cert_area_m2"], cols["area_m2"], strict=True)])
    cols["price"] = [np.nan if p is None else p for p in cols["price_wan_per_mu"]]
    cols["since"] = cols["idle_since"]
    return cols


# --- explaining the top of the list ------------------------------------------------------------

def criteria_rows(scores: scoring.Scores, i: int, raw: dict[str, Any]) -> list[dict[str, Any]]:
    """Each criterion of site `i`: weight, normalised value, points and the raw fact behind it."""
    return [{"name": n, "weight": round(w, 2), "value": round(float(scores.values[n][i]), 4),
             "points": round(float(scores.contributions[n][i]), 2), "raw": raw.get(n)}
            for n, w in scores.weights.items()]


def raw_facts(cols: dict[str, Any], i: int, dist: dict[str, np.ndarray], ctx: Context,
              need: Resolved) -> dict[str, Any]:
    """The facts behind the criteria of site `i`, for the explanation."""
    park = ctx.parks.get(cols["park_id"][i])
    raw: dict[str, Any] = {k: _km(dist[k][i]) for k in INFRA_KINDS}
    raw["industry_fit"] = {"leading": bool(park and _leading(need.industry.code, park.leading)),
                           "chain_firms": park.chain_firms if park else 0}
    raw["priority"] = bool(park and park.priority)
    since = cols["since"][i]
    raw["idle"] = round((need.today - since).days / 365.25, 1) if since else None
    raw["preferred"] = bool({cols["park_id"][i], cols["town_id"][i]} & ctx.preferred_ids)
    return raw


def _km(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 2)


def _site_distances(dist: dict[str, np.ndarray], i: int) -> dict[str, float]:
    return {k: float(v[i]) for k, v in dist.items() if not np.isnan(v[i])}


def distance_mask(dist: dict[str, np.ndarray], need: Resolved, n: int) -> np.ndarray:
    """Sites within every maximum distance the request sets (unknown distances are kept)."""
    keep = np.ones(n, dtype=bool)
    for target, limit in need.need.max_distance_km:
        km = dist.get(target)
        if km is not None:
            keep &= ~(km > limit)
    return keep


# --- parcels -----------------------------------------------------------------------------------

@dataclass
class Scored:
    """Sites fetched by one query: their columns, distances, scores, and the order to show them."""

    cols: dict[str, Any]
    dist: dict[str, np.ndarray]
    scores: scoring.Scores
    order: list[int]


def score_parcels(session: Session, statement: Any, need: Resolved, ctx: Context,
                  config: MatchConfig) -> Scored:
    """Run a parcel query, compute distances and scores for every row, rank them."""
    rows = session.execute(statement).all()
    cols = parcel_columns(rows, statement)
    dist = distances_km(ctx, np.asarray(cols["lon"], dtype=float), np.asarray(cols["lat"], dtype=float))
    scores = scoring.weighted(parcel_values(cols, need, ctx, config, dist), config, "parcel") \
        if rows else scoring.Scores(np.zeros(0), {}, {}, {})
    return Scored(cols, dist, scores, scoring.ranking(scores.total, cols["code"]))


def _site(cols: dict[str, Any], i: int, dist: dict[str, np.ndarray]) -> dict[str, Any]:
    site = {k: v[i] for k, v in cols.items() if isinstance(v, list)}
    site["distances_km"] = _site_distances(dist, i)
    return site


def parcel_candidate(s: Scored, i: int, need: Resolved, ctx: Context, config: MatchConfig) -> Candidate:
    """Site `i` of `s` explained: criteria, checks and the facts shown beside them."""
    site = _site(s.cols, i, s.dist)
    return Candidate("parcel", site["code"], [site["code"]], round(float(s.scores.total[i]), 1),
                     criteria_rows(s.scores, i, {**raw_facts(s.cols, i, s.dist, ctx, need),
                                                 "area_fit": round(official_mu(site), 1)}),
                     parcel_checks(site, need, ctx.classes, config), {"id": site["id"]})


def parcel_where(session: Session, need: Resolved, ctx: Context, config: MatchConfig) -> list[Any]:
    """Every hard constraint as SQL but the distance limits, which numpy applies to the centres
    (a window of tens of kilometres would make the spatial index return most of the county)."""
    return [Parcel.status.in_(_statuses(need)), _area_window(need.land_min_mu or 0.0, need.land_max_mu),
            *parcel_rules(need, ctx, config)]


def match_parcels(session: Session, need: Resolved, ctx: Context, config: MatchConfig,
                  limit: int) -> tuple[list[Candidate], int]:
    """Parcels passing every hard constraint, best first; and how many passed in all.

    One pass returns id, code, box centre and the partial score (gis/prescore.py) of every
    passing parcel; distances complete the score in numpy; only the top is fetched and explained."""
    dialect = session.get_bind().dialect.name
    x, y = bbox_centre(dialect, Parcel.geom)
    partial = prescore.parcel_partial(dialect, need, ctx, config, official_m2())
    # Core rows, not ORM ones: thousands of them, and nothing to load into objects
    rows = session.connection().execute(select(Parcel.id, Parcel.code, partial, x, y)
                                        .where(*parcel_where(session, need, ctx, config))).all()
    if not rows:
        return [], 0
    ids, codes, points, lon, lat = (list(c) for c in zip(*rows, strict=True))
    dist = distances_km(ctx, np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    weights = scoring.normalised_weights(prescore.parcel_criteria(need), config, "parcel")
    total = np.asarray(points, dtype=float) + sum(
        (weights[k] * scoring.distance_fit(dist[k], config.distance_scale_km) for k in INFRA_KINDS
         if k in weights), np.zeros(len(rows)))
    keep = np.flatnonzero(distance_mask(dist, need, len(rows)))
    top = [int(keep[i]) for i in scoring.top(total[keep], [codes[k] for k in keep], limit)]
    s = score_parcels(session, parcel_base(dialect).where(Parcel.id.in_([ids[i] for i in top])),
                      need, ctx, config)
    return [parcel_candidate(s, i, need, ctx, config) for i in s.order], len(keep)


def sliced_ids(pairs: list[tuple[str, str]], where: list[Any], slices: list[tuple[Any, Any, int]],
               ) -> list[Any]:
    """Selects of the ids of the first rows of each slice, for each (status, land use) pair.

    Each slice (condition, order, count) reads only its first rows off the (status, land use,
    official area) index; a single ORDER BY over every status and land use would sort them all.
    """
    parts = []
    for status, code in pairs:
        for condition, order, count in slices:
            inner = (select(Parcel.id)
                     .where(Parcel.status == status, Parcel.land_use == code, condition, *where)
                     .order_by(order, Parcel.code).limit(count).subquery())
            parts.append(select(inner.c.id))
    return parts


def united(parts: list[Any]) -> Any:
    """The selects' ids together (none: an empty select)."""
    return union_all(*parts) if parts else select(Parcel.id).where(false())


def _near(s: Scored, checks: Any, build: Any, limit: int, config: MatchConfig) -> list[Candidate]:
    """Sites failing at least one and at most a few constraints: fewest failures, then score."""
    ranked = []
    for i in s.order:
        failed = failures(checks(_site(s.cols, i, s.dist)))
        if 0 < len(failed) <= config.near_miss_max_failures:
            ranked.append((len(failed), i))
    ranked.sort(key=lambda pair: pair[0])
    return [build(s, i) for _, i in ranked[:limit]]


def near_pool(need: Resolved, ctx: Context, config: MatchConfig) -> Any:
    """Ids of the parcels examined for near misses: for admitted classes, those nearest in area
    below and above the need and those in it failing another constraint; for other classes and
    reserved parcels, those in the need nearest its minimum."""
    low = (need.land_min_mu or 0.0) * M2_PER_MU
    high = None if need.land_max_mu is None else need.land_max_mu * M2_PER_MU
    slack, k, area = config.near_miss_slack, config.near_miss_pool, official_m2()
    kinds = ("logistics",) if need.logistics else ("industrial", "sea")
    admitted = admitted_codes(ctx.classes, need, config)
    others = sorted(c for c, cls in ctx.classes.items() if cls.kind in kinds and c not in admitted)
    band = and_(area >= low, area <= high) if high is not None else area >= low
    outside = [(and_(area < low, area >= low * (1 - slack)), area.desc(), k)]
    if high is not None:
        outside.append((and_(area > high, area <= high * (1 + slack)), area.asc(), k))
    rules = parcel_rules(need, ctx, config)
    live = [Parcel.deleted_at.is_(None)]
    return united(sliced_ids([("available", c) for c in admitted], live, outside)
                  + sliced_ids([("available", c) for c in admitted], live,
                               [(and_(band, ~and_(*rules[1:])), area.asc(), k)])
                  + sliced_ids([("available", c) for c in others]
                               + [("reserved", c) for c in admitted + others], live, [(band, area.asc(), k)]))


def near_parcels(session: Session, need: Resolved, ctx: Context, config: MatchConfig,
                 limit: int) -> list[Candidate]:
    """The best excluded parcels: few failed constraints, each with its gap."""
    statement = parcel_base(session.get_bind().dialect.name).where(
        Parcel.id.in_(near_pool(need, ctx, config)))
    s = score_parcels(session, statement, need, ctx, config)
    return _near(s, lambda site: parcel_checks(site, need, ctx.classes, config),
                 lambda s, i: parcel_candidate(s, i, need, ctx, config), limit, config)


# --- assemblies --------------------------------------------------------------------------------

def _windows(lon: list[float], lat: list[float], metres: float) -> list[BBox]:
    out = []
    for x, y in zip(lon, lat, strict=True):
        dy = metres / M_PER_DEG_LAT
        dx = metres / (M_PER_DEG_LAT * float(np.cos(np.radians(y))))
        out.append((x - dx, y - dy, x + dx, y + dy))
    return out


def assembly_pool(session: Session, need: Resolved, ctx: Context, config: MatchConfig,
                  ) -> tuple[list[int], dict[str, Any], np.ndarray]:
    """Seeds (the largest pieces under the need) and every piece near them, with geometry."""
    low = need.land_min_mu or 0.0
    rules = [Parcel.status.in_(_statuses(need)), Parcel.park_id.is_not(None),
             official_m2() < low * M2_PER_MU, *parcel_rules(need, ctx, config)]
    area = official_m2()
    pieces = and_(area < low * M2_PER_MU, area >= low * M2_PER_MU / config.assembly_max_members)
    admitted = admitted_codes(ctx.classes, need, config)
    pairs = [(status, code) for status in _statuses(need) for code in admitted]
    seeds = united(sliced_ids(pairs, rules[1:], [(pieces, area.desc(), config.assembly_seeds)]))
    dialect = session.get_bind().dialect.name
    seed_rows = session.execute(parcel_base(dialect).where(Parcel.id.in_(seeds))).all()
    seed_rows = sorted(seed_rows, key=lambda r: (-(r.cert_area_m2 or r.area_m2), r.code))
    seed_rows = seed_rows[:config.assembly_seeds]
    if not seed_rows:
        return [], {}, np.array([], dtype=object)
    windows = _windows([r.lon for r in seed_rows], [r.lat for r in seed_rows], config.assembly_window_m)
    statement = parcel_base(dialect).add_columns(func.ST_AsBinary(Parcel.geom).label("wkb")).where(
        *rules, index_candidates_any(dialect, Parcel, "geom", windows)).order_by(Parcel.code)
    rows = session.execute(statement).all()
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
                     limit: int) -> list[Candidate]:
    """Assembled sites (拼地) meeting the need, scored like parcels less the assembly penalty."""
    seeds, cols, geoms = assembly_pool(session, need, ctx, config)
    if not seeds:
        return []
    metres = reproject(geoms, CGCS2000, ctx.epsg)
    adjacent = assembly.neighbours(metres, cols["park_id"], config.assembly_gap_m)
    groups = assembly.assemble(seeds, adjacent, [float(a) for a in cols["official_mu"]], cols["code"],
                               need.land_min_mu or 0.0, need.land_max_mu, config.assembly_max_members)
    if not groups:
        return []
    merged, unions = _assembled_columns(cols, groups, geoms)
    dist = distances_km(ctx, np.asarray(merged["lon"]), np.asarray(merged["lat"]))
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
    site = {**_site(merged, g, dist), "code": "+".join(codes), "cert_area_m2": None,
            "area_m2": group.area_mu * M2_PER_MU}
    checks = parcel_checks(site, need, ctx.classes, config)
    total = max(0.0, float(scores.total[g]) - config.assembly_penalty)
    return Candidate("assembly", "+".join(codes), codes, round(total, 1), criteria, checks,
                     {"ids": [cols["id"][i] for i in group.members], "area_mu": group.area_mu},
                     shapely.to_geojson(union))


# --- factories ---------------------------------------------------------------------------------

def factory_base() -> Any:
    """Plain factory columns, the land use of its parcel, park and town codes, its location."""
    return (select(Factory.id, Factory.code, Factory.status, Factory.vacant_area_m2,
                   Factory.floor_area_m2, Factory.clear_height_m, Factory.floor_load_kn_m2,
                   Factory.crane_t, Factory.power_kva, Factory.rent_yuan_m2_month,
                   Factory.status_since, Factory.park_id, Factory.town_id, Factory.building_type,
                   SiteParcel.land_use, SiteParcel.waterfront, Park.code.label("park_code"),
                   Town.code.label("town_code"), func.ST_X(Factory.location).label("lon"),
                   func.ST_Y(Factory.location).label("lat"))
            .outerjoin(SiteParcel, SiteParcel.id == Factory.parcel_id)
            .outerjoin(Park, Park.id == Factory.park_id).outerjoin(Town, Town.id == Factory.town_id))


def factory_status_clause(need: Resolved) -> ColumnElement[bool]:
    """Vacant, or leased with floor area still vacant, or reserved when asked."""
    reserved = Factory.status == "reserved" if need.need.include_reserved else false()
    return or_(Factory.status == "vacant",
               and_(Factory.status == "leased", Factory.vacant_area_m2 > 0), reserved)


def factory_rules(need: Resolved, ctx: Context, config: MatchConfig) -> list[ColumnElement[bool]]:
    """Every hard constraint on a factory except status and floor area, as SQL."""
    n = need.need
    where: list[ColumnElement[bool]] = [Factory.deleted_at.is_(None), _preferred_clause(Factory, ctx, need),
                                        or_(SiteParcel.land_use.is_(None), SiteParcel.land_use.in_(
                                            admitted_codes(ctx.classes, need, config) or ["-"]))]
    for column, wanted in ((Factory.clear_height_m, n.clear_height_min_m),
                           (Factory.floor_load_kn_m2, n.floor_load_min_kn_m2),
                           (Factory.crane_t, n.crane_min_t), (Factory.power_kva, n.power_min_kva)):
        if wanted is not None:
            where.append(column >= wanted)
    if n.needs_waterfront:
        where.append(SiteParcel.waterfront.is_(True))
    if n.max_rent_yuan_m2_month is not None:
        where.append(or_(Factory.rent_yuan_m2_month.is_(None),
                         Factory.rent_yuan_m2_month <= n.max_rent_yuan_m2_month))
    return where


def score_factories(session: Session, statement: Any, need: Resolved, ctx: Context,
                    config: MatchConfig) -> Scored:
    """Run a factory query, compute distances and scores for every row, rank them."""
    rows = session.execute(statement).all()
    cols = _columns(rows, [c.name for c in statement.selected_columns])
    cols["price"] = [np.nan if p is None else p for p in cols["rent_yuan_m2_month"]]
    cols["since"] = cols["status_since"]
    dist = distances_km(ctx, np.asarray(cols["lon"], dtype=float), np.asarray(cols["lat"], dtype=float))
    scores = scoring.weighted(factory_values(cols, need, ctx, config, dist), config, "factory") \
        if rows else scoring.Scores(np.zeros(0), {}, {}, {})
    return Scored(cols, dist, scores, scoring.ranking(scores.total, cols["code"]))


def factory_candidate(s: Scored, i: int, need: Resolved, ctx: Context, config: MatchConfig) -> Candidate:
    """Factory `i` of `s` explained."""
    site = _site(s.cols, i, s.dist)
    raw = {**raw_facts(s.cols, i, s.dist, ctx, need), "area_fit": site["vacant_area_m2"]}
    return Candidate("factory", site["code"], [site["code"]], round(float(s.scores.total[i]), 1),
                     criteria_rows(s.scores, i, raw), factory_checks(site, need, ctx.classes, config),
                     {"id": site["id"]})


def _floor_window(need: Resolved, slack: float = 0.0) -> ColumnElement[bool]:
    low = (need.floor_area_min_m2 or 0.0) * (1 - slack)
    high = need.need.floor_area_max_m2
    window = Factory.vacant_area_m2 >= low
    return and_(window, Factory.vacant_area_m2 <= high * (1 + slack)) if high is not None else window


def match_factories(session: Session, need: Resolved, ctx: Context, config: MatchConfig,
                    limit: int) -> tuple[list[Candidate], int]:
    """Factories passing every hard constraint, best first; and how many passed in all."""
    statement = factory_base().where(factory_status_clause(need), _floor_window(need),
                                     *factory_rules(need, ctx, config))
    s = score_factories(session, statement, need, ctx, config)
    keep = distance_mask(s.dist, need, len(s.order))
    order = [i for i in s.order if keep[i]]
    return [factory_candidate(s, i, need, ctx, config) for i in order[:limit]], len(order)


def near_factories(session: Session, need: Resolved, ctx: Context, config: MatchConfig,
                   limit: int) -> list[Candidate]:
    """The best excluded factories, each with its gaps (factories are few: one sorted query)."""
    target = need.floor_area_min_m2 or 0.0
    pool = (select(Factory.id).where(
        Factory.deleted_at.is_(None), Factory.status.in_(("vacant", "reserved", "leased")),
        Factory.vacant_area_m2 > 0, _floor_window(need, config.near_miss_slack))
        .order_by(func.abs(Factory.vacant_area_m2 - target), Factory.code)
        .limit(config.near_miss_pool * 10).subquery())
    s = score_factories(session, factory_base().where(Factory.id.in_(select(pool.c.id))), need, ctx, config)
    return _near(s, lambda site: factory_checks(site, need, ctx.classes, config),
                 lambda s, i: factory_candidate(s, i, need, ctx, config), limit, config)


# --- the whole match ---------------------------------------------------------------------------

def attach_details(session: Session, candidates: list[Candidate]) -> None:
    """Names, park and land-use names and geometry for the candidates that will be shown."""
    dialect = session.get_bind().dialect.name
    parcel_ids = {c.facts["id"] for c in candidates if c.kind == "parcel"}
    parcel_ids |= {i for c in candidates if c.kind == "assembly" for i in c.facts["ids"]}
    factory_ids = {c.facts["id"] for c in candidates if c.kind == "factory"}
    parcels = {r["id"]: dict(r) for r in session.execute(
        parcel_select(dialect).where(Parcel.id.in_(parcel_ids))).mappings()} if parcel_ids else {}
    factories = {r["id"]: dict(r) for r in session.execute(
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
        parcels, passed = match_parcels(session, resolved, ctx, config, limit)
        assembled = match_assemblies(session, resolved, ctx, config, limit) if assemble else []
        merged = sorted(parcels + assembled, key=lambda c: (-round(c.score, 2), c.code))
        result.parcels = merged[:limit]
        result.near_parcels = near_parcels(session, resolved, ctx, config, near_limit)
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
    if not project.industry_code:
        raise InvalidInput("match.error.no_industry", code=code)
    return Need(industry_code=project.industry_code, project_code=project.code, name=project.name,
                nuisance_class=project.nuisance_class, land_min_mu=project.land_min_mu,
                land_max_mu=project.land_max_mu, fixed_investment_wan=project.fixed_investment_wan,
                floor_area_min_m2=project.floor_area_min_m2, clear_height_min_m=project.clear_height_min_m,
                floor_load_min_kn_m2=project.floor_load_min_kn_m2, crane_min_t=project.crane_min_t,
                power_min_kva=project.power_min_kva, needs_waterfront=project.needs_waterfront,
                preferred_areas=tuple(project.preferred_areas or ()), **changes)
