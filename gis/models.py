"""The inventory's tables: areas, parcels, factories, projects, their status history, users and
the reference tables (industries, land-use classes) and infrastructure used for matching.

Geometry is stored in EPSG:4490 (CGCS2000). Areas are in m² on the ellipsoid (gis/area.py),
shown in 亩. Schema changes go through Alembic (gis/migrations), never `create_all`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    column,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from gis.crs import CGCS2000
from gis.spatial import BoxCentreX, BoxCentreY
from gis.vocabulary import READY_COLUMNS, AttachmentKind, FollowUpKind, ReceptorKind

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timestamps stored as UTC and always returned timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        """Normalise to UTC; SQLite keeps it naive."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; pass a timezone-aware UTC timestamp")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, _dialect: Dialect) -> dt.datetime | None:
        """Return an aware UTC timestamp."""
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utcnow(_context: object = None) -> dt.datetime:
    """The current time, timezone-aware UTC (also usable as a column default)."""
    return dt.datetime.now(dt.UTC)


def empty_list(_context: object = None) -> list[str]:
    """A new empty list, as a column default."""
    return []


def multipolygon() -> Geometry:
    """A spatially indexed MultiPolygon column in CGCS2000."""
    return Geometry("MULTIPOLYGON", srid=CGCS2000, spatial_index=True)


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention that both databases accept."""

    metadata = MetaData(naming_convention=NAMING)


class Coded:
    """A record named by a code of its own (in URLs, files and other records), with a numeric key."""

    # first in the table, as they stood before this class gathered them
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    code: Mapped[str] = mapped_column(String(40), unique=True, sort_order=-1)


class Tracked:
    """A record people edit: when it was made, who changed it last and when, the version a writer
    must have read (optimistic locking), and when it was deleted (kept, restorable)."""

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


class Verified:
    """A site someone keeps true on the ground: when it was last seen to be as recorded (核实), and
    by whom. A status change, an edit by a person, a survey import and the one-tap 核实无变化 set it;
    after LANDSTOCK_VERIFY_AFTER_DAYS without one it is due again (gis/freshness.py)."""

    verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    verified_by: Mapped[str | None] = mapped_column(String(60))


class Industry(Base):
    """A GB/T 4754-2017 industry division (or group) with its land indicators (reference table)."""

    __tablename__ = "industries"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    code_2002: Mapped[str | None] = mapped_column(String(16))
    plot_ratio_min: Mapped[float | None] = mapped_column(Float)
    nuisance_class: Mapped[int | None] = mapped_column(Integer)
    collective_decision: Mapped[bool] = mapped_column(Boolean, default=False)
    sector: Mapped[str | None] = mapped_column(String(40))
    edition: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(Text)


class LandUseClass(Base):
    """A class of the 2023 land/sea-use classification and the industries it admits."""

    __tablename__ = "land_use_classes"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    parent_code: Mapped[str | None] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(20))
    max_nuisance: Mapped[int | None] = mapped_column(Integer)
    legacy_codes: Mapped[list[str]] = mapped_column(JSON, default=empty_list)
    source: Mapped[str] = mapped_column(Text)


class Area(Coded, Base):
    """A park (园区), town (镇) or zone (片区)."""

    __tablename__ = "areas"

    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    leading_industries: Mapped[list[str]] = mapped_column(JSON, default=empty_list)
    is_priority: Mapped[bool] = mapped_column(Boolean, default=False)
    # a town's 地籍区 code: digits 7-9 of the 宗地代码 of the parcels in it (TD/T 1001-2012)
    cadastral_code: Mapped[str | None] = mapped_column(String(3))
    geom: Mapped[WKBElement] = mapped_column(multipolygon(), nullable=False)
    area_m2: Mapped[float] = mapped_column(Float)
    remarks: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # ETag, optimistic locking

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint("kind IN ('park', 'town', 'zone')", name="kind"),)


class Unit(Base):
    """A unit that brings investment leads (招商单位): a park, a town, an investment office in
    another city (驻外招商分局) or an agency the city commissions (委托机构); a reference table."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    area_code: Mapped[str | None] = mapped_column(String(40))

    __table_args__ = (CheckConstraint("kind IN ('park', 'town', 'office', 'agency')", name="kind"),)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Project(Coded, Tracked, Base):
    """An investment project (招商项目): the investor, what it needs, and where it stands in the
    pipeline (its stage, each step an event below)."""

    __tablename__ = "projects"

    name: Mapped[str] = mapped_column(String(200))
    investor: Mapped[str | None] = mapped_column(String(200))
    # the investor's name reduced to its identity (gis/pipeline/identity.py), for duplicate leads
    investor_key: Mapped[str | None] = mapped_column(String(200), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    investor_category: Mapped[str | None] = mapped_column(String(30))
    project_type: Mapped[str | None] = mapped_column(String(30))
    industry_code: Mapped[str | None] = mapped_column(ForeignKey("industries.code"))
    investment_total_wan: Mapped[float | None] = mapped_column(Float)
    fixed_investment_wan: Mapped[float | None] = mapped_column(Float)
    foreign_investment_wusd: Mapped[float | None] = mapped_column(Float)  # 外资, 万美元
    land_min_mu: Mapped[float | None] = mapped_column(Float)
    land_max_mu: Mapped[float | None] = mapped_column(Float)
    floor_area_min_m2: Mapped[float | None] = mapped_column(Float)
    clear_height_min_m: Mapped[float | None] = mapped_column(Float)
    floor_load_min_kn_m2: Mapped[float | None] = mapped_column(Float)
    crane_min_t: Mapped[float | None] = mapped_column(Float)
    power_min_kva: Mapped[float | None] = mapped_column(Float)
    nuisance_class: Mapped[int | None] = mapped_column(Integer)
    needs_waterfront: Mapped[bool] = mapped_column(Boolean, default=False)
    preferred_areas: Mapped[list[str]] = mapped_column(JSON, default=empty_list)
    annual_output_wan: Mapped[float | None] = mapped_column(Float)
    annual_tax_wan: Mapped[float | None] = mapped_column(Float)
    source_unit: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    platform_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    stage: Mapped[str] = mapped_column(String(20), default="lead")
    stage_since: Mapped[dt.date | None] = mapped_column(Date)
    held_at: Mapped[str | None] = mapped_column(String(20))  # the stage an on-hold project was held at
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    agreed_start_on: Mapped[dt.date | None] = mapped_column(Date)
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    contact: Mapped[str | None] = mapped_column(String(100))
    remarks: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))

    __table_args__ = (
        CheckConstraint("nuisance_class IS NULL OR nuisance_class BETWEEN 1 AND 3", name="nuisance"),
    )


