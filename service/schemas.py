"""Response schemas, so that /docs describes exactly what the API returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar

from geojson_pydantic import Feature, FeatureCollection, MultiPolygon, Point
from pydantic import BaseModel, ConfigDict, Field

from gis.access import Role
from gis.status import FactoryStatus, ParcelStatus
from gis.vocabulary import AreaKind, BuildingType, RecordAction, StockType

# What people type in, each bound stated once
Contact = Annotated[str | None, Field(max_length=100)]
Phone = Annotated[str | None, Field(max_length=40)]
LongText = Annotated[str | None, Field(max_length=5000)]
AdminPark = Annotated[str | None, Field(max_length=40, description="园区编号 (administrators only)")]
AdminTown = Annotated[str | None, Field(max_length=40, description="镇编号 (administrators only)")]
Out = TypeVar("Out", bound=BaseModel)


def out_of(model: type[Out], source: object, **extra: Any) -> Out:
    """`model` filled from what `source` (a row as a mapping, or an object such as a dataclass)
    holds under its fields' names, and from `extra` (labels and the like)."""
    if isinstance(source, Mapping):
        values = {name: source[name] for name in model.model_fields if name in source}
    else:
        values = {name: getattr(source, name) for name in model.model_fields if hasattr(source, name)}
    return model.model_validate({**values, **extra})


PERSONAL = "null unless the reader is signed in"
RESERVATION = (
    "null unless the reader may see this site's reservations: investment staff, leaders, "
    "administrators, and a park manager on their own parks and towns"
)


class Link(BaseModel):
    """A paging link."""

    rel: Literal["self", "next", "prev"]
    type: str
    href: str


# A GeoJSON geometry in CGCS2000 lon/lat (read as WGS84 by RFC 7946 clients).
Geometry = Annotated[MultiPolygon | Point, Field(discriminator="type")]


class ParcelProperties(BaseModel):
    """Attributes of a parcel (存量地块)."""

    code: str = Field(description="地块编号 parcel code", examples=["KFQ-001"])
    name: str | None = Field(description="名称 name")
    area_m2: float = Field(description="面积(平方米), on the CGCS2000 ellipsoid")
    area_mu: float = Field(description="面积(亩), 1 亩 = 10000/15 m²")
    cert_area_m2: float | None = Field(description="证载面积(平方米), when a certificate gives one")
    cert_area_mu: float | None = Field(description="证载面积(亩)")
    area_differs: bool = Field(description="证载面积与图形面积相差超过 1 %")
    park_code: str | None
    park_name: str | None = Field(description="园区 park or zone")
    town_code: str | None
    town_name: str | None = Field(description="镇 town")
    land_use: str = Field(description="用地性质, 2023 classification code", examples=["100102"])
    land_use_name: str | None
    stock_type: str = Field(description="存量类型 code")
    stock_type_label: str
    ownership: str | None = Field(description=f"权属单位; {PERSONAL}")
    plot_ratio_min: float | None
    plot_ratio_max: float | None
    building_density_min: float | None = Field(description="建筑密度下限 (%)")
    height_limit_m: float | None
    green_ratio_max: float | None = Field(description="绿地率上限 (%)")
    waterfront: bool = Field(description="临水岸线")
    ready_road: bool
    ready_power: bool
    ready_water: bool
    ready_drainage: bool
    ready_telecom: bool
    ready_gas: bool
    ready_heat: bool
    ready_leveled: bool
    net_land: bool = Field(description="净地")
    price_wan_per_mu: float | None = Field(description="价格(万元/亩)")
    status: ParcelStatus
    status_label: str
    status_since: dt.date | None
    reserved_project_code: str | None = Field(description=f"意向项目编号; {RESERVATION}")
    reserved_project_name: str | None = Field(description=f"意向项目名称; {RESERVATION}")
    idle_since: dt.date | None
    contact: str | None = Field(description=f"联系人; {PERSONAL}")
    contact_phone: str | None = Field(description=f"联系电话; {PERSONAL}")
    remarks: str | None = Field(description=f"备注; {PERSONAL}")
    created_at: dt.datetime
    updated_at: dt.datetime
    updated_by: str | None = Field(description=f"最后修改人 (account); {PERSONAL}")
    version: int
    verified_at: dt.datetime | None = Field(description="最近核实时间 (a change, or 核实无变化)")
    verified_by: str | None = Field(description=f"最近核实人 (account); {PERSONAL}")


class ParcelFeature(Feature[Geometry, ParcelProperties]):
    """A parcel as a GeoJSON Feature; `id` is its code."""

    id: str


class ParcelCollection(FeatureCollection[ParcelFeature]):
    """A page of parcels."""

    numberMatched: int  # noqa: N815 (OGC API name)
    numberReturned: int  # noqa: N815
    links: list[Link]


