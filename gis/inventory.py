"""Queries and changes on parcels and factories. Sessions come from the caller; no HTTP here.

Lists select plain columns and the database's own GeoJSON text, never ORM objects per row:
they are the hot path of the map and the API.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import ColumnElement, Select, and_, asc, desc, func, or_, select
from sqlalchemy.orm import Session, aliased

from gis import search_area
from gis.area import M2_PER_MU
from gis.errors import InvalidInput, NotFound
from gis.labels import Text
from gis.models import Area, Factory, LandUseClass, Parcel, Project
from gis.rows import AreaRow, AreaShapeRow, FactoryRow, ParcelRow
from gis.spatial import BBox, as_geojson, bounds, intersects_bbox
from gis.vocabulary import AreaKind, RecordKind, SiteKind

MAX_PAGE = 1000

Park, Town = aliased(Area, name="park"), aliased(Area, name="town")
Chosen = TypeVar("Chosen", bound="Select[*tuple[Any, ...]]")


def place_columns(*, names: bool = True) -> list[Any]:
    """The code of a site's park and town, and unless not `names` their names, as rows carry them."""
    codes = [Park.code.label("park_code"), Town.code.label("town_code")]
    if not names:
        return codes
    return [codes[0], Park.name.label("park_name"), codes[1], Town.name.label("town_name")]


def with_places(statement: Chosen, model: type[Parcel | Factory]) -> Chosen:
    """`statement` joined to the park and town of `model`'s rows (either may be missing)."""
    return statement.outerjoin(Park, Park.id == model.park_id).outerjoin(Town, Town.id == model.town_id)


@dataclass(frozen=True)
class SiteQuery:
    """Filters, order and page that parcel and factory lists share."""

    bbox: BBox | None = None
    park: str | None = None
    town: str | None = None
    status: tuple[str, ...] = ()
    search: str | None = None
    updated_from: dt.datetime | None = None
    updated_to: dt.datetime | None = None
    area: search_area.SearchSpec | None = None  # a polygon, circle or place the site's point lies in
    sort: str = "code"
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True)
class ParcelQuery(SiteQuery):
    """Filters, order and page of a parcel list."""

    land_use: tuple[str, ...] = ()
    min_mu: float | None = None
    max_mu: float | None = None
    stock_type: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactoryQuery(SiteQuery):
    """Filters, order and page of a factory list."""

    building_type: tuple[str, ...] = ()
    min_vacant_m2: float | None = None
    min_clear_height_m: float | None = None


Row = TypeVar("Row", ParcelRow, FactoryRow, AreaShapeRow)


@dataclass
class Page(Generic[Row]):
    """One page of rows, with the total number that match the filters."""

    rows: list[Row]
    matched: int
    limit: int
    offset: int
    extra: dict[str, Any] = field(default_factory=dict)


def area_id(session: Session, code: str) -> int:
    """The id of the park, zone or town with `code`."""
    found = session.scalar(select(Area.id).where(Area.code == code))
    if found is None:
        raise InvalidInput("error.unknown_area", code=code)
    return found


def _check_range(name: str, low: float | None, high: float | None) -> None:
    if low is not None and high is not None and low > high:
        raise InvalidInput("error.bad_range", field=Text(f"field.{name}"), low=low, high=high)


def _order(sort: str, columns: dict[str, Any], code: Any) -> list[Any]:
    key = sort.lstrip("-")
    if key not in columns:
        raise InvalidInput(field="sort", value=sort, reason=", ".join(sorted(columns)))
    direction = desc if sort.startswith("-") else asc
    return [direction(columns[key]), asc(code)]


def _updated_within(
    column: Any, start: dt.datetime | None, end: dt.datetime | None
) -> list[ColumnElement[bool]]:
    """Both ends included, as in an ISO 8601 interval; either may be open."""
    return ([column >= start] if start else []) + ([column <= end] if end else [])


def land_use_class_filter(code: str) -> ColumnElement[bool]:
    """Parcels of class `code` or any of its subclasses (1001 takes 100101-100103).

    Written as a range rather than LIKE 'code%' so that both databases can use the
    (status, land_use, area) index: SQLite's LIKE is case-insensitive and never uses one.
    """
    upper = code[:-1] + chr(ord(code[-1]) + 1)
    return and_(Parcel.land_use >= code, Parcel.land_use < upper)


def site_point(model: type[Parcel | Factory]) -> tuple[Any, Any]:
    """The point a search area holds a site by: a parcel's box centre, a factory's location."""
    if model is Parcel:
        return Parcel.centre_lon, Parcel.centre_lat
    return func.ST_X(Factory.location), func.ST_Y(Factory.location)


