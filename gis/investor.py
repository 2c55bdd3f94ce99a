"""What an investor may be shown of one parcel or factory (招商推介): its public facts only.

The upper bound is what an anonymous reader of the inventory may read today (gis/access.py):
never the project a site is reserved for, its remarks, owner, contacts, documents or history.
One call, `site_facts(session, kind, code)`, gathers a `SiteFacts`: the size (a parcel's area in
m², `Land.area_mu` in 亩; a factory's floor), land use, plot ratio, readiness, price or rent, the
distances to the nearest port, highway exit and rail station, the park and its leading
industries, the neighbouring sites and a few photos (thumbnails). `surroundings` adds what a map
of it draws around it. Both read the database and nothing else; they write nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gis import attachments, context, inventory, nearby
from gis.area import m2_to_mu
from gis.context import OUTLINES
from gis.crs import metres_per_degree
from gis.matching.context import distances_km, load_layer
from gis.matching.need import INFRA_KINDS
from gis.models import Area, Factory, Industry, LandUseClass, Parcel
from gis.rows import FactoryRow, ParcelRow
from gis.spatial import intersects_bbox
from gis.vocabulary import ContextKind, ReadyItem, SiteKind

MAX_PHOTOS = 3
NEIGHBOURS_WITHIN_M = 1000.0
MAX_NEIGHBOURS = 5
MARGIN_M = 500.0  # a map of the site shows at least this much around it


@dataclass(frozen=True)
class LeadingIndustry:
    """An industry (GB/T 4754-2017) by its code and Chinese name."""

    code: str
    name: str


@dataclass(frozen=True)
class Reach:
    """The nearest infrastructure of one kind (port, highway exit, rail station) and how far, in km
    in a straight line from the site's centre."""

    kind: str
    name: str
    km: float


@dataclass(frozen=True)
class Land:
    """A parcel's land: area, use, planning limits, readiness and asking price."""

    area_m2: float
    cert_area_m2: float | None
    land_use: str
    land_use_name: str | None
    land_kind: str | None  # industrial, logistics, port, ... (land_use_classes.kind)
    nuisance: int | None  # the highest nuisance class of industry it admits (一类 1 .. 三类 3)
    plot_ratio_min: float | None
    plot_ratio_max: float | None
    building_density_min: float | None
    height_limit_m: float | None
    ready: tuple[ReadyItem, ...]  # the site works done, then 净地 when the land is net
    waterfront: bool
    price_wan_per_mu: float | None

    @property
    def area_mu(self) -> float:
        """The area in 亩."""
        return m2_to_mu(self.area_m2)


@dataclass(frozen=True)
class Building:
    """A factory's building: floor, specification and asking rent or price."""

    building_type: str
    floors: int | None
    floor_area_m2: float
    vacant_area_m2: float
    clear_height_m: float | None
    floor_load_kn_m2: float | None
    crane_t: float | None
    power_kva: float | None
    year_built: int | None
    rent_yuan_m2_month: float | None
    sale_price_wan: float | None


@dataclass(frozen=True)
class Photo:
    """A photo of the site as its 320 px JPEG thumbnail (no file name: names can say too much)."""

    id: int
    jpeg: bytes


@dataclass(frozen=True)
class SiteFacts:
    """The public facts of one parcel (`land`) or factory (`building`); `shape` is its outline, or
    its location, in longitude/latitude (CGCS2000)."""

    kind: SiteKind
    code: str
    name: str | None
    status: str
    park_code: str | None
    park_name: str | None
    town_name: str | None
    leading_industries: tuple[LeadingIndustry, ...]
    land: Land | None
    building: Building | None
    reach: tuple[Reach, ...]
    neighbours: tuple[nearby.Nearby, ...]
    photos: tuple[Photo, ...]
    shape: BaseGeometry

    @property
    def path(self) -> str:
        """The record's page, from the server's root."""
        return nearby.URLS[self.kind].format(code=self.code)


