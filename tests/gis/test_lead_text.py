"""Leads as they are really written, read into a match need (gis/matching/lead.py): chat lines,
emails, with and without punctuation, stray spaces, full-width digits, Chinese numerals, English
units, ranges written five ways, several needs in one sentence, contradictions and junk; then the
spans, the pieces not placed, and the same answer every time."""

import csv
import re

import pytest
import yaml

from gis.matching.lead import (
    ALIASES,
    LIMITS,
    NEED_FIELDS,
    LeadConfig,
    alias_table,
    fold,
    number,
    parse,
)
from gis.vocabulary import ReadyItem
from harness.paths import ROOT

INDUSTRIES = {
    row["code"]: row["name"]
    for row in csv.DictReader((ROOT / "data" / "reference" / "industries.csv").open(encoding="utf-8"))
}
SEVEN_AND_LEVEL = ["road", "power", "water", "drainage", "telecom", "gas", "heat", "leveled"]


def land(low, high=None):
    """A land need: a band, or ±10 % about one figure."""
    if high is None:
        low, high = round(low * 0.9, 2), round(low * 1.1, 2)
    return {"land_min_mu": low, "land_max_mu": high}


def floor(low, high=None):
    """A floor-area need: a band, or ±10 % about one figure."""
    if high is None:
        low, high = round(low * 0.9, 2), round(low * 1.1, 2)
    return {"floor_area_min_m2": low, "floor_area_max_m2": high}


EXAMPLE = "医药制造，固定资产投资3亿元，需地约60亩，二类工业，靠近港口，层高8米以上"
EXAMPLE_NEED = {
    "industry_code": "27",
    "nuisance_class": 2,
    **land(60),
    "fixed_investment_wan": 30000,
    "clear_height_min_m": 8,
    "max_distance_km": {"port": 10},
}