class ProjectStageEvent(Base):
    """One step of a project along the pipeline, on the day it happened; append-only. Every
    figure of the weekly summary and the scorecard is rebuilt from these."""

    __tablename__ = "project_stage_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(60))
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)


FOLLOW_UP_KINDS = tuple(k.value for k in FollowUpKind)


class FollowUp(Base):
    """A dated follow-up of a project (跟踪记录): a visit, call, site inspection, a city leader's
    visit or a meeting, with who, where, the outcome and the next step."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    participants: Mapped[str | None] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    next_on: Mapped[dt.date | None] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (CheckConstraint(_one_of("kind", FOLLOW_UP_KINDS), name="kind"),)


class ProjectSite(Base):
    """A site tied to a project: shortlisted from a match (with its score then), or supplied."""

    __tablename__ = "project_sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("parcels.id"), index=True)
    factory_id: Mapped[int | None] = mapped_column(ForeignKey("factories.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    score: Mapped[float | None] = mapped_column(Float)
    saved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    saved_by: Mapped[str] = mapped_column(String(60))

    __table_args__ = (
        CheckConstraint("(parcel_id IS NULL) <> (factory_id IS NULL)", name="one_site"),
        CheckConstraint("role IN ('shortlist', 'supplied')", name="role"),
    )


class Review(Base):
    """A joint pre-signing review (联合会审) as a record: numbered and dated, the indicators as they
    stood, the departments' opinions, and the outcome an administrator enters."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    site: Mapped[str] = mapped_column(String(400))
    held_on: Mapped[dt.date] = mapped_column(Date)
    planned: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sheet: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    opinions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    outcome: Mapped[str] = mapped_column(String(20), default="pending")
    outcome_note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(60))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("outcome IN ('pending', 'passed', 'conditional', 'failed')", name="outcome"),
    )


