"""Who an investor is: credit codes (GB 32100-2015) and company names under their variants."""

import pytest

from gis.pipeline.identity import check_credit_code, credit_check_character, name_key, same_investor

# The standard's own example, and codes of the shape local registrations have (9 = 工商, 1 = 企业,
# 320681 = 启东市; 3206xx Nantong, 310115 Pudong), their check characters worked out by the rule.
VALID = [
    "91350100M000100Y43",
    "913206810000000009",
    "91320681MA1MXXXXX7",
    "91310115MA1K4X8B0C",
    "12320681466000000D",
]


def test_the_check_character_follows_the_weights_of_the_standard():
    assert credit_check_character("91350100M000100Y4") == "3"
    assert [credit_check_character(c[:17]) for c in VALID] == [c[17] for c in VALID]


@pytest.mark.parametrize("code", VALID)
def test_real_format_codes_are_accepted_written_any_way(code):
    assert check_credit_code(code).valid
    spaced = " ".join(code[i : i + 6] for i in range(0, 18, 6)).lower()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert check_credit_code(spaced) == check_credit_code(full_width) == check_credit_code(code)


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y4", "pipeline.credit.length"),
        ("91350100M000100Y433", "pipeline.credit.length"),
        ("91350100M000100Y44", "pipeline.credit.check"),  # one character off
        ("91350100M000010Y43", "pipeline.credit.check"),  # two swapped
        ("91350100MO00100Y43", "pipeline.credit.characters"),  # the letter O is not in the set
        ("9135A100M000100Y43", "pipeline.credit.characters"),  # the region code is digits
    ],
)
def test_malformed_codes_say_what_is_wrong(code, problem):
    assert check_credit_code(code).problem == problem


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("沪启生物医药科技有限公司", "上海沪启生物医药科技有限公司"),
        ("东芯微电子有限公司", "东芯微电子（中国）有限公司"),
        ("江海医疗器械有限公司", "江海医疗器械股份有限公司"),
        ("中启复合材料有限公司", "中启复合材料 有限公司"),
        ("启光显示科技有限公司", "江苏启光显示科技集团有限公司"),
        ("ＡＢＣ新材料有限公司", "abc新材料有限公司"),
        ("润禾电子材料有限公司", "润禾电子材料科技有限公司"),
        ("Eastchip Microelectronics Co., Ltd.", "EASTCHIP MICROELECTRONICS LIMITED"),
    ],
)
def test_name_variants_of_one_investor_are_the_same(a, b):
    assert same_investor(a, b), (name_key(a), name_key(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("沪启生物医药科技有限公司", "沪东生物医药科技有限公司"),
        ("东芯微电子有限公司", "南芯半导体有限公司"),
        ("上海有限公司", "北京有限公司"),
        ("", "东芯微电子有限公司"),
    ],
)
def test_different_investors_are_told_apart(a, b):
    assert not same_investor(a, b)


def test_the_key_keeps_what_names_the_company():
    assert name_key("江苏南通启东沪启生物医药科技有限公司") == "沪启生物医药科技"
    assert name_key("东芯微电子（中国）有限公司") == "东芯微电子"
