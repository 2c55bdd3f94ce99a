"""A project lead as investment staff receive it (a sentence in a chat or an email) read into a
match need, phrase by phrase: what each phrase became, and what could not be placed.

Deterministic and explainable, no network and no model: the text is folded once (NFKC, so
full-width digits and units read as ASCII, and spaces dropped except between two digits), then a
fixed list of readers, in order, each claims the phrases it understands; a claimed phrase is
masked so that no later reader reads it again. Numbers may be Arabic, full-width or Chinese
(六十, 三亿, 一千五百万, 三千五), with 万 and 亿. The documented choices (docs/matching.md, "Pasting a
lead"): a figure alone or with 约/左右 is a band of ±`about_share`; 总投资/投资 is not fixed-asset
investment (understood, not matched); a bare amount is in 万元; kW is taken as kVA; 靠近港口 is a
distance of `near_km`, a berth or shoreline of its own (码头, 岸线) is the waterfront; a floor
area in m² is a factory's unless its phrase speaks of land; the first value of a field stands and a
later different one is listed as a conflict. Pure: no database, no I/O but the alias table.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from gis.vocabulary import ReadyItem

ALIASES = Path(__file__).with_name("lead_industries.yaml")
T_PER_M2_IN_KN = 9.80665  # 1 t/m² of floor load in kN/m²
M2_PER_MU = 10000 / 15

# The need's fields, in the order of service/match_schemas.py NeedIn; and what a lead may say
# that is understood but not matched (total investment is not fixed-asset investment).
NEED_FIELDS = (
    "industry_code",
    "nuisance_class",
    "land_min_mu",
    "land_max_mu",
    "fixed_investment_wan",
    "floor_area_min_m2",
    "floor_area_max_m2",
    "clear_height_min_m",
    "floor_load_min_kn_m2",
    "crane_min_t",
    "power_min_kva",
    "needs_waterfront",
    "max_distance_km",
    "budget_wan",
    "max_rent_yuan_m2_month",
    "required_readiness",
)
NOT_MATCHED = ("investment_total_wan",)
# Upper bounds of the figures (every figure is > 0), as NeedIn has them; distances are bounded here
LIMITS = {
    "land_min_mu": 100_000,
    "land_max_mu": 100_000,
    "fixed_investment_wan": 1e8,
    "investment_total_wan": 1e8,
    "floor_area_min_m2": 1e7,
    "floor_area_max_m2": 1e7,
    "clear_height_min_m": 100,
    "floor_load_min_kn_m2": 1000,
    "crane_min_t": 2000,
    "power_min_kva": 1e6,
    "budget_wan": 1e8,
    "max_rent_yuan_m2_month": 1000,
}
MAX_KM = 1000.0
PAIRS = (("land_min_mu", "land_max_mu"), ("floor_area_min_m2", "floor_area_max_m2"))


@dataclass(frozen=True)
class LeadConfig:
    """The parser's documented choices; service/settings.py sets `usd_cny` and `near_km`."""

    usd_cny: float = 7.1  # yuan per US dollar (LANDSTOCK_USD_CNY)
    near_km: float = 10.0  # 靠近港口/近高速/靠近火车站: at most this far (LANDSTOCK_LEAD_NEAR_KM)
    about_share: float = 0.1  # 约60亩, 60亩左右 and a lone 60亩: 54-66 亩


@dataclass(frozen=True)
class Phrase:
    """A phrase understood: its span in the text as given, and one field it set."""

    start: int
    end: int
    text: str
    field: str
    value: Any


@dataclass(frozen=True)
class Piece:
    """A piece of the text not placed: `unknown` (not understood), `conflict` (a field it sets
    already holds another value) or `out_of_range` (a figure no need can hold)."""

    start: int
    end: int
    text: str
    reason: str


@dataclass(frozen=True)
class Lead:
    """The need a lead states (only what it says), and how each piece of it was read."""

    need: dict[str, Any]
    understood: tuple[Phrase, ...]
    unplaced: tuple[Piece, ...]


# ---- folding: one form of the text for the patterns, each character traced to where it was ----


@dataclass(frozen=True)
class Folded:
    """The text in NFKC without spaces (but between two numbers, and line breaks), and the index in
    the text as given of each of its characters."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span in the text as given of the folded span [start, end)."""
        return self.origin[start], self.origin[end - 1] + 1


def fold(text: str) -> Folded:
    """`text` folded for reading."""
    chars: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(text):
        folded = "\n" if c in "\n\r" else unicodedata.normalize("NFKC", c)
        if folded.isspace() and folded != "\n" and not _kept_space(chars, text, i):
            continue
        chars.extend(folded)
        origin.extend([i] * len(folded))
    return Folded("".join(chars), tuple(origin))


