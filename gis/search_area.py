"""Search areas: where to look, as a drawn polygon, a circle, or "within N km of" a named place.

An area is a polygon in EPSG:4490: a polygon as drawn, a circle as a 64-sided polygon around its
centre, a place of the gazetteer grown by N km (a port's point becomes a circle, a town's
outline a wider outline), both worked out in the place's Gauss-Krüger zone, in metres.

A site lies in an area when its point does: a parcel's box centre (`Parcel.centre_lon`,
`centre_lat`, the point the match measures its distances from), a factory's location. Centre
within rather than intersects, so that a site is in or out whole, the list, the map and the match
agree, and the database tests one point per site rather than an outline.

The input is checked as an import's is (gis/geometry.py): a polygon valid, not empty, of a sane
size, inside the service region, and longitude and latitude not swapped.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from sqlalchemy import ColumnElement, Float, LargeBinary, and_, bindparam, func
from sqlalchemy.orm import Session

from gis import gazetteer
from gis.crs import CGCS2000, gauss_kruger_epsg, reproject
from gis.errors import InvalidGeometry, InvalidInput
from gis.geometry import Bounds, clean_point, clean_polygon
from gis.io.limits import QIDONG_REGION
from gis.labels import Text
from gis.spatial import holds

Kind = Literal["polygon", "circle", "near"]
MAX_KM = 50.0  # the widest circle or reach: the county is about 80 km long
MAX_AREA_KM2 = 5000.0  # the largest polygon: the county with its coast
MAX_VERTICES = 2000
QUAD_SEGMENTS = 16  # a circle as 64 sides: within 0.12 % of its radius


class PlaceNotResolved(InvalidInput):
    """`near=` names no place, or several: the candidates are listed for the user to choose."""

    key = "search.place_none"

    def __init__(self, text: str, candidates: list[gazetteer.Place]) -> None:
        self.candidates = candidates
        names = "、".join(f"{p.name}（{p.code}）" for p in candidates) or "—"
        super().__init__("search.place_many" if candidates else "search.place_none", place=text, names=names)

    def details(self, _lang: str = "zh") -> dict[str, Any]:
        """The places the text could mean, for a client to offer."""
        return {"candidates": [{"kind": p.kind, "name": p.name, "code": p.code} for p in self.candidates]}


@dataclass(frozen=True)
class SearchSpec:
    """A search area as asked: a GeoJSON polygon, a circle "lon,lat,radius_m", or a place and a
    distance in km; at most one of the three. Resolved against the gazetteer by `resolve`."""

    within: str | None = None
    circle: str | None = None
    near: str | None = None
    km: float | None = None
    region: Bounds = QIDONG_REGION

    @property
    def given(self) -> bool:
        """Whether any area is asked for."""
        return bool(self.within or self.circle or self.near)


@dataclass(frozen=True)
class SearchArea:
    """A resolved search area: its polygon (EPSG:4490) and what it was made from."""

    kind: Kind
    geom: shapely.Geometry
    origin: shapely.Geometry | None = None  # the centre or the place grown into the area
    reach_m: float | None = None  # how far it was grown
    place: str | None = None  # the place's name (near)
    place_code: str | None = None
    epsg: int = field(default=0)

    @cached_property
    def _projected(self) -> tuple[shapely.Geometry, shapely.Geometry | None]:
        area = reproject(np.array([self.geom]), CGCS2000, self.epsg)[0]
        origin = None if self.origin is None else reproject(np.array([self.origin]), CGCS2000, self.epsg)[0]
        return area, origin

    @property
    def wkb(self) -> bytes:
        """The polygon as WKB, to bind into SQL."""
        return bytes(shapely.to_wkb(self.geom))

    @property
    def bbox(self) -> Bounds:
        """The polygon's box (min lon, min lat, max lon, max lat)."""
        x0, y0, x1, y1 = shapely.bounds(self.geom).tolist()
        return (float(x0), float(y0), float(x1), float(y1))

    @property
    def geojson(self) -> dict[str, Any]:
        """The polygon as a GeoJSON geometry, to draw."""
        return dict(mapping(self.geom))  # type: ignore[arg-type]

    def contains(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Which of the points lie in the area (as the SQL of `centre_inside` decides)."""
        return np.asarray(shapely.contains_xy(self.geom, lon, lat), dtype=bool)

    def outside_m(self, lon: float, lat: float) -> float:
        """Metres from the point to the area (0 inside)."""
        area, _ = self._projected
        return float(shapely.distance(area, _gk_point(lon, lat, self.epsg)))

    def from_origin_m(self, lon: float, lat: float) -> float | None:
        """Metres from the point to the centre or place the area was grown from."""
        _, origin = self._projected
        return None if origin is None else float(shapely.distance(origin, _gk_point(lon, lat, self.epsg)))


def _gk_point(lon: float, lat: float, epsg: int) -> shapely.Geometry:
    projected: shapely.Geometry = reproject(np.array([Point(lon, lat)]), CGCS2000, epsg)[0]
    return projected


def _grown(origin: shapely.Geometry, metres: float) -> tuple[shapely.Geometry, int]:
    """`origin` (EPSG:4490) grown by `metres` in its Gauss-Krüger zone, back in EPSG:4490."""
    epsg = gauss_kruger_epsg(float(shapely.get_x(shapely.centroid(origin))))
    projected = reproject(np.array([origin]), CGCS2000, epsg)[0]
    grown = shapely.buffer(projected, metres, quad_segs=QUAD_SEGMENTS)
    return reproject(np.array([grown]), epsg, CGCS2000)[0], epsg


def _check_km(km: float | None, name: str) -> float:
    if km is None or not math.isfinite(km) or not 0 < km <= MAX_KM:
        raise InvalidInput("search.bad_km", field=name, value=km, limit=MAX_KM)
    return km


def circle(lon: float, lat: float, radius_m: float, region: Bounds = QIDONG_REGION) -> SearchArea:
    """The circle of `radius_m` metres around (lon, lat)."""
    centre = clean_point(Point(lon, lat), region=region)
    _check_km(radius_m / 1000.0, "circle")
    geom, epsg = _grown(centre, radius_m)
    return SearchArea("circle", geom, centre, radius_m, epsg=epsg)


def parse_circle(text: str, region: Bounds = QIDONG_REGION) -> SearchArea:
    """A circle written "lon,lat,radius_m"."""
    try:
        lon, lat, radius = (float(v) for v in text.split(","))
    except ValueError:
        raise InvalidInput("search.bad_circle", value=text) from None
    if not all(math.isfinite(v) for v in (lon, lat, radius)):
        raise InvalidInput("search.bad_circle", value=text)
    return circle(lon, lat, radius, region)


def _geometry(text: str | dict[str, Any]) -> shapely.Geometry:
    try:
        value = json.loads(text) if isinstance(text, str) else text
        if isinstance(value, dict) and value.get("type") == "Feature":
            value = value.get("geometry")
        geom = shape(value)
    except (
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        RecursionError,
        shapely.errors.GEOSException,
    ):
        raise InvalidInput("search.bad_polygon", value=str(text)[:80]) from None
    if not isinstance(geom, Polygon | MultiPolygon):
        raise InvalidGeometry("geometry.not_areal", kind=geom.geom_type)
    return geom


def polygon(text: str | dict[str, Any], region: Bounds = QIDONG_REGION) -> SearchArea:
    """A GeoJSON Polygon or MultiPolygon (text, or the parsed object), checked."""
    geom = _geometry(text)
    cleaned, repairs = clean_polygon(geom, region=region, max_vertices=MAX_VERTICES)
    if repairs:
        raise InvalidGeometry("search.invalid_polygon", reason=shapely.is_valid_reason(geom))
    epsg = gauss_kruger_epsg(cleaned.centroid.x)
    km2 = reproject(np.array([cleaned]), CGCS2000, epsg)[0].area / 1e6
    if km2 > MAX_AREA_KM2:
        raise InvalidInput("search.too_large", km2=round(km2), limit=MAX_AREA_KM2)
    return SearchArea("polygon", cleaned, epsg=epsg)


def place(session: Session, text: str) -> gazetteer.Place:
    """The one public place `text` names: an exact name or code, else the only place that holds
    it. Owners are not searched (they are personal): pick a factory by its name or code."""
    found = gazetteer.search(session, text, None, limit=gazetteer.MAX_PLACES)
    exact = [p for p in found if text.strip() in (p.name, p.code)]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1 or len(found) != 1:
        raise PlaceNotResolved(text, (exact or found)[:10])
    return found[0]


def near(session: Session, text: str, km: float | None, region: Bounds = QIDONG_REGION) -> SearchArea:
    """Everything within `km` of the place `text` names."""
    metres = _check_km(km, "km") * 1000.0
    found = place(session, text)
    origin = found.shape
    if not isinstance(origin, Point):
        origin = shapely.make_valid(origin)
    clean_point(Point(found.lon, found.lat), region=region)
    geom, epsg = _grown(origin, metres)
    return SearchArea("near", geom, origin, metres, found.name, found.code, epsg)


def resolve(session: Session, spec: SearchSpec | None) -> SearchArea | None:
    """The area `spec` asks for (None when it asks for none); one kind of area at a time."""
    if spec is None or not spec.given:
        return None
    if sum(bool(v) for v in (spec.within, spec.circle, spec.near)) > 1:
        raise InvalidInput("search.one_area")
    if spec.within:
        return polygon(spec.within, spec.region)
    if spec.circle:
        return parse_circle(spec.circle, spec.region)
    return near(session, spec.near or "", spec.km, spec.region)


def _point(dialect: str, lon: Any, lat: Any) -> ColumnElement[Any]:
    if dialect == "sqlite":
        return func.MakePoint(lon, lat, CGCS2000)
    return func.ST_SetSRID(func.ST_MakePoint(lon, lat), CGCS2000)


def _inside(dialect: str, lon: Any, lat: Any, box: list[Any], wkb: Any) -> ColumnElement[bool]:
    """The box first: plain numbers that most sites fail before any geometry is built."""
    area = func.ST_GeomFromWKB(wkb, CGCS2000)
    return and_(
        lon >= box[0],
        lon <= box[2],
        lat >= box[1],
        lat <= box[3],
        holds(dialect, "ST_Within", _point(dialect, lon, lat), area),
    )


EDGES = ("x0", "y0", "x1", "y1")


def centre_inside(dialect: str, lon: Any, lat: Any, prefix: str = "search") -> ColumnElement[bool]:
    """SQL: the point (`lon`, `lat` columns) lies in the area bound as parameters `<prefix>_wkb`
    and its box `<prefix>_x0` … `<prefix>_y1` (`binds` gives them), for statements built once."""
    box = [bindparam(f"{prefix}_{n}", type_=Float) for n in EDGES]
    return _inside(dialect, lon, lat, box, bindparam(f"{prefix}_wkb", type_=LargeBinary))


def binds(area: SearchArea, prefix: str = "search") -> dict[str, Any]:
    """The values `centre_inside` binds for `area`."""
    values: dict[str, Any] = {f"{prefix}_{n}": v for n, v in zip(EDGES, area.bbox, strict=True)}
    return {**values, f"{prefix}_wkb": area.wkb}


def inside(dialect: str, area: SearchArea, lon: Any, lat: Any) -> ColumnElement[bool]:
    """SQL: the point (`lon`, `lat` columns) lies in `area`, its values bound in place."""
    box = [bindparam(None, v, type_=Float) for v in area.bbox]
    return _inside(dialect, lon, lat, box, bindparam(None, area.wkb, type_=LargeBinary))


def words(area: SearchArea) -> Text:
    """The area in words: "距启东站 5 km 以内", "圆形范围（半径 2 km）", "绘制的范围"."""
    if area.kind == "near":
        return Text("search.words.near", {"place": area.place, "km": round((area.reach_m or 0) / 1000, 2)})
    if area.kind == "circle":
        return Text("search.words.circle", {"km": round((area.reach_m or 0) / 1000, 2)})
    return Text("search.words.polygon")