class FactoryProperties(BaseModel):
    """Attributes of a factory building (存量厂房)."""

    code: str = Field(examples=["CF-KFQ-001"])
    name: str | None
    park_code: str | None
    park_name: str | None
    town_code: str | None
    town_name: str | None
    parcel_code: str | None = Field(description="所在地块")
    building_type: BuildingType
    building_type_label: str
    floors: int | None
    floor_area_m2: float = Field(description="建筑面积(平方米)")
    vacant_area_m2: float = Field(description="空置面积(平方米)")
    partly_vacant: bool = Field(description="已出租/出售但仍有空置面积")
    clear_height_m: float | None
    floor_load_kn_m2: float | None
    crane_t: float | None
    power_kva: float | None
    year_built: int | None
    owner: str | None = Field(description=f"产权人; {PERSONAL}")
    rent_yuan_m2_month: float | None
    sale_price_wan: float | None
    status: FactoryStatus
    status_label: str
    status_since: dt.date | None
    reserved_project_code: str | None = Field(description=f"意向项目编号; {RESERVATION}")
    reserved_project_name: str | None = Field(description=f"意向项目名称; {RESERVATION}")
    suitable_industries: list[str]
    contact: str | None = Field(description=f"联系人; {PERSONAL}")
    contact_phone: str | None = Field(description=f"联系电话; {PERSONAL}")
    remarks: str | None = Field(description=f"备注; {PERSONAL}")
    lon: float
    lat: float
    created_at: dt.datetime
    updated_at: dt.datetime
    updated_by: str | None = Field(description=f"最后修改人 (account); {PERSONAL}")
    version: int
    verified_at: dt.datetime | None = Field(description="最近核实时间 (a change, or 核实无变化)")
    verified_by: str | None = Field(description=f"最近核实人 (account); {PERSONAL}")


class FactoryFeature(Feature[Geometry, FactoryProperties]):
    """A factory as a GeoJSON Feature: its footprint, or its location when that is all we know."""

    id: str


class FactoryCollection(FeatureCollection[FactoryFeature]):
    """A page of factories."""

    numberMatched: int  # noqa: N815
    numberReturned: int  # noqa: N815
    links: list[Link]


class AreaOut(BaseModel):
    """A park, zone or town, without its geometry."""

    code: str
    name: str
    kind: AreaKind
    kind_label: str
    parent_code: str | None
    leading_industries: list[str]
    is_priority: bool
    remarks: str | None = Field(default=None, description=f"备注; {PERSONAL}")
    area_mu: float


class AreaFeature(Feature[Geometry, AreaOut]):
    """A park, zone or town with its outline, as a GeoJSON Feature."""

    id: str


class Me(BaseModel):
    """The signed-in user."""

    name: str
    display_name: str | None
    role: Role
    role_label: str
    areas: list[str] = Field(description="Codes of the parks and towns a park manager manages")


class Health(BaseModel):
    """Service health."""

    status: Literal["ok"]
    database: Literal["sqlite", "postgresql"]
    revision: str | None