CASES = [
    # ---- the example, and the same lead written other ways ----
    (EXAMPLE, EXAMPLE_NEED),
    ("医药制造 固定资产投资3亿元 需地约60亩 二类工业 靠近港口 层高8米以上", EXAMPLE_NEED),
    ("医药制造。固定资产投资3亿元。需地约60亩。二类工业。靠近港口。层高8米以上。", EXAMPLE_NEED),
    ("医药制造,固定资产投资3亿元,需地约60亩,二类工业,靠近港口,层高8米以上", EXAMPLE_NEED),
    ("医药制造;固定资产投资3亿元;需地约60亩;二类工业;靠近港口;层高8米以上", EXAMPLE_NEED),
    ("医药制造\n固定资产投资3亿元\n需地约60亩\n二类工业\n靠近港口\n层高8米以上", EXAMPLE_NEED),
    ("医药制造，固定资产投资３亿元，需地约６０亩，二类工业，靠近港口，层高８米以上", EXAMPLE_NEED),
    ("医药制造，固定资产投资三亿元，需地约六十亩，二类工业，靠近港口，层高八米以上", EXAMPLE_NEED),
    ("医药制造，固定资产投资 3 亿元，需地约 60 亩，二类工业，靠近 港口，层高 8 米以上", EXAMPLE_NEED),
    ("医药制造固定资产投资3亿元需地约60亩二类工业靠近港口层高8米以上", EXAMPLE_NEED),
    ("层高8米以上，靠近港口，二类工业，需地约60亩，固定资产投资3亿元，医药制造", EXAMPLE_NEED),
    ("医药制造，固定资产投资3亿元，需地60亩左右，M2，靠近港口，层高8m以上", EXAMPLE_NEED),
    # ---- land ----
    ("需地60亩", land(60)),
    ("用地约60亩", land(60)),
    ("大约60亩地", land(60)),
    ("60亩左右", land(60)),
    ("六十亩上下", land(60)),
    ("需要土地100亩", land(100)),
    ("用地50-80亩", land(50, 80)),
    ("用地50～80亩", land(50, 80)),
    ("用地50~80亩", land(50, 80)),
    ("用地50至80亩", land(50, 80)),
    ("用地50到80亩", land(50, 80)),
    ("用地50—80亩", land(50, 80)),
    ("用地50亩-80亩", land(50, 80)),
    ("五十到八十亩", land(50, 80)),
    ("用地８０－１２０亩", land(80, 120)),
    ("用地80-50亩", land(50, 80)),
    ("不少于50亩", {"land_min_mu": 50}),
    ("用地不低于50亩", {"land_min_mu": 50}),
    ("至少50亩", {"land_min_mu": 50}),
    ("50亩以上", {"land_min_mu": 50}),
    ("占地100亩以上", {"land_min_mu": 100}),
    ("50多亩地", {"land_min_mu": 50}),
    ("用地100亩以内", {"land_max_mu": 100}),
    ("不超过30亩", {"land_max_mu": 30}),
    ("30亩以下", {"land_max_mu": 30}),
    ("用地最多40亩", {"land_max_mu": 40}),
    ("用地不少于50亩，不超过80亩", land(50, 80)),
    ("4公顷", land(60)),
    ("用地4公顷左右", land(60)),
    ("占地3-4公顷", land(45, 60)),
    ("需要3万平方米土地", land(45)),
    ("占地3万平方米", land(45)),
    ("用地面积约20000平方米", land(30)),
    ("60 mu of land", land(60)),
    ("land 4 ha", land(60)),
    ("用地一百二十亩", land(120)),
    ("用地一百亩以上", {"land_min_mu": 100}),
    ("需地约1000亩", land(1000)),
    ("用地 60 亩", land(60)),
    ("用地6 0亩", land(60)),
    ("需地12.5亩", land(12.5)),
    # ---- money ----
    ("固定资产投资3亿元", {"fixed_investment_wan": 30000}),
    ("固定资产投资5000万元", {"fixed_investment_wan": 5000}),
    ("固投2个亿", {"fixed_investment_wan": 20000}),
    ("固定资产投资1.5亿", {"fixed_investment_wan": 15000}),
    ("固定资产投资一千五百万", {"fixed_investment_wan": 1500}),
    ("固定资产投资8000", {"fixed_investment_wan": 8000}),
    ("固定资产投资3千万", {"fixed_investment_wan": 3000}),
    ("固定资产投资3000w", {"fixed_investment_wan": 3000}),
    ("固定资产投资1亿5000万", {"fixed_investment_wan": 15000}),
    ("固定资产投资一亿五千万元", {"fixed_investment_wan": 15000}),
    ("固定资产投资三点五亿", {"fixed_investment_wan": 35000}),
    ("固定资产投资1000万美元", {"fixed_investment_wan": 7100}),
    ("固定资产投资1亿美元", {"fixed_investment_wan": 71000}),
    ("固定资产投资3-5亿元", {"fixed_investment_wan": 30000}),
    ("固定资产投资 3 亿", {"fixed_investment_wan": 30000}),
    ("总投资10亿元", {}),
    ("投资3个亿", {}),
    ("计划投资5000万美元", {}),
    ("总投资10亿元，其中固定资产投资8亿元", {"fixed_investment_wan": 80000}),
    ("地价预算2000万元", {"budget_wan": 2000}),
    ("拿地预算不超过3000万", {"budget_wan": 3000}),
    ("土地预算1500-2000万", {"budget_wan": 2000}),
    ("投资强度不低于300万元/亩", {}),
    ("亩均投资300万元", {}),
    ("总投资约10亿元（其中设备投资6亿元）", {}),
    # ---- industry ----
    ("医药", {"industry_code": "27"}),
    ("生物医药项目", {"industry_code": "27"}),
    ("制药企业", {"industry_code": "27"}),
    ("医药制造业", {"industry_code": "27"}),
    ("电子", {"industry_code": "39"}),
    ("半导体封测", {"industry_code": "39"}),
    ("集成电路设计制造", {"industry_code": "39"}),
    ("芯片项目", {"industry_code": "39"}),
    ("计算机、通信和其他电子设备制造业", {"industry_code": "39"}),
    ("行业代码27", {"industry_code": "27"}),
    ("行业：C39", {"industry_code": "39"}),
    ("国民经济行业分类C2710", {"industry_code": "27"}),
    ("GB/T 4754 代码34", {"industry_code": "34"}),
    ("Ｃ３９", {"industry_code": "39"}),
    ("船舶配套", {"industry_code": "373"}),
    ("海工装备制造", {"industry_code": "373"}),
    ("新能源汽车零部件", {"industry_code": "36"}),
    ("冷链物流", {"industry_code": "59"}),
    ("锂电池储能", {"industry_code": "38"}),
    ("精细化工", {"industry_code": "26"}),
    ("农副食品加工", {"industry_code": "13"}),
    ("食品", {"industry_code": "14"}),
    ("塑料制品", {"industry_code": "292"}),
    ("医疗器械", {"industry_code": "35"}),
    ("机械设备修理", {"industry_code": "43"}),
    ("通用设备制造", {"industry_code": "34"}),
    ("PCB线路板", {"industry_code": "39"}),
    ("仪器仪表", {"industry_code": "40"}),
    ("软件和信息技术服务", {"industry_code": "65"}),
    ("行业代码99", {}),
    # ---- nuisance class ----
    ("二类工业", {"nuisance_class": 2}),
    ("一类工业用地", {"nuisance_class": 1}),
    ("三类工业项目", {"nuisance_class": 3}),
    ("M1", {"nuisance_class": 1}),
    ("M3用地", {"nuisance_class": 3}),
    ("环评类别：二类", {"nuisance_class": 2}),
    ("二类用地", {"nuisance_class": 2}),
    ("3类工业", {"nuisance_class": 3}),
    ("M2类工业用地50亩", {"nuisance_class": 2, **land(50)}),
    ("5000m2厂房", floor(5000)),
    # ---- infrastructure and the waterfront ----
    ("靠近港口", {"max_distance_km": {"port": 10}}),
    ("临港", {"max_distance_km": {"port": 10}}),
    ("港口附近", {"max_distance_km": {"port": 10}}),
    ("距港口10公里以内", {"max_distance_km": {"port": 10}}),
    ("离港口不超过15公里", {"max_distance_km": {"port": 15}}),
    ("距吕四港20公里内", {"max_distance_km": {"port": 20}}),
    ("离高速出口5km内", {"max_distance_km": {"highway_exit": 5}}),
    ("高速出口5公里以内", {"max_distance_km": {"highway_exit": 5}}),
    ("近高速", {"max_distance_km": {"highway_exit": 10}}),
    ("距火车站30公里", {"max_distance_km": {"rail_station": 30}}),
    ("距离高铁站不超过20千米", {"max_distance_km": {"rail_station": 20}}),
    ("距码头500米以内", {"max_distance_km": {"port": 0.5}}),
    ("临江", {"needs_waterfront": True}),
    ("需要岸线", {"needs_waterfront": True}),
    ("自备码头", {"needs_waterfront": True}),
    ("需要万吨级泊位", {"needs_waterfront": True}),
    ("临海，距高速口10公里内", {"needs_waterfront": True, "max_distance_km": {"highway_exit": 10}}),
    # ---- factory specifications ----
    ("标准厂房5000平方米", floor(5000)),
    ("需要5000平米厂房", floor(5000)),
    ("厂房面积5000㎡", floor(5000)),
    ("租赁厂房1万平方米", floor(10000)),
    ("厂房3000-5000平方米", floor(3000, 5000)),
    ("厂房不少于2000平", {"floor_area_min_m2": 2000}),
    ("厂房8000平方米以内", {"floor_area_max_m2": 8000}),
    ("5000 sqm factory", floor(5000)),
    ("1.5万平米标准厂房", floor(15000)),
    ("层高8米", {"clear_height_min_m": 8}),
    ("净高不低于10m", {"clear_height_min_m": 10}),
    ("8米以上层高", {"clear_height_min_m": 8}),
    ("层高要求12米以上", {"clear_height_min_m": 12}),
    ("层高 8 米", {"clear_height_min_m": 8}),
    ("承重3吨/平方米", {"floor_load_min_kn_m2": 29.42}),
    ("地面承重5T/m2", {"floor_load_min_kn_m2": 49.03}),
    ("楼面荷载不低于8kN/㎡", {"floor_load_min_kn_m2": 8}),
    ("荷载1.5吨每平方米", {"floor_load_min_kn_m2": 14.71}),
    ("10吨行车", {"crane_min_t": 10}),
    ("行车16T", {"crane_min_t": 16}),
    ("需要20吨的吊车", {"crane_min_t": 20}),
    ("天车不小于5吨", {"crane_min_t": 5}),
    ("用电800kVA", {"power_min_kva": 800}),
    ("变压器1250千伏安", {"power_min_kva": 1250}),
    ("用电负荷2000kW", {"power_min_kva": 2000}),
    ("供电容量5兆瓦", {"power_min_kva": 5000}),
    ("2500KVA变压器", {"power_min_kva": 2500}),
    ("租金不超过15元/平方米·月", {"max_rent_yuan_m2_month": 15}),
    ("租金15元/平/月以内", {"max_rent_yuan_m2_month": 15}),
    ("租金每平方米每月12元", {"max_rent_yuan_m2_month": 12}),
    ("租金0.5元/平方米/天", {"max_rent_yuan_m2_month": 15}),
    # ---- readiness ----
    ("七通一平", {"required_readiness": SEVEN_AND_LEVEL}),
    ("要求净地", {"required_readiness": ["net_land"]}),
    ("七通一平净地", {"required_readiness": [*SEVEN_AND_LEVEL, "net_land"]}),
    ("五通一平", {"required_readiness": ["road", "power", "water", "drainage", "telecom", "leveled"]}),
    ("三通一平", {"required_readiness": ["road", "power", "water", "leveled"]}),
    ("通路、通电、通水", {"required_readiness": ["road", "power", "water"]}),
    ("需要天然气和蒸汽", {"required_readiness": ["gas", "heat"]}),
    ("场地平整，排水", {"required_readiness": ["drainage", "leveled"]}),
    ("通讯", {"required_readiness": ["telecom"]}),
    # ---- chat and email, several needs at once ----
    (
        "王总您好，客户是做半导体封装的，拟投资5亿元，其中固定资产投资3.5亿元，需要用地约80亩，一类工业用地，最好七通一平",
        {
            "industry_code": "39",
            "nuisance_class": 1,
            **land(80),
            "fixed_investment_wan": 35000,
            "required_readiness": SEVEN_AND_LEVEL,
        },
    ),
    (
        "电子信息项目 需要５０００平米厂房 净高不低于10m 承重3吨/平方米 10吨行车 用电800kVA 租金不超过15元/平方米·月",
        {
            "industry_code": "39",
            **floor(5000),
            "clear_height_min_m": 10,
            "floor_load_min_kn_m2": 29.42,
            "crane_min_t": 10,
            "power_min_kva": 800,
            "max_rent_yuan_m2_month": 15,
        },
    ),
    (
        "拟在启东投资建设年产5000吨原料药项目，总投资5亿元，固投3.5亿，用地约80亩（三类工业用地），要求靠近港口，需蒸汽",
        {
            "industry_code": "27",
            "nuisance_class": 3,
            **land(80),
            "fixed_investment_wan": 35000,
            "max_distance_km": {"port": 10},
            "required_readiness": ["heat"],
        },
    ),
    (
        "用地需求：50～80亩；环评类别：二类；离港口不超过15公里",
        {"nuisance_class": 2, **land(50, 80), "max_distance_km": {"port": 15}},
    ),
    (
        "船舶配套项目，需临江岸线，用地100-150亩，M3，行车50吨",
        {
            "industry_code": "373",
            "nuisance_class": 3,
            **land(100, 150),
            "crane_min_t": 50,
            "needs_waterfront": True,
        },
    ),
    (
        "新能源汽车零部件 占地100亩以上 投资强度不低于300万元/亩 亩均税收30万元",
        {"industry_code": "36", "land_min_mu": 100},
    ),
    (
        "生物医药 60-70亩 M2 近高速",
        {"industry_code": "27", "nuisance_class": 2, **land(60, 70), "max_distance_km": {"highway_exit": 10}},
    ),
    (
        "需要50亩土地或者1万平方米厂房",
        {**land(50), **floor(10000)},
    ),
    (
        "冷链物流，用地约40亩，距高速出口3公里内，地价预算1200万",
        {"industry_code": "59", **land(40), "max_distance_km": {"highway_exit": 3}, "budget_wan": 1200},
    ),
    (
        "各位好：\n项目名称：某精密仪器项目\n行业：仪器仪表\n用地：30亩左右\n厂房层高：9米\n用电：630kVA\n谢谢！",
        {"industry_code": "40", **land(30), "clear_height_min_m": 9, "power_min_kva": 630},
    ),
    (
        "医疗器械 租厂房3000平 层高6米 承重500kg/m2 租金20元以内",
        {
            "industry_code": "35",
            **floor(3000),
            "clear_height_min_m": 6,
            "floor_load_min_kn_m2": 4.9,
            "max_rent_yuan_m2_month": 20,
        },
    ),
    (
        "食品加工，一期用地50亩，固定资产投资2亿，二类，净地，三通一平",
        {
            "industry_code": "14",
            "nuisance_class": 2,
            **land(50),
            "fixed_investment_wan": 20000,
            "required_readiness": ["road", "power", "water", "leveled", "net_land"],
        },
    ),
    (
        "航空航天 用地不少于200亩 距火车站30公里以内 距港口50公里以内",
        {"industry_code": "37", "land_min_mu": 200, "max_distance_km": {"rail_station": 30, "port": 50}},
    ),
    (
        "Hi, a pharma client (医药) needs about 60 mu, M2, 固定资产投资1000万美元",
        {"industry_code": "27", "nuisance_class": 2, **land(60), "fixed_investment_wan": 7100},
    ),
    (
        "钢结构 厂房1.2万平方米 行车2台 每台32吨 层高15米",
        {"industry_code": "33", **floor(12000), "clear_height_min_m": 15},
    ),
    (
        "【项目信息】某生物医药企业拟在长三角布局生产基地，计划总投资20亿元，一期固定资产投资8亿元，"
        "用地需求150-200亩，要求工业用地性质为二类，距离高速出口10公里以内",
        {
            "industry_code": "27",
            "nuisance_class": 2,
            **land(150, 200),
            "fixed_investment_wan": 80000,
            "max_distance_km": {"highway_exit": 10},
        },
    ),
    (
        "客户要租个厂房，3000平左右，层高9米，要有行车（5T），配电500kva以上，租金希望在18块以内",
        {
            **floor(3000),
            "clear_height_min_m": 9,
            "crane_min_t": 5,
            "power_min_kva": 500,
            "max_rent_yuan_m2_month": 18,
        },
    ),
    (
        "一家做锂电池隔膜的，投资2.5亿，要地40亩，需要蒸汽，天然气，电力负荷4000KW",
        {"industry_code": "38", **land(40), "power_min_kva": 4000, "required_readiness": ["gas", "heat"]},
    ),
    ("化工项目，三类用地，80亩，需化工园区", {"industry_code": "26", "nuisance_class": 3, **land(80)}),
    (
        "需要土地约5公顷，用于建设智能装备制造基地，投资额约6亿人民币",
        {"industry_code": "34", **land(75)},
    ),
    ("项目用地30亩-50亩之间", land(30, 50)),
    ("用地面积不小于 3.5 万平方米", {"land_min_mu": 52.5}),
    ("厂房1-2万平方米", floor(10000, 20000)),
    (
        "物流仓储项目 用地需求：约100亩 需临近高速出入口（5公里内）",
        {"industry_code": "59", **land(100), "max_distance_km": {"highway_exit": 5}},
    ),
    (
        "海上风电装备 需要码头岸线 用地300亩以上 M3",
        {"industry_code": "38", "nuisance_class": 3, "land_min_mu": 300, "needs_waterfront": True},
    ),
    # ---- contradictions and junk ----
    ("二类工业，三类工业", {"nuisance_class": 2}),
    ("需地60亩，需地80亩", land(60)),
    ("医药，电子", {"industry_code": "27"}),
    ("用地不少于80亩，不超过50亩", {"land_min_mu": 80}),
    ("层高200米", {}),
    ("用地0亩", {}),
    ("你好", {}),
    ("asdf qwer", {}),
    ("", {}),
    ("。。。，，，", {}),
    ("项目 拟 需要 左右", {}),
    ("12345", {}),
    ("做火箭发动机的，要4公顷", land(60)),
]


