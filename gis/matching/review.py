"""The joint pre-signing review sheet (联合会审): a project on a site against the indicators.

投资强度, 亩均产出 and 亩均税收 per 亩 of the site; plot ratio, building coefficient and office
share from the design plan when given, else from the site's planning conditions. Each is checked
against the national indicator and the city's threshold (settings, example values until the city
sets its own), with the rule cited. `review_sheet` is pure; `review_of` (any project's fields)
and `load_review` (a saved project) read the database; `sheet_data` keeps a sheet as it stood
(a joint review's record) and `sheet_from_data` reads it back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any, Required, TypedDict, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from gis.area import M2_PER_MU
from gis.errors import InvalidInput, NotFound
from gis.labels import Text
from gis.matching.constraints import official_mu
from gis.matching.context import industry_facts
from gis.matching.need import Industry, MatchConfig
from gis.models import Area, Factory, Parcel, Project
from gis.vocabulary import CandidateKind

PASS, FAIL, PENDING, COLLECTIVE, NOT_APPLICABLE = "pass", "fail", "pending", "collective", "na"


@dataclass(frozen=True)
class ReviewConfig:
    """The city's thresholds and the national indicators; service/settings.py fills it."""

    # one number: the match derives a land need from it (MatchConfig)
    investment_intensity_min: float = MatchConfig.investment_intensity_wan_per_mu
    output_per_mu_min: float = 400.0
    tax_per_mu_min: float = 25.0
    per_park: dict[str, dict[str, float]] = field(default_factory=dict)
    national_investment_intensity: float | None = None
    building_coefficient_national: float = 30.0
    building_coefficient_city: float = 40.0
    office_share_national: float = 7.0
    office_share_city: float = 7.0


@dataclass(frozen=True)
class Planned:
    """Design values a project states for the review (any may be missing)."""

    plot_ratio: float | None = None
    building_coefficient: float | None = None
    office_share: float | None = None


@dataclass(frozen=True)
class SiteFacts:
    """What the review needs of the site: a parcel, parcels assembled into one (A+B), or a factory."""

    kind: CandidateKind
    code: str
    park_code: str | None
    area_mu: float
    plot_ratio_max: float | None
    building_density_min: float | None


@dataclass(frozen=True)
class Bound:
    """A threshold: at least (`>=`) or at most (`<=`) a value, and the rule that sets it."""

    value: float | None
    op: str
    rule: Text


@dataclass(frozen=True)
class Indicator:
    """One row of the sheet."""

    name: str
    value: float | None
    source: str
    national: Bound
    city: Bound
    status: str


class ReviewedProject(TypedDict, total=False):
    """What a review reads and keeps of a project (a saved one, or one typed into the match form
    without a code); only the industry is always there."""

    code: str | None
    name: str | None
    investor: str | None
    industry_code: Required[str]
    investment_total_wan: float | None
    fixed_investment_wan: float | None
    annual_output_wan: float | None
    annual_tax_wan: float | None
    floor_area_min_m2: float | None


@dataclass(frozen=True)
class Sheet:
    """The review of one project on one site."""

    project: ReviewedProject
    site: SiteFacts
    rows: list[Indicator]
    overall: str


def _meets(value: float | None, bound: Bound) -> bool | None:
    if value is None or bound.value is None:
        return None
    return value >= bound.value - 1e-9 if bound.op == ">=" else value <= bound.value + 1e-9


def judge(value: float | None, national: Bound, city: Bound) -> str:
    """Pass when every bound that is set is met; pending when the value is missing."""
    if national.value is None and city.value is None:
        return NOT_APPLICABLE  # no indicator for this industry (logistics, R&D)
    if value is None:
        return PENDING
    verdicts = [v for v in (_meets(value, national), _meets(value, city)) if v is not None]
    return PASS if all(verdicts) else FAIL


def _threshold(config: ReviewConfig, park: str | None, name: str) -> float:
    default: float = getattr(config, name)
    return config.per_park.get(park or "", {}).get(name, default)


def _per_mu(amount: float | None, area_mu: float) -> float | None:
    return None if amount is None or area_mu <= 0 else round(amount / area_mu, 2)