def _kept_space(chars: list[str], text: str, i: int) -> bool:
    """A space between two words (60 mu of land), or after a number and before a digit, which
    keeps two numbers apart (3亿 1500万), except inside an Arabic number, where it is a typo or a
    thousands gap (6 0亩, 1 500平米)."""
    after = unicodedata.normalize("NFKC", text[i + 1 : i + 2])[:1]
    before = chars[-1] if chars else ""
    if before == " ":
        return False
    if before in LETTERS and after in LETTERS:
        return True
    return before in NUMERALS and after in STARTS and not (before in DIGITS and after in DIGITS)


# ---- numbers: 60, ６０, 1,500, 1.5万, 六十, 三亿, 一千五百万, 三千五, 3个亿 ----

DIGITS = "0123456789"
CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERALS = set(DIGITS) | set(CN_DIGITS) | set("十百千万亿")
STARTS = set(DIGITS) | set(CN_DIGITS)
MAGNITUDES = {"万": 1e4, "亿": 1e8}
LETTERS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
ARABIC = r"\d{1,3}(?:,\d{3}){1,5}(?:\.\d{1,6})?|\d{1,15}(?:\.\d{1,6})?"
# A number starts where no numeral precedes it and is at most 13 parts long, an Arabic part never
# right after a digit: one way to read a run of numerals, and no time lost on a long one.
NUM = (
    rf"(?<![\d零〇一二两三四五六七八九十百千万亿])(?:{ARABIC}|[零〇一二两三四五六七八九十])"
    rf"(?:(?<![\d.,])(?:{ARABIC})|[零〇一二两三四五六七八九十百千万亿]|点[零〇一二三四五六七八九]{{1,6}}|个(?=亿)){{0,12}}"
)
PARTS = re.compile(rf"{ARABIC}|点[零〇一二三四五六七八九]+|.")


class _Count:
    """A number read part by part: 亿 and 万 close their sections, 十百千 multiply what precedes."""

    def __init__(self) -> None:
        self.closed = 0.0  # sections closed by 亿 and 万
        self.wan = 0.0  # the current 亿-section's 万s
        self.small = 0.0  # below 万: what 十百千 made
        self.current: float | None = None
        self.just_unit = 0.0  # the unit just read, if the last part was one
        self.unit_before = 0.0  # 三千五: the unit just before a lone last digit

    def digit(self, part: str) -> None:
        self.current = float(part.replace(",", "")) if part[0] in DIGITS else float(CN_DIGITS[part])
        self.unit_before = self.just_unit if len(part) == 1 else 0.0
        self.just_unit = 0.0

    def point(self, part: str) -> None:
        fraction = "".join(str(CN_DIGITS[c]) for c in part[1:])
        self.current = (self.current or 0.0) + float(f"0.{fraction}")
        self.unit_before = self.just_unit = 0.0

    def unit(self, size: float) -> None:
        self.small += (1.0 if self.current is None else self.current) * size
        self.current, self.just_unit = None, size

    def section(self, size: float) -> None:
        held = self.small + (self.current or 0.0)
        if size == 1e4:
            self.wan += (held or 1.0) * size
        else:
            self.closed += (self.wan + (held or (0.0 if self.wan else 1.0))) * size
            self.wan = 0.0
        self.small, self.current, self.just_unit = 0.0, None, size

    def value(self) -> float:
        last = self.current or 0.0
        if self.current is not None and self.unit_before and last < 10:
            last *= self.unit_before / 10  # 三千五 is 3500, 一万五 15000
        return self.closed + self.wan + self.small + last


def number(token: str) -> float:
    """The value of a number as written: Arabic (with , and .) or Chinese, with 十百千万亿."""
    count = _Count()
    for part in PARTS.findall(token):
        if part[0] in DIGITS or part in CN_DIGITS:
            count.digit(part)
        elif part.startswith("点") and len(part) > 1:
            count.point(part)
        elif part in CN_UNITS:
            count.unit(CN_UNITS[part])
        elif part in ("万", "亿"):
            count.section(1e4 if part == "万" else 1e8)
    return count.value()


# ---- the words around a figure ----

