"""Cell values of survey files turned into field values, one kind of value per function.

Labels are compared loosely (full-width characters, case, spaces and punctuation ignored) and
through known synonyms, so "Sold by City", "Sold By City " and "ＳＯＬＤ ｂｙ ｃｉｔｙ" are one
status. Land-use classes are accepted as 2023 codes, class names, GB 50137-2011 codes (M1/M2/M3,
W1…) and 三调 codes (0601, 0508 …), always stored as the 2023 code.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from gis.errors import InvalidInput
from gis.io.columns import UNITS, header_unit, key
from gis.labels import EN, ZH, Text

STATUS_SYNONYMS = {
    "parcels": {
        "available": (
            "待供",
            "待出让",
            "可出让",
            "可供地",
            "空地",
            "闲置",
            "未供",
            "未出让",
            "open",
            "for sale",
            "vacant",
        ),
        "reserved": ("预留", "意向", "洽谈", "洽谈中", "拟供"),
        "signed": ("签约", "已签", "已签协议"),
        "supplied": ("已出让", "已供", "出让", "已划拨", "sold", "sold by city", "sold by the city"),
        "under_construction": ("在建", "开工", "施工", "建设中", "construction"),
        "in_production": ("投产", "生产", "已建成投产", "operating", "producing"),
        "unavailable": ("不可供", "冻结", "暂缓", "withdrawn", "on hold"),
    },
    "factories": {
        "vacant": ("闲置", "空", "空闲", "待租", "可租", "待售", "available"),
        "reserved": ("预留", "洽谈", "洽谈中", "意向"),
        "leased": ("出租", "已租", "租赁", "rented", "let"),
        "sold": ("出售", "已售", "售出"),
    },
}
STOCK_SYNONYMS = {
    "approved_unsupplied": ("批而未供",),
    "idle": ("闲置土地", "闲置"),
    "inefficient": ("低效", "低效用地"),
    "reserve": ("储备", "储备地", "收储"),
    "other": ("其他", "其它"),
}
BUILDING_SYNONYMS = {
    "standard": ("标准厂房", "标厂", "高标准厂房"),
    "self_built": ("自建", "自建厂房"),
    "warehouse": ("仓库", "仓储", "库房"),
    "rnd": ("研发", "研发楼", "办公研发"),
}
AREA_KINDS = {
    "park": ("园区", "开发区", "产业园"),
    "town": ("镇", "乡镇", "街道"),
    "zone": ("片区", "工业集中区"),
}
RECEPTOR_KINDS = {
    "residential": ("居住区", "住宅区", "小区", "居民区", "集镇"),
    "school": ("学校", "小学", "中学", "幼儿园"),
    "hospital": ("医院", "卫生院", "社区卫生服务中心"),
    "village": ("村庄", "村", "自然村", "行政村", "居民点"),
    "elderly_care": ("养老院", "敬老院", "养老机构", "福利院"),
}
TRUE = {"1", "true", "t", "yes", "y", "是", "有", "√", "✓", "通", "已通"}
FALSE = {"0", "false", "f", "no", "n", "否", "无", "×", "未通", "不通", ""}


class CellError(ValueError):
    """A cell that cannot become a value of its field; carries the reason as a Text."""

    def __init__(self, text: Text) -> None:
        self.text = text
        super().__init__(text.key)


def _refused(key: str, value: Any, **params: Any) -> CellError:
    """The error for a cell that cannot be read as its field, quoting it up to 60 characters."""
    return CellError(Text(key, {"value": str(value)[:60], **params}))


def blank(value: Any) -> bool:
    """None, NaN, NaT or an empty/whitespace string."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return not value.strip()
    return bool(value != value)  # pandas NaT / NA


def text(value: Any) -> str:
    """A cell as clean text: NFC, stripped; integral floats without '.0' (Excel codes)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFC", str(value)).strip()


def code(value: Any) -> str:
    """A record code: text, and refusing what Excel made of an over-long number."""
    result = unicodedata.normalize("NFKC", text(value))
    if re.fullmatch(r"\d(\.\d+)?[eE]\+\d+", result):
        raise CellError(Text("import.code_overflow", {"value": result}))
    if len(result) > 40:
        raise _refused("import.code_too_long", result)
    return result


def district(value: Any) -> str:
    """A town's 地籍区 code: three digits, fewer taken as read from a number (1 is 001)."""
    result = unicodedata.normalize("NFKC", text(value))
    if not re.fullmatch(r"\d{1,3}", result):
        raise _refused("import.bad_district", result)
    return result.zfill(3)


def number(value: Any) -> float:
    """A finite number; accepts full-width digits, thousands separators and trailing units."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        result = float(value)
    else:
        cleaned = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
        match = re.fullmatch(r"([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)\s*[^\d\s]*", cleaned)
        if not match:
            raise _refused("import.not_a_number", value)
        result = float(match.group(1))
    if not math.isfinite(result):
        raise _refused("import.not_a_number", value)
    return result


def integer(value: Any) -> int:
    """A whole number."""
    result = number(value)
    if not result.is_integer():
        raise _refused("import.not_an_integer", value)
    return int(result)


def boolean(value: Any) -> bool:
    """Yes/no in Chinese or English, 1/0, √/×."""
    k = key(value) if not isinstance(value, bool) else str(value).lower()
    if k in TRUE:
        return True
    if k in FALSE:
        return False
    raise _refused("import.not_a_boolean", value)


def date(value: Any) -> dt.date:
    """ISO dates, 2024/5/1, 2024年5月1日, and spreadsheet dates."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    cleaned = unicodedata.normalize("NFKC", str(value)).strip()
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?", cleaned)
    if match:
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            pass
    raise _refused("import.not_a_date", cleaned)