def _in_area(session: Session, model: type[Parcel | Factory], q: SiteQuery) -> list[ColumnElement[bool]]:
    """The site's point lies in the search area of `q` (gis/search_area.py), if it has one."""
    found = search_area.resolve(session, q.area)
    if found is None:
        return []
    return [search_area.inside(session.get_bind().dialect.name, found, *site_point(model))]


def _site_filters(
    session: Session, model: type[Parcel | Factory], geom: str, q: SiteQuery
) -> list[ColumnElement[bool]]:
    """The conditions parcel and factory lists share: not deleted, window (on the `geom` column),
    search area, park, town, status, text in code or name, and the span of updates."""
    where: list[ColumnElement[bool]] = [model.deleted_at.is_(None), *_in_area(session, model, q)]
    if q.bbox:
        where.append(intersects_bbox(session.get_bind().dialect.name, model, geom, q.bbox))
    if q.park:
        where.append(model.park_id == area_id(session, q.park))
    if q.town:
        where.append(model.town_id == area_id(session, q.town))
    if q.status:
        where.append(model.status.in_(q.status))
    if q.search:
        text = q.search.strip()
        where.append(
            or_(model.code.contains(text, autoescape=True), model.name.contains(text, autoescape=True))
        )
    return where + _updated_within(model.updated_at, q.updated_from, q.updated_to)


def _parcel_filters(session: Session, q: ParcelQuery) -> list[ColumnElement[bool]]:
    _check_range("area_mu", q.min_mu, q.max_mu)
    where = _site_filters(session, Parcel, "geom", q)
    if q.land_use:
        where.append(or_(*(land_use_class_filter(code) for code in q.land_use)))
    if q.min_mu is not None:
        where.append(Parcel.area_m2 >= q.min_mu * M2_PER_MU)
    if q.max_mu is not None:
        where.append(Parcel.area_m2 <= q.max_mu * M2_PER_MU)
    if q.stock_type:
        where.append(Parcel.stock_type.in_(q.stock_type))
    return where


PARCEL_SORTS = {
    "code": Parcel.code,
    "area": Parcel.area_m2,
    "status_since": Parcel.status_since,
    "updated_at": Parcel.updated_at,
    "price": Parcel.price_wan_per_mu,
    "idle_since": Parcel.idle_since,
}


def parcel_select(dialect: str) -> Select[Any]:
    """Every parcel column, the names behind its codes, and its geometry as GeoJSON text."""
    chosen = select(
        *[c for c in Parcel.__table__.c if c.name not in ("geom", "centre_lon", "centre_lat")],
        *place_columns(),
        LandUseClass.name.label("land_use_name"),
        Project.code.label("reserved_project_code"),
        Project.name.label("reserved_project_name"),
        as_geojson(dialect, Parcel.geom).label("geojson"),
    )
    return (
        with_places(chosen, Parcel)
        .outerjoin(LandUseClass, LandUseClass.code == Parcel.land_use)
        .outerjoin(Project, Project.id == Parcel.reserved_project_id)
    )


def _statements(
    model: type[Parcel | Factory],
    chosen: Select[Any],
    where: list[ColumnElement[bool]],
    q: ParcelQuery | FactoryQuery,
    sorts: dict[str, Any],
) -> tuple[Select[Any], Select[Any]]:
    count = select(func.count()).select_from(model).where(*where)
    order = _order(q.sort, sorts, model.code)
    # the page's keys first, from the site's table alone; then its rows with their names and
    # outlines: a window of 10^6 parcels matches ~1,000 of which 500 are shown, and joining the
    # names and drawing the GeoJSON of the other 500 took half of the page's time
    keys = select(model.id).where(*where).order_by(*order).limit(q.limit).offset(q.offset)
    return count, chosen.where(model.id.in_(keys.scalar_subquery())).order_by(*order)