@pytest.mark.parametrize(("text", "need"), CASES, ids=[f"{i:03d}" for i in range(len(CASES))])
def test_a_lead_reads_into_its_need(text, need):
    assert parse(text, INDUSTRIES).need == need


def test_the_table_is_large_and_says_each_thing_once():
    texts = [text for text, _ in CASES]
    assert len(CASES) >= 150 and len(set(texts)) == len(texts)


def test_the_need_has_the_fields_of_the_api_and_its_bounds():
    from service.match_schemas import NeedIn

    fields = NeedIn.model_fields
    assert set(NEED_FIELDS) <= set(fields)
    for name, high in LIMITS.items():
        if name in fields:
            bounds = {type(m).__name__: m for m in fields[name].metadata}
            assert bounds["Gt"].gt == 0 and bounds["Le"].le == high, name


# ---- spans: each understood phrase where it stands in the text as given ----


def test_each_phrase_is_traced_to_its_span_with_field_and_value():
    lead = parse(EXAMPLE, INDUSTRIES)

    phrases = [(p.text, p.field, p.value) for p in lead.understood]
    assert phrases == [
        ("医药制造", "industry_code", "27"),
        ("固定资产投资3亿元", "fixed_investment_wan", 30000),
        ("需地约60亩", "land_min_mu", 54),
        ("需地约60亩", "land_max_mu", 66),
        ("二类工业", "nuisance_class", 2),
        ("靠近港口", "max_distance_km", {"port": 10}),
        ("层高8米以上", "clear_height_min_m", 8),
    ]
    assert all(EXAMPLE[p.start : p.end] == p.text for p in lead.understood)
    assert lead.unplaced == ()