def geojson_responses(model: type[BaseModel], status: int = 200) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for a route answering GeoJSON shaped like `model`."""
    return {
        status: {"model": model, "description": "GeoJSON (application/geo+json)"},
        404: {"description": "Not found (application/problem+json)"},
        422: {"description": "Invalid parameters (application/problem+json)"},
    }


class GeometryIn(BaseModel):
    """A GeoJSON geometry in EPSG:4490 / WGS84 longitude, latitude.

    Written by hand, not geojson-pydantic's: what is sent is read by shapely and repaired or
    refused with a labelled reason (gis/geometry.py), where geojson-pydantic would refuse an
    unclosed ring that the repair closes, in pydantic's own words.
    """

    model_config = ConfigDict(extra="forbid")

    type: Literal["Polygon", "MultiPolygon", "Point"]
    coordinates: list[Any]


class ParcelFields(BaseModel):
    """Parcel attributes a user may set; any other property is refused with a reason."""

    # plain words in model_dump(): the gateway and the history take the stored values
    model_config = ConfigDict(extra="allow", use_enum_values=True)

    name: str | None = Field(default=None, max_length=200)
    cert_area_m2: float | None = Field(default=None, gt=0, le=1e8, description="证载面积(平方米)")
    land_use: str | None = Field(default=None, pattern=r"^\d{4,6}$", examples=["100102"])
    stock_type: StockType | None = None
    ownership: str | None = Field(default=None, max_length=200)
    plot_ratio_min: float | None = Field(default=None, ge=0, le=20)
    plot_ratio_max: float | None = Field(default=None, ge=0, le=20)
    building_density_min: float | None = Field(default=None, ge=0, le=100)
    height_limit_m: float | None = Field(default=None, ge=0, le=1000)
    green_ratio_max: float | None = Field(default=None, ge=0, le=100)
    waterfront: bool | None = None
    ready_road: bool | None = None
    ready_power: bool | None = None
    ready_water: bool | None = None
    ready_drainage: bool | None = None
    ready_telecom: bool | None = None
    ready_gas: bool | None = None
    ready_heat: bool | None = None
    ready_leveled: bool | None = None
    net_land: bool | None = None
    price_wan_per_mu: float | None = Field(default=None, ge=0, le=1e5)
    idle_since: dt.date | None = None
    contact: Contact = None
    contact_phone: Phone = None
    remarks: LongText = None
    park: AdminPark = None
    town: AdminTown = None


class FactoryFields(BaseModel):
    """Factory attributes a user may set; any other property is refused with a reason."""

    # plain words in model_dump(): the gateway and the history take the stored values
    model_config = ConfigDict(extra="allow", use_enum_values=True)

    name: str | None = Field(default=None, max_length=200)
    building_type: BuildingType | None = None
    floors: int | None = Field(default=None, ge=1, le=200)
    floor_area_m2: float | None = Field(default=None, gt=0, le=1e7)
    vacant_area_m2: float | None = Field(default=None, ge=0, le=1e7)
    clear_height_m: float | None = Field(default=None, ge=0, le=100)
    floor_load_kn_m2: float | None = Field(default=None, ge=0, le=1000)
    crane_t: float | None = Field(default=None, ge=0, le=2000)
    power_kva: float | None = Field(default=None, ge=0, le=1e6)
    year_built: int | None = Field(default=None, ge=1900, le=2100)
    owner: str | None = Field(default=None, max_length=200)
    rent_yuan_m2_month: float | None = Field(default=None, ge=0, le=1e4)
    sale_price_wan: float | None = Field(default=None, ge=0, le=1e7)
    suitable_industries: list[Annotated[str, Field(max_length=8)]] | None = Field(default=None, max_length=50)
    contact: Contact = None
    contact_phone: Phone = None
    remarks: LongText = None
    park: AdminPark = None
    town: AdminTown = None


class NewParcelFields(ParcelFields):
    """A new parcel's attributes: a code and a land-use class at least."""

    code: str = Field(min_length=1, max_length=40, examples=["KFQ-901"])
    land_use: str = Field(pattern=r"^\d{4,6}$", examples=["100102"])
    status: Literal["available", "unavailable"] = "available"


class NewFactoryFields(FactoryFields):
    """A new factory's attributes: a code and its floor area at least."""

    code: str = Field(min_length=1, max_length=40, examples=["CF-KFQ-901"])
    floor_area_m2: float = Field(gt=0, le=1e7)
    vacant_area_m2: float = Field(ge=0, le=1e7)
    status: Literal["vacant"] = "vacant"


class NewParcel(BaseModel):
    """A parcel to create, as a GeoJSON Feature."""

    type: Literal["Feature"] = "Feature"
    geometry: GeometryIn
    properties: NewParcelFields


class NewFactory(BaseModel):
    """A factory to create: its footprint (Polygon) or location (Point), as a GeoJSON Feature."""

    type: Literal["Feature"] = "Feature"
    geometry: GeometryIn
    properties: NewFactoryFields


class ParcelPatch(BaseModel):
    """Changes to a parcel: any properties, and/or a new geometry. Send the ETag in If-Match."""

    type: Literal["Feature"] = "Feature"
    geometry: GeometryIn | None = None
    properties: ParcelFields = Field(default_factory=ParcelFields)


class FactoryPatch(BaseModel):
    """Changes to a factory: any properties, and/or a new footprint or location."""

    type: Literal["Feature"] = "Feature"
    geometry: GeometryIn | None = None
    properties: FactoryFields = Field(default_factory=FactoryFields)


class StatusChange(BaseModel):
    """A step along the status workflow. Send the ETag in If-Match."""

    model_config = ConfigDict(extra="forbid")

    status: str = Field(max_length=30, examples=["reserved"], description="Target status (code or label)")
    project: str | None = Field(
        default=None,
        max_length=40,
        examples=["XM-2026-001"],
        description="The project a site is reserved for",
    )
    note: str | None = Field(default=None, max_length=2000, description="Why (required for 暂不可供)")


class HistoryEntry(BaseModel):
    """One change of a record."""

    at: dt.datetime
    actor: str | None = Field(description="Who made it: null unless the reader is signed in")
    action: RecordAction
    action_label: str
    version: int
    changes: dict[str, list[Any]] = Field(
        description=(
            "field: [before, after]; contacts, owner, remarks for signed-in readers only, the reserving "
            "project for readers of the site's reservations only"
        )
    )


class History(BaseModel):
    """Every change of a parcel or factory, oldest first."""

    code: str
    entries: list[HistoryEntry]