def area_m2(value: Any, unit: str | None) -> float | None:
    """An area in m² from a value in `unit` (m² when none); zero counts as not given."""
    amount = number(value)
    if isinstance(value, str) and re.search(r"[^\d\s.,]", value.strip()[-1:]):
        unit = header_unit(value) or unit  # "60亩", "4 公顷": the cell names its own unit
    if amount < 0:
        raise _refused("import.negative", value)
    return amount * UNITS[unit or "m2"] if amount else None


def plot_ratio(value: Any) -> tuple[float | None, float | None]:
    """(min, max) from "1.2-2.5", "≥1.2", "≤2.5" or a bare number (a minimum for industry)."""
    cleaned = unicodedata.normalize("NFKC", str(value)).replace(" ", "")
    if isinstance(value, int | float):
        return number(value), None
    numbers = [float(n) for n in re.findall(r"\d*\.?\d+", cleaned)]
    if len(numbers) == 2 and re.search(r"[-~～至到]", cleaned):
        return min(numbers), max(numbers)
    if len(numbers) == 1:
        if re.match(r"^(≤|<=|<|不大于|不超过|小于)", cleaned):
            return None, numbers[0]
        return numbers[0], None
    raise _refused("import.bad_plot_ratio", cleaned)


def label_index(
    choices: Mapping[str, Iterable[str]], groups: Iterable[str] = (), extra: dict[str, Any] | None = None
) -> dict[str, str]:
    """Loose key -> value for each value, its synonyms, its labels in every language, and a
    mapping file's synonyms (`extra`, checked by `with_synonyms`)."""
    index: dict[str, str] = {}
    for value, words in choices.items():
        index[key(value)] = value
        for word in words:
            index[key(word)] = value
        for group in groups:
            for catalogue in (ZH, EN):
                if f"{group}.{value}" in catalogue:
                    index[key(catalogue[f"{group}.{value}"])] = value
    return with_synonyms(index, extra)


def chooser(index: dict[str, str], field_text: Text) -> Callable[[Any], str]:
    """A converter that looks a value up in `index` and names the accepted values otherwise."""

    def convert(value: Any) -> str:
        found = index.get(key(value))
        if found is None:
            accepted = sorted(set(index.values()))
            raise _refused("import.unknown_value", value, field=field_text, accepted=", ".join(accepted[:12]))
        return found

    return convert


def land_use_index(
    rows: Iterable[tuple[str, str, list[str]]],
    extra: dict[str, Any] | None = None,
) -> dict[str, str]:
    """Loose key -> 2023 code from (code, name, legacy codes) rows of the reference table."""
    index: dict[str, str] = {}
    for code_, name, legacy in rows:
        index[key(code_)] = code_
        index[key(name)] = code_
        index[key(name.removesuffix("用地"))] = code_
        for old in legacy:
            index[key(old)] = code_
            index.setdefault(key(old.lstrip("0")), code_)  # 0601 read as the number 601
    return with_synonyms(index, extra)


def with_synonyms(index: dict[str, str], extra: dict[str, Any] | None) -> dict[str, str]:
    """`index` with a mapping file's synonyms (file value -> a code, or a label or synonym of one
    in any language); a synonym that names no value is refused, naming the accepted ones."""
    added = {}
    for word, target in (extra or {}).items():
        found = index.get(key(target))
        if found is None:
            accepted = ", ".join(sorted(set(index.values()))[:40])
            raise InvalidInput("import.mapping_value", word=word, value=target, accepted=accepted)
        added[key(word)] = found
    return index | added


def wkt(value: Any) -> Any:
    """A geometry from WKT text (a factory footprint beside its location)."""
    import shapely

    try:
        return shapely.from_wkt(str(value).strip())
    except shapely.errors.GEOSException:
        raise CellError(Text("import.bad_wkt", {"value": str(value)[:40]})) from None


def items(value: Any) -> list[str]:
    """A list of codes from "39;38", "39、38", "39,38" or "39 38"."""
    return [p for p in re.split(r"[;,，、；\s]+", unicodedata.normalize("NFKC", text(value))) if p]


def span(value: Any) -> tuple[float | None, float | None]:
    """(low, high) of a need given in one cell: "50-80", "≥50", "≤80", or "50" (exactly that)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        amount = number(value)
        return amount, amount
    cleaned = unicodedata.normalize("NFKC", str(value)).replace(" ", "")
    found = [float(n) for n in re.findall(r"\d*\.?\d+", cleaned)]
    if len(found) == 2 and re.search(r"\d[-~～至到]", cleaned):
        return min(found), max(found)
    if len(found) == 1:
        if re.match(r"^(≥|>=|>|不小于|不少于|大于|至少)", cleaned):
            return found[0], None
        if re.match(r"^(≤|<=|<|不大于|不超过|小于|至多)", cleaned):
            return None, found[0]
        amount = number(cleaned)
        return amount, amount
    raise _refused("import.not_a_number", cleaned)
