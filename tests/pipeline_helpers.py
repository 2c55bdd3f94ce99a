"""What the pipeline's tests share, in the API, the pages and the real browser: days counted back
from today, and a land project in 在谈 that a joint review can be held for."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gis import localtime

TODAY = localtime.today()


def day(ago: int) -> str:
    """The ISO date `ago` days before today (a negative `ago` is in the future)."""
    return (TODAY - dt.timedelta(days=ago)).isoformat()


def land_project(code: str, name: str, investor: str | None = None) -> dict[str, Any]:
    """A new project's body: 医药 (27) wanting 20-80 亩 for 3 亿元, in 在谈 for 30 days."""
    return {
        "code": code,
        "name": name,
        "industry_code": "27",
        "investor": investor if investor is not None else f"{code}测试有限公司",
        "land_min_mu": 20,
        "land_max_mu": 80,
        "fixed_investment_wan": 30000,
        "stage": "negotiating",
        "stage_since": day(30),
    }


def inspection(ago: int, participants: str) -> dict[str, str]:
    """A follow-up's fields: an inspection at 吕四港 `ago` days back, two sites seen, a quote due in a week."""
    return {
        "day": day(ago),
        "kind": "inspection",
        "participants": participants,
        "place": "吕四港",
        "outcome": "看了两块地",
        "next_step": "报价",
        "next_on": day(-7),
    }
