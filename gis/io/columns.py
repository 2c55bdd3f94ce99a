"""Which source column holds which field, and what each field's type is.

Headers are recognised after normalisation (full-width to half-width, case, spaces and
punctuation): the field names themselves, their Chinese and English labels (so exports import
back), the Shapefile short names of exports, and the headers surveyors use, including
the pinyin initials of Chinese desktop GIS (DKBH 地块编号, ZDH 宗地号, YDXZ 用地性质, MJ 面积 …).
A mapping file (YAML or JSON) overrides them:

    columns: {DKBH: code, MJ: "area:mu"}    # source header -> field[:unit]
    values: {status: {待出让: available}}    # extra synonyms per field
    defaults: {land_use: "100102"}            # for fields the file lacks
    crs: EPSG:4549
    key: {strip: "-", pad: 14}                # transforms of the key (gis/io/keys.py)
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gis.errors import InvalidInput
from gis.io import keys
from gis.labels import EN, ZH, Text

UNITS = {"m2": 1.0, "mu": 10000 / 15, "ha": 10000.0}
UNIT_NAMES = ("m2 (平方米)", "mu (亩)", "ha (公顷)")
_UNIT_WORDS = (
    ("平方米", "m2"),
    ("m2", "m2"),
    ("sqm", "m2"),
    ("公顷", "ha"),
    ("hm2", "ha"),
    ("ha", "ha"),
    ("亩", "mu"),
    ("mu", "mu"),
)
# A unit as a mapping file may name it: its code or one of its words
UNIT_CODES = {**{code: code for code in UNITS}, **dict(_UNIT_WORDS), "m²": "m2", "㎡": "m2"}

# Field -> kind of value, per layer. `area` fields carry a unit; `ref` fields are codes of
# other records; `note` is the reason given with a status change.
COMMON = {
    "code": "code",
    "name": "text",
    "status": "status",
    "status_since": "date",
    "reserved_project": "ref",
    "park": "ref",
    "town": "ref",
    "contact": "text",
    "contact_phone": "text",
    "remarks": "text",
    "note": "text",
}
FIELDS: dict[str, dict[str, str]] = {
    "parcels": {
        **COMMON,
        "land_use": "land_use",
        "stock_type": "stock_type",
        "ownership": "text",
        "plot_ratio": "plot_ratio",
        "plot_ratio_min": "float",
        "plot_ratio_max": "float",
        "building_density_min": "float",
        "height_limit_m": "float",
        "green_ratio_max": "float",
        "waterfront": "bool",
        "ready_road": "bool",
        "ready_power": "bool",
        "ready_water": "bool",
        "ready_drainage": "bool",
        "ready_telecom": "bool",
        "ready_gas": "bool",
        "ready_heat": "bool",
        "ready_leveled": "bool",
        "net_land": "bool",
        "price_wan_per_mu": "float",
        "idle_since": "date",
        "area": "area",
        "cert_area": "area",
    },
    "factories": {
        **COMMON,
        "building_type": "building_type",
        "floors": "int",
        "floor_area_m2": "float",
        "vacant_area_m2": "float",
        "clear_height_m": "float",
        "floor_load_kn_m2": "float",
        "crane_t": "float",
        "power_kva": "float",
        "year_built": "int",
        "owner": "text",
        "rent_yuan_m2_month": "float",
        "sale_price_wan": "float",
        "parcel": "ref",
        "suitable_industries": "list",
        "footprint": "wkt",
    },
    "areas": {
        "code": "code",
        "name": "text",
        "kind": "area_kind",
        "parent": "ref",
        "leading_industries": "list",
        "is_priority": "bool",
        "cadastral_code": "district",
        "remarks": "text",
    },
    # Sensitive receptors (卫生防护距离): points or outlines, written through gis/gateway/receptors.py
    "receptors": {"code": "code", "name": "text", "kind": "receptor_kind"},
    # Investment projects: a table without geometry, written through gis/gateway/projects.py.
    # `land_mu` is a need as one cell ("50", "50-80", "≥50"), `contact_phone` joins `contact`.
    "projects": {
        "code": "code",
        "name": "text",
        "investor": "text",
        "credit_code": "text",
        "investor_category": "investor_category",
        "project_type": "project_type",
        "industry_code": "industry",
        "investment_total_wan": "float",
        "fixed_investment_wan": "float",
        "foreign_investment_wusd": "float",
        "land_mu": "span",
        "land_min_mu": "float",
        "land_max_mu": "float",
        "floor_area_min_m2": "float",
        "clear_height_min_m": "float",
        "floor_load_min_kn_m2": "float",
        "crane_min_t": "float",
        "power_min_kva": "float",
        "nuisance_class": "int",
        "needs_waterfront": "bool",
        "preferred_areas": "list",
        "annual_output_wan": "float",
        "annual_tax_wan": "float",
        "agreed_start_on": "date",
        "source_unit": "unit",
        "platform": "ref",
        "leader": "text",
        "officer": "text",
        "stage": "stage",
        "stage_since": "date",
        "signed_on": "date",
        "started_on": "date",
        "contact": "text",
        "contact_phone": "text",
        "remarks": "text",
    },
}
GEOMETRY_COLUMNS = ("wkt", "geometry", "geom", "the_geom", "shape", "几何", "几何wkt", "wkt几何", "空间信息")
X_COLUMNS = ("x", "lon", "lng", "long", "longitude", "经度", "东经", "x坐标", "横坐标", "东坐标")
Y_COLUMNS = ("y", "lat", "latitude", "纬度", "北纬", "y坐标", "纵坐标", "北坐标")
PAIR_COLUMNS = (
    "latlon",
    "latlng",
    "lat,lon",
    "坐标",
    "经纬度",
    "位置",
    "纬度经度",
    "lonlat",
    "lnglat",
    "经度纬度",
    "location",
    "coordinates",
    "中心点坐标",
    "中心坐标",
)
# Measures of the source system's geometry (degrees² in a geographic file): never an area.
IGNORED = ("shapearea", "shapelength", "shapeleng", "shapelen", "objectid", "fid", "id")

_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "parcels": {
        "code": (
            "地块编号",
            "宗地号",
            "宗地编号",
            "宗地代码",
            "地块代码",
            "地块号",
            "编号",
            "编码",
            "dkbh",
            "zdh",
            "zdbh",
            "zddm",
            "bh",
            "parcel_code",
            "parcelcode",
            "parcel_id",
            "pin",
            "pin14",
            "apn",
            "不动产单元代码",
            "不动产单元号",
            "bdcdyh",
        ),
        "name": ("地块名称", "宗地名称", "名称", "地块名", "项目名称", "dkmc", "zdmc", "mc"),
        "land_use": (
            "用地性质",
            "用地类型",
            "土地用途",
            "用途",
            "地类",
            "规划用途",
            "规划性质",
            "用地分类",
            "地类编码",
            "地类代码",
            "landuse",
            "ydxz",
            "yt",
            "dlbm",
            "ghyt",
            "tdyt",
        ),
        "stock_type": ("存量类型", "存量土地类型", "stocktype"),
        "ownership": ("权属单位", "权利人", "土地使用权人", "使用权人", "土地权属", "权属", "qsdw", "qlr"),
        "plot_ratio": ("容积率", "rjl", "far", "plotratio"),
        "price_wan_per_mu": ("价格", "单价", "出让价格", "挂牌价", "地价", "price"),
        "area": (
            "面积",
            "地块面积",
            "用地面积",
            "宗地面积",
            "土地面积",
            "占地面积",
            "area",
            "mj",
            "dkmj",
            "zdmj",
            "ydmj",
        ),
        "cert_area": ("证载面积", "证书面积", "批准面积", "登记面积", "certarea", "zzmj"),
        "waterfront": ("临水", "临江", "临海", "临港", "临水岸线", "是否临水"),
        "idle_since": ("闲置时间", "闲置日期", "闲置起始时间"),
    },
    "factories": {
        "code": (
            "厂房编号",
            "编号",
            "编码",
            "cfbh",
            "bh",
            "factory_code",
            "不动产单元代码",
            "不动产单元号",
            "bdcdyh",
        ),
        "name": ("厂房名称", "名称", "cfmc", "mc"),
        "building_type": ("厂房类型", "建筑类型", "类型", "buildingtype"),
        "floors": ("层数", "楼层", "楼层数", "cs"),
        "floor_area_m2": ("建筑面积", "总建筑面积", "厂房面积", "面积", "floorarea", "jzmj"),
        "vacant_area_m2": ("空置面积", "闲置面积", "可租面积", "可用面积", "vacantarea", "kzmj"),
        "clear_height_m": ("净高", "檐高", "clearheight"),
        "floor_load_kn_m2": ("荷载", "楼面荷载", "承重", "地面荷载", "floorload"),
        "crane_t": ("行车", "行车吨位", "吊车", "crane"),
        "power_kva": ("供电容量", "电力容量", "变压器容量", "用电容量", "power"),
        "year_built": ("建成年份", "建成时间", "竣工年份", "建造年份"),
        "owner": ("产权人", "业主", "权属单位", "产权单位", "qsdw"),
        "rent_yuan_m2_month": ("租金", "租金价格", "rent"),
        "sale_price_wan": ("售价", "出售价格", "saleprice"),
        "parcel": ("所在地块", "地块编号", "宗地号", "parcel_code"),
        "suitable_industries": ("适宜产业", "适合产业"),
        "footprint": ("footprint_wkt", "占地轮廓", "占地轮廓wkt", "轮廓"),
    },
    "areas": {
        "code": ("编号", "园区编号", "代码", "areacode", "adcode", "行政区划代码", "区划代码"),
        "name": ("名称", "园区名称", "镇名", "mc"),
        "kind": ("类型", "级别", "kind"),
        "parent": ("上级", "上级编号", "所属"),
        "leading_industries": ("主导产业",),
        "is_priority": ("重点平台", "是否重点平台"),
        "cadastral_code": ("地籍区", "地籍区号", "地籍区代码", "地籍区编码", "djq", "djqdm"),
    },
    "receptors": {
        "code": ("编号", "敏感目标编号", "代码", "bh"),
        "name": ("名称", "敏感目标", "敏感目标名称", "mc"),
        "kind": ("类型", "类别", "敏感目标类型", "lx"),
    },
    "projects": {
        "code": ("项目编号", "编号", "项目代码", "xmbh", "project_code"),
        "name": ("项目名称", "名称", "项目", "xmmc"),
        "investor": ("投资方", "企业名称", "投资企业", "投资主体", "投资方名称", "签约企业", "企业"),
        "credit_code": ("信用代码", "社会信用代码", "统一代码", "uscc"),
        "industry_code": ("所属行业", "行业代码", "行业分类", "产业", "产业类别", "industry"),
        "investment_total_wan": (
            "计划投资额（万元）",
            "计划投资额",
            "计划总投资",
            "总投资",
            "投资额",
            "投资总额",
        ),
        "land_mu": ("用地需求（亩）", "用地需求", "需求用地", "用地面积", "用地", "land_mu"),
        "stage": ("阶段", "项目进度", "进展阶段", "项目状态", "进度"),
        "source_unit": ("招商单位", "来源单位", "信息来源", "引进单位"),
        "platform": ("落户平台", "落户园区", "载体"),
        "preferred_areas": ("意向园区", "意向地点", "意向选址"),
        "contact": ("联系人", "lxr"),
        "contact_phone": ("联系电话", "电话", "手机", "lxdh"),
        "remarks": ("备注", "说明", "bz", "remark"),
    },
}
_COMMON_SYNONYMS = {
    "status": ("状态", "供地状态", "现状", "当前状态", "zt", "status_code"),
    "park": ("园区", "所属园区", "园区编号", "park_code"),
    "town": ("镇", "所属镇", "乡镇", "镇区", "所属乡镇", "town_code"),
    "contact": ("联系人", "lxr"),
    "contact_phone": ("联系电话", "电话", "手机", "lxdh"),
    "remarks": ("备注", "说明", "bz", "remark"),
    "note": ("状态说明", "变更原因", "原因", "变更说明", "status note"),
    "reserved_project": ("意向项目", "项目编号", "reserved_project_code", "意向项目编号"),
    "status_since": ("状态时间", "状态日期"),
}
# Shapefile field names are at most 10 characters: exports rename the longer ones (names not
# listed are short enough already), and imports recognise them.
_COMMON_SHORT = {
    "status_since": "stat_since",
    "reserved_project_code": "project",
    "park_code": "park",
    "town_code": "town",
    "contact_phone": "phone",
}
SHAPEFILE_NAMES: dict[str, dict[str, str]] = {
    "parcels": {
        **_COMMON_SHORT,
        "land_use_name": "lu_name",
        "plot_ratio_min": "pr_min",
        "plot_ratio_max": "pr_max",
        "building_density_min": "bd_min",
        "height_limit_m": "height_m",
        "green_ratio_max": "green_max",
        "ready_road": "rd_road",
        "ready_power": "rd_power",
        "ready_water": "rd_water",
        "ready_drainage": "rd_drain",
        "ready_telecom": "rd_tel",
        "ready_gas": "rd_gas",
        "ready_heat": "rd_heat",
        "ready_leveled": "rd_level",
        "price_wan_per_mu": "price_wmu",
        "cert_area_m2": "cert_m2",
        "cert_area_mu": "cert_mu",
    },
    "factories": {
        **_COMMON_SHORT,
        "building_type": "bldg_type",
        "floor_area_m2": "floor_m2",
        "vacant_area_m2": "vacant_m2",
        "clear_height_m": "height_m",
        "floor_load_kn_m2": "load_kn_m2",
        "rent_yuan_m2_month": "rent_m2_mo",
        "sale_price_wan": "sale_wan",
        "suitable_industries": "industries",
        "parcel_code": "parcel",
        "footprint_wkt": "footprint",
    },
    "areas": {
        "parent_code": "parent",
        "leading_industries": "industries",
        "is_priority": "priority",
        "cadastral_code": "cadastral",
    },
}
# Labels whose field name differs from the import field.
_LABEL_FIELDS = {
    "reserved_for": "reserved_project",
    "area_m2": "area",
    "area_mu": "area",
    "cert_area_m2": "cert_area",
    "cert_area_mu": "cert_area",
    "parent": "parent",
    "reserved_project_code": "reserved_project",
    "park_code": "park",
    "town_code": "town",
    "parcel_code": "parcel",
    "footprint_wkt": "footprint",
}


def key(text: object) -> str:
    """A header or value compared loosely: NFKC, case-folded, without spaces and punctuation."""
    normal = unicodedata.normalize("NFKC", str(text)).casefold()
    return re.sub(r"[\s_\-—()\[\]【】{}:：/\\·.,，、'\"“”]+", "", normal)


def header_unit(text: str) -> str | None:
    """m2, mu or ha when a header names an area unit."""
    normal = unicodedata.normalize("NFKC", text).casefold().replace("²", "2").replace("㎡", "m2")
    for word, unit in _UNIT_WORDS:
        if normal.rstrip(")）]】 ").endswith(word) or f"({word})" in normal or f"（{word}）" in normal:
            return unit
    return None


def _strip_unit(k: str) -> str:
    for word, _ in _UNIT_WORDS:
        if k.endswith(word) and len(k) > len(word):
            return k[: -len(word)]
    return k


def _labelled_field(label_key: str) -> str | None:
    """The field a `field.*` or `ready.*` label names (None for any other label)."""
    if not label_key.startswith(("field.", "ready.")):
        return None
    name = label_key.split(".", 1)[1]
    name = _LABEL_FIELDS.get(name, name)
    if label_key.startswith("ready.") and name != "net_land":
        name = f"ready_{name}"
    return name


def recognisers(layer: str) -> dict[str, str]:
    """Normalised header -> field for `layer`, from names, labels, synonyms and short names."""
    fields = FIELDS[layer]
    table: dict[str, str] = {}
    for catalogue in (EN, ZH):
        for label_key, text in catalogue.items():
            name = _labelled_field(label_key)
            if name in fields:
                table[key(text)] = name
    for name in fields:
        table[key(name)] = name
        table[key(f"{name}_code")] = name
    # 项目编号 is a project's own code; a receptor has no status, park or reservation
    common = {} if layer in ("projects", "receptors") else _COMMON_SYNONYMS
    for name, words in {**common, **_SYNONYMS[layer]}.items():
        for word in words:
            table[key(word)] = name
    for field_name, short in SHAPEFILE_NAMES.get(layer, {}).items():
        target = _LABEL_FIELDS.get(field_name, field_name)
        if target in fields:
            table[key(short)] = target
    return table


@dataclass
class Mapping:
    """A user's mapping file: columns, value synonyms, defaults and CRS."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    crs: str | None = None
    key: keys.KeyRule = field(default_factory=keys.KeyRule)


