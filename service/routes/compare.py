"""POST /api/match/compare: two to four sites side by side for one need — each site's facts, each
criterion's points under the weights given (the city's otherwise), each hard constraint passed
or failed with the reason, the joint review sheet's indicators, and the ranking."""

from __future__ import annotations

from typing import Any, cast

from fastapi import APIRouter
from pydantic import BaseModel, Field

from gis.labels import label
from gis.matching.compare import MAX_SITES, Comparison, compare, reviewed, weights_of
from gis.matching.criteria import EXAMPLE_WEIGHTS
from gis.matching.explain import candidate_dict, need_dict
from gis.matching.need import MatchConfig
from service.dependencies import AnswerSession, Language, SettingsDep
from service.match_schemas import CandidateOut, MatchIn, NeedOut, ReviewOut
from service.read_access import InventoryReader
from service.review_sheet import review_dict

router = APIRouter(prefix="/api", tags=["matching 项目匹配"])


class CompareIn(MatchIn):
    """What the project needs (the fields of POST /api/match, `weights` included), the sites to
    compare and what it promises (for the review sheet)."""

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "industry_code": "27",
                    "fixed_investment_wan": 30000,
                    "land_min_mu": 50,
                    "land_max_mu": 70,
                    "sites": ["parcel:KFQ-001", "parcel:KFQ-002+KFQ-003", "factory:KFQ-F01"],
                    "weights": cast(Any, EXAMPLE_WEIGHTS),
                }
            ]
        }
    }

    sites: list[str] = Field(
        max_length=20,
        description=f"2–{MAX_SITES} sites: parcel:CODE, factory:CODE or assembly:CODE+CODE",
        examples=[["parcel:KFQ-001", "factory:KFQ-F01"]],
    )
    annual_output_wan: float | None = Field(default=None, ge=0, le=1e9, description="预计年产值(万元)")
    annual_tax_wan: float | None = Field(default=None, ge=0, le=1e9, description="预计年税收(万元)")


class WeightOut(BaseModel):
    """A criterion's weight in this comparison, and the city's."""

    name: str
    label: str
    weight: float = Field(description="as used (given, else the city's)")
    default: float = Field(description="the city's (LANDSTOCK_MATCH_WEIGHTS, else the declared default)")


class ComparedOut(BaseModel):
    """One site compared: its rank among them, the site as the match explains it, its review."""

    ref: str = Field(description="kind:code, as given (an assembly's codes in code order)")
    rank: int
    site: CandidateOut
    review: ReviewOut


class CompareOut(BaseModel):
    """The comparison: the need, the weights, the sites in the order given, and the ranking."""

    need: NeedOut
    weights: list[WeightOut]
    sites: list[ComparedOut]
    ranking: list[str] = Field(description="the sites' refs, best first")


def comparison_dict(comparison: Comparison, city: MatchConfig, lang: str) -> dict[str, Any]:
    """The comparison as plain data in `lang`."""
    default = weights_of(city)
    return {
        "need": need_dict(comparison.need, lang),
        "weights": [
            {
                "name": name,
                "label": label("match.criterion", name, lang),
                "weight": value,
                "default": default[name],
            }
            for name, value in comparison.weights.items()
        ],
        "sites": [
            {
                "ref": s.ref.ref,
                "rank": s.rank,
                "site": candidate_dict(s.candidate, lang, s.rank),
                "review": review_dict(s.sheet, lang),
            }
            for s in comparison.sites
        ],
        "ranking": [s.ref.ref for s in comparison.ranked],
    }


@router.post("/match/compare", summary="Compare 2–4 sites 选址对比")
def compare_sites(
    body: CompareIn, session: AnswerSession, settings: SettingsDep, lang: Language, _reader: InventoryReader
) -> CompareOut:
    """Two to four sites (`parcel:CODE`, `factory:CODE`, `assembly:CODE+CODE`) for one need, as
    the match scores them: each site's facts, each criterion's points under `weights` (by
    criterion name, over the city's; none negative), each hard constraint passed or failed with
    its reason, the joint review sheet (投资强度, 容积率, 亩均税收 … against the city's standards),
    and the ranking (scores at 0.01, ties by ref). Nothing is written."""
    need = MatchIn.model_validate(
        body.model_dump(exclude=set(CompareIn.model_fields) - set(MatchIn.model_fields))
    ).to_need()
    comparison = compare(
        session,
        need,
        body.sites,
        settings.match_config(),
        settings.review_config(),
        reviewed(need, body.annual_output_wan, body.annual_tax_wan),
        body.weights,
    )
    return CompareOut.model_validate(comparison_dict(comparison, settings.match_config(), lang))