# Before a figure, between it and its unit (50多亩), or after it: at least, at most, about.
AT_LEAST: tuple[str, ...] = (
    "不少于",
    "不低于",
    "不小于",
    "不得少于",
    "不得低于",
    "大于等于",
    "至少",
    "最少",
    "最低",
    "大于",
)
AT_LEAST += ("超过", "高于", "多于", "≥", ">=", ">")
AT_LEAST_AFTER = ("以上", "及以上", "或以上", "起", "开外")
AT_MOST: tuple[str, ...] = (
    "不超过",
    "不高于",
    "不大于",
    "不得超过",
    "不得高于",
    "小于等于",
    "最多",
    "至多",
    "最高",
    "小于",
)
AT_MOST += ("低于", "少于", "≤", "<=", "<", "控制在")
AT_MOST_AFTER = ("以内", "之内", "及以下", "或以下", "以下", "内", "封顶")
ABOUT = ("约为", "大约", "大概", "大致", "差不多", "估计", "预计", "将近", "接近", "约")
ABOUT_AFTER = ("左右", "上下")
_MIN = {*AT_LEAST, *AT_LEAST_AFTER, "多", "余"}
_MAX = {*AT_MOST, *AT_MOST_AFTER}


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of plain words, the longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


PRE = _alternation(AT_LEAST + AT_MOST + ABOUT)
POST = _alternation(AT_LEAST_AFTER + AT_MOST_AFTER + ABOUT_AFTER)
MID = "多|余|来"
DASH = r"(?:--|-|~|〜|至|到|——|—|–)"
LINK = r"(?:需求|要求|需要|希望|规模|面积|大小|达到|总额|约为|在|为|是|的|:|\(|需|要|须|有|额){0,3}"

Values = tuple[tuple[str, Any], ...]


def _sense(m: re.Match[str]) -> str:
    """How a figure bounds its field: range, min, max or about."""
    if m.groupdict().get("b"):
        return "range"
    words = [w for w in (m.groupdict().get(g) for g in ("pre", "mid", "post")) if w]
    if any(w in _MAX for w in words):
        return "max"
    return "min" if any(w in _MIN for w in words) else "about"


def _ends(m: re.Match[str]) -> tuple[float, float | None]:
    """A figure, or a range's two ends; the first end takes the second's 万 or 亿 (3-5亿)."""
    a = number(m["a"])
    b_text = m.groupdict().get("b")
    if not b_text:
        return a, None
    b = number(b_text)
    if not _magnitude(m["a"]) and b_text[-1] in MAGNITUDES:
        a *= MAGNITUDES[b_text[-1]]
    return min(a, b), max(a, b)


def _magnitude(token: str) -> bool:
    return any(c in token for c in MAGNITUDES)


def _band(m: re.Match[str], share: float, scale: float = 1.0) -> tuple[float | None, float | None]:
    """The (low, high) a figure states, times `scale`: a range, one side, or ±`share` about it."""
    (low, high), sense = _ends(m), _sense(m)
    if sense == "range":
        return low * scale, (high or low) * scale
    if sense == "min":
        return low * scale, None
    if sense == "max":
        return None, low * scale
    return low * scale * (1 - share), low * scale * (1 + share)


def _at_least(m: re.Match[str], scale: float = 1.0) -> float | None:
    """A lower bound (a specification): the figure, or a range's low end; none for an upper bound."""
    return None if _sense(m) == "max" else _ends(m)[0] * scale


def _at_most(m: re.Match[str], scale: float = 1.0) -> float | None:
    """An upper bound (a distance, a rent): the figure, or a range's high end; none for a lower one."""
    low, high = _ends(m)
    return None if _sense(m) == "min" else (high or low) * scale


def _rounded(value: float) -> float:
    return round(value, 2)


@dataclass(frozen=True)
class Context:
    """What readers consult besides their match: the whole folded text and the choices."""

    text: str
    config: LeadConfig
    industries: Mapping[str, str]

    def clause(self, m: re.Match[str]) -> str:
        """The clause around a match: between the separators either side."""
        before = max(self.text.rfind(s, 0, m.start()) for s in SEPARATORS)
        after = [i for i in (self.text.find(s, m.end()) for s in SEPARATORS) if i >= 0]
        return self.text[before + 1 : min(after, default=len(self.text))]


SEPARATORS = ",;。、\n!?"
Handler = Callable[[re.Match[str], Context], Values | None]


def _quantity(
    keys: str, units: str, after: str | None = None, *, key_needed: bool = False
) -> re.Pattern[str]:
    """A figure with its unit: an optional key word before it (or after it), comparators, a range."""
    key = rf"(?P<key>{keys}){LINK}" if key_needed else rf"(?:(?P<key>{keys}){LINK})?"
    return re.compile(
        rf"{key}(?P<pre>{PRE})?(?P<a>{NUM})(?P<mid>{MID})?(?:(?:{units})?{DASH}(?P<b>{NUM})(?:{MID})?)?"
        rf"(?P<unit>{units})(?P<post>{POST})?(?:的?(?P<key2>{after or keys}))?",
        re.I,
    )