def economic_rows(project: ReviewedProject, site: SiteFacts, config: ReviewConfig) -> list[Indicator]:
    """投资强度, 亩均产出, 亩均税收 against the city's thresholds (and the national one if set)."""
    city_rule, none = Text("review.rule.city_example"), Text("review.rule.recommended_2023")
    rows = []
    for name, amount, threshold, national in (
        (
            "investment_intensity",
            project.get("fixed_investment_wan"),
            "investment_intensity_min",
            config.national_investment_intensity,
        ),
        ("output_per_mu", project.get("annual_output_wan"), "output_per_mu_min", None),
        ("tax_per_mu", project.get("annual_tax_wan"), "tax_per_mu_min", None),
    ):
        value = _per_mu(amount, site.area_mu)
        nat = Bound(national, ">=", none)
        city = Bound(_threshold(config, site.park_code, threshold), ">=", city_rule)
        rows.append(Indicator(name, value, "project", nat, city, judge(value, nat, city)))
    return rows


def plot_ratio_row(site: SiteFacts, planned: Planned, industry: Industry, match: MatchConfig) -> Indicator:
    """Plot ratio against the national industry minimum and the Jiangsu 苏中 floor."""
    value, source = (
        (planned.plot_ratio, "planned") if planned.plot_ratio is not None else (site.plot_ratio_max, "site")
    )
    national = Bound(industry.plot_ratio_min, ">=", Text("review.rule.national_2023"))
    if industry.collective_decision:
        city = Bound(None, ">=", Text("review.rule.collective", {"industry": industry.name}))
        status = judge(value, national, city)
        return Indicator(
            "plot_ratio", value, source, national, city, COLLECTIVE if status == PASS else status
        )
    floor = max(industry.plot_ratio_min or 0.0, match.plot_ratio_floor) if industry.plot_ratio_min else None
    city = Bound(floor, ">=", Text("review.rule.jiangsu_floor", {"value": match.plot_ratio_floor}))
    return Indicator("plot_ratio", value, source, national, city, judge(value, national, city))


def layout_rows(site: SiteFacts, planned: Planned, config: ReviewConfig) -> list[Indicator]:
    """Building coefficient (at least) and office share (at most)."""
    coefficient, source = (
        (planned.building_coefficient, "planned")
        if planned.building_coefficient is not None
        else (site.building_density_min, "site")
    )
    nat_bc = Bound(config.building_coefficient_national, ">=", Text("review.rule.national_2023"))
    city_bc = Bound(config.building_coefficient_city, ">=", Text("review.rule.city_example"))
    nat_os = Bound(config.office_share_national, "<=", Text("review.rule.national_2023"))
    city_os = Bound(config.office_share_city, "<=", Text("review.rule.city_example"))
    return [
        Indicator(
            "building_coefficient", coefficient, source, nat_bc, city_bc, judge(coefficient, nat_bc, city_bc)
        ),
        Indicator(
            "office_share",
            planned.office_share,
            "planned",
            nat_os,
            city_os,
            judge(planned.office_share, nat_os, city_os),
        ),
    ]


def overall(rows: list[Indicator]) -> str:
    """Fail if any row fails; then pending, then collective; else pass."""
    statuses = {r.status for r in rows}
    for status in (FAIL, PENDING, COLLECTIVE):
        if status in statuses:
            return status
    return PASS


def review_sheet(
    project: ReviewedProject,
    site: SiteFacts,
    planned: Planned,
    industry: Industry,
    config: ReviewConfig,
    match: MatchConfig,
) -> Sheet:
    """Every indicator of `project` on `site`, judged, with the overall verdict."""
    rows = economic_rows(project, site, config)
    if site.kind == CandidateKind.FACTORY:
        # a building that stands: its plot ratio and layout are not the project's to decide
        na = Bound(None, ">=", Text("review.rule.city_example"))
        rows += [
            Indicator(n, None, "site", na, na, NOT_APPLICABLE)
            for n in ("plot_ratio", "building_coefficient", "office_share")
        ]
    else:
        rows += [plot_ratio_row(site, planned, industry, match), *layout_rows(site, planned, config)]
    return Sheet(project, site, rows, overall(rows))


# --- a sheet kept as it stood (a joint review's record) ----------------------------------------

# What a record keeps of the project: what the sheet's figures were computed from
PROJECT_FACTS = tuple(ReviewedProject.__annotations__)


def sheet_data(sheet: Sheet) -> dict[str, Any]:
    """The sheet as JSON-ready data, its rules as message keys: later thresholds leave it be."""
    kept = cast(ReviewedProject, {k: sheet.project.get(k) for k in PROJECT_FACTS})
    return asdict(replace(sheet, project=kept))


