"""Input and output schemas of the project pipeline: projects, their steps, follow-ups and
possible duplicates, so that /docs describes exactly what the API takes and returns."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gis.gateway.projects import InvestorCategory, ProjectType
from gis.pipeline.stages import Stage
from gis.vocabulary import DuplicateStatus, FollowUpKind, SiteKind
from service.schemas import Contact, LongText

ForwardStage = Literal["lead", "negotiating", "signed", "registered", "supplied", "started", "producing"]
Lateness = Literal["follow_up", "start"]


class ProjectFields(BaseModel):
    """Facts of a project a writer may change (its stage moves by steps only)."""

    # plain words in model_dump(): the gateway and the history take the stored values
    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    name: str | None = Field(default=None, min_length=1, max_length=200)
    investor: str | None = Field(default=None, max_length=200, description="投资方")
    credit_code: str | None = Field(
        default=None,
        max_length=40,
        description=("统一社会信用代码 (GB 32100-2015, its check character verified)"),
        examples=["91350100M000100Y43"],
    )
    investor_category: InvestorCategory | None = Field(default=None, description="投资方类别")
    project_type: ProjectType | None = Field(default=None, description="项目类型")
    industry_code: str | None = Field(default=None, pattern=r"^\d{2,4}$")
    investment_total_wan: float | None = Field(default=None, ge=0, le=1e8, description="总投资 (万元)")
    fixed_investment_wan: float | None = Field(default=None, ge=0, le=1e8, description="固定资产投资 (万元)")
    foreign_investment_wusd: float | None = Field(default=None, ge=0, le=1e7, description="外资 (万美元)")
    land_min_mu: float | None = Field(default=None, gt=0, le=100_000)
    land_max_mu: float | None = Field(default=None, gt=0, le=100_000)
    floor_area_min_m2: float | None = Field(default=None, gt=0, le=1e7)
    clear_height_min_m: float | None = Field(default=None, gt=0, le=100)
    floor_load_min_kn_m2: float | None = Field(default=None, gt=0, le=1000)
    crane_min_t: float | None = Field(default=None, gt=0, le=2000)
    power_min_kva: float | None = Field(default=None, gt=0, le=1e6)
    nuisance_class: int | None = Field(default=None, ge=1, le=3)
    needs_waterfront: bool | None = None
    preferred_areas: list[str] | None = Field(default=None, max_length=30)
    annual_output_wan: float | None = Field(default=None, ge=0, le=1e9)
    annual_tax_wan: float | None = Field(default=None, ge=0, le=1e9)
    agreed_start_on: dt.date | None = Field(default=None, description="约定开工日期")
    source_unit: str | None = Field(
        default=None, max_length=40, description="信息来源单位 (a code of data/reference/units.csv)"
    )
    platform: str | None = Field(default=None, max_length=40, description="承载平台: park or town code")
    leader: str | None = Field(default=None, max_length=60, description="挂钩领导: an account of role leader")
    officer: str | None = Field(default=None, max_length=60, description="招商局责任人: an account")
    contact: Contact = None
    remarks: str | None = Field(default=None, max_length=2000)


class ProjectIn(ProjectFields):
    """A new project: a lead, or a project entered as it already stands (its stage and dates)."""

    code: str = Field(min_length=1, max_length=40, pattern=r"^[\w\-.]+$", examples=["XM-2026-101"])
    name: str = Field(min_length=1, max_length=200)
    industry_code: str = Field(pattern=r"^\d{2,4}$")
    stage: ForwardStage | None = Field(
        default=None, description="Where it stands when entered (default: lead)"
    )
    stage_since: dt.date | None = Field(default=None, description="Since when (the real date)")
    signed_on: dt.date | None = None
    started_on: dt.date | None = None


class DuplicateOut(BaseModel):
    """An active project that may be the same investor's (信息重叠)."""

    code: str
    name: str
    investor: str | None
    source_unit: str | None
    stage: str
    credit_code: str | None


class DuplicateMarkOut(DuplicateOut):
    """A project marked as possibly the same investor's, and what became of the mark."""

    status: DuplicateStatus
    marked_by: str


class ProjectOut(BaseModel):
    """A project as stored."""

    code: str
    name: str
    investor: str | None
    credit_code: str | None
    investor_category: str | None
    project_type: str | None
    industry_code: str | None
    industry_name: str | None
    investment_total_wan: float | None
    fixed_investment_wan: float | None
    foreign_investment_wusd: float | None
    tier: Literal["major", "large"] | None = Field(description="重特大 / 亿元以上, by the city's thresholds")
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
    source_unit_name: str | None
    platform: str | None
    platform_name: str | None
    leader: str | None
    leader_name: str | None
    officer: str | None
    officer_name: str | None
    stage: str
    stage_label: str
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
    last_follow_up_on: dt.date | None = Field(default=None, description="In lists: the last follow-up's day")
    overdue: list[Lateness] | None = Field(
        default=None,
        description=(
            "In lists: why an active project is late (no follow-up for LANDSTOCK_PIPELINE_FOLLOW_UP_DAYS, "
            "its agreed start passed)"
        ),
    )
    possible_duplicates: list[DuplicateOut] | None = Field(
        default=None, description="On a create or a change of investor: active projects of the same investor"
    )