def _keyed(m: re.Match[str]) -> bool:
    return bool(m.groupdict().get("key") or m.groupdict().get("key2"))


# ---- readiness: 七通一平 and the single works ----

SEVEN = (
    ReadyItem.ROAD,
    ReadyItem.POWER,
    ReadyItem.WATER,
    ReadyItem.DRAINAGE,
    ReadyItem.TELECOM,
    ReadyItem.GAS,
    ReadyItem.HEAT,
)
BUNDLES = {
    "三": (ReadyItem.ROAD, ReadyItem.WATER, ReadyItem.POWER),
    "五": (ReadyItem.ROAD, ReadyItem.WATER, ReadyItem.DRAINAGE, ReadyItem.POWER, ReadyItem.TELECOM),
    "七": SEVEN,
    "九": SEVEN,  # the vocabulary holds seven works; 九通 asks no more of them
}
BUNDLE = re.compile(r"([三五七九])通(一平)?")
READY_WORDS = {
    "场地平整": ReadyItem.LEVELED,
    "土地平整": ReadyItem.LEVELED,
    "平整": ReadyItem.LEVELED,
    "净地出让": ReadyItem.NET_LAND,
    "净地": ReadyItem.NET_LAND,
    "通路": ReadyItem.ROAD,
    "道路": ReadyItem.ROAD,
    "通电": ReadyItem.POWER,
    "供电": ReadyItem.POWER,
    "通水": ReadyItem.WATER,
    "给水": ReadyItem.WATER,
    "供水": ReadyItem.WATER,
    "雨污分流": ReadyItem.DRAINAGE,
    "污水管网": ReadyItem.DRAINAGE,
    "排水": ReadyItem.DRAINAGE,
    "排污": ReadyItem.DRAINAGE,
    "通讯": ReadyItem.TELECOM,
    "通信": ReadyItem.TELECOM,
    "光纤": ReadyItem.TELECOM,
    "网络": ReadyItem.TELECOM,
    "天然气": ReadyItem.GAS,
    "燃气": ReadyItem.GAS,
    "通气": ReadyItem.GAS,
    "供气": ReadyItem.GAS,
    "集中供热": ReadyItem.HEAT,
    "供热": ReadyItem.HEAT,
    "供暖": ReadyItem.HEAT,
    "通暖": ReadyItem.HEAT,
    "通热": ReadyItem.HEAT,
    "蒸汽": ReadyItem.HEAT,
}


def _bundle(m: re.Match[str], _ctx: Context) -> Values:
    items = BUNDLES[m[1]] + ((ReadyItem.LEVELED,) if m[2] else ())
    return (("required_readiness", [i.value for i in items]),)


def _ready_word(m: re.Match[str], _ctx: Context) -> Values:
    return (("required_readiness", [READY_WORDS[m[0]].value]),)


# ---- infrastructure: 距港口10公里以内, 离高速出口5km内, 靠近港口 ----

PORT = "港口|港区|海港|码头|港"
HIGHWAY = "高速公路出入口|高速公路出口|高速出入口|高速出口|高速入口|高速道口|高速互通|高速口|高速公路|高速"
RAIL = "高铁站|火车站|动车站|铁路站|铁路|车站"
KINDS = rf"(?:(?P<port>{PORT})|(?P<highway>{HIGHWAY})|(?P<rail>{RAIL}))"
KM_UNITS = {"公里": 1.0, "千米": 1.0, "km": 1.0, "米": 0.001, "m": 0.001}
DISTANCE = re.compile(
    rf"(?:(?:距离?|离|到)[\u4e00-\u9fff]{{0,4}}?)?{KINDS}(?:的?距离)?{LINK}(?P<pre>{PRE})?(?P<a>{NUM})"
    rf"(?:{DASH}(?P<b>{NUM}))?(?P<unit>公里|千米|km|米|m(?![a-z\d]))(?P<post>{POST}|范围内|范围)?",
    re.I,
)
NEAR_BEFORE = re.compile(
    rf"(?:靠近|临近|接近|邻近|紧邻|紧靠|靠|近|临|离){KINDS}(?:较近|很近|近|附近|旁边|旁|边上|周边)?"
)
NEAR_AFTER = re.compile(rf"{KINDS}(?:附近|旁边|边上|周边)")
WATERFRONT = re.compile("深水岸线|深水码头|自备码头|专用码头|临江|临海|沿江|临水|江边|海边|岸线|码头|泊位")