class _PlainYaml(yaml.SafeLoader):
    """YAML without aliases: a mapping has no use for `*name`, and a few lines of nested aliases
    (a "billion laughs") would expand to more text than any memory holds once read."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.YAMLError(f"line {mark.line + 1}: aliases (*name) are not allowed in a mapping file")
        return super().compose_node(parent, index)


def load_mapping(path: Path, layer: str) -> Mapping:
    """Read and check a YAML or JSON mapping file for `layer`."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.load(text, Loader=_PlainYaml)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InvalidInput("import.bad_mapping", name=path.name, reason=str(exc).splitlines()[0]) from None
    except RecursionError:  # nested thousands deep: a hostile file
        raise InvalidInput("import.bad_mapping", name=path.name, reason=Text("import.too_deep")) from None
    if not isinstance(data, dict) or set(data) - {"columns", "values", "defaults", "crs", "key"}:
        raise InvalidInput("import.bad_mapping", name=path.name, reason="columns, values, defaults, crs, key")
    try:
        mapping = Mapping(
            {str(k): str(v) for k, v in (data.get("columns") or {}).items()},
            {str(k): dict(v) for k, v in (data.get("values") or {}).items()},
            dict(data.get("defaults") or {}),
            data.get("crs"),
            keys.rule(data.get("key"), path.name),
        )
    except (AttributeError, TypeError, ValueError):  # a list or a number where a table belongs
        raise InvalidInput(
            "import.bad_mapping",
            name=path.name,
            reason="columns: {…}, values: {field: {…}}, defaults: {…}, crs",
        ) from None
    known = set(FIELDS[layer]) | {"wkt", "x", "y", "latlon", "lonlat", "ignore"}
    mapping.columns = {
        column: _with_unit(column, target, path.name) for column, target in mapping.columns.items()
    }
    named = [v.split(":")[0] for v in mapping.columns.values()]
    named += [*mapping.values, *mapping.defaults]
    unknown = sorted(set(named) - known)
    if unknown:
        raise InvalidInput(
            "import.mapping_field", name=path.name, field=unknown[0], fields=", ".join(sorted(known))
        )
    return mapping