def site_facts(session: Session, kind: SiteKind, code: str) -> SiteFacts:
    """The public facts of the live parcel or factory `code`; `NotFound` for any other."""
    row: ParcelRow | FactoryRow = (
        inventory.get_parcel(session, code)
        if kind == SiteKind.PARCEL
        else inventory.get_factory(session, code)
    )
    shape = shapely.from_geojson(row["geojson"])
    lon, lat = _centre(shape)
    return SiteFacts(
        kind=kind,
        code=row["code"],
        name=row["name"],
        status=row["status"],
        park_code=row["park_code"],
        park_name=row["park_name"],
        town_name=row["town_name"],
        leading_industries=_leading(session, row["park_id"]),
        land=_land(session, row) if kind == SiteKind.PARCEL else None,
        building=_building(row) if kind == SiteKind.FACTORY else None,
        reach=_reach(session, lon, lat),
        neighbours=_neighbours(session, kind, code, lon, lat),
        photos=_photos(session, kind, code),
        shape=shape,
    )


def _centre(shape: BaseGeometry) -> tuple[float, float]:
    """The centre of the box, as the match measures distances from (gis/matching/proximity.py)."""
    x0, y0, x1, y1 = shape.bounds
    return (x0 + x1) / 2, (y0 + y1) / 2


def _leading(session: Session, park_id: int | None) -> tuple[LeadingIndustry, ...]:
    if park_id is None:
        return ()
    codes = session.scalar(select(Area.leading_industries).where(Area.id == park_id)) or []
    names = dict(session.execute(select(Industry.code, Industry.name).where(Industry.code.in_(codes))).all())
    return tuple(LeadingIndustry(c, names.get(c, c)) for c in codes)


def _land(session: Session, row: Any) -> Land:
    use = session.execute(
        select(LandUseClass.kind, LandUseClass.max_nuisance).where(LandUseClass.code == row["land_use"])
    ).first()
    return Land(
        area_m2=row["area_m2"],
        cert_area_m2=row["cert_area_m2"],
        land_use=row["land_use"],
        land_use_name=row["land_use_name"],
        land_kind=use.kind if use else None,
        nuisance=use.max_nuisance if use else None,
        plot_ratio_min=row["plot_ratio_min"],
        plot_ratio_max=row["plot_ratio_max"],
        building_density_min=row["building_density_min"],
        height_limit_m=row["height_limit_m"],
        ready=tuple(item for item in ReadyItem if row[item.column]),
        waterfront=row["waterfront"],
        price_wan_per_mu=row["price_wan_per_mu"],
    )


def _building(row: Any) -> Building:
    return Building(**{name: row[name] for name in Building.__dataclass_fields__})


def _reach(session: Session, lon: float, lat: float) -> tuple[Reach, ...]:
    layer = load_layer(session.connection())
    km = distances_km(layer, np.array([lon]), np.array([lat]))
    found = []
    for kind in INFRA_KINDS:
        options = [
            (float(km[code][0]), name)
            for code, name, k in zip(layer.codes, layer.names, layer.kinds, strict=True)
            if k == kind
        ]
        if options:
            distance, name = min(options)
            found.append(Reach(kind, name, round(distance, 1)))
    return tuple(found)


def _neighbours(
    session: Session, kind: SiteKind, code: str, lon: float, lat: float
) -> tuple[nearby.Nearby, ...]:
    around = nearby.near(session, lon, lat, NEIGHBOURS_WITHIN_M, MAX_NEIGHBOURS + 1)
    return tuple(n for n in around if (n.kind, n.code) != (kind, code))[:MAX_NEIGHBOURS]


def _photos(session: Session, kind: SiteKind, code: str) -> tuple[Photo, ...]:
    listed = attachments.of_site(session, kind, code, documents=False)[:MAX_PHOTOS]
    # read as an anonymous reader would: photos only, never a document
    return tuple(
        Photo(a["id"], attachments.read(session, a["id"], None, thumbnail=True).data) for a in listed
    )