def _kind(m: re.Match[str]) -> str:
    return "port" if m["port"] else "highway_exit" if m["highway"] else "rail_station"


def _distance(m: re.Match[str], _ctx: Context) -> Values | None:
    km = _at_most(m, KM_UNITS[m["unit"].lower()])
    return None if km is None else (("max_distance_km", {_kind(m): _rounded(km)}),)


def _near(m: re.Match[str], ctx: Context) -> Values:
    return (("max_distance_km", {_kind(m): ctx.config.near_km}),)


def _waterfront(_m: re.Match[str], _ctx: Context) -> Values:
    return (("needs_waterfront", True),)


# ---- money: 固定资产投资3亿元, 总投资1.2亿美元, 地价预算2000万 ----

FIXED_KEYS = ("固定资产投资额", "固定资产投资", "固定资产", "固定投资", "固投")
TOTAL_KEYS = ("投资总额", "总投资额", "总投资", "计划投资", "拟投资", "投资额", "投资", "总投入", "投入")
BUDGET_KEYS = ("地价预算", "土地预算", "拿地预算", "购地预算", "用地预算", "土地款预算", "预算")
MONEY = re.compile(
    rf"(?<!亩均)(?<!单位)(?<!设备)(?P<key>{_alternation(FIXED_KEYS + TOTAL_KEYS + BUDGET_KEYS)}){LINK}"
    rf"(?P<pre>{PRE})?(?P<a>{NUM})(?P<mid>{MID})?(?:{DASH}(?P<b>{NUM}))?"
    r"(?P<unit>美元|美金|usd|元人民币|人民币|rmb|元|w(?![a-z]))?(?P<post>" + POST + r")?(?P<per>/亩|每亩)?",
    re.I,
)


def _yuan(m: re.Match[str], amount: float, usd_cny: float) -> float:
    """An amount in yuan: 亿/万 or 元 say so, US dollars are converted, a bare figure is in 万元."""
    unit = (m["unit"] or "").lower()
    if unit == "w":
        return amount * 1e4
    magnitude = _magnitude(m["a"] + (m["b"] or ""))
    yuan = amount if magnitude or unit else amount * 1e4
    return yuan * usd_cny if unit in ("美元", "美金", "usd") else yuan


def _money(m: re.Match[str], ctx: Context) -> Values | None:
    if m["per"]:
        return None  # 万元/亩 is a price or an intensity, not an amount
    key = m["key"]
    field = (
        "fixed_investment_wan"
        if key in FIXED_KEYS
        else "budget_wan"
        if key in BUDGET_KEYS
        else "investment_total_wan"
    )
    low, high = _ends(m)
    amount = (high or low) if field == "budget_wan" else low
    return ((field, _rounded(_yuan(m, amount, ctx.config.usd_cny) / 1e4)),)


# ---- rent: 租金不超过15元/平方米·月 ----

RENT = re.compile(
    rf"(?:月租金|租金|租价|房租|租赁价格){LINK}(?P<pre>{PRE})?(?:每平方?米?(?:每月)?)?(?P<a>{NUM})"
    rf"(?:{DASH}(?P<b>{NUM}))?(?:元|块)(?:/|每|一)?(?:平方米|平米|平方|m2|㎡|平)?"
    r"(?:[·・/.\-每]?(?P<per>月|天|日|年))?(?P<post>" + POST + ")?",
    re.I,
)
PER_MONTH = {"月": 1.0, "天": 30.0, "日": 30.0, "年": 1 / 12}


def _rent(m: re.Match[str], _ctx: Context) -> Values | None:
    yuan = _at_most(m, PER_MONTH[m["per"] or "月"])
    return None if yuan is None else (("max_rent_yuan_m2_month", _rounded(yuan)),)


# ---- factory specifications ----