def _rows(session: Session, statement: Select[Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in session.execute(statement).mappings()]


def _page(session: Session, statements: tuple[Select[Any], Select[Any]]) -> tuple[list[dict[str, Any]], int]:
    """The rows of a page (as plain dicts, typed by the caller) and how many match in all."""
    count, page = statements
    return _rows(session, page), session.scalar(count) or 0


def _one(
    session: Session, model: type[Parcel | Factory], chosen: Select[Any], kind: Text, code: str
) -> dict[str, Any]:
    row = session.execute(chosen.where(model.code == code, model.deleted_at.is_(None))).mappings().first()
    if row is None:
        raise NotFound(kind=kind, code=code)
    return dict(row)


def parcel_page_statement(session: Session, q: ParcelQuery) -> tuple[Select[Any], Select[Any]]:
    """The count and the page queries of `list_parcels` (exposed for query-plan checks)."""
    chosen = parcel_select(session.get_bind().dialect.name)
    return _statements(Parcel, chosen, _parcel_filters(session, q), q, PARCEL_SORTS)


def list_parcels(session: Session, q: ParcelQuery) -> Page[ParcelRow]:
    """Parcels matching `q`, one page of them, and how many match in all."""
    rows, matched = _page(session, parcel_page_statement(session, q))
    return Page(cast(list[ParcelRow], rows), matched, q.limit, q.offset)


def get_parcel(session: Session, code: str) -> ParcelRow:
    """One parcel by code, as `list_parcels` rows are."""
    chosen = parcel_select(session.get_bind().dialect.name)
    return cast(ParcelRow, _one(session, Parcel, chosen, Text("kind.parcel"), code))


def _factory_filters(session: Session, q: FactoryQuery) -> list[ColumnElement[bool]]:
    where = _site_filters(session, Factory, "location", q)
    if q.building_type:
        where.append(Factory.building_type.in_(q.building_type))
    if q.min_vacant_m2 is not None:
        where.append(Factory.vacant_area_m2 >= q.min_vacant_m2)
    if q.min_clear_height_m is not None:
        where.append(Factory.clear_height_m >= q.min_clear_height_m)
    return where


FACTORY_SORTS = {
    "code": Factory.code,
    "vacant_area": Factory.vacant_area_m2,
    "floor_area": Factory.floor_area_m2,
    "rent": Factory.rent_yuan_m2_month,
    "updated_at": Factory.updated_at,
}


def factory_shape() -> ColumnElement[Any]:
    """What a factory is drawn as: its footprint, or its location when that is all we know."""
    return func.coalesce(Factory.footprint, Factory.location)


def factory_select(dialect: str) -> Select[Any]:
    """Every factory column, the names behind its codes, footprint (or location) as GeoJSON."""
    chosen = select(
        *[c for c in Factory.__table__.c if c.name not in ("footprint", "location")],
        *place_columns(),
        Parcel.code.label("parcel_code"),
        Project.code.label("reserved_project_code"),
        Project.name.label("reserved_project_name"),
        func.ST_X(Factory.location).label("lon"),
        func.ST_Y(Factory.location).label("lat"),
        as_geojson(dialect, factory_shape()).label("geojson"),
    )
    return (
        with_places(chosen, Factory)
        .outerjoin(Parcel, Parcel.id == Factory.parcel_id)
        .outerjoin(Project, Project.id == Factory.reserved_project_id)
    )


def factory_page_statement(session: Session, q: FactoryQuery) -> tuple[Select[Any], Select[Any]]:
    """The count and the page queries of `list_factories`."""
    chosen = factory_select(session.get_bind().dialect.name)
    return _statements(Factory, chosen, _factory_filters(session, q), q, FACTORY_SORTS)


def list_factories(session: Session, q: FactoryQuery) -> Page[FactoryRow]:
    """Factories matching `q`, one page of them, and how many match in all."""
    rows, matched = _page(session, factory_page_statement(session, q))
    return Page(cast(list[FactoryRow], rows), matched, q.limit, q.offset)


def get_factory(session: Session, code: str) -> FactoryRow:
    """One factory by code, as `list_factories` rows are."""
    chosen = factory_select(session.get_bind().dialect.name)
    return cast(FactoryRow, _one(session, Factory, chosen, Text("kind.factory"), code))


def _area_select() -> Select[Any]:
    parent = aliased(Area, name="parent")
    columns: list[Any] = [
        Area.code,
        Area.name,
        Area.kind,
        parent.code.label("parent_code"),
        Area.leading_industries,
        Area.is_priority,
        Area.area_m2,
        Area.remarks,
        Area.updated_at,
        Area.version,
    ]
    return select(*columns).outerjoin(parent, parent.id == Area.parent_id).order_by(Area.code)


@dataclass(frozen=True)
class AreaQuery:
    """Filters and page of a list of areas with their outlines."""

    bbox: BBox | None = None
    kind: tuple[str, ...] = ()
    parent: str | None = None
    updated_from: dt.datetime | None = None
    updated_to: dt.datetime | None = None
    limit: int = 100
    offset: int = 0


def _area_filters(session: Session, q: AreaQuery) -> list[ColumnElement[bool]]:
    dialect = session.get_bind().dialect.name
    where = _updated_within(Area.updated_at, q.updated_from, q.updated_to)
    if q.bbox:
        where.append(intersects_bbox(dialect, Area, "geom", q.bbox))
    if q.kind:
        where.append(Area.kind.in_(q.kind))
    if q.parent:
        where.append(Area.parent_id == area_id(session, q.parent))
    return where


def _area_row(row: Any) -> Any:
    """An area row with its kind as the enum (the database gives the word)."""
    return {**row, "kind": AreaKind(row["kind"])}


def _shaped_areas(session: Session) -> Select[Any]:
    return _area_select().add_columns(as_geojson(session.get_bind().dialect.name, Area.geom).label("geojson"))


def area_page(session: Session, q: AreaQuery) -> Page[AreaShapeRow]:
    """Parks, zones and towns matching `q` with their outlines, one page, and how many match."""
    where = _area_filters(session, q)
    matched = session.scalar(select(func.count()).select_from(Area).where(*where)) or 0
    statement = _shaped_areas(session).where(*where).limit(q.limit).offset(q.offset)
    rows: list[AreaShapeRow] = [_area_row(r) for r in session.execute(statement).mappings()]
    return Page(rows, matched, q.limit, q.offset)


@dataclass(frozen=True)
class Extent:
    """Where and when: the bounding box of a kind of record and the span of its updates."""

    bbox: BBox | None
    first_update: dt.datetime | None
    last_update: dt.datetime | None


def extent(session: Session, kind: RecordKind | SiteKind) -> Extent:
    """The extent of the parcels, factories or areas that are not deleted."""
    shapes: dict[str, tuple[Any, Any, list[ColumnElement[bool]]]] = {
        "parcel": (Parcel, Parcel.geom, [Parcel.deleted_at.is_(None)]),
        "factory": (Factory, factory_shape(), [Factory.deleted_at.is_(None)]),
        "area": (Area, Area.geom, []),
    }
    model, shape, where = shapes[kind]
    dialect = session.get_bind().dialect.name
    row = session.execute(
        select(*bounds(dialect, shape), func.min(model.updated_at), func.max(model.updated_at)).where(*where)
    ).one()
    bbox = None if row[0] is None else cast(BBox, tuple(float(v) for v in row[:4]))
    return Extent(bbox, cast(dt.datetime | None, row[4]), cast(dt.datetime | None, row[5]))


def list_areas(session: Session, kind: AreaKind | None = None) -> list[AreaRow]:
    """Parks, zones and towns (without geometry), in code order."""
    statement = _area_select()
    if kind:
        statement = statement.where(Area.kind == kind)
    return [_area_row(r) for r in session.execute(statement).mappings()]


def get_area(session: Session, code: str) -> AreaShapeRow:
    """One park, zone or town with its outline as GeoJSON text."""
    row = session.execute(_shaped_areas(session).where(Area.code == code)).mappings().first()
    if row is None:
        raise NotFound(kind=Text("kind.area"), code=code)
    return cast(AreaShapeRow, _area_row(row))


def parcel_conditions(session: Session, q: ParcelQuery) -> list[ColumnElement[bool]]:
    """The WHERE conditions of `q`, for queries other than the list (map tiles, summaries)."""
    return _parcel_filters(session, q)


def factory_conditions(session: Session, q: FactoryQuery) -> list[ColumnElement[bool]]:
    """The WHERE conditions of `q`, for queries other than the list."""
    return _factory_filters(session, q)


@dataclass(frozen=True)
class ParcelSummary:
    """What a filter selects: parcels and 亩 per status, and the window that holds them."""

    by_status: dict[str, tuple[int, float]]
    bbox: tuple[float, float, float, float] | None

    @property
    def count(self) -> int:
        """How many parcels in all."""
        return sum(n for n, _ in self.by_status.values())

    @property
    def area_mu(self) -> float:
        """Their area in 亩."""
        return round(sum(mu for _, mu in self.by_status.values()), 2)


def summarise_parcels(session: Session, q: ParcelQuery) -> ParcelSummary:
    """Count and 亩 per status of the parcels matching `q`, and their extent."""
    where = _parcel_filters(session, q)
    rows = session.execute(
        select(Parcel.status, func.count(), func.sum(Parcel.area_m2)).where(*where).group_by(Parcel.status)
    ).all()
    by_status = {status: (n, round((m2 or 0) / M2_PER_MU, 2)) for status, n, m2 in rows}
    bbox = None
    if by_status:
        sqlite = session.get_bind().dialect.name == "sqlite"
        extent = func.Extent(Parcel.geom) if sqlite else func.ST_Extent(Parcel.geom)
        edges = (
            (func.MbrMinX, func.MbrMinY, func.MbrMaxX, func.MbrMaxY)
            if sqlite
            else (func.ST_XMin, func.ST_YMin, func.ST_XMax, func.ST_YMax)
        )
        row = session.execute(select(*(edge(extent) for edge in edges)).where(*where)).one()
        bbox = tuple(float(v) for v in row)
    return ParcelSummary(by_status, bbox)  # type: ignore[arg-type]