class ProjectDuplicate(Base):
    """Two projects that may be one investor chased twice (信息重叠), for the bureau to resolve."""

    __tablename__ = "project_duplicates"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    marked_by: Mapped[str] = mapped_column(String(60))
    marked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_by: Mapped[str | None] = mapped_column(String(60))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("status IN ('open', 'distinct', 'merged')", name="status"),
        CheckConstraint("project_id < other_id", name="ordered"),
    )


# A parcel's planning conditions, how ready it is to build on, and its price, in the ledger's
# order: what the edit rules admit and the export writes
PARCEL_TERMS = (
    "plot_ratio_min",
    "plot_ratio_max",
    "building_density_min",
    "height_limit_m",
    "green_ratio_max",
    "waterfront",
    *READY_COLUMNS,
    "price_wan_per_mu",
)
# A factory's building, owner and price, in the ledger's order: what the edit rules admit and
# the export writes
FACTORY_BUILDING = (
    "building_type",
    "floors",
    "floor_area_m2",
    "vacant_area_m2",
    "clear_height_m",
    "floor_load_kn_m2",
    "crane_t",
    "power_kva",
    "year_built",
    "owner",
    "rent_yuan_m2_month",
    "sale_price_wan",
)
MATCH_INDEX_INCLUDE = (
    "deleted_at",
    "plot_ratio_max",
    "park_id",
    "town_id",
    "waterfront",
    *READY_COLUMNS,
    "price_wan_per_mu",
    "idle_since",
    "cert_area_m2",
    "area_m2",
    "centre_lon",
    "centre_lat",
    "to_port_m",
    "to_highway_exit_m",
    "to_rail_station_m",
    "id",
)


