"""What a project needs (a match request) and the city's rules that turn it into hard numbers.

A request comes from a saved project or is typed in ad hoc. `resolve` fixes what the match
checks: the nuisance class (the project's EIA class, else the industry default), the land need
in 亩 (given, or fixed-asset investment ÷ investment intensity), the effective plot-ratio minimum
(the stricter of the national industry minimum and the provincial/county floor, except the
industries whose plot ratio a collective decision sets) and the floor area a factory must offer.
Pure: no database, no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from gis import localtime
from gis.errors import InvalidInput
from gis.labels import Text
from gis.vocabulary import ReadyItem

if TYPE_CHECKING:
    from gis.search_area import SearchArea

READY_ITEMS = tuple(ReadyItem)
INFRA_KINDS = ("port", "highway_exit", "rail_station")


@dataclass(frozen=True)
class MatchConfig:
    """The rules and scales of matching; service/settings.py fills it from LANDSTOCK_MATCH_*."""

    plot_ratio_floor: float = 1.2
    plot_ratio_floor_rule: str = "苏政办发〔2021〕103号 (苏中)"
    investment_intensity_wan_per_mu: float = 300.0
    derived_min_share: float = 0.8
    unclassified_industrial_nuisance: int = 2
    logistics_industries: tuple[str, ...] = ("59",)
    sea_use_industries: tuple[str, ...] = ("37",)
    high_standard_factory_max_mu: float = 22.5
    distance_scale_km: float = 30.0
    price_low_wan_per_mu: float = 15.0
    price_high_wan_per_mu: float = 50.0
    rent_low_yuan: float = 10.0
    rent_high_yuan: float = 30.0
    idle_full_years: float = 5.0
    chain_full_firms: int = 5
    assembly_gap_m: float = 15.0
    assembly_max_members: int = 4
    assembly_seeds: int = 12
    assembly_window_m: float = 400.0
    assembly_penalty: float = 5.0
    near_miss_pool: int = 5
    near_miss_slack: float = 0.3
    near_miss_max_failures: int = 2
    # weights set by the city, by criterion name; any other keeps its declared default (criteria.py)
    weights: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Industry:
    """The facts of one industry code the match needs (from the reference table)."""

    code: str
    name: str
    nuisance_class: int | None
    plot_ratio_min: float | None
    collective_decision: bool
    sector: str | None


@dataclass(frozen=True)
class Need:
    """A match request: a saved project's fields or an ad-hoc form."""

    industry_code: str
    project_code: str | None = None
    name: str | None = None
    nuisance_class: int | None = None
    land_min_mu: float | None = None
    land_max_mu: float | None = None
    fixed_investment_wan: float | None = None
    floor_area_min_m2: float | None = None
    floor_area_max_m2: float | None = None
    clear_height_min_m: float | None = None
    floor_load_min_kn_m2: float | None = None
    crane_min_t: float | None = None
    power_min_kva: float | None = None
    needs_waterfront: bool = False
    preferred_areas: tuple[str, ...] = ()
    insist_on_preferred: bool = False
    max_distance_km: tuple[tuple[str, float], ...] = ()
    budget_wan: float | None = None
    max_rent_yuan_m2_month: float | None = None
    required_readiness: tuple[str, ...] = ()
    include_reserved: bool = False
    today: dt.date | None = None
    search_area: SearchArea | None = None  # where the site's point must lie (gis/search_area.py)


@dataclass(frozen=True)
class Resolved:
    """A need with everything the checks use worked out, and the rules that decided it."""

    need: Need
    industry: Industry
    nuisance_class: int
    land_min_mu: float | None
    land_max_mu: float | None
    land_derived: bool
    plot_ratio_min: float | None
    plot_ratio_rule: str | None
    collective: bool
    floor_area_min_m2: float | None
    logistics: bool
    sea_use: bool
    steer_to_factories: bool
    today: dt.date

    @property
    def wants_land(self) -> bool:
        """Whether parcels are searched (a land need, given or derived)."""
        return self.land_min_mu is not None

    @property
    def wants_factory(self) -> bool:
        """Whether factories are searched (a floor-area need, given or derived)."""
        return self.floor_area_min_m2 is not None


def _prefixed(code: str, prefixes: tuple[str, ...]) -> bool:
    return any(code.startswith(p) for p in prefixes)


def _land_need(need: Need, config: MatchConfig) -> tuple[float | None, float | None, bool]:
    low, high = need.land_min_mu, need.land_max_mu
    if low is not None and high is not None and low > high:
        raise InvalidInput("error.bad_range", field=Text("field.area_mu"), low=low, high=high)
    if low is None and high is None and need.fixed_investment_wan and need.floor_area_min_m2 is None:
        # the land a project can justify ≈ 固定资产投资 ÷ 投资强度 (REFERENCE.md)
        high = round(need.fixed_investment_wan / config.investment_intensity_wan_per_mu, 1)
        return round(high * config.derived_min_share, 1), high, True
    if low is None and high is not None:
        low = high * config.derived_min_share
    return low, high, False


def _plot_ratio(industry: Industry, config: MatchConfig) -> tuple[float | None, str | None]:
    national = industry.plot_ratio_min
    if national is None:
        return None, None
    if industry.collective_decision or national >= config.plot_ratio_floor:
        return national, "国土资发〔2008〕24号"
    return config.plot_ratio_floor, config.plot_ratio_floor_rule


def _suits_high_standard(need: Need, industry: Industry, nuisance: int, logistics: bool) -> bool:
    return (
        nuisance <= 2
        and not need.needs_waterfront
        and not logistics
        and industry.plot_ratio_min is not None
        and not industry.collective_decision
    )


def resolve(need: Need, industry: Industry, config: MatchConfig) -> Resolved:
    """Work out the effective class, land range, plot-ratio minimum and floor-area need."""
    if need.nuisance_class is not None and need.nuisance_class not in (1, 2, 3):
        raise InvalidInput(
            field=Text("field.nuisance_class"),
            value=need.nuisance_class,
            reason=Text("match.reason.nuisance_range"),
        )
    logistics = _prefixed(industry.code, config.logistics_industries)
    nuisance = need.nuisance_class or industry.nuisance_class or 1
    low, high, derived = _land_need(need, config)
    plot_min, rule = _plot_ratio(industry, config)
    floor = need.floor_area_min_m2
    small = high if high is not None else low
    steer = (
        small is not None
        and small < config.high_standard_factory_max_mu
        and _suits_high_standard(need, industry, nuisance, logistics)
    )
    if floor is None and steer and low is not None:
        floor = round(low * (10000 / 15) * (plot_min or 1.0), -1)
    if low is None and floor is None:
        raise InvalidInput("match.error.no_need")
    return Resolved(
        need,
        industry,
        nuisance,
        low,
        high,
        derived,
        plot_min,
        rule,
        industry.collective_decision,
        floor,
        logistics,
        _prefixed(industry.code, config.sea_use_industries),
        steer,
        need.today or localtime.today(),
    )


def tightened(need: Need, **changes: Any) -> Need:
    """A copy of `need` with some fields changed (used by callers and property tests)."""
    return replace(need, **changes)
