"""What a match reads besides the sites: the industry, land-use classes, parks and their chains,
the infrastructure layer, the preferred areas; and what parcel and factory queries share.

Distances are measured in metres in the Gauss-Krüger zone of the infrastructure (gis/crs.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from sqlalchemy import ColumnElement, Connection, func, or_, select, true
from sqlalchemy.orm import Session

from gis.bulk_write import in_lists
from gis.crs import CGCS2000, gauss_kruger_epsg, reproject, transformer
from gis.errors import InvalidInput
from gis.matching.constraints import LandClass
from gis.matching.need import INFRA_KINDS, MatchConfig, Need, Resolved, resolve
from gis.matching.need import Industry as IndustryFacts
from gis.matching.protection import Protection, measure
from gis.models import Area, Industry, Infrastructure, LandUseClass, Parcel, Project, Proximity
from gis.spatial import fingerprint

LANDED_STATUSES = ("signed", "supplied", "under_construction", "in_production")


@dataclass(frozen=True)
class ParkFacts:
    """What the score needs to know of a park or zone."""

    code: str
    leading: tuple[str, ...]
    priority: bool
    chain_firms: int


@dataclass(frozen=True)
class Layer:
    """The infrastructure layer: codes, names and kinds; geometry in longitude/latitude (`geo`)
    and in metres in the Gauss-Krüger zone `epsg` (`geoms`); its fingerprint, and whether the
    parcels' stored distances were measured to this very layer (gis/matching/proximity.py)."""

    codes: list[str]
    names: list[str]
    kinds: np.ndarray
    geoms: np.ndarray
    geo: np.ndarray
    epsg: int
    fingerprint: str
    stored: bool


@dataclass(frozen=True)
class Context:
    """Reference facts loaded once per match: land classes, parks, infrastructure, preferences."""

    classes: dict[str, LandClass]
    parks: dict[int, ParkFacts]
    layer: Layer
    preferred_ids: frozenset[int]
    protection: Protection = field(default_factory=Protection)  # 卫生防护距离 (gis/matching/protection.py)


def industry_facts(session: Session, code: str) -> IndustryFacts:
    """The industry's facts from the reference table, or `InvalidInput` naming the code."""
    found = industries_facts(session, [code.strip()])
    if not found:
        raise InvalidInput("match.error.unknown_industry", code=code)
    return next(iter(found.values()))


def industries_facts(session: Session, codes: list[str]) -> dict[str, IndustryFacts]:
    """The facts of the industries of `codes` found in the reference table, by code."""
    rows = session.connection().execute(
        select(
            Industry.code,
            Industry.name,
            Industry.nuisance_class,
            Industry.plot_ratio_min,
            Industry.collective_decision,
            Industry.sector,
        ).where(Industry.code.in_(codes))
    )
    return {r.code: IndustryFacts(*r) for r in rows}


def _chain(industry: IndustryFacts) -> ColumnElement[bool]:
    """Projects of the same chain: an industry of the same sector, else of the same division."""
    if industry.sector:
        return Project.industry_code.in_(select(Industry.code).where(Industry.sector == industry.sector))
    return Project.industry_code.in_([industry.code[:2], industry.code])


def _chain_firms(session: Session, industry: IndustryFacts) -> dict[int, int]:
    """Projects of the same chain on landed parcels, per park (through the indexed project key)."""
    projects = list(session.scalars(select(Project.id).where(_chain(industry), Project.deleted_at.is_(None))))
    counts: dict[int, int] = {}
    for chunk in in_lists(projects):
        rows = session.connection().execute(
            select(Parcel.park_id, func.count(func.distinct(Parcel.reserved_project_id)))
            .where(
                Parcel.reserved_project_id.in_(chunk),
                Parcel.status.in_(LANDED_STATUSES),
                Parcel.deleted_at.is_(None),
            )
            .group_by(Parcel.park_id)
        )
        for park, count in rows:
            if park is not None:
                counts[park] = counts.get(park, 0) + int(count)
    return counts


def parks_for(session: Session, industry: IndustryFacts) -> dict[int, ParkFacts]:
    """Every park and zone with its leading industries, priority flag and firms of the industry's chain."""
    firms = _chain_firms(session, industry)
    parks = select(Area.id, Area.code, Area.leading_industries, Area.is_priority)
    rows = session.connection().execute(parks.where(Area.kind.in_(("park", "zone"))))
    return {
        i: ParkFacts(code, tuple(leading or ()), bool(priority), firms.get(i, 0))
        for i, code, leading, priority in rows
    }


def _preferred(session: Session, codes: tuple[str, ...]) -> frozenset[int]:
    if not codes:
        return frozenset()
    found = dict(session.execute(select(Area.code, Area.id).where(Area.code.in_(codes))).all())
    missing = [c for c in codes if c not in found]
    if missing:
        raise InvalidInput("error.unknown_area", code=missing[0])
    return frozenset(found.values())


def load_layer(conn: Connection) -> Layer:
    """The infrastructure layer, and whether the stored distances are of it."""
    measured = select(Proximity.fingerprint).where(Proximity.id == 1).scalar_subquery()
    rows = conn.execute(
        select(
            Infrastructure.code,
            Infrastructure.name,
            Infrastructure.kind,
            func.ST_AsBinary(Infrastructure.geom),
            measured,
        ).order_by(Infrastructure.code)
    ).all()
    return layer_of(tuple((r[0], r[1], r[2], bytes(r[3]), r[4]) for r in rows))


