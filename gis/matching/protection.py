"""Protection distances (卫生防护距离): the distance an industry must keep from sensitive receptors
(homes, schools, hospitals, villages), and the sites a match finds too near one.

The distance required is a row of the reference table `protection_distances`
(data/reference/protection_distances.csv): the most specific row for the project's industry code
(its longest prefix) and nuisance class. The sites closer than that to a receptor are found once
per match: the spatial index picks those whose box meets a receptor's box widened by the distance,
and their outlines (a factory's footprint, else its location) are measured to the receptors in
metres in the Gauss-Krüger zone (gis/crs.py). The SQL of the match then leaves those sites out
like any other hard constraint, and the check names the nearest receptor and how far short it is.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import shapely
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from gis.crs import CGCS2000, gauss_kruger_epsg, metres_per_degree, reproject
from gis.models import Factory, Parcel, ProtectionDistance, Receptor
from gis.spatial import fingerprint, index_candidates_any
from gis.tiles import data_stamp
from gis.vocabulary import SiteKind

# a factory is found by its location's box; its footprint may reach this far beyond it
FOOTPRINT_REACH_M = 1000.0
BOX_MARGIN = 1.01  # metres per degree vary across a box: widen it a little, never too little


@dataclass(frozen=True)
class Requirement:
    """The protection distance a need must keep, and the reference row that sets it."""

    code: str
    distance_m: float
    source: str


@dataclass(frozen=True)
class Rule:
    """A row of the reference table (blank industry or class: any)."""

    code: str
    industry_code: str | None
    nuisance_class: int | None
    distance_m: float
    source: str


@dataclass(frozen=True)
class Nearest:
    """The receptor nearest a site too near one: what it is, how far, and its nearest point."""

    code: str
    name: str
    kind: str
    distance_m: float
    lon: float
    lat: float


@dataclass(frozen=True)
class Protection:
    """What a match knows of protection distances: the requirement (None: the need has none) and
    the sites nearer a receptor than it, by kind and id."""

    requirement: Requirement | None = None
    too_near: dict[SiteKind, dict[int, Nearest]] = field(default_factory=dict)

    def ids(self, kind: SiteKind) -> list[int]:
        """The ids of the sites of `kind` too near a receptor, in order."""
        return sorted(self.too_near.get(kind, {}))

    def fact(self, kind: SiteKind, site_id: int) -> dict[str, Any] | None:
        """What the check reads of a site: the distance required and the receptor too near it
        (None: the need requires no distance)."""
        if self.requirement is None:
            return None
        nearest = self.too_near.get(kind, {}).get(site_id)
        return {
            "required_m": self.requirement.distance_m,
            "source": self.requirement.source,
            "receptor": None if nearest is None else asdict(nearest),
        }


def requirement(rules: Iterable[Rule], industry_code: str, nuisance_class: int) -> Requirement | None:
    """The most specific rule for the industry and class: the longest industry prefix, then one
    naming the class; None when no rule applies."""
    fitting = [
        r
        for r in rules
        if (r.industry_code is None or industry_code.startswith(r.industry_code))
        and (r.nuisance_class is None or r.nuisance_class == nuisance_class)
    ]
    if not fitting:
        return None
    best = max(
        fitting, key=lambda r: (len(r.industry_code or ""), r.nuisance_class is not None, r.distance_m)
    )
    return Requirement(best.code, best.distance_m, best.source)


def load_rules(session: Session) -> list[Rule]:
    """Every row of the reference table."""
    rows = session.execute(
        select(
            ProtectionDistance.code,
            ProtectionDistance.industry_code,
            ProtectionDistance.nuisance_class,
            ProtectionDistance.distance_m,
            ProtectionDistance.source,
        )
    )
    return [Rule(*r) for r in rows]


@dataclass(frozen=True)
class Receptors:
    """The receptors layer: codes, names, kinds, geometry in longitude/latitude."""

    codes: list[str]
    names: list[str]
    kinds: list[str]
    geo: np.ndarray


def load_receptors(session: Session) -> Receptors:
    """Every receptor, in code order."""
    rows = session.execute(
        select(Receptor.code, Receptor.name, Receptor.kind, func.ST_AsBinary(Receptor.geom)).order_by(
            Receptor.code
        )
    ).all()
    geo = shapely.from_wkb([bytes(r[3]) for r in rows]) if rows else np.array([], dtype=object)
    return Receptors([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], geo)


def widened_boxes(geo: np.ndarray, metres: float) -> list[tuple[float, float, float, float]]:
    """Each geometry's box widened by `metres` on every side (degrees, at its own latitude)."""
    boxes = []
    for x0, y0, x1, y1 in shapely.bounds(geo):
        per_lon, per_lat = metres_per_degree(max(abs(y0), abs(y1)))
        dx, dy = metres * BOX_MARGIN / per_lon, metres * BOX_MARGIN / per_lat
        boxes.append((x0 - dx, y0 - dy, x1 + dx, y1 + dy))
    return boxes