def test_spans_are_of_the_text_as_given_with_full_width_digits_and_spaces():
    text = "需地 约６０ 亩，净高  ８ 米"
    lead = parse(text, INDUSTRIES)

    assert [p.text for p in lead.understood] == ["需地 约６０ 亩", "需地 约６０ 亩", "净高  ８ 米"]
    assert all(text[p.start : p.end] == p.text for p in lead.understood)


def test_a_unit_folded_to_two_characters_keeps_its_span():
    text = "厂房5000㎡，层高8m"
    lead = parse(text, INDUSTRIES)

    assert [(p.start, p.end) for p in lead.understood][::2] == [(0, 7), (8, 12)]


def test_total_investment_is_understood_but_not_matched():
    lead = parse("总投资10亿元，固定资产投资6亿元", INDUSTRIES)

    assert lead.need == {"fixed_investment_wan": 60000}
    assert [(p.field, p.value) for p in lead.understood] == [
        ("investment_total_wan", 100000),
        ("fixed_investment_wan", 60000),
    ]


# ---- what could not be placed ----


def test_pieces_not_understood_are_listed_with_their_spans():
    text = "做火箭发动机的，需地60亩，年产值10亿，项目，拟"
    lead = parse(text, INDUSTRIES)

    assert [(p.text, p.reason) for p in lead.unplaced] == [
        ("做火箭发动机的", "unknown"),
        ("年产值10亿", "unknown"),
    ]
    assert all(text[p.start : p.end] == p.text for p in lead.unplaced)
    assert "industry_code" not in lead.need


