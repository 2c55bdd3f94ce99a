"""The gazetteer: every place Landstock knows by name, behind one search box.

Towns, parks and zones (areas), infrastructure (ports and wharves, highway exits, stations), named
roads and waterways (the map's context), parcels and factories by name or code, and factories by
owner (signed-in readers only: an owner is personal, gis/access.py). Never a project: the
pipeline is confidential.

Chinese names are matched as substrings, without pinyin; an exact name or code comes first, then
a name or code that starts with the text, then any other, each group by kind and then shortest
name. Each source is one function in `SOURCES`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import Session

from gis.access import Principal, reads_personal
from gis.models import Area, ContextFeature, Factory, Infrastructure, Parcel
from gis.vocabulary import ContextKind

MAX_PLACES = 50

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Place:
    """A place found by name: what it is, where it lies (a point and a box, WGS84 for the map),
    and its shape (EPSG:4490) for a search area around it."""

    kind: str  # town, park, zone, port, highway_exit, rail_station, road, river, parcel, factory, owner
    name: str
    code: str
    lon: float
    lat: float
    bbox: BBox
    shape: shapely.Geometry
    detail: str | None = None  # what the name belongs to, when the name is not the record's own


@dataclass(frozen=True)
class Lookup:
    """One search: the text, who reads the answer, and how many places to find at most."""

    text: str
    who: Principal | None
    limit: int


# A source: the places of one table matching a lookup (a few more than its limit is fine).
Source = Callable[[Session, Lookup], list[Place]]

# The order of kinds among places that match equally well: where people are, then what they use.
KIND_ORDER = (
    "town",
    "park",
    "zone",
    "port",
    "rail_station",
    "highway_exit",
    "road",
    "river",
    "parcel",
    "factory",
    "owner",
)


def _edges(dialect: str, geom: Any) -> list[ColumnElement[float]]:
    names = ("MbrMinX", "MbrMinY", "MbrMaxX", "MbrMaxY")
    if dialect != "sqlite":
        names = ("ST_XMin", "ST_YMin", "ST_XMax", "ST_YMax")
    return [getattr(func, n)(geom) for n in names]


def _located(session: Session, geom: Any, point: Any) -> list[Any]:
    """Columns giving a place's point (x, y), box and shape (WKB), in that order."""
    dialect = session.get_bind().dialect.name
    return [func.ST_X(point), func.ST_Y(point), *_edges(dialect, geom), func.ST_AsBinary(geom)]


def _like(text: str, *columns: Any) -> ColumnElement[bool]:
    return or_(*(c.contains(text, autoescape=True) for c in columns))


def _best_first(text: str, name: Any, code: Any) -> list[Any]:
    """The order within one source, as `rank` orders them all: so that a source's limit keeps
    its exact and prefix matches."""
    exact = case((or_(name == text, code == text), 0), else_=1)
    prefix = case(
        (or_(name.startswith(text, autoescape=True), code.startswith(text, autoescape=True)), 0), else_=1
    )
    return [exact, prefix, func.length(name), name, code]


def _places(session: Session, statement: Select[Any], kind: Callable[[Any], str]) -> list[Place]:
    """Rows of (kind source, name, code, detail, x, y, box, shape) as places."""
    out = []
    for row in session.execute(statement):
        *head, x, y, x0, y0, x1, y1, wkb = row
        shape = shapely.from_wkb(bytes(wkb))
        out.append(
            Place(kind(head[0]), head[1], head[2], float(x), float(y), (x0, y0, x1, y1), shape, head[3])
        )
    return out


def areas(session: Session, q: Lookup) -> list[Place]:
    """Towns, parks and zones whose name or code holds the text; the point lies inside."""
    chosen = select(
        Area.kind,
        Area.name,
        Area.code,
        Area.code,
        *_located(session, Area.geom, func.ST_PointOnSurface(Area.geom)),
    ).where(_like(q.text, Area.name, Area.code))
    return _places(session, chosen.order_by(*_best_first(q.text, Area.name, Area.code)).limit(q.limit), str)


def infrastructure(session: Session, q: Lookup) -> list[Place]:
    """Ports, wharves, highway exits and stations whose name or code holds the text."""
    geom = Infrastructure.geom
    chosen = select(
        Infrastructure.kind,
        Infrastructure.name,
        Infrastructure.code,
        Infrastructure.code,
        *_located(session, geom, func.ST_PointOnSurface(geom)),
    ).where(_like(q.text, Infrastructure.name, Infrastructure.code))
    best = _best_first(q.text, Infrastructure.name, Infrastructure.code)
    return _places(session, chosen.order_by(*best).limit(q.limit), str)