class ProjectPage(BaseModel):
    """A page of projects."""

    matched: int
    limit: int
    offset: int
    projects: list[ProjectOut]


class StepIn(BaseModel):
    """One step of a project along the pipeline. Send the ETag in If-Match."""

    model_config = ConfigDict(extra="forbid")

    stage: Stage = Field(description="The stage it moves to")
    day: dt.date = Field(description="The day it happened (not in the future, not before the last step)")
    note: str | None = Field(default=None, max_length=2000, description="Why (required to drop a project)")
    sites: list[str] = Field(
        default_factory=list,
        max_length=20,
        description=("供地: the parcel or factory codes the project is given; they move to 已供地 / 已出租"),
    )


class StageEventOut(BaseModel):
    """A step of a project, on the day it happened."""

    day: dt.date
    from_stage: str | None
    to_stage: str
    to_label: str
    actor: str | None = Field(description="Who recorded it (signed-in readers)")
    note: str | None


class FollowUpIn(BaseModel):
    """A follow-up of a project (跟踪记录)."""

    model_config = ConfigDict(extra="forbid")

    day: dt.date
    kind: FollowUpKind
    leader: str | None = Field(default=None, max_length=60, description="The city leader of a leader's visit")
    participants: str | None = Field(default=None, max_length=200)
    place: str | None = Field(default=None, max_length=200)
    outcome: LongText = None
    next_step: LongText = None
    next_on: dt.date | None = None


class FollowUpOut(BaseModel):
    """A follow-up as recorded."""

    id: int
    day: dt.date
    kind: FollowUpKind
    kind_label: str
    leader: str | None
    participants: str | None
    place: str | None
    outcome: str | None
    next_step: str | None
    next_on: dt.date | None
    actor: str
    created_at: dt.datetime


class MergeIn(BaseModel):
    """Merge this project into another (administrators)."""

    model_config = ConfigDict(extra="forbid")

    into: str = Field(max_length=40, description="The project that stays")


class DuplicateCheckIn(BaseModel):
    """An investor to look for among the active projects, before a lead is saved."""

    model_config = ConfigDict(extra="forbid")

    investor: str | None = Field(default=None, max_length=200)
    credit_code: str | None = Field(default=None, max_length=40)


class PersonOut(BaseModel):
    """Someone an alert names as responsible."""

    name: str


class AlertOut(BaseModel):
    """One thing to act on (待办): the record, since when, and who should act."""

    kind: str
    kind_label: str
    record: str = Field(description="project, parcel or factory")
    code: str
    name: str | None
    url: str = Field(description="The record's page")
    since: dt.date = Field(
        description="The day the clock started: agreed start, signing, reservation, last follow-up, supply"
    )
    days: int = Field(description="Days from `since` to the day asked about")
    responsible: list[PersonOut] = Field(description="The project's officer; the site's managers")
    project: str | None = Field(description="The project a site alert concerns, when the reader may read it")


class AlertsOut(BaseModel):
    """The reader's alerts on a day, and how many of each kind."""

    as_of: dt.date
    counts: dict[str, int]
    alerts: list[AlertOut]


class ShortlistPick(BaseModel):
    """A site put on the shortlist, with the score the match gave it."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        min_length=1, max_length=40, description="地块或厂房编号 (an assembly's parcels one by one)"
    )
    score: float = Field(ge=0, le=100, description="Its score in the match, 0–100")


class ShortlistIn(BaseModel):
    """The project's shortlist: it replaces the one saved before (the history keeps that)."""

    model_config = ConfigDict(extra="forbid")

    sites: list[ShortlistPick] = Field(max_length=50)


class LinkedSiteOut(BaseModel):
    """A parcel or factory tied to the project, and how."""

    kind: SiteKind
    code: str
    name: str | None
    status: str
    status_label: str
    area_mu: float | None
    vacant_m2: float | None
    park_name: str | None
    roles: list[Literal["supplied", "shortlist", "reserved"]]
    score: float | None = Field(description="Its score when it was shortlisted")
    saved_at: dt.datetime | None
    saved_by: str | None
    taken: bool = Field(description="Shortlisted, but since reserved or supplied for another project")
    taken_by: str | None = Field(description="That project, for readers of the site's reservations")