POWER_UNITS = {
    "kva": 1.0,
    "千伏安": 1.0,
    "kw": 1.0,
    "千瓦": 1.0,
    "mva": 1000.0,
    "兆伏安": 1000.0,
    "mw": 1000.0,
    "兆瓦": 1000.0,
}
POWER = _quantity(
    "用电容量|用电负荷|用电需求|用电量|用电|供电容量|供电|配电容量|配电|变压器容量|变压器|电力容量|电力负荷|电力|装机容量|电容量|负荷|容量",
    r"kva|千伏安|mva|兆伏安|kw(?!h)|千瓦(?!时)|mw(?!h)|兆瓦(?!时)",
    "变压器|用电|容量",
)
LOAD_UNITS = (
    r"(?:吨|t)(?:/|每)?(?:平方米|平米|平方|m2|平)?|kn(?:/|每)?(?:平方米|平米|平方|m2)?|千牛(?:/|每)?(?:平方米|平米)?|"
    r"(?:kg|公斤)(?:/|每)(?:平方米|平米|平方|m2)"
)
LOAD = _quantity(
    "楼面荷载|地面荷载|地坪荷载|楼面承重|地面承重|地坪承重|楼板承重|承重|荷载", LOAD_UNITS, key_needed=False
)
CRANE = _quantity(
    "桥式起重机|起重机|龙门吊|行车|吊车|天车|航车|桥吊|门吊|桁车",
    r"吨|t(?![a-z])",
    "行车|吊车|天车|航车|起重机|龙门吊",
)
HEIGHT = _quantity(
    "梁下净高|梁底净高|檐口高度|檐口高|层高|净高|檐高|挑高|高度", r"米|m(?![a-z\d])", "层高|净高|檐高|高"
)


def _power(m: re.Match[str], _ctx: Context) -> Values | None:
    kva = _at_least(m, POWER_UNITS[m["unit"].lower()])
    return None if kva is None else (("power_min_kva", _rounded(kva)),)


def _load(m: re.Match[str], _ctx: Context) -> Values | None:
    unit = m["unit"].lower()
    scale = (
        1.0
        if unit.startswith(("kn", "千牛"))
        else T_PER_M2_IN_KN / 1000
        if unit[0] in "k公"
        else T_PER_M2_IN_KN
    )
    kn = _at_least(m, scale) if _keyed(m) else None
    return None if kn is None else (("floor_load_min_kn_m2", _rounded(kn)),)


def _spec(field: str) -> Handler:
    def read(m: re.Match[str], _ctx: Context) -> Values | None:
        value = _at_least(m) if _keyed(m) else None
        return None if value is None else ((field, _rounded(value)),)

    return read


# ---- areas: land in 亩 (约60亩, 50-80亩, 4公顷, 3万平方米 of land) and factory floor in m² ----

LAND_KEYS = (
    "用地面积|占地面积|土地面积|用地需求|用地规模|需要土地|需用地|工业用地|需地|用地|占地|土地|拿地|供地|地块"
)
FLOOR_KEYS = "标准厂房|厂房面积|厂房|标房|车间|仓库|库房|租赁面积|租赁|租用|租|建筑面积|面积"
AREA_UNITS = {"亩": 1.0, "mu": 1.0, "公顷": 15.0, "ha": 15.0, "hm2": 15.0, "平方公里": 1500.0, "km2": 1500.0}
AREA = _quantity(
    f"{LAND_KEYS}|{FLOOR_KEYS}",
    r"亩|mu(?![a-z])|公顷|hm2|ha(?![a-z])|平方公里|km2|平方米|平米|平方|m2|sqm|平(?![方整台均])",
    f"{LAND_KEYS}|{FLOOR_KEYS}|地",
)
FLOOR_HINTS = re.compile("厂房|车间|仓库|库房|标房|楼|层|租")
LAND_HINTS = re.compile("地|亩|公顷")


def _family(m: re.Match[str], ctx: Context) -> str | None:
    """Land or factory floor, for an area in m²: its key words, else its clause; a building's
    planned floor area (建筑面积) is neither."""
    keys = [k for k in (m["key"], m["key2"]) if k]
    if "建筑面积" in keys:
        return None
    for key in keys:
        if re.fullmatch(LAND_KEYS + "|地", key):
            return "land"
        if key != "面积":
            return "floor"
    clause = ctx.clause(m)
    return "land" if LAND_HINTS.search(clause) and not FLOOR_HINTS.search(clause) else "floor"


def _area(m: re.Match[str], ctx: Context) -> Values | None:
    mu_scale = AREA_UNITS.get(m["unit"].lower())
    family = "land" if mu_scale else _family(m, ctx)
    if family is None:
        return None
    share = ctx.config.about_share
    if family == "land":
        low, high = _band(m, share, mu_scale or 1 / M2_PER_MU)
        fields = ("land_min_mu", "land_max_mu")
    else:
        low, high = _band(m, share)
        fields = ("floor_area_min_m2", "floor_area_max_m2")
    return tuple((f, _rounded(v)) for f, v in zip(fields, (low, high), strict=True) if v is not None)


# ---- industry: by name, alias or GB/T 4754 code; nuisance class ----

