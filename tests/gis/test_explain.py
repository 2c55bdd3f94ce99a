"""The facts behind a criterion's points, in the reader's language."""

import pytest

from gis.matching.explain import criterion_fact


@pytest.mark.parametrize(
    ("name", "raw", "kind", "zh", "en"),
    [
        ("port", 6.31, "parcel", "6.3 公里", "6.3 km"),
        ("rail_station", None, "parcel", "未知", "unknown"),
        ("idle", 7.0, "parcel", "闲置 7 年", "idle 7 years"),
        ("area_fit", 52.1, "parcel", "52.1 亩", "52.1 mu"),
        ("area_fit", 3079.2, "factory", "3,079.2 平方米", "3,079.2 m²"),
        (
            "industry_fit",
            {"leading": True, "chain_firms": 6},
            "parcel",
            "主导产业，同链企业 6 家",
            "a leading industry, 6 firms of the same chain",
        ),
        ("priority", False, "parcel", "非重点平台", "not a priority platform"),
        ("preferred", True, "assembly", "在意向区域内", "inside a preferred area"),
        ("readiness", 7.5, "assembly", "7.5/9 项具备", "7.5 of 9 items ready"),
        ("price", 18.0, "parcel", "18 万元/亩", "18 (10k CNY) per mu"),
        ("price", 22.5, "factory", "22.5 元/平方米·月", "22.5 CNY/m² a month"),
        ("price", None, "factory", "未标价", "no price given"),
        ("class_fit", "二类工业用地", "parcel", "二类工业用地", "二类工业用地"),
        ("assembly", 3, "assembly", "3 宗地块", "3 parcels"),
    ],
)
def test_each_criterion_says_the_fact_behind_its_points(name, raw, kind, zh, en):
    assert (criterion_fact(name, raw, kind, "zh"), criterion_fact(name, raw, kind, "en")) == (zh, en)
