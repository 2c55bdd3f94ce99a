"""The city's rules for the pipeline, with Landstock's defaults (service/settings.py lets the city
set its own): when a project counts as a key project, when a project or a site is flagged (the
alerts of gis/pipeline/alerts.py), whether a land project needs an approved joint review
before it signs, and how the parks' and towns' scorecard (gis/pipeline/scorecard.py) weighs
what they did.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import StrEnum


class Tier(StrEnum):
    """How large a project is, for the bureau's reports."""

    MAJOR = "major"  # 重特大项目
    LARGE = "large"  # 亿元以上项目


@dataclass(frozen=True)
class PipelineConfig:
    """Thresholds in 万元 and 万美元, and days."""

    major_total_wan: float = 100_000.0  # 总投资 10 亿元
    major_foreign_wusd: float = 10_000.0  # 1 亿美元
    large_total_wan: float = 10_000.0  # 1 亿元
    large_foreign_wusd: float = 1_500.0  # 外资项目的"亿元以上"
    review_before_signing: bool = True
    follow_up_days: int = 30  # without a follow-up for longer: flagged
    signed_unsupplied_days: int = 180  # 签约未供地
    reservation_days: int = 90  # 意向 held without progress
    # The scorecard's points per unit of each criterion (以项目落地开工论英雄): a start weighs above
    # a supply (落地), a supply above a signing
    weight_major_leads: float = 1.0  # per new 亿元以上 lead
    weight_signed: float = 2.0  # per project signed
    weight_registered: float = 2.0  # per project registered
    weight_supplied: float = 4.0  # per project given its land or factory
    weight_started: float = 6.0  # per project started
    weight_investment_started: float = 1.0  # per 亿元 of investment started
    weight_key_industry_share: float = 5.0  # at 100 % of the landed projects in a key industry
    weight_key_platform_share: float = 3.0  # at 100 % of the landed projects on a key platform
    # The city's key industries, GB/T 4754-2017 code prefixes: 生物医药 (27), 海工及高端装备 (35,
    # 37), 新能源 (38), 电子信息 (39)
    key_industries: tuple[str, ...] = ("27", "35", "37", "38", "39")
    # The key platforms (重点平台) by area code; empty: the parks and towns marked 重点平台
    key_platforms: tuple[str, ...] = ()
    # 闲置土地处置办法 (国土资源部令第53号, 2012) 第十四条: 未动工开发满一年 征缴土地闲置费, 满两年 无偿收回
    idle_fee_years: int = 1
    idle_reclaim_years: int = 2

    def __post_init__(self) -> None:
        weights = [f.name for f in fields(self) if f.name.startswith("weight_")]
        if any(getattr(self, name) < 0 for name in weights):
            raise ValueError("scorecard weights must not be negative")
        if not self.weight_started > self.weight_supplied > self.weight_signed:
            raise ValueError(
                "scorecard weights must weigh a start above a supply and a supply above a "
                f"signing (started {self.weight_started} > supplied {self.weight_supplied} "
                f"> signed {self.weight_signed})"
            )

    def weight(self, criterion: str) -> float:
        """The points per unit of a scorecard criterion (`signed`, `key_platform_share`, ...)."""
        return float(getattr(self, f"weight_{criterion}"))

    def is_large(self, total_wan: float | None, foreign_wusd: float | None) -> bool:
        """Whether a project is 亿元以上 (重特大 included)."""
        return self.tier(total_wan, foreign_wusd) is not None

    def tier(self, total_wan: float | None, foreign_wusd: float | None) -> Tier | None:
        """The project's tier by its total investment (or its foreign investment)."""
        total, foreign = total_wan or 0.0, foreign_wusd or 0.0
        if total >= self.major_total_wan or foreign >= self.major_foreign_wusd:
            return Tier.MAJOR
        if total >= self.large_total_wan or foreign >= self.large_foreign_wusd:
            return Tier.LARGE
        return None