# What a map of a site draws around it


@dataclass(frozen=True)
class MapFeature:
    """One thing a site's map draws: its layer (maps/picture.py styles each), its geometry in
    longitude/latitude (CGCS2000), a label when it is written, and the status of a site."""

    layer: str
    geometry: BaseGeometry
    label: str | None = None
    status: str | None = None


BBox = tuple[float, float, float, float]


def frame(facts: SiteFacts, margin_m: float = MARGIN_M) -> BBox:
    """The box a map of the site shows: the site with `margin_m` around it, square in metres."""
    x0, y0, x1, y1 = facts.shape.bounds
    per_lon, per_lat = metres_per_degree((y0 + y1) / 2)
    half = max((x1 - x0) * per_lon, (y1 - y0) * per_lat) / 2 + margin_m
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (cx - half / per_lon, cy - half / per_lat, cx + half / per_lon, cy + half / per_lat)


def _areas(session: Session, box: BBox) -> list[MapFeature]:
    rows = session.execute(
        select(Area.name, Area.kind, func.ST_AsBinary(Area.geom)).where(
            intersects_bbox(session.get_bind().dialect.name, Area, "geom", box)
        )
    ).all()
    return [
        MapFeature("town" if kind == "town" else "park", shapely.from_wkb(bytes(wkb)), name)
        for name, kind, wkb in rows
    ]


def _sites(session: Session, box: BBox) -> list[MapFeature]:
    dialect = session.get_bind().dialect.name
    parcels = select(Parcel.code, Parcel.status, func.ST_AsBinary(Parcel.geom)).where(
        Parcel.deleted_at.is_(None), intersects_bbox(dialect, Parcel, "geom", box)
    )
    factories = select(
        Factory.code, Factory.status, func.ST_AsBinary(func.coalesce(Factory.footprint, Factory.location))
    ).where(Factory.deleted_at.is_(None), intersects_bbox(dialect, Factory, "location", box))
    found = []
    for layer, statement in (("parcel", parcels), ("factory", factories)):
        found += [
            MapFeature(layer, shapely.from_wkb(bytes(wkb)), code, status)
            for code, status, wkb in session.execute(statement)
        ]
    return found


def _infrastructure(session: Session, box: BBox) -> list[MapFeature]:
    layer = load_layer(session.connection())
    inside = (
        shapely.intersects(layer.geo, shapely.box(*box)) if len(layer.codes) else np.array([], dtype=bool)
    )
    return [
        MapFeature(str(kind), geo, name)
        for geo, name, kind, keep in zip(layer.geo, layer.names, layer.kinds, inside, strict=True)
        if keep
    ]


def _context(session: Session, box: BBox) -> list[MapFeature]:
    """Roads, waterways and the coastline (gis/context.py; the county's outline is the areas')."""
    kinds = (ContextKind.COASTLINE, ContextKind.RIVER, ContextKind.ROAD)
    return [
        MapFeature(_CONTEXT_LAYERS[item.kind, item.geometry.geom_type in OUTLINES], item.geometry, item.name)
        for item in context.within(session, box, kinds)
    ]


# maps/picture.py's layer of a context feature, by its kind and whether it is an outline
_CONTEXT_LAYERS = {
    (ContextKind.COASTLINE, False): "coastline",
    (ContextKind.RIVER, False): "river",
    (ContextKind.RIVER, True): "water",
    (ContextKind.ROAD, False): "road",
}

# The layers under the site, bottom first, each read for the map's box; each feature is named by a
# layer that maps/picture.py STYLES knows.
SURROUNDINGS: tuple[Callable[[Session, BBox], list[MapFeature]], ...] = (
    _context,
    _areas,
    _sites,
    _infrastructure,
)


def surroundings(session: Session, box: BBox) -> list[MapFeature]:
    """Everything a map of `box` draws besides the site itself, bottom layer first."""
    return [feature for layer in SURROUNDINGS for feature in layer(session, box)]
