"""Input and output schemas of joint review records (联合会审), so /docs explains them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gis.matching.review import Planned
from gis.pipeline.reviews import Department, NewReview, Outcome
from service.match_schemas import ReviewOut, SiteCodes


class ReviewCreate(BaseModel):
    """A joint review to hold for a saved project: the site, the day, the design values."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "site": "SMC-001",
                    "held_on": "2026-11-20",
                    "plot_ratio": 1.5,
                    "building_coefficient": 45,
                    "office_share": 6,
                }
            ]
        },
    )

    site: SiteCodes
    held_on: dt.date | None = Field(
        default=None,
        description=(
            "会审日期: the day it was held, not after today (default today); its year numbers the review"
        ),
    )
    plot_ratio: float | None = Field(
        default=None, gt=0, le=20, description="设计容积率 (else the site's maximum)"
    )
    building_coefficient: float | None = Field(default=None, ge=0, le=100, description="设计建筑系数 %")
    office_share: float | None = Field(
        default=None, ge=0, le=100, description="行政办公及生活服务设施用地比例 %"
    )

    def new(self, project_code: str) -> NewReview:
        """The review as the domain takes it."""
        planned = Planned(self.plot_ratio, self.building_coefficient, self.office_share)
        return NewReview(project_code, self.site, planned, self.held_on)


class OpinionIn(BaseModel):
    """One department's row; a field left out stays as it is, null clears it."""

    model_config = ConfigDict(extra="forbid")

    opinion: str | None = Field(default=None, max_length=2000, description="意见")
    signatory: str | None = Field(default=None, max_length=100, description="签字人")
    signed_on: dt.date | None = Field(default=None, description="签字日期 (not after today)")


def opinion_values(body: dict[Department, OpinionIn]) -> dict[str, dict[str, Any]]:
    """The departments' rows sent, each with only the fields sent, as the domain takes them."""
    return {d.value: row.model_dump(exclude_unset=True) for d, row in body.items()}


OPINIONS_EXAMPLE = {
    "natural_resources": {"opinion": "用地符合国土空间规划", "signatory": "张某", "signed_on": "2026-11-20"}
}


class DecisionIn(BaseModel):
    """The outcome an administrator enters, with the conditions or the reasons."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"outcome": "conditional", "outcome_note": "设计容积率须不低于 1.2"}]
        },
    )

    outcome: Outcome = Field(
        description=(
            "会审结论: passed 通过, conditional 有条件通过, failed 不通过 (pending 待定 takes it back)"
        )
    )
    outcome_note: str | None = Field(
        default=None,
        max_length=2000,
        description=("说明: the conditions, or why it failed (required with those outcomes)"),
    )


class DepartmentOut(BaseModel):
    """One department's row of a review."""

    department: Department
    label: str
    opinion: str | None
    signatory: str | None
    signed_on: dt.date | None


class PlannedOut(BaseModel):
    """The design values stated for the review."""

    plot_ratio: float | None
    building_coefficient: float | None
    office_share: float | None


class ReviewRecordOut(BaseModel):
    """A joint review as a record: numbered, dated, its sheet as it stood, opinions, outcome."""

    number: str = Field(examples=["会审〔2026〕007号"])
    slug: str = Field(
        description="The number in URLs: /api/projects/{code}/reviews/{slug}", examples=["2026-007"]
    )
    project_code: str
    site: str
    held_on: dt.date
    planned: PlannedOut
    sheet: ReviewOut = Field(description="The indicators as computed the day the review was created")
    departments: list[DepartmentOut] = Field(
        description="发改、商务、自然资源、住建、行政审批, in that order"
    )
    outcome: Outcome
    outcome_label: str
    outcome_note: str | None
    decided_by: str | None
    decided_at: dt.datetime | None
    created_by: str
    created_at: dt.datetime
    version: int = Field(description="Send it back in If-Match to change the review")
    links: dict[str, str] = Field(description="self, and the downloads: html, xlsx, pdf")


class ReviewList(BaseModel):
    """A project's joint reviews in the order they were held."""

    project_code: str
    approved: bool = Field(
        description=(
            "Whether a review passed the project, or passed it with conditions (what a land project "
            "needs to sign)"
        )
    )
    reviews: list[ReviewRecordOut]
