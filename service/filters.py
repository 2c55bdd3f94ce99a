"""The filters of the parcel, factory and project lists and of the to-do list, each set declared
once as a dataclass of query parameters (titiler's dependency pattern: `Annotated[ParcelFilters, Depends()]`).

The API list, its export and the web pages (service/web/filters.py) read the same set; OGC API
– Features names its filters after the properties its features carry (`park_code`, one
`land_use` class), so its sets map those names onto the same ones here, in one method each.
"""

# No `from __future__ import annotations`: FastAPI reads a dataclass dependency's parameters from
# its __init__, and a class has no module globals to resolve string annotations against.

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Query

from gis.dashboard import FIRST_DAY, LAST_DAY
from gis.inventory import AreaQuery, FactoryQuery, ParcelQuery
from gis.pipeline.stages import Stage
from gis.projects import ProjectQuery
from gis.search_area import SearchSpec
from gis.spatial import parse_bbox
from gis.status import FactoryStatus, ParcelStatus
from gis.vocabulary import AreaKind, BuildingType, StockType


def day_query(description: str, example: str | None = None) -> Any:
    """A query parameter naming a day the inventory and the pipeline are read as of (YYYY-MM-DD)."""
    examples = [example] if example else None
    # FastAPI types the bounds as numbers; pydantic compares them with the day as they are
    return Query(description=description, examples=examples, ge=FIRST_DAY, le=LAST_DAY)  # type: ignore[arg-type]


Q = TypeVar("Q", ParcelQuery, FactoryQuery)

BBOX_HELP = "最小经度,最小纬度,最大经度,最大纬度 (EPSG:4490 / WGS84)"
LAND_USE = r"^\d{4,6}$"
SORT_HELP = "排序字段, '-' for descending"
BBoxParam = Annotated[str | None, Query(description=BBOX_HELP, examples=["121.68,31.76,121.75,31.81"])]
SearchParam = Annotated[str | None, Query(max_length=100, description="按编号或名称搜索")]
ParcelStatuses = Annotated[list[ParcelStatus] | None, Query(description="状态, repeatable")]
FactoryStatuses = Annotated[list[FactoryStatus] | None, Query(description="状态, repeatable")]
ParkCodeParam = Annotated[
    str | None, Query(max_length=40, description="园区或片区编号 park or zone code", examples=["P01"])
]
TownCodeParam = Annotated[str | None, Query(max_length=40, description="镇编号 town code", examples=["T01"])]


AREA_FIELDS = ("within", "circle", "near", "km")
MAX_WITHIN_CHARS = 4000
WithinParam = Annotated[
    str | None,
    Query(
        # a request line longer than the server reads (16 kB, percent-encoded) would be cut off
        max_length=MAX_WITHIN_CHARS,
        description="搜索范围: a GeoJSON Polygon or MultiPolygon (EPSG:4490 / WGS84); a site is in it when "
        f"its point is (a parcel's box centre, a factory's location); at most {MAX_WITHIN_CHARS:,} "
        "characters in a URL (some 200 vertices; /api/match takes larger areas in its body)",
        examples=[
            '{"type":"Polygon","coordinates":[[[121.7,31.76],[121.74,31.76],[121.74,31.8],[121.7,31.76]]]}'
        ],
    ),
]
CircleParam = Annotated[
    str | None,
    Query(max_length=100, description="圆形搜索范围: 经度,纬度,半径(米)", examples=["121.72,31.78,3000"]),
]
NearParam = Annotated[
    str | None,
    Query(
        max_length=100,
        description="距某地: a place's name or code (/api/places), with km",
        examples=["启东站"],
    ),
]
KmParam = Annotated[float | None, Query(gt=0, le=50, description="距 near 的公里数", examples=[5])]


def sort_by(columns: dict[str, Any]) -> Callable[[str], str]:
    """A dependency reading `sort`: one of a list's `columns`, '-' first for descending."""
    pattern = rf"^-?({'|'.join(columns)})$"

    def sort(sort: Annotated[str, Query(pattern=pattern, description=SORT_HELP)] = "code") -> str:
        return sort

    return sort


def domain_query(filters: Any, kind: type[Q], more: dict[str, Any]) -> Q:
    """The domain's query of a filter set, field by field (lists as tuples, the window parsed,
    `q` as `search`), then `more`: order, page, and the filters only OGC offers."""
    values = {f.name: getattr(filters, f.name) for f in fields(filters)}
    values = {name: tuple(v) if isinstance(v, list) else v for name, v in values.items()}
    values["bbox"] = parse_bbox(values["bbox"]) if values["bbox"] else None
    values["search"] = values.pop("q")
    spec = SearchSpec(*(values.pop(name) for name in AREA_FIELDS))
    values["area"] = spec if spec.given else None
    return replace(kind(**values), **more)


@dataclass(frozen=True)
class ParcelFilters:
    """What a parcel list is filtered on: the API list, its export, the map pages."""

    bbox: BBoxParam = None
    park: Annotated[str | None, Query(description="园区或片区编号 park/zone code", examples=["P01"])] = None
    town: Annotated[str | None, Query(description="镇编号 town code", examples=["T01"])] = None
    status: ParcelStatuses = None
    land_use: Annotated[
        list[Annotated[str, Query(pattern=LAND_USE)]] | None,
        Query(description="用地性质代码; 1001 also matches 100101-100103", examples=[["100102"]]),
    ] = None
    min_mu: Annotated[float | None, Query(ge=0, le=1e6, description="最小面积(亩)")] = None
    max_mu: Annotated[float | None, Query(ge=0, le=1e6, description="最大面积(亩)")] = None
    q: SearchParam = None
    within: WithinParam = None
    circle: CircleParam = None
    near: NearParam = None
    km: KmParam = None

    def query(self, **more: Any) -> ParcelQuery:
        """The domain query; `more` sets its order, page and the filters only OGC offers."""
        return domain_query(self, ParcelQuery, more)