class Parcel(Coded, Tracked, Verified, Base):
    """An idle land parcel (存量地块)."""

    __tablename__ = "parcels"

    name: Mapped[str | None] = mapped_column(String(200))
    geom: Mapped[WKBElement] = mapped_column(multipolygon(), nullable=False)
    area_m2: Mapped[float] = mapped_column(Float, index=True)
    cert_area_m2: Mapped[float | None] = mapped_column(Float)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    town_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    land_use: Mapped[str] = mapped_column(ForeignKey("land_use_classes.code"), index=True)
    stock_type: Mapped[str] = mapped_column(String(30), default="other")
    ownership: Mapped[str | None] = mapped_column(String(200))
    plot_ratio_min: Mapped[float | None] = mapped_column(Float)
    plot_ratio_max: Mapped[float | None] = mapped_column(Float)
    building_density_min: Mapped[float | None] = mapped_column(Float)
    height_limit_m: Mapped[float | None] = mapped_column(Float)
    green_ratio_max: Mapped[float | None] = mapped_column(Float)
    waterfront: Mapped[bool] = mapped_column(Boolean, default=False)
    ready_road: Mapped[bool] = mapped_column(Boolean, default=False)
    ready_power: Mapped[bool] = mapped_column(Boolean, default=False)
    ready_water: Mapped[bool] = mapped_column(Boolean, default=False)
    ready_drainage: Mapped[bool] = mapped_column(Boolean, default=False)
    ready_telecom: Mapped[bool] = mapped_column(Boolean, default=False)
    ready_gas: Mapped[bool] = mapped_column(Boolean, default=False)
    ready_heat: Mapped[bool] = mapped_column(Boolean, default=False)
    ready_leveled: Mapped[bool] = mapped_column(Boolean, default=False)
    net_land: Mapped[bool] = mapped_column(Boolean, default=False)
    price_wan_per_mu: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))  # indexed first in ix_parcels_status_area and others
    status_since: Mapped[dt.date | None] = mapped_column(Date)
    reserved_project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    idle_since: Mapped[dt.date | None] = mapped_column(Date)
    contact: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    remarks: Mapped[str | None] = mapped_column(Text)
    # The centre of the bounding box, kept by the database from the geometry (a stored generated
    # column on PostgreSQL, two triggers on SQLite): the match measures distances from it and
    # reads it from the match index below instead of the geometry (migration 0005)
    centre_lon: Mapped[float | None] = mapped_column(Float, Computed(BoxCentreX(column("geom"))))
    centre_lat: Mapped[float | None] = mapped_column(Float, Computed(BoxCentreY(column("geom"))))
    # Metres from the box centre to the nearest port, highway exit and rail station, worked out by
    # gis/matching/proximity.py for the infrastructure layer named in `proximity`; the database empties
    # them when the geometry changes, and a match computes what is empty (migration 0006)
    to_port_m: Mapped[float | None] = mapped_column(Float)
    to_highway_exit_m: Mapped[float | None] = mapped_column(Float)
    to_rail_station_m: Mapped[float | None] = mapped_column(Float)

    park: Mapped[Area | None] = relationship(foreign_keys=[park_id], lazy="joined")
    town: Mapped[Area | None] = relationship(foreign_keys=[town_id], lazy="joined")
    reserved_project: Mapped[Project | None] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("area_m2 > 0", name="area_positive"),
        CheckConstraint(
            "plot_ratio_min IS NULL OR plot_ratio_max IS NULL OR plot_ratio_min <= plot_ratio_max",
            name="plot_ratio_range",
        ),
        CheckConstraint(
            "status IN ('available', 'reserved', 'signed', 'supplied', "
            "'under_construction', 'in_production', 'unavailable')",
            name="status",
        ),
        Index("ix_parcels_status_area", "status", "area_m2"),
        Index("ix_parcels_status_land_use_area", "status", "land_use", "area_m2"),
        # The match index: the hard constraints' columns first (status, land use, official area:
        # certificate area when known), then every other column a match reads, so that both
        # databases answer a match from the index alone (migration 0006 lists them; on SQLite,
        # which has no INCLUDE, they are trailing key columns)
        Index(
            "ix_parcels_match",
            "status",
            "land_use",
            text("coalesce(cert_area_m2, area_m2)"),
            "code",
            postgresql_include=list(MATCH_INDEX_INCLUDE),
        ),
        Index("ix_parcels_reserved_project_id", "reserved_project_id"),
    )


class Factory(Coded, Tracked, Verified, Base):
    """A factory building (存量厂房): a footprint, or only a location when that is all we know."""

    __tablename__ = "factories"

    name: Mapped[str | None] = mapped_column(String(200))
    footprint: Mapped[WKBElement | None] = mapped_column(multipolygon(), nullable=True)
    location: Mapped[WKBElement] = mapped_column(
        Geometry("POINT", srid=CGCS2000, spatial_index=True), nullable=False
    )
    park_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    town_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("parcels.id"))
    building_type: Mapped[str] = mapped_column(String(20), default="standard")
    floors: Mapped[int | None] = mapped_column(Integer)
    floor_area_m2: Mapped[float] = mapped_column(Float)
    vacant_area_m2: Mapped[float] = mapped_column(Float, index=True)
    clear_height_m: Mapped[float | None] = mapped_column(Float)
    floor_load_kn_m2: Mapped[float | None] = mapped_column(Float)
    crane_t: Mapped[float | None] = mapped_column(Float)
    power_kva: Mapped[float | None] = mapped_column(Float)
    year_built: Mapped[int | None] = mapped_column(Integer)
    owner: Mapped[str | None] = mapped_column(String(200))
    rent_yuan_m2_month: Mapped[float | None] = mapped_column(Float)
    sale_price_wan: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), index=True)
    status_since: Mapped[dt.date | None] = mapped_column(Date)
    reserved_project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    suitable_industries: Mapped[list[str]] = mapped_column(JSON, default=empty_list)
    contact: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    remarks: Mapped[str | None] = mapped_column(Text)

    park: Mapped[Area | None] = relationship(foreign_keys=[park_id], lazy="joined")
    town: Mapped[Area | None] = relationship(foreign_keys=[town_id], lazy="joined")
    parcel: Mapped[Parcel | None] = relationship()
    reserved_project: Mapped[Project | None] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("floor_area_m2 > 0", name="floor_area_positive"),
        CheckConstraint(
            "vacant_area_m2 >= 0 AND vacant_area_m2 <= floor_area_m2", name="vacant_within_floor_area"
        ),
        CheckConstraint("status IN ('vacant', 'reserved', 'leased', 'sold')", name="status"),
    )