CODE = re.compile(
    r"(?:国民经济行业分类|行业分类|行业代码|行业类别|行业|gb/?t?4754(?:-?2017)?(?:代码)?|代码|编码)(?:代码)?[:为是]?c?(\d{2,4})(?!\d)"
    r"|(?<![a-z\d])C(\d{2,4})(?!\d)",
    re.I,
)
NUISANCE = re.compile(
    r"(?:工业用地性质|用地性质|环评类别|环评|工业类别|用地类别|类别)?(?:为|属于|是|:)?(?<![第\dA-Za-z])([一二三123])类(?:工业)?(?:用地)?(?:项目)?"
)
NUISANCE_M = re.compile(r"(?<![\dA-Za-z.])M([123])(?!\d)(?:类)?(?:工业)?(?:用地)?")
CLASSES = {"一": 1, "二": 2, "三": 3, "1": 1, "2": 2, "3": 3}


def _known_code(code: str, industries: Mapping[str, str]) -> str | None:
    """The code itself, or its nearest known parent (2710 -> 271 -> 27)."""
    return next((code[:n] for n in range(len(code), 1, -1) if code[:n] in industries), None)


def _code(m: re.Match[str], ctx: Context) -> Values | None:
    code = _known_code(m[1] or m[2], ctx.industries)
    return None if code is None else (("industry_code", code),)


@cache
def alias_table() -> dict[str, str]:
    """Word -> industry code, from lead_industries.yaml."""
    table = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))
    return {word.lower(): str(code) for code, words in table.items() for word in words}


def industry_words(industries: Mapping[str, str]) -> dict[str, str]:
    """Every word that names one of `industries`: its name (with and without 业), and its aliases."""
    words = {w: c for w, c in alias_table().items() if c in industries}
    for code, name in industries.items():
        words.setdefault(name.lower(), code)
        if name.endswith("业") and len(name) > 3:
            words.setdefault(name[:-1].lower(), code)
    return words


def _industry_reader(industries: Mapping[str, str]) -> tuple[re.Pattern[str], Handler]:
    words = industry_words(industries)
    pattern = re.compile(_alternation(list(words)) or r"(?!)", re.I)
    return pattern, lambda m, _ctx: (("industry_code", words[m[0].lower()]),)


def _nuisance(m: re.Match[str], _ctx: Context) -> Values:
    return (("nuisance_class", CLASSES[m[1]]),)


# ---- reading: every reader in turn, each phrase claimed once ----

MASK = "\x00"
READERS: tuple[tuple[re.Pattern[str], Handler], ...] = (
    (BUNDLE, _bundle),
    (DISTANCE, _distance),
    (MONEY, _money),
    (RENT, _rent),
    (POWER, _power),
    (LOAD, _load),
    (CRANE, _spec("crane_min_t")),
    (HEIGHT, _spec("clear_height_min_m")),
    (AREA, _area),
    (CODE, _code),
)
LATE_READERS: tuple[tuple[re.Pattern[str], Handler], ...] = (
    (NUISANCE, _nuisance),
    (NUISANCE_M, _nuisance),
    (NEAR_BEFORE, _near),
    (NEAR_AFTER, _near),
    (WATERFRONT, _waterfront),
    (re.compile(_alternation(list(READY_WORDS))), _ready_word),
)


@dataclass(frozen=True)
class Reading:
    """A phrase a reader understood, in folded positions, and what it sets."""

    start: int
    end: int
    values: Values


def read(folded: str, ctx: Context) -> list[Reading]:
    """Every phrase the readers understand, in text order."""
    readers = (*READERS, _industry_reader(ctx.industries), *LATE_READERS)
    masked, found = folded, []
    for pattern, handler in readers:
        for m in pattern.finditer(masked):
            values = handler(m, ctx)
            if values:
                found.append(Reading(m.start(), m.end(), values))
                masked = masked[: m.start()] + MASK * (m.end() - m.start()) + masked[m.end() :]
    return sorted(found, key=lambda r: r.start)


# ---- placing: the first value of a field stands ----


def _refusal(values: dict[str, Any], reading: Reading) -> str | None:
    """Why a reading cannot be placed: a figure out of range, or a field holding another value."""
    for field, value in reading.values:
        if _out_of_range(field, value):
            return "out_of_range"
    for field, value in reading.values:
        if _conflicts(values, field, value):
            return "conflict"
    return None


def _out_of_range(field: str, value: Any) -> bool:
    if field == "max_distance_km":
        return any(not 0 < km <= MAX_KM for km in value.values())
    return field in LIMITS and not 0 < value <= LIMITS[field]