def _with_unit(column: str, target: str, name: str) -> str:
    """A column's target with its unit as a code (`area:亩` -> `area:mu`); an unknown unit is refused."""
    field_name, colon, unit = target.partition(":")
    if not colon:
        return target
    code = UNIT_CODES.get(unicodedata.normalize("NFKC", unit).strip().casefold())
    if code is None:
        raise InvalidInput(
            "import.mapping_unit", name=name, column=column, unit=unit, units=", ".join(UNIT_NAMES)
        )
    return f"{field_name}:{code}"


@dataclass
class Plan:
    """What each source column becomes; geometry columns of a table; ignored columns."""

    fields: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    geometry: tuple[str, ...] = ()
    geometry_kind: str | None = None
    notes: list[Text] = field(default_factory=list)


def _geometry_role(k: str) -> str | None:
    if k in map(key, GEOMETRY_COLUMNS):
        return "wkt"
    if k in map(key, X_COLUMNS):
        return "x"
    if k in map(key, Y_COLUMNS):
        return "y"
    if k in map(key, PAIR_COLUMNS):
        return "lonlat" if k.startswith(("lon", "lng", "经度")) else "latlon"
    return None


def _role(
    column: str, layer: str, table: dict[str, str], mapping: Mapping, is_table: bool
) -> tuple[str | None, str | None]:
    """(field or geometry role, unit) of one column."""
    if column in mapping.columns:
        target, _, unit = mapping.columns[column].partition(":")
        return target, unit or header_unit(column)
    k = key(column)
    if is_table and (role := _geometry_role(k)):
        return role, None
    if k in IGNORED:
        return None, None
    if k in table:
        name = table[k]
        return name, header_unit(column) if FIELDS[layer][name] == "area" else None
    stripped = _strip_unit(k)
    if stripped in table and FIELDS[layer][table[stripped]] == "area":
        return table[stripped], header_unit(column)
    return None, None