def parcels(session: Session, q: Lookup) -> list[Place]:
    """Parcels (not deleted) whose name or code holds the text, at their box centre."""
    name = func.coalesce(Parcel.name, Parcel.code)
    chosen = select(
        Parcel.code,
        name,
        Parcel.code,
        Parcel.code,
        *_located(session, Parcel.geom, func.ST_PointOnSurface(Parcel.geom)),
    ).where(Parcel.deleted_at.is_(None), _like(q.text, Parcel.name, Parcel.code))
    best = _best_first(q.text, name, Parcel.code)
    return _places(session, chosen.order_by(*best).limit(q.limit), lambda _: "parcel")


def factories(session: Session, q: Lookup) -> list[Place]:
    """Factories (not deleted) whose name or code holds the text, at their location."""
    name = func.coalesce(Factory.name, Factory.code)
    chosen = select(
        Factory.code, name, Factory.code, Factory.code, *_located(session, Factory.location, Factory.location)
    ).where(Factory.deleted_at.is_(None), _like(q.text, Factory.name, Factory.code))
    best = _best_first(q.text, name, Factory.code)
    return _places(session, chosen.order_by(*best).limit(q.limit), lambda _: "factory")


def owners(session: Session, q: Lookup) -> list[Place]:
    """Factories whose owner's name holds the text, under the owner's name: signed-in readers
    only, as an owner is personal (gis/access.py PERSONAL_FIELDS)."""
    if not reads_personal(q.who):
        return []
    chosen = select(
        Factory.code,
        Factory.owner,
        Factory.code,
        func.coalesce(Factory.name, Factory.code),
        *_located(session, Factory.location, Factory.location),
    ).where(Factory.deleted_at.is_(None), Factory.owner.is_not(None), _like(q.text, Factory.owner))
    best = _best_first(q.text, Factory.owner, Factory.code)
    return _places(session, chosen.order_by(*best).limit(q.limit), lambda _: "owner")


def roads_and_waterways(session: Session, q: Lookup) -> list[Place]:
    """Named roads and waterways of the map's context (gis/context.py) whose name holds the text,
    each as one place however many pieces it is drawn in; its point lies on it, and a search area
    near it runs along its whole length. Its name is its code: the context has no other."""
    kinds = (ContextKind.ROAD.value, ContextKind.RIVER.value)
    rows = session.execute(
        select(ContextFeature.kind, ContextFeature.name, func.ST_AsBinary(ContextFeature.geom))
        .where(ContextFeature.kind.in_(kinds), ContextFeature.name.is_not(None))
        .where(_like(q.text, ContextFeature.name))
        .order_by(ContextFeature.name, ContextFeature.id)
    ).all()
    pieces: dict[tuple[str, str], list[shapely.Geometry]] = {}
    for kind, name, wkb in rows:
        pieces.setdefault((kind, name), []).append(shapely.from_wkb(bytes(wkb)))
    found = []
    for (kind, name), parts in pieces.items():
        whole = shapely.union_all(parts)
        point = whole.point_on_surface()
        found.append(Place(kind, name, name, point.x, point.y, whole.bounds, whole))
    return sorted(found, key=lambda p: rank(q.text, p))[: q.limit]


# Every source of places, searched in turn.
SOURCES: list[Source] = [areas, infrastructure, roads_and_waterways, parcels, factories, owners]


def rank(text: str, place: Place) -> tuple[int, int, int, str, str]:
    """How well `place` answers `text`: exact name or code, then prefix, then substring; then kind,
    shorter names, name and code."""
    names = (place.name, place.code)
    fit = 0 if text in names else 1 if any(n.startswith(text) for n in names) else 2
    order = KIND_ORDER.index(place.kind) if place.kind in KIND_ORDER else len(KIND_ORDER)
    return fit, order, len(place.name), place.name, place.code


def search(
    session: Session, text: str, who: Principal | None, limit: int = 10, sources: Sequence[Source] = SOURCES
) -> list[Place]:
    """The places whose name or code holds `text` that `who` may read, best first."""
    text = text.strip()
    if not text:
        return []
    lookup = Lookup(text, who, min(limit, MAX_PLACES))
    found = [p for source in sources for p in source(session, lookup)]
    return sorted(found, key=lambda p: rank(text, p))[: lookup.limit]
