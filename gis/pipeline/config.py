"""The city's rules for the pipeline, with Landstock's defaults (service/settings.py lets the city
set its own): when a project counts as a key project, when a project or a site is flagged (the
alerts of gis/pipeline/alerts.py), and whether a land project needs an approved joint review
before it signs.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    # 闲置土地处置办法 (国土资源部令第53号, 2012) 第十四条: 未动工开发满一年 征缴土地闲置费, 满两年 无偿收回
    idle_fee_years: int = 1
    idle_reclaim_years: int = 2

    def tier(self, total_wan: float | None, foreign_wusd: float | None) -> Tier | None:
        """The project's tier by its total investment (or its foreign investment)."""
        total, foreign = total_wan or 0.0, foreign_wusd or 0.0
        if total >= self.major_total_wan or foreign >= self.major_foreign_wusd:
            return Tier.MAJOR
        if total >= self.large_total_wan or foreign >= self.large_foreign_wusd:
            return Tier.LARGE
        return None