def test_a_piece_partly_understood_leaves_only_its_rest():
    lead = parse("新建生产线，用地约60亩配套研发楼", INDUSTRIES)

    assert [p.text for p in lead.unplaced] == ["新建生产线", "配套研发楼"]


def test_a_contradiction_is_listed_and_the_first_value_stands():
    lead = parse("二类工业，后来说是三类工业", INDUSTRIES)

    assert lead.need == {"nuisance_class": 2}
    assert [(p.text, p.reason) for p in lead.unplaced] == [("后来说", "unknown"), ("是三类工业", "conflict")]


def test_a_figure_no_need_can_hold_is_out_of_range():
    lead = parse("层高200米", INDUSTRIES)

    assert [(p.text, p.reason) for p in lead.unplaced] == [("层高200米", "out_of_range")]


def test_filler_alone_is_not_listed():
    assert parse("项目，拟，需要，左右。", INDUSTRIES).unplaced == ()


def test_an_unknown_industry_code_is_not_placed():
    lead = parse("行业代码99，用地30亩", INDUSTRIES)

    assert "industry_code" not in lead.need
    assert [p.text for p in lead.unplaced] == ["行业代码99"]


# ---- the documented choices are the parser's settings ----


def test_the_dollar_rate_and_the_near_distance_are_settings():
    config = LeadConfig(usd_cny=7.0, near_km=5.0)

    lead = parse("固定资产投资1000万美元，靠近火车站", INDUSTRIES, config)

    assert lead.need == {"fixed_investment_wan": 7000, "max_distance_km": {"rail_station": 5}}