def _bound_of(data: dict[str, Any]) -> Bound:
    rule = data["rule"]
    return Bound(data["value"], data["op"], Text(rule["key"], dict(rule["params"])))


def sheet_from_data(data: dict[str, Any]) -> Sheet:
    """A sheet kept by `sheet_data`, as it stood then."""
    rows = [
        Indicator(
            r["name"], r["value"], r["source"], _bound_of(r["national"]), _bound_of(r["city"]), r["status"]
        )
        for r in data["rows"]
    ]
    return Sheet(
        cast(ReviewedProject, dict(data["project"])), SiteFacts(**data["site"]), rows, data["overall"]
    )


# --- reading the database ----------------------------------------------------------------------


def _site_codes(site: str) -> list[str]:
    """The codes of a site: one, or the parcels of an assembly joined by '+' (each once)."""
    codes = list(dict.fromkeys(c.strip() for c in site.split("+") if c.strip()))
    if not codes:
        raise InvalidInput("review.error.site_required")
    return codes


def _parcel_site(session: Session, codes: list[str]) -> SiteFacts:
    rows = session.execute(
        select(Parcel, Area.code)
        .outerjoin(Area, Area.id == Parcel.park_id)
        .where(Parcel.code.in_(codes), Parcel.deleted_at.is_(None))
    ).all()
    found = {p.code: (p, park) for p, park in rows}
    missing = [c for c in codes if c not in found]
    if missing:
        raise NotFound(kind=Text("kind.parcel"), code=missing[0])
    parcels = [found[c][0] for c in codes]
    ratios = [p.plot_ratio_max for p in parcels if p.plot_ratio_max is not None]
    densities = [p.building_density_min for p in parcels if p.building_density_min is not None]
    area = sum(official_mu({"cert_area_m2": p.cert_area_m2, "area_m2": p.area_m2}) for p in parcels)
    return SiteFacts(
        CandidateKind.ASSEMBLY if len(codes) > 1 else CandidateKind.PARCEL,
        "+".join(codes),
        found[codes[0]][1],
        round(area, 2),
        min(ratios) if ratios else None,
        max(densities) if densities else None,
    )


def _factory_site(
    session: Session, code: str, floor_area_m2: float | None, match: MatchConfig
) -> SiteFacts | None:
    row = session.execute(
        select(Factory, Area.code)
        .outerjoin(Area, Area.id == Factory.park_id)
        .where(Factory.code == code, Factory.deleted_at.is_(None))
    ).first()
    if row is None:
        return None
    factory, park = row
    # land equivalent of the floor area taken, at the county's plot-ratio floor
    floor = floor_area_m2 or factory.vacant_area_m2 or factory.floor_area_m2
    return SiteFacts(
        CandidateKind.FACTORY,
        factory.code,
        park,
        round(floor / match.plot_ratio_floor / M2_PER_MU, 2),
        None,
        None,
    )


def review_of(
    session: Session,
    project: ReviewedProject,
    site: str,
    planned: Planned,
    config: ReviewConfig,
    match: MatchConfig,
) -> Sheet:
    """The review sheet of a project, saved or not (its fields: `industry_code`,
    `fixed_investment_wan`, `annual_output_wan`, `annual_tax_wan`, `floor_area_min_m2`, `code`,
    `name`), on a parcel, an assembly (A+B) or a factory."""
    codes = _site_codes(site)
    industry = industry_facts(session, project["industry_code"])
    facts = (
        _factory_site(session, codes[0], project.get("floor_area_min_m2"), match) if len(codes) == 1 else None
    )
    return review_sheet(project, facts or _parcel_site(session, codes), planned, industry, config, match)


def load_review(
    session: Session, project_code: str, site: str, planned: Planned, config: ReviewConfig, match: MatchConfig
) -> Sheet:
    """The review sheet of a saved project on a parcel, an assembly (A+B) or a factory."""
    project = session.scalar(
        select(Project).where(Project.code == project_code, Project.deleted_at.is_(None))
    )
    if project is None:
        raise NotFound(kind=Text("kind.project"), code=project_code)
    if not project.industry_code:
        raise InvalidInput("match.error.no_industry", code=project_code)
    values = cast(ReviewedProject, {k: getattr(project, k) for k in PROJECT_FACTS})
    return review_of(session, values, site, planned, config, match)