def _conflicts(values: dict[str, Any], field: str, value: Any) -> bool:
    if field in ("required_readiness", "needs_waterfront"):
        return False
    if field == "max_distance_km":
        held = values.get(field, {})
        return any(kind in held and held[kind] != km for kind, km in value.items())
    if field in values:
        return bool(values[field] != value)
    for low, high in PAIRS:
        other = values.get(high if field == low else low if field == high else "")
        if other is not None and (value > other if field == low else value < other):
            return True
    return False


def _merge(values: dict[str, Any], field: str, value: Any) -> None:
    if field == "required_readiness":
        held = set(values.get(field, [])) | set(value)
        values[field] = [i.value for i in ReadyItem if i.value in held]
    elif field == "max_distance_km":
        values[field] = {**values.get(field, {}), **value}
    else:
        values[field] = value


def place(readings: list[Reading]) -> tuple[dict[str, Any], list[Reading], list[tuple[Reading, str]]]:
    """The values the readings set, in order; those placed and those refused with the reason."""
    values: dict[str, Any] = {}
    placed, refused = [], []
    for reading in readings:
        why = _refusal(values, reading)
        if why:
            refused.append((reading, why))
            continue
        for field, value in reading.values:
            _merge(values, field, value)
        placed.append(reading)
    return values, placed, refused


# ---- what is left: the pieces no phrase covers, less pure filler ----

PIECES = re.compile(r"[^，。；、,;\n\r!?！？\s]+")
# Words that alone say nothing the need could hold: a piece of only these is not listed
FILLER_TEXT = (
    "项目 拟 需要 需 要 左右 约 大约 大概 希望 要求 想要 想 计划 准备 打算 我们 我司 "
    "客户 企业 公司 该 这个 一个 有个 的 了 和 与 及 以及 并 且 还 同时 另外 最好 优先 "
    "可以 能 在 为 是 有 等 你好 您好 谢谢 麻烦 请 帮忙 看看 找 寻找 落户 落地 建设 "
    "新建 生产 制造 制造业 行业 产业 类 方面 条件 需求 如下 情况 信息 具体 主要 其中 以上 "
    "以内 以下 上下 考虑 配套 尽量 吧 啊 呢 哈 呀 嗯 一下 地 土地 用地 地块 厂 工业 或 "
    "或者 也 都 就 方 人 您 我 做 搞 之间 均可 一块 一家 某 园区 靠近 临近 邻近 接近 距离 离 个"
)
FILLER = re.compile(_alternation(FILLER_TEXT.split()) + r"|[\W_]")


def leftovers(text: str, covered: list[tuple[int, int]]) -> list[Piece]:
    """The pieces of `text` (split at ，。；、,; and line breaks) outside `covered`, each trimmed,
    except those that are filler alone (项目, 拟, 需要, 左右 ...)."""
    mask = [False] * len(text)
    for start, end in covered:
        mask[start:end] = [True] * (end - start)
    pieces = []
    for piece in PIECES.finditer(text):
        for start, end in _runs(mask, piece.start(), piece.end()):
            part = text[start:end]
            if FILLER.sub("", part):
                pieces.append(Piece(start, end, part, "unknown"))
    return pieces


def _runs(mask: list[bool], start: int, end: int) -> Iterator[tuple[int, int]]:
    """The uncovered runs of [start, end)."""
    run = None
    for i in range(start, end):
        if not mask[i] and run is None:
            run = i
        elif mask[i] and run is not None:
            yield run, i
            run = None
    if run is not None:
        yield run, end


# ---- the parse ----


def parse(text: str, industries: Mapping[str, str], config: LeadConfig | None = None) -> Lead:
    """Read a lead: the need it states, each phrase understood (span, text, field, value), and the
    pieces not placed. `industries` maps the reference table's codes to their names."""
    folded = fold(text)
    ctx = Context(folded.text, config or LeadConfig(), industries)
    values, placed, refused = place(read(folded.text, ctx))
    understood = []
    for reading in placed:
        start, end = folded.span(reading.start, reading.end)
        understood += [Phrase(start, end, text[start:end], f, v) for f, v in reading.values]
    spans = [folded.span(r.start, r.end) for r, _ in refused]
    unplaced = [Piece(s, e, text[s:e], why) for (s, e), (_, why) in zip(spans, refused, strict=True)]
    covered = [(p.start, p.end) for p in understood] + spans
    unplaced = sorted(unplaced + leftovers(text, covered), key=lambda p: p.start)
    need = {f: values[f] for f in NEED_FIELDS if f in values}
    return Lead(need, tuple(understood), tuple(unplaced))