class StatusEvent(Base):
    """One status change of a parcel or a factory; append-only, kept forever."""

    __tablename__ = "status_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("parcels.id"), index=True)
    factory_id: Mapped[int | None] = mapped_column(ForeignKey("factories.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(60))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    note: Mapped[str | None] = mapped_column(Text)

    project: Mapped[Project | None] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint("(parcel_id IS NULL) <> (factory_id IS NULL)", name="one_subject"),)


class SupplyTarget(Base):
    """A yearly target (年度目标) of a park or town for one measure of the trends, in 亩: set by an
    administrator, shown against what the status events add up to (gis/trends.py)."""

    __tablename__ = "supply_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    year: Mapped[int] = mapped_column(Integer)
    measure: Mapped[str] = mapped_column(String(30))
    value_mu: Mapped[float] = mapped_column(Float)
    set_by: Mapped[str] = mapped_column(String(60))
    set_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    area: Mapped[Area] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("value_mu >= 0", name="value_not_negative"),
        UniqueConstraint("area_id", "year", "measure"),
    )


ATTACHMENT_KINDS = tuple(k.value for k in AttachmentKind)
MEDIA_TYPES = ("image/jpeg", "image/png", "application/pdf")


class Attachment(Base):
    """A photo or a document (PDF) of a parcel or factory, its bytes kept in the database: written in
    one transaction with its record, in every backup, read by every server process. A photo is
    stored re-encoded, with a thumbnail, and the time and place it was taken (from its EXIF) in
    columns of their own. Deleting it only marks it."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("parcels.id"), index=True)
    factory_id: Mapped[int | None] = mapped_column(ForeignKey("factories.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    file_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    thumbnail: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    taken_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    uploaded_by: Mapped[str] = mapped_column(String(60))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("(parcel_id IS NULL) <> (factory_id IS NULL)", name="one_site"),
        CheckConstraint(_one_of("kind", ATTACHMENT_KINDS), name="kind"),
        CheckConstraint(_one_of("media_type", MEDIA_TYPES), name="media_type"),
    )


SUBJECTS_GIVEN = " + ".join(
    f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END"
    for c in ("parcel_id", "factory_id", "project_id", "area_id", "user_id")
)


class RecordChange(Base):
    """One change of any field of a parcel, factory, project, area or account (or its creation,
    deletion, restoration): who, when, and each changed field's value before and after.
    Append-only."""

    __tablename__ = "record_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("parcels.id"), index=True)
    factory_id: Mapped[int | None] = mapped_column(ForeignKey("factories.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(20))
    changes: Mapped[dict[str, list[object]]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint(f"({SUBJECTS_GIVEN}) = 1", name="one_subject"),
        CheckConstraint(
            "action IN ('create', 'update', 'status', 'delete', 'restore', 'verify')", name="action"
        ),
    )


class ApiToken(Base):
    """A bearer token for scripts and the API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class LoginFailure(Base):
    """A failed sign-in, kept for a while to slow down password guessing."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    # the trusted-device cookie the attempt came with (its digest), if any: failures from a
    # device count against that device, not against everyone behind the same address
    device: Mapped[str | None] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class WebSession(Base):
    """A signed-in browser session; the cookie holds a random token, the row its SHA-256.
    Signing out, disabling the account or changing its password revokes it."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class RateEvent(Base):
    """Something an account did that is limited per period (e.g. a full-inventory export)."""

    __tablename__ = "rate_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_rate_events_key_at", "key", "at"),)