@lru_cache(maxsize=4)
def layer_of(rows: tuple[tuple[str, str, str, bytes, str | None], ...]) -> Layer:
    """The layer of these (code, name, kind, WKB, measured fingerprint) rows. Kept for the rows
    read last: every match reads the layer, and parsing, reprojecting and fingerprinting it again
    cost a match more than reading it; different rows are a different layer, measured anew."""
    wkbs = [r[3] for r in rows]
    geoms = shapely.from_wkb(wkbs) if rows else np.array([], dtype=object)
    lon = float(np.mean(shapely.get_coordinates(geoms)[:, 0])) if rows else 121.7
    epsg = gauss_kruger_epsg(lon)
    stamp = fingerprint([(r[0], r[2], r[3]) for r in rows])
    layer = Layer(
        [r[0] for r in rows],
        [r[1] for r in rows],
        np.array([r[2] for r in rows], dtype=object),
        reproject(geoms, CGCS2000, epsg) if rows else geoms,
        geoms,
        epsg,
        stamp,
        bool(rows) and rows[0][4] == stamp,
    )
    for shared in (layer.kinds, layer.geoms, layer.geo):  # one layer serves every match
        shared.setflags(write=False)
    return layer


def load_classes(conn: Connection) -> dict[str, LandClass]:
    """The land-use classes by code."""
    return {
        c.code: LandClass(c.code, c.name, c.kind, c.max_nuisance)
        for c in conn.execute(
            select(LandUseClass.code, LandUseClass.name, LandUseClass.kind, LandUseClass.max_nuisance)
        )
    }


def load_context(session: Session, need: Resolved) -> Context:
    """Everything small the match reads besides the sites themselves."""
    conn = session.connection()  # plain rows: the context keeps no ORM object
    return Context(
        load_classes(conn),
        parks_for(session, need.industry),
        load_layer(conn),
        _preferred(session, need.need.preferred_areas),
        measure(session, need.industry.code, need.nuisance_class),
    )


def prepare(session: Session, need: Need, config: MatchConfig) -> tuple[Resolved, Context]:
    """Resolve the need against the reference table and load the context."""
    resolved = resolve(need, industry_facts(session, need.industry_code), config)
    ctx = load_context(session, resolved)
    for target, limit in need.max_distance_km:
        if target not in INFRA_KINDS and target not in ctx.layer.codes:
            raise InvalidInput("match.error.unknown_infrastructure", code=target)
        if limit <= 0:
            raise InvalidInput("match.error.bad_distance", code=target, value=limit)
    return resolved, ctx


def distances_km(layer: Layer, lon: np.ndarray, lat: np.ndarray) -> dict[str, np.ndarray]:
    """Distance in km from each point to the nearest infrastructure of each kind, and to each code."""
    n = len(lon)
    if n == 0 or len(layer.codes) == 0:
        return {k: np.full(n, np.nan) for k in INFRA_KINDS}
    x, y = transformer(CGCS2000, layer.epsg).transform(lon, lat)
    if all(g.geom_type == "Point" for g in layer.geoms):  # the usual layer: plain arithmetic
        ix, iy = shapely.get_x(layer.geoms), shapely.get_y(layer.geoms)
        matrix = np.hypot(np.subtract.outer(x, ix), np.subtract.outer(y, iy)) / 1000.0
    else:
        matrix = shapely.distance(shapely.points(x, y)[:, None], layer.geoms[None, :]) / 1000.0
    out = {code: matrix[:, j] for j, code in enumerate(layer.codes)}
    for kind in INFRA_KINDS:
        mask = layer.kinds == kind
        out[kind] = matrix[:, mask].min(axis=1) if mask.any() else np.full(n, np.nan)
    return out


def distance_mask(dist: dict[str, np.ndarray], need: Resolved, n: int) -> np.ndarray:
    """Sites within every maximum distance the request sets (unknown distances are kept)."""
    keep = np.ones(n, dtype=bool)
    for target, limit in need.need.max_distance_km:
        km = dist.get(target)
        if km is not None:
            keep &= ~(km > limit)
    return keep


def points_of(ctx: Context, target: str) -> np.ndarray:
    """The infrastructure of a kind, or the one with that code (longitude/latitude)."""
    layer = ctx.layer
    if not len(layer.codes):
        return np.array([], dtype=object)
    chosen = (layer.kinds == target) | (np.asarray(layer.codes, dtype=object) == target)
    points: np.ndarray = layer.geo[chosen]
    return points


def statuses(need: Resolved) -> list[str]:
    """The parcel statuses a match takes: available, and reserved when asked."""
    return ["available", "reserved"] if need.need.include_reserved else ["available"]


def preferred_clause(model: Any, ctx: Context, need: Resolved) -> ColumnElement[bool]:
    """Inside a preferred park or town, when the request insists (SQL)."""
    if not (need.need.preferred_areas and need.need.insist_on_preferred):
        return true()
    return or_(model.park_id.in_(ctx.preferred_ids), model.town_id.in_(ctx.preferred_ids))
