"""/api/match, the reverse match and /api/review: which sites fit a project, which projects fit
a site, and what the joint review says of a project that is not saved."""

# No `from __future__ import annotations`: the reverse-match routes are made for each kind of
# site, and FastAPI must read their parameters where they are made.

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter

from gis import mapdata, search_area
from gis.matching import reverse
from gis.matching.compare import with_weights
from gis.matching.explain import candidate_dict, result_dict
from gis.matching.lead import parse
from gis.matching.lead_words import lead_dict
from gis.matching.review import review_of
from gis.matching.run import match
from service.dependencies import AnswerSession, Language, ReadSession, SettingsDep
from service.kinds import KINDS, ServedKind
from service.match_schemas import LeadIn, LeadOut, MatchIn, MatchOut, ProjectFitOut, ReviewIn, ReviewOut
from service.read_access import InventoryReader, ProjectReader, visible_projects
from service.review_sheet import review_dict
from service.schemas import out_of

router = APIRouter(prefix="/api", tags=["matching 项目匹配"])


@router.post("/match", summary="Match an ad-hoc request 临时匹配")
def match_request(
    body: MatchIn, session: AnswerSession, settings: SettingsDep, lang: Language, _reader: InventoryReader
) -> MatchOut:
    """Parcels, assembled sites and factories that meet every hard constraint, best first, each
    with its score explained; the best near misses with their gaps; the rules applied. `weights`
    sets criteria's weights for this request over the city's (POST /api/match/compare takes the
    same)."""
    area = search_area.resolve(session, replace(body.search_spec(), region=settings.imports.region))
    result = match(
        session,
        replace(body.to_need(), search_area=area),
        with_weights(settings.match_config(), body.weights),
        limit=body.limit,
        near_limit=body.near_misses,
        assemble=body.assemble,
    )
    return MatchOut.model_validate(result_dict(result, lang))


@router.post("/match/parse", summary="Read a pasted lead into a need 解析项目信息")
def parse_lead(
    body: LeadIn, session: AnswerSession, settings: SettingsDep, lang: Language, _reader: InventoryReader
) -> LeadOut:
    """The need a project lead states, as it came in a chat or an email (e.g. 医药制造，固定资产投资3亿元，
    需地约60亩，二类工业，靠近港口，层高8米以上): the fields of POST /api/match it gives, each phrase
    understood with its span and what it became, and each piece not placed (not understood, a
    contradiction of an earlier value, or a figure out of range). Nothing is written; an industry
    not recognised leaves `industry_code` out of the need."""
    industries = dict(mapdata.industry_choices(session))
    lead = parse(body.text, industries, settings.lead.config())
    return LeadOut.model_validate(lead_dict(lead, industries, lang))


@router.post("/review", summary="Joint review of an ad-hoc project 临时项目联合会审")
def review_request(
    body: ReviewIn, session: ReadSession, settings: SettingsDep, lang: Language, _reader: InventoryReader
) -> ReviewOut:
    """The review sheet (联合会审) of a project that is not saved on a parcel, an assembly (A+B) or
    a factory: 投资强度, 亩均产出, 亩均税收, plot ratio, building coefficient and office share, each
    against the national indicator and the city threshold, with the rule. The need takes the
    fields of POST /api/match (a form may send the same body); the review reads the industry,
    the fixed-asset investment and, for a factory, the floor area."""
    sheet = review_of(
        session, body.project(), body.site, body.planned(), settings.review_config(), settings.match_config()
    )
    return ReviewOut.model_validate(review_dict(sheet, lang))


def _fits(fits: list[reverse.ProjectFit], lang: str) -> list[ProjectFitOut]:
    return [
        out_of(ProjectFitOut, f, score=f.candidate.score, candidate=candidate_dict(f.candidate, lang, i + 1))
        for i, f in enumerate(fits)
    ]


PROJECT_RESPONSES: dict[int | str, dict[str, Any]] = {401: {"description": "Sign-in required"}}


def _fits_route(kind: ServedKind) -> None:
    def projects_for_site(
        session: ReadSession,
        settings: SettingsDep,
        lang: Language,
        who: ProjectReader,
        code: Annotated[str, kind.code],
    ) -> list[ProjectFitOut]:
        fits = reverse.projects_for_site(
            session, kind.name, code, settings.match_config(), visible=visible_projects(session, who)
        )
        return _fits(fits, lang)

    router.add_api_route(
        f"/{kind.plural}/{{code}}/projects",
        projects_for_site,
        name=f"projects_for_{kind.name}",
        responses=PROJECT_RESPONSES,
        description=kind.fits,
        summary=f"Projects that fit a {kind.name} 适合该{kind.zh}的项目",
    )


for site_kind in KINDS.values():
    _fits_route(site_kind)
