"""Input and output schemas of matching, projects and the review sheet, so /docs explains them."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field

from gis.matching.criteria import EXAMPLE_WEIGHTS
from gis.matching.need import Need
from gis.matching.review import Planned, ReviewedProject
from gis.search_area import SearchSpec
from gis.vocabulary import CandidateKind, ReadyItem

# A site a project is checked on: a parcel's or a factory's code, or parcels' codes joined with '+'
SiteCodes = Annotated[
    str,
    Field(
        min_length=1,
        max_length=400,
        pattern=r"\S",
        description=("地块或厂房编号; 拼地 joins parcel codes with '+'"),
        examples=["KFQ-001", "KFQ-001+KFQ-002"],
    ),
]


class NeedIn(BaseModel):
    """What a project needs, as a form states it (a project that is not saved)."""

    model_config = ConfigDict(extra="forbid")

    industry_code: str = Field(pattern=r"^\d{2,4}$", description="行业 GB/T 4754-2017 code, e.g. 27")
    name: str | None = Field(default=None, max_length=200, description="项目名称 (for the report)")
    nuisance_class: int | None = Field(
        default=None, ge=1, le=3, description="环评工业类别 1/2/3, overrides the industry default"
    )
    land_min_mu: float | None = Field(default=None, gt=0, le=100_000, description="用地需求下限(亩)")
    land_max_mu: float | None = Field(default=None, gt=0, le=100_000, description="用地需求上限(亩)")
    fixed_investment_wan: float | None = Field(
        default=None,
        gt=0,
        le=1e8,
        description=("固定资产投资(万元); with no land need given, land need = investment ÷ 投资强度"),
    )
    floor_area_min_m2: float | None = Field(
        default=None, gt=0, le=1e7, description="厂房面积需求下限(平方米)"
    )
    floor_area_max_m2: float | None = Field(
        default=None, gt=0, le=1e7, description="厂房面积需求上限(平方米)"
    )
    clear_height_min_m: float | None = Field(default=None, gt=0, le=100, description="净高下限(米)")
    floor_load_min_kn_m2: float | None = Field(
        default=None, gt=0, le=1000, description="楼面荷载下限(kN/平方米)"
    )
    crane_min_t: float | None = Field(default=None, gt=0, le=2000, description="行车下限(吨)")
    power_min_kva: float | None = Field(default=None, gt=0, le=1e6, description="供电容量下限(kVA)")
    needs_waterfront: bool = Field(default=False, description="需要临水岸线")
    preferred_areas: list[str] = Field(default_factory=list, max_length=30, description="意向园区或镇编号")
    insist_on_preferred: bool = Field(
        default=False, description="只在意向区域内匹配 (else: a score criterion)"
    )
    max_distance_km: dict[str, float] = Field(
        default_factory=dict,
        description=(
            "到基础设施的最大距离(公里): kind (port, highway_exit, rail_station) or infrastructure code"
        ),
    )
    budget_wan: float | None = Field(default=None, gt=0, le=1e8, description="地价预算总额(万元)")
    max_rent_yuan_m2_month: float | None = Field(
        default=None, gt=0, le=1000, description="厂房租金上限(元/平方米·月)"
    )
    required_readiness: list[ReadyItem] = Field(
        default_factory=list, description="必须具备的七通一平/净地条件"
    )


class MatchIn(NeedIn):
    """An ad-hoc match request: what the project needs, and how much of the answer to give."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "industry_code": "27",
                    "fixed_investment_wan": 30000,
                    "land_min_mu": 50,
                    "land_max_mu": 70,
                    "nuisance_class": 2,
                    "max_distance_km": {"port": 40},
                }
            ]
        }
    )

    include_reserved: bool = Field(default=False, description="也考虑已有意向(reserved)的地块和厂房")
    limit: int = Field(default=20, ge=1, le=100, description="每类返回的候选数量")
    near_misses: int = Field(default=10, ge=0, le=50, description="返回的接近但不符合的数量")
    assemble: bool = Field(default=True, description="考虑拼地 (adjacent parcels assembled into one site)")
    near: str | None = Field(
        default=None,
        max_length=100,
        description="搜索范围: 距某地 (a place's name or code, /api/places), with km",
    )
    km: float | None = Field(default=None, gt=0, le=50, description="距 near 的公里数")
    circle: str | None = Field(
        default=None,
        max_length=100,
        description="圆形搜索范围: 经度,纬度,半径(米)",
        examples=["121.72,31.78,3000"],
    )
    within: dict[str, Any] | None = Field(
        default=None, description="搜索范围: a GeoJSON Polygon or MultiPolygon (EPSG:4490 / WGS84)"
    )

    def search_spec(self) -> SearchSpec:
        """The search area asked for (gis/search_area.py): a site outside it fails a constraint."""
        within = json.dumps(self.within) if self.within is not None else None
        return SearchSpec(within=within, circle=self.circle, near=self.near, km=self.km)

    weights: dict[str, Annotated[float, Field(ge=0, le=1000)]] | None = Field(
        default=None,
        description="各评分项权重 for this request, by criterion name, over the city's weights",
        examples=[EXAMPLE_WEIGHTS],
    )

    def to_need(self) -> Need:
        """The domain request (its search area resolved apart: `search_spec`)."""
        values = self.model_dump(
            exclude={
                "limit",
                "near_misses",
                "assemble",
                "near",
                "km",
                "circle",
                "within",
                "max_distance_km",
                "preferred_areas",
                "required_readiness",
                "weights",
            }
        )
        return Need(
            **values,
            preferred_areas=tuple(self.preferred_areas),
            max_distance_km=tuple(sorted(self.max_distance_km.items())),
            required_readiness=tuple(self.required_readiness),
        )