def plan(columns: list[str], layer: str, mapping: Mapping, *, is_table: bool) -> Plan:
    """Decide each column's role; later duplicates of a field are ignored with a note."""
    table = recognisers(layer)
    result = Plan()
    geometry: dict[str, str] = {}
    ignored: list[str] = []
    for column in columns:
        role, unit = _role(column, layer, table, mapping, is_table)
        if role in ("wkt", "x", "y", "latlon", "lonlat"):
            geometry.setdefault(role, column)
        elif role == "ignore" or role is None:
            ignored.append(column)
        elif role in result.fields:
            result.notes.append(
                Text("import.column_duplicate", {"column": column, "other": result.fields[role][0]})
            )
        else:
            result.fields[role] = (column, unit)
    _geometry_plan(result, geometry)
    if ignored:
        result.notes.append(Text("import.column_ignored", {"column": "、".join(ignored)}))
    if "cert_area" in result.fields and "area" in result.fields:
        column = result.fields.pop("area")[0]
        result.notes.append(Text("import.area_computed", {"column": column}))
    return result


def _geometry_plan(result: Plan, geometry: dict[str, str]) -> None:
    if "wkt" in geometry:
        result.geometry, result.geometry_kind = (geometry["wkt"],), "wkt"
    elif "x" in geometry and "y" in geometry:
        result.geometry, result.geometry_kind = (geometry["x"], geometry["y"]), "xy"
    elif "latlon" in geometry or "lonlat" in geometry:
        kind = "latlon" if "latlon" in geometry else "lonlat"
        result.geometry, result.geometry_kind = (geometry[kind],), kind
