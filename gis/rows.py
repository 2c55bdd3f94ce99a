"""The rows the domain hands to the service and the maps: one typed dict per kind of record.

Each holds the record's own columns as the lists and lookups of gis/inventory.py and
gis/projects.py select them, plus the names behind its codes; tests/db/test_rows.py checks that
the keys are exactly those the queries return, on both databases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from gis.vocabulary import AreaKind


class SiteColumns(TypedDict):
    """What parcel and factory rows both hold: identity, place, status, reservation, contacts,
    bookkeeping, and the geometry drawn as GeoJSON text."""

    id: int
    code: str
    name: str | None
    park_id: int | None
    town_id: int | None
    status: str
    status_since: dt.date | None
    reserved_project_id: int | None
    contact: str | None
    contact_phone: str | None
    remarks: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    updated_by: str | None
    version: int
    deleted_at: dt.datetime | None
    verified_at: dt.datetime | None
    verified_by: str | None
    park_code: str | None
    park_name: str | None
    town_code: str | None
    town_name: str | None
    reserved_project_code: str | None
    reserved_project_name: str | None
    geojson: str


class ParcelRow(SiteColumns):
    """A parcel as lists and lookups return it; `geojson` is its outline as GeoJSON text."""

    area_m2: float
    cert_area_m2: float | None
    land_use: str
    stock_type: str
    ownership: str | None
    plot_ratio_min: float | None
    plot_ratio_max: float | None
    building_density_min: float | None
    height_limit_m: float | None
    green_ratio_max: float | None
    waterfront: bool
    ready_road: bool
    ready_power: bool
    ready_water: bool
    ready_drainage: bool
    ready_telecom: bool
    ready_gas: bool
    ready_heat: bool
    ready_leveled: bool
    net_land: bool
    price_wan_per_mu: float | None
    idle_since: dt.date | None
    to_port_m: float | None
    to_highway_exit_m: float | None
    to_rail_station_m: float | None
    land_use_name: str | None


class FactoryRow(SiteColumns):
    """A factory as lists and lookups return it; `geojson` is its footprint, or its location."""

    parcel_id: int | None
    building_type: str
    floors: int | None
    floor_area_m2: float
    vacant_area_m2: float
    clear_height_m: float | None
    floor_load_kn_m2: float | None
    crane_t: float | None
    power_kva: float | None
    year_built: int | None
    owner: str | None
    rent_yuan_m2_month: float | None
    sale_price_wan: float | None
    suitable_industries: list[str]
    parcel_code: str | None
    lon: float
    lat: float


class AreaRow(TypedDict):
    """A park, zone or town as lists show it (no outline); `area_m2` on the ellipsoid."""

    code: str
    name: str
    kind: AreaKind
    parent_code: str | None
    leading_industries: list[str]
    is_priority: bool
    area_m2: float
    remarks: str | None
    updated_at: dt.datetime
    version: int


class AreaShapeRow(AreaRow):
    """A park, zone or town with its outline as GeoJSON text (a lookup, a page of areas)."""

    geojson: str


# a parcel or a factory, and a record of any of the OGC collections
SiteRow = ParcelRow | FactoryRow
FeatureRow = ParcelRow | FactoryRow | AreaShapeRow


class ProjectRow(TypedDict):
    """A project as its lookup returns it: its own fields and the names behind its codes."""

    code: str
    name: str
    investor: str | None
    credit_code: str | None
    investor_category: str | None
    project_type: str | None
    industry_code: str | None
    investment_total_wan: float | None
    fixed_investment_wan: float | None
    foreign_investment_wusd: float | None
    land_min_mu: float | None
    land_max_mu: float | None
    floor_area_min_m2: float | None
    clear_height_min_m: float | None
    floor_load_min_kn_m2: float | None
    crane_min_t: float | None
    power_min_kva: float | None
    nuisance_class: int | None
    needs_waterfront: bool
    preferred_areas: list[str]
    annual_output_wan: float | None
    annual_tax_wan: float | None
    source_unit: str | None
    stage: str
    stage_since: dt.date | None
    held_at: str | None
    signed_on: dt.date | None
    agreed_start_on: dt.date | None
    started_on: dt.date | None
    contact: str | None
    remarks: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    updated_by: str | None
    version: int
    industry_name: str | None
    source_unit_name: str | None
    platform: str | None
    platform_name: str | None
    leader: str | None
    leader_name: str | None
    officer: str | None
    officer_name: str | None


class EnteredProjectRow(ProjectRow):
    """A project just entered or changed, with the active projects of the same investor."""

    possible_duplicates: list[dict[str, Any]]


class ProjectListRow(ProjectRow):
    """A project as a list returns it: with its last follow-up, stage date and lateness."""

    last_follow_up_on: dt.date | None
    stage_on: dt.date | None
    follow_up_overdue: bool
    start_overdue: bool