LEAD_MAX_CHARS = 2000


class LeadIn(BaseModel):
    """A project lead as it came, to be read into a need."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"text": "医药制造，固定资产投资3亿元，需地约60亩，二类工业，靠近港口，层高8米以上"}]
        },
    )

    text: str = Field(
        min_length=1, max_length=LEAD_MAX_CHARS, description="项目信息原文 (a chat line, an email)"
    )


class PhraseOut(BaseModel):
    """A phrase understood: where it stands in the text, the field it set and the value."""

    start: int = Field(description="offset of its first character in the text")
    end: int = Field(description="offset just past its last character")
    text: str
    field: str = Field(
        description="a field of POST /api/match, or investment_total_wan (understood, not matched)"
    )
    value: Any
    label: str = Field(description="the field's name in the reader's language")
    says: str = Field(description="field = value, in words")


class PieceOut(BaseModel):
    """A piece of the text not placed, and why."""

    start: int
    end: int
    text: str
    reason: Literal["unknown", "conflict", "out_of_range"]
    reason_label: str


class LeadOut(BaseModel):
    """A lead read: the need it states (fields of POST /api/match; only what it says), each phrase
    understood and each piece not placed."""

    need: dict[str, Any] = Field(
        description="fields of POST /api/match; industry_code absent if not recognised"
    )
    understood: list[PhraseOut]
    unplaced: list[PieceOut]


class ReviewIn(NeedIn):
    """The joint review of a project that is not saved: its need (the fields of POST /api/match),
    what it promises, the design plan, and the site."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "industry_code": "27",
                    "name": "某医药项目",
                    "fixed_investment_wan": 30000,
                    "annual_output_wan": 40000,
                    "annual_tax_wan": 2500,
                    "site": "SMC-045",
                }
            ]
        }
    )

    site: SiteCodes
    annual_output_wan: float | None = Field(default=None, ge=0, le=1e9, description="预计年产值(万元)")
    annual_tax_wan: float | None = Field(default=None, ge=0, le=1e9, description="预计年税收(万元)")
    plot_ratio: float | None = Field(
        default=None, gt=0, le=20, description="设计容积率 (else the site's maximum)"
    )
    building_coefficient: float | None = Field(default=None, ge=0, le=100, description="设计建筑系数 %")
    office_share: float | None = Field(
        default=None, ge=0, le=100, description="行政办公及生活服务设施用地比例 %"
    )

    def project(self) -> ReviewedProject:
        """The fields the review reads of a project."""
        fields = {
            "code": None,
            **self.model_dump(
                include={
                    "name",
                    "industry_code",
                    "fixed_investment_wan",
                    "annual_output_wan",
                    "annual_tax_wan",
                    "floor_area_min_m2",
                }
            ),
        }
        return cast(ReviewedProject, fields)

    def planned(self) -> Planned:
        """The design plan's values."""
        return Planned(self.plot_ratio, self.building_coefficient, self.office_share)