class Proximity(Base):
    """Which infrastructure layer the parcels' stored distances were measured to (one row): the
    layer's fingerprint (gis/matching/proximity.py), so that distances to a changed layer are never read."""

    __tablename__ = "proximity"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    measured_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Infrastructure(Coded, Base):
    """A port, wharf, highway exit or rail station, used for distance criteria in matching."""

    __tablename__ = "infrastructure"

    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    geom: Mapped[WKBElement] = mapped_column(
        Geometry("GEOMETRY", srid=CGCS2000, spatial_index=True), nullable=False
    )


class ProtectionDistance(Base):
    """The protection distance (卫生防护距离) an industry, perhaps of one nuisance class only, must
    keep from sensitive receptors, with its source (reference table, data/reference)."""

    __tablename__ = "protection_distances"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    industry_code: Mapped[str | None] = mapped_column(String(8))  # blank: every industry (of the class)
    nuisance_class: Mapped[int | None] = mapped_column(Integer)  # blank: every class (of the industry)
    distance_m: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)


RECEPTOR_KINDS = tuple(k.value for k in ReceptorKind)


class Receptor(Coded, Base):
    """A sensitive receptor (环境敏感目标): a residential area, school, hospital, village or home
    for the elderly, as a point or an outline, which protection distances are measured to."""

    __tablename__ = "receptors"

    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    geom: Mapped[WKBElement] = mapped_column(
        Geometry("GEOMETRY", srid=CGCS2000, spatial_index=True), nullable=False
    )
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(60))

    __table_args__ = (CheckConstraint(_one_of("kind", RECEPTOR_KINDS), name="kind"),)


class ContextFeature(Base):
    """A feature of the light context maps draw under the inventory when no basemap package is
    configured: coastline, county outline, a road or a waterway (`rank` 1 the most important)."""

    __tablename__ = "context_features"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str | None] = mapped_column(String(100))
    rank: Mapped[int] = mapped_column(Integer)
    geom: Mapped[WKBElement] = mapped_column(
        Geometry("GEOMETRY", srid=CGCS2000, spatial_index=True), nullable=False
    )


user_areas = Table(
    "user_areas",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)


class User(Base):
    """A person who signs in: role, the areas a park manager may edit, a password hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    areas: Mapped[list[Area]] = relationship(secondary=user_areas)

    __table_args__ = (
        CheckConstraint("role IN ('admin', 'investment', 'park_manager', 'leader')", name="role"),
    )


PROPOSAL_LANGUAGES = ("zh", "en")


class Proposal(Base):
    """A project's sites published for one investor (推介页) behind an unguessable link: only the
    token's SHA-256 is kept, so the link is shown once. An optional password (Argon2id), an
    expiry, and a revocation that ends it at once. The page shows public facts only."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(60))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(60))

    __table_args__ = (CheckConstraint(_one_of("language", PROPOSAL_LANGUAGES), name="language"),)


class ProposalSite(Base):
    """A parcel or factory of a proposal, in the order the page shows it (copied at publishing)."""

    __tablename__ = "proposal_sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("parcels.id"))
    factory_id: Mapped[int | None] = mapped_column(ForeignKey("factories.id"))

    __table_args__ = (CheckConstraint("(parcel_id IS NULL) <> (factory_id IS NULL)", name="one_site"),)


class ProposalOpen(Base):
    """One time a proposal's page was shown: when, and the kind of client only (微信, a phone's or a
    computer's browser) — no address: the bureau needs to know that and when the investor looked,
    not where from."""

    __tablename__ = "proposal_opens"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    client: Mapped[str] = mapped_column(String(20))