def test_the_band_about_a_figure_is_a_setting_of_the_parser():
    assert parse("约60亩", INDUSTRIES, LeadConfig(about_share=0.2)).need == land(48, 72)


def test_readiness_of_seven_and_level_is_the_vocabulary_without_net_land():
    seven = parse("七通一平", INDUSTRIES).need["required_readiness"]

    assert seven == [i.value for i in ReadyItem if i != ReadyItem.NET_LAND]


# ---- numbers, folding and the alias table ----


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("60", 60),
        ("1,500", 1500),
        ("1.5万", 15000),
        ("六十", 60),
        ("十五", 15),
        ("二十五", 25),
        ("一百零五", 105),
        ("三亿", 3e8),
        ("一千五百万", 1.5e7),
        ("三千五", 3500),
        ("一万五", 15000),
        ("1亿5000万", 1.5e8),
        ("3个亿", 3e8),
        ("三点五", 3.5),
        ("两千", 2000),
        ("千", 1000),
    ],
)
def test_numbers_as_written(written, value):
    assert number(written) == pytest.approx(value)


def test_folding_traces_every_character_to_the_text_as_given():
    folded = fold("约 ６０ ㎡")

    assert folded.text == "约60m2"
    assert folded.span(1, 5) == (2, 6)


def test_every_alias_names_one_reference_industry():
    table = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))
    words = [w.lower() for ws in table.values() for w in ws]

    assert set(table) <= set(INDUSTRIES)
    assert len(words) == len(set(words)), "a word names two industries"
    assert all(re.fullmatch(r"[\w ]+", w) for w in words)
    assert set(alias_table().values()) <= set(INDUSTRIES)


def test_every_reference_industry_can_be_named():
    for code, name in INDUSTRIES.items():
        assert parse(name, INDUSTRIES).need == {"industry_code": code}, name


def test_the_same_text_gives_the_same_answer():
    texts = [text for text, _ in CASES]

    first = [parse(t, INDUSTRIES) for t in texts]
    again = [parse(t, INDUSTRIES) for t in reversed(texts)][::-1]

    assert first == again


def test_long_runs_of_numerals_are_read_as_nothing():
    for text in ("1" * 2000, "一" * 2000, "1," * 1000, "约" * 1999 + "亩"):
        assert parse(text, INDUSTRIES).need == {}
