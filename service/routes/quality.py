"""/api/quality: what is wrong or missing in the parcels and factories, by park (signed-in readers;
a park manager their own parks and towns)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from gis import quality
from gis.labels import label
from service.auth import CurrentUser
from service.dependencies import Language, ReadSession

router = APIRouter(prefix="/api/quality", tags=["data quality 数据质量"])


class FindingOut(BaseModel):
    """One thing wrong with one record."""

    check: quality.Check
    check_label: str
    kind: str = Field(description="parcel or factory")
    code: str
    name: str | None
    url: str = Field(description="the record's page")
    other: str | None = Field(description="the other parcel of an overlap, or the parcel a factory names")
    value: float | None = Field(
        description="m² shared (overlap), share of the outline outside (outside_park, outside_town), "
        "relative difference (cert_area)"
    )
    missing: list[str] = Field(description="what the match needs and the record lacks (missing)")


class AreaQualityOut(BaseModel):
    """One park (or, for records in no park, town) and its findings."""

    code: str | None
    name: str | None
    findings: list[FindingOut]


def finding_out(finding: quality.Finding, lang: str) -> FindingOut:
    """A finding as the API answers it."""
    return FindingOut(
        check=finding.check,
        check_label=label("quality_check", finding.check.value, lang),
        kind=finding.kind.value,
        code=finding.code,
        name=finding.name,
        url=finding.url,
        other=finding.other,
        value=finding.value,
        missing=list(finding.missing),
    )


@router.get("", summary="Data quality 数据质量")
def quality_by_area(session: ReadSession, lang: Language, who: CurrentUser) -> list[AreaQualityOut]:
    """Overlapping parcels, parcels mostly outside their park or town, certificate areas 5 % off,
    factories outside their parcel and records lacking what the match needs, by park."""
    return [
        AreaQualityOut(code=a.code, name=a.name, findings=[finding_out(f, lang) for f in a.findings])
        for a in quality.by_area(session, who)
    ]