@dataclass(frozen=True)
class FactoryFilters:
    """What a factory list is filtered on: the API list and its export."""

    bbox: BBoxParam = None
    park: Annotated[str | None, Query(description="园区或片区编号", examples=["P04"])] = None
    town: Annotated[str | None, Query(description="镇编号", examples=["T06"])] = None
    status: FactoryStatuses = None
    building_type: Annotated[list[BuildingType] | None, Query(description="厂房类型")] = None
    min_vacant_m2: Annotated[float | None, Query(ge=0, le=1e7, description="最小空置面积(平方米)")] = None
    min_clear_height_m: Annotated[float | None, Query(ge=0, le=100, description="最小净高(米)")] = None
    q: SearchParam = None
    within: WithinParam = None
    circle: CircleParam = None
    near: NearParam = None
    km: KmParam = None

    def query(self, **more: Any) -> FactoryQuery:
        """The domain query; `more` sets its order, page and the filters only OGC offers."""
        return domain_query(self, FactoryQuery, more)


@dataclass(frozen=True)
class OgcParcelFilters:
    """The parcel filters of OGC API – Features, named after the features' properties."""

    status: ParcelStatuses = None
    park_code: ParkCodeParam = None
    town_code: TownCodeParam = None
    land_use: Annotated[
        str | None,
        Query(
            pattern=LAND_USE,
            examples=["100102"],
            description=("用地性质代码; a class matches its subclasses (1001 matches 100101-100103)"),
        ),
    ] = None
    stock_type: Annotated[list[StockType] | None, Query(description="存量类型, repeatable")] = None

    def query(self, **more: Any) -> ParcelQuery:
        """The domain query: these filters under the list's names, and `more` (window, time, page)."""
        same = ParcelFilters(
            park=self.park_code,
            town=self.town_code,
            status=self.status,
            land_use=[self.land_use] if self.land_use else None,
        )
        return same.query(stock_type=tuple(self.stock_type or ()), **more)


@dataclass(frozen=True)
class OgcFactoryFilters:
    """The factory filters of OGC API – Features, named after the features' properties."""

    status: FactoryStatuses = None
    park_code: ParkCodeParam = None
    town_code: TownCodeParam = None
    building_type: Annotated[list[BuildingType] | None, Query(description="厂房类型, repeatable")] = None

    def query(self, **more: Any) -> FactoryQuery:
        """The domain query: these filters under the list's names, and `more` (window, time, page)."""
        same = FactoryFilters(
            park=self.park_code, town=self.town_code, status=self.status, building_type=self.building_type
        )
        return same.query(**more)


@dataclass(frozen=True)
class OgcAreaFilters:
    """The area filters of OGC API – Features."""

    kind: Annotated[list[AreaKind] | None, Query(description="类型, repeatable")] = None
    parent_code: Annotated[
        str | None, Query(max_length=40, description="上级编号 (a zone's park)", examples=["P03"])
    ] = None

    def query(self, **more: Any) -> AreaQuery:
        """The domain query: these filters, and `more` (window, time, page)."""
        return AreaQuery(kind=tuple(self.kind or ()), parent=self.parent_code, **more)


@dataclass(frozen=True)
class ProjectFilters:
    """What the project pipeline is filtered on: the API list, the pipeline page and its XLSX."""

    stage: Annotated[list[Stage] | None, Query(description="项目阶段, repeatable")] = None
    industry: Annotated[
        str | None, Query(pattern=r"^\d{2,4}$", description="行业代码 (prefix)", examples=["27"])
    ] = None
    source_unit: Annotated[
        str | None, Query(max_length=40, description="信息来源单位编号", examples=["SZ"])
    ] = None
    platform: Annotated[
        str | None, Query(max_length=40, description="承载平台: park or town code", examples=["P03"])
    ] = None
    leader: Annotated[str | None, Query(max_length=60, description="挂钩领导 (account name)")] = None
    key: Annotated[
        Literal["major", "large"] | None,
        Query(
            description=("重点项目: major 重特大, large 亿元以上 (重特大 included), by the city's thresholds")
        ),
    ] = None
    overdue: Annotated[
        bool,
        Query(
            description=(
                "Only active projects without a follow-up for LANDSTOCK_PIPELINE_FOLLOW_UP_DAYS, "
                "or past their agreed start"
            )
        ),
    ] = False
    q: Annotated[str | None, Query(max_length=100, description="按编号、名称或投资方搜索")] = None

    def query(self, **more: Any) -> ProjectQuery:
        """The domain query; `more` sets its order and page."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "q"}
        return ProjectQuery(**{**values, "stage": tuple(self.stage or ()), "search": self.q}, **more)


AlertKindParam = Literal[
    "overdue_start", "signed_unsupplied", "reservation_held", "no_follow_up", "idle_fee", "idle_reclaim"
]


@dataclass(frozen=True)
class AlertFilters:
    """The to-do list's filters (待办), read alike by /api/alerts and the /todo page."""

    kind: Annotated[list[AlertKindParam] | None, Query(description="提醒类型, repeatable")] = None
    mine: Annotated[bool, Query(description="只看我负责的: my projects, my parks' sites")] = False
    as_of: Annotated[dt.date | None, day_query("截至日期 as of this date (default today)")] = None
