"""Who an investor is: the unified social credit code (统一社会信用代码, GB 32100-2015) and a
company name reduced to what tells two companies apart, so that two units chasing the same
investor under name variants (项目信息重叠) are told so.

Pure functions, no database.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

# GB 32100-2015: 18 characters from 31 (no I, O, Z, S, V); the 18th is a check character over the
# first 17, weighted by 3^(i-1) mod 31.
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
CREDIT_CODE = re.compile(rf"[{CREDIT_CHARSET}]{{2}}\d{{6}}[{CREDIT_CHARSET}]{{10}}")

# What a company name carries besides its identity: legal forms, group words, regions in
# brackets, the place it was registered in. Ours, written for the names investors use here.
LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "集团公司",
    "总公司",
    "分公司",
    "集团",
    "公司",
    "coltd",
    "co",
    "ltd",
    "limited",
    "inc",
    "corp",
    "corporation",
    "group",
    "gmbh",
)
PLACES = (
    "中国",
    "江苏省",
    "江苏",
    "南通市",
    "南通",
    "启东市",
    "启东",
    "上海市",
    "上海",
    "北京市",
    "北京",
    "浙江省",
    "浙江",
    "深圳市",
    "深圳",
    "苏州市",
    "苏州",
    "无锡市",
    "无锡",
    "常州市",
    "常州",
    "南京市",
    "南京",
    "杭州市",
    "杭州",
    "宁波市",
    "宁波",
    "广州市",
    "广州",
    "天津市",
    "天津",
    "香港",
    "台湾",
)
BRACKETED = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
CLOSE = 0.85
TRADE_NAME = 2


@dataclass(frozen=True)
class CreditCheck:
    """A credit code as given: whether it is well formed, and what is wrong otherwise."""

    code: str
    valid: bool
    problem: str | None = None  # a message key


def credit_check_character(first17: str) -> str:
    """The GB 32100-2015 check character of the first 17 characters of a credit code."""
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def check_credit_code(text: str) -> CreditCheck:
    """Normalise (full-width, case, spaces) and check a unified social credit code."""
    code = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()
    if len(code) != 18:
        return CreditCheck(code, False, "pipeline.credit.length")
    if not CREDIT_CODE.fullmatch(code):
        return CreditCheck(code, False, "pipeline.credit.characters")
    if credit_check_character(code[:17]) != code[17]:
        return CreditCheck(code, False, "pipeline.credit.check")
    return CreditCheck(code, True)


def name_key(name: str) -> str:
    """A company name reduced to its identity: half-width, lower case, without spaces, brackets,
    punctuation, legal forms or the place it was registered in."""
    text = unicodedata.normalize("NFKC", name).lower()
    text = BRACKETED.sub("", text)
    text = re.sub(r"[\s\W_]+", "", text)
    for form in LEGAL_FORMS:
        text = text.removesuffix(form)
    stripped = True
    while stripped:  # 江苏南通… : a province, then a city
        stripped = False
        for place in PLACES:
            if text.startswith(place) and len(text) > len(place) + 1:
                text, stripped = text.removeprefix(place), True
                break
    return text


def same_investor(a: str, b: str) -> bool:
    """Whether two company names are the same investor, or so close that a person should look.

    A Chinese company name is its trade name (字号, the first characters after the place) and
    then its trade: two names of one trade differ in the trade name only, so that part must agree
    before a near spelling counts; one name that extends the other (润禾电子材料 / 润禾电子材料科技)
    is the same investor."""
    key_a, key_b = name_key(a), name_key(b)
    shorter, longer = sorted((key_a, key_b), key=len)
    if len(shorter) < TRADE_NAME:
        return bool(shorter) and shorter == longer
    if longer.startswith(shorter):
        return True
    return (
        key_a[:TRADE_NAME] == key_b[:TRADE_NAME]
        and difflib.SequenceMatcher(None, key_a, key_b).ratio() >= CLOSE
    )