def _site_rows(session: Session, kind: SiteKind, receptors: Receptors, metres: float) -> list[Any]:
    dialect = session.get_bind().dialect.name
    if kind == SiteKind.PARCEL:
        boxes = widened_boxes(receptors.geo, metres)
        shape: Any = func.ST_AsBinary(Parcel.geom)
        statement = select(Parcel.id, shape).where(
            Parcel.deleted_at.is_(None), index_candidates_any(dialect, Parcel, "geom", boxes)
        )
    else:
        boxes = widened_boxes(receptors.geo, metres + FOOTPRINT_REACH_M)
        shape = func.ST_AsBinary(func.coalesce(Factory.footprint, Factory.location))
        statement = select(Factory.id, shape).where(
            Factory.deleted_at.is_(None), index_candidates_any(dialect, Factory, "location", boxes)
        )
    return list(session.execute(statement).all())


def nearest(receptors: Receptors, sites: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each site (longitude/latitude): the index of the nearest receptor, the distance to it
    in metres (Gauss-Krüger) and the receptor's point nearest the site (longitude/latitude)."""
    epsg = gauss_kruger_epsg(float(np.mean(shapely.get_coordinates(receptors.geo)[:, 0])))
    flat_receptors = reproject(receptors.geo, CGCS2000, epsg)
    flat_sites = reproject(sites, CGCS2000, epsg)
    tree = shapely.STRtree(flat_receptors)
    (site_index, receptor_index), distance = tree.query_nearest(
        flat_sites, return_distance=True, all_matches=False
    )
    order = np.argsort(site_index)
    chosen = receptor_index[order]
    lines = shapely.shortest_line(flat_receptors[chosen], flat_sites)
    ends = reproject(shapely.get_point(lines, 0), epsg, CGCS2000)
    return chosen, distance[order], ends


def too_near(session: Session, kind: SiteKind, receptors: Receptors, metres: float) -> dict[int, Nearest]:
    """The live sites of `kind` nearer than `metres` to a receptor, by id, with the nearest."""
    rows = _site_rows(session, kind, receptors, metres)
    if not rows:
        return {}
    sites = shapely.from_wkb([bytes(r[1]) for r in rows])
    chosen, distance, ends = nearest(receptors, sites)
    return {
        int(row[0]): Nearest(
            receptors.codes[j],
            receptors.names[j],
            receptors.kinds[j],
            round(float(d), 1),
            round(float(shapely.get_x(p)), 6),
            round(float(shapely.get_y(p)), 6),
        )
        for row, j, d, p in zip(rows, chosen, distance, ends, strict=True)
        if d < metres
    }


# The sites found too near, per database (its engine), for the data they were measured on and a
# distance: finding them builds and runs a spatial statement with a window per receptor (~0.1 s
# a match on the sample's 80 receptors), and the sites and receptors seldom change between matches.
TooNear = dict[SiteKind, dict[int, Nearest]]
_MEASURED: weakref.WeakKeyDictionary[Engine, dict[tuple[Any, ...], TooNear]] = weakref.WeakKeyDictionary()
KEPT_MEASURES = 16  # per database: a few distances, on the latest data


def _data_stamp(session: Session, receptors: Receptors) -> tuple[Any, ...]:
    """What the sites too near depend on: the receptors themselves, and a stamp that moves with
    every site added, changed or removed (gis/tiles.py's: newest ids of sites and of their
    histories)."""
    layer = list(zip(receptors.codes, receptors.kinds, shapely.to_wkb(receptors.geo).tolist(), strict=True))
    return (*data_stamp(session), fingerprint(layer))


def _measured(session: Session, receptors: Receptors, metres: float) -> TooNear:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    kept = _MEASURED.setdefault(engine, {})
    key = (_data_stamp(session, receptors), metres)
    if key not in kept:
        kept[key] = {kind: too_near(session, kind, receptors, metres) for kind in SiteKind}
        while len(kept) > KEPT_MEASURES:
            del kept[next(iter(kept))]
    return kept[key]


def measure(session: Session, industry_code: str, nuisance_class: int) -> Protection:
    """The requirement of the industry and class, and the sites of each kind too near a receptor
    (measured again only when a site or a receptor has changed since the last match that asked)."""
    found = requirement(load_rules(session), industry_code, nuisance_class)
    if found is None:
        return Protection()
    receptors = load_receptors(session)
    if not receptors.codes:  # no layer to measure to: nothing to check
        return Protection()
    return Protection(found, _measured(session, receptors, found.distance_m))


RING_TOLERANCE_M = 5.0  # the ring is drawn, not measured: a few metres of simplification


def ring(geojson: str, metres: float) -> dict[str, Any]:
    """The line `metres` around a site's outline (GeoJSON, longitude/latitude), measured in its
    Gauss-Krüger zone: where the protection distance reaches, for the map."""
    site = shapely.from_geojson(geojson)
    epsg = gauss_kruger_epsg(float(shapely.centroid(site).x))
    flat = reproject(np.array([site], dtype=object), CGCS2000, epsg)[0]
    reach = shapely.simplify(shapely.buffer(flat, metres, quad_segs=16), RING_TOLERANCE_M)
    line = shapely.LineString(reach.exterior.coords)  # GeoJSON has no ring: a closed line
    back = reproject(np.array([line], dtype=object), epsg, CGCS2000)[0]
    out: dict[str, Any] = shapely.geometry.mapping(shapely.set_precision(back, 1e-6))
    return out


def site_nearest(session: Session, kind: SiteKind, site_id: int, receptors: Receptors) -> Nearest | None:
    """The receptor nearest one site, however far (None: no receptors, or no such site)."""
    model: Any = Parcel if kind == SiteKind.PARCEL else Factory
    outline = Parcel.geom if kind == SiteKind.PARCEL else func.coalesce(Factory.footprint, Factory.location)
    wkb = session.scalar(select(func.ST_AsBinary(outline)).where(model.id == site_id))
    if wkb is None or not receptors.codes:
        return None
    chosen, distance, ends = nearest(receptors, shapely.from_wkb([bytes(wkb)]))
    j, point = int(chosen[0]), ends[0]
    return Nearest(
        receptors.codes[j],
        receptors.names[j],
        receptors.kinds[j],
        round(float(distance[0]), 1),
        round(float(shapely.get_x(point)), 6),
        round(float(shapely.get_y(point)), 6),
    )


def for_site(
    rules: Iterable[Rule],
    need_industry: str,
    nuisance_class: int,
    kind: SiteKind,
    site_id: int,
    near: Nearest | None,
) -> Protection:
    """What a match for this industry and class knows of one site whose nearest receptor is `near`
    (the reverse match: one site, many projects)."""
    found = requirement(rules, need_industry, nuisance_class)
    if found is None or near is None:
        return Protection()
    return Protection(found, {kind: {site_id: near}} if near.distance_m < found.distance_m else {})