class CheckOut(BaseModel):
    """One hard constraint on one site."""

    name: str = Field(description="status, area, land_use, plot_ratio, readiness, waterfront, …")
    label: str
    status: Literal["pass", "fail", "collective", "unknown"]
    status_label: str
    site: Any = Field(description="the site's value")
    required: Any = Field(description="the required value")
    gap: str | None = Field(description="why it fails, in words")


class CriterionOut(BaseModel):
    """One score criterion of one site."""

    name: str
    label: str
    weight: float = Field(description="share of the 100 points")
    value: float = Field(description="normalised 0–1")
    points: float = Field(description="contribution to the score")
    raw: Any = Field(description="the fact behind it (亩, km, years, …)")
    fact: str | None = Field(default=None, description="that fact in words, e.g. 6.3 公里")


class ReceptorOut(BaseModel):
    """A sensitive receptor nearer a site than its protection distance (卫生防护距离)."""

    code: str
    name: str
    kind: str
    kind_label: str
    distance_m: float = Field(description="metres from the site's outline")
    lon: float = Field(description="the receptor's point nearest the site")
    lat: float


class ProtectionOut(BaseModel):
    """Why a site fails its protection distance, for the map."""

    required_m: float
    receptor: ReceptorOut
    ring: dict[str, Any] = Field(description="GeoJSON line at the required distance around the site")


class CandidateOut(BaseModel):
    """A ranked site (or a near miss): parcel, assembled site or factory."""

    model_config = ConfigDict(extra="allow")

    rank: int | None
    kind: CandidateKind
    kind_label: str
    code: str
    members: list[str]
    score: float
    criteria: list[CriterionOut]
    checks: list[CheckOut]
    gaps: list[str]
    collective_decision: bool
    geometry: dict[str, Any] | None
    protection: ProtectionOut | None = Field(default=None, description="a receptor too near (卫生防护距离)")


class NeedOut(BaseModel):
    """The need as matched."""

    project_code: str | None
    name: str | None
    industry_code: str
    industry_name: str
    nuisance_class: int
    nuisance_label: str
    land_min_mu: float | None
    land_max_mu: float | None
    land_derived: bool
    plot_ratio_min: float | None
    collective_decision: bool
    floor_area_min_m2: float | None
    steer_to_factories: bool


class NearMissesOut(BaseModel):
    """The best excluded sites."""

    parcels: list[CandidateOut]
    factories: list[CandidateOut]


class MatchOut(BaseModel):
    """A match: ranked parcels (with assemblies), factories, near misses, the rules applied."""

    need: NeedOut
    notes: list[str]
    order: list[Literal["parcels", "factories"]] = Field(description="which list to show first")
    parcels: list[CandidateOut]
    factories: list[CandidateOut]
    near_misses: NearMissesOut
    counts: dict[str, int]


class ProjectFitOut(BaseModel):
    """A pipeline project that fits the site."""

    project_code: str
    project_name: str
    industry_code: str
    industry_name: str
    score: float
    candidate: CandidateOut


class BoundOut(BaseModel):
    """A threshold and the rule behind it."""

    value: float | None
    op: Literal[">=", "<="]
    rule: str


class IndicatorOut(BaseModel):
    """One row of the review sheet."""

    name: str
    label: str
    value: float | None
    source: str
    national: BoundOut
    city: BoundOut
    status: Literal["pass", "fail", "pending", "collective", "na"]
    status_label: str


class ReviewOut(BaseModel):
    """The joint review sheet (联合会审) of a project on a site."""

    project_code: str | None = Field(description="null for a project that is not saved")
    project_name: str | None
    investor: str | None = None
    investment_total_wan: float | None = Field(default=None, description="投资总额 (万元)")
    fixed_investment_wan: float | None = Field(default=None, description="固定资产投资 (万元)")
    annual_output_wan: float | None = Field(default=None, description="达产年产值 (万元)")
    annual_tax_wan: float | None = Field(default=None, description="达产年税收 (万元)")
    industry_code: str | None
    site_kind: CandidateKind = Field(description="parcel, assembly (parcels A+B) or factory")
    site_code: str
    park_code: str | None
    area_mu: float
    indicators: list[IndicatorOut]
    overall: Literal["pass", "fail", "pending", "collective"]
    overall_label: str
    note: str
