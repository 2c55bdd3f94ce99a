"""Every word a user reads, in Chinese (the default) and English, keyed the same way.

Code uses English identifiers; labels, column headers and messages come from here so that
an English interface sits beside the Chinese one. `tests/gis/test_labels.py` checks that both
languages define the same keys with the same placeholders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEFAULT_LANG = "zh"

ZH: dict[str, str] = {
    # parcel status (DESIGN.md, "Status")
    "parcel_status.available": "可供",
    "parcel_status.reserved": "意向",
    "parcel_status.signed": "已签约",
    "parcel_status.supplied": "已供地",
    "parcel_status.under_construction": "已开工",
    "parcel_status.in_production": "已投产",
    "parcel_status.unavailable": "暂不可供",
    # factory status
    "factory_status.vacant": "空置",
    "factory_status.reserved": "意向",
    "factory_status.leased": "已出租",
    "factory_status.sold": "已出售",
    # stock types
    "stock_type.approved_unsupplied": "批而未供",
    "stock_type.idle": "闲置",
    "stock_type.inefficient": "低效",
    "stock_type.reserve": "储备",
    "stock_type.other": "其他",
    # factory building types
    "building_type.standard": "标准厂房",
    "building_type.self_built": "自建厂房",
    "building_type.warehouse": "仓库",
    "building_type.rnd": "研发楼",
    # area kinds
    "area_kind.park": "园区",
    "area_kind.town": "镇",
    "area_kind.zone": "片区",
    # project stages
    "project_stage.negotiating": "在谈",
    "project_stage.signed": "签约",
    "project_stage.registered": "注册",
    "project_stage.landed": "落地",
    "project_stage.started": "开工",
    "project_stage.producing": "投产",
    # nuisance classes of industry (GB 50137: 一类/二类/三类工业)
    "nuisance.1": "一类",
    "nuisance.2": "二类",
    "nuisance.3": "三类",
    # readiness (七通一平 + 净地)
    "ready.road": "通路",
    "ready.power": "通电",
    "ready.water": "给水",
    "ready.drainage": "排水",
    "ready.telecom": "通信",
    "ready.gas": "通气",
    "ready.heat": "通暖(热)",
    "ready.leveled": "场地平整",
    "ready.net_land": "净地",
    # field labels, used as column headers (units in the header)
    "field.code": "编号",
    "field.name": "名称",
    "field.kind": "类型",
    "field.parent": "上级",
    "field.leading_industries": "主导产业",
    "field.is_priority": "重点平台",
    "field.area_m2": "面积(平方米)",
    "field.area_mu": "面积(亩)",
    "field.cert_area_m2": "证载面积(平方米)",
    "field.cert_area_mu": "证载面积(亩)",
    "field.park": "园区",
    "field.town": "镇",
    "field.land_use": "用地性质",
    "field.land_use_name": "用地性质名称",
    "field.stock_type": "存量类型",
    "field.ownership": "权属单位",
    "field.plot_ratio_min": "容积率下限",
    "field.plot_ratio_max": "容积率上限",
    "field.building_density_min": "建筑密度下限(%)",
    "field.height_limit_m": "限高(米)",
    "field.green_ratio_max": "绿地率上限(%)",
    "field.waterfront": "临水岸线",
    "field.price_wan_per_mu": "价格(万元/亩)",
    "field.status": "状态",
    "field.status_since": "状态起始日",
    "field.reserved_for": "意向项目",
    "field.idle_since": "闲置起始日",
    "field.contact": "联系人",
    "field.contact_phone": "联系电话",
    "field.remarks": "备注",
    "field.updated_at": "更新时间",
    "field.updated_by": "更新人",
    "field.version": "版本",
    "field.parcel": "所在地块",
    "field.building_type": "厂房类型",
    "field.floors": "层数",
    "field.floor_area_m2": "建筑面积(平方米)",
    "field.vacant_area_m2": "空置面积(平方米)",
    "field.clear_height_m": "净高(米)",
    "field.floor_load_kn_m2": "楼面荷载(kN/平方米)",
    "field.crane_t": "行车(吨)",
    "field.power_kva": "供电容量(kVA)",
    "field.year_built": "建成年份",
    "field.owner": "产权人",
    "field.rent_yuan_m2_month": "租金(元/平方米·月)",
    "field.sale_price_wan": "售价(万元)",
    "field.suitable_industries": "适宜产业",
    "field.count": "数量",
    "field.available_mu": "可供面积(亩)",
    # messages
    "error.generic": "操作失败。",
    "error.not_found": "未找到{kind}“{code}”。",
    "error.invalid_input": "{field}的值“{value}”无效：{reason}",
    "error.duplicate_code": "编号“{code}”已存在，请换一个编号或修改已有记录。",
    "error.version_conflict": "该记录已被{by}于{at}修改（当前版本 {current}，您提交的是版本 {given}），请刷新后重试。",
    "error.version_conflict_concurrent": "该记录刚被其他人修改，请刷新后重试。",
    "error.code_required": "编号不能为空。",
    "error.database_unavailable": "数据库暂时不可用（{reason}），请稍后重试。",
    "error.unknown_land_use": "未知的用地性质代码“{code}”，请使用《国土空间调查、规划、用途管制用地用海分类指南》代码，如 100102（二类工业用地）。",
    "error.unknown_area": "未知的园区或镇“{code}”。",
    "error.bad_bbox": "范围参数 bbox“{value}”无效：应为 最小经度,最小纬度,最大经度,最大纬度，且最小值小于最大值。",
    "error.bad_range": "{field}的范围无效：下限 {low} 大于上限 {high}。",
    "error.sample_missing": "找不到示例数据目录 {path}，请先运行 python -m data.generate 生成示例数据。",
    "status.illegal": "不允许将{kind}“{code}”的状态从“{from_label}”改为“{to_label}”；当前允许：{allowed}。",
    "status.needs_project": "将状态改为“意向”时必须指定意向项目。",
    "status.needs_note": "将状态改为“暂不可供”时必须填写原因。",
    "status.unchanged": "状态已经是“{label}”，无需修改。",
    "status.none_allowed": "无（终态）",
    "geometry.invalid": "几何图形无效：{reason}",
    "geometry.empty": "几何图形为空。",
    "geometry.not_areal": "几何类型为 {kind}，地块和园区必须是面（Polygon/MultiPolygon）。",
    "geometry.non_finite": "坐标包含 NaN 或无穷大。",
    "geometry.out_of_range": "坐标超出经纬度范围（经度 -180～180，纬度 -90～90）：{bounds}。",
    "geometry.swapped": "坐标疑似经纬度颠倒（{bounds}），请检查列顺序是否为“纬度, 经度”。",
    "geometry.outside_region": "坐标 {bounds} 不在服务区域 {region} 内，请检查坐标系。",
    "geometry.too_many_vertices": "几何图形有 {count} 个顶点，超过上限 {limit}。",
    "geometry.collapsed": "修复自相交后面积为零，图形无法使用。",
    "repair.dropped_z": "已去除 Z/M 坐标，只保留平面坐标。",
    "repair.made_valid": "已修复无效图形（{reason}）。",
    "repair.dropped_parts": "已去除 {count} 个非面要素（点或线）。",
    "http.400": "请求有误",
    "http.401": "需要登录",
    "http.403": "没有权限",
    "http.404": "未找到",
    "http.405": "不支持该请求方法",
    "http.409": "与现有数据冲突",
    "http.412": "数据已被修改",
    "http.413": "上传内容过大",
    "http.415": "不支持的内容类型",
    "http.422": "输入无效",
    "http.428": "缺少版本号（If-Match）",
    "http.429": "请求过于频繁",
    "http.500": "服务器内部错误",
    "http.503": "服务暂时不可用",
    "http.500_detail": "服务器内部错误，已记录日志，请联系管理员。",
    "http.invalid_request": "请求参数无效：{fields}。",
    "kind.parcel": "地块",
    "kind.factory": "厂房",
    "kind.area": "园区/镇",
    "kind.project": "项目",
    "kind.reference": "参考数据文件",
    "cli.demo.loaded": "已载入示例数据：{areas} 个园区/镇，{parcels} 个地块，{factories} 个厂房，{projects} 个项目。",
    "cli.demo.exists": "数据库中已有 {parcels} 个地块，跳过示例数据载入。",
    "cli.upgrade.done": "数据库已升级到最新版本 {revision}（{url}）。",
    "cli.stats.title": "可供地块统计（按园区、状态）",
    "cli.stats.total": "合计",
    "cli.serve.start": "Landstock 服务已启动：http://{host}:{port}",
    # ---- import and export (issue 3) ----
    # ---- matching and review (issue 4) ----
    # ---- accounts, history, OGC API (issue 5) ----
    # ---- web pages and maps (issue 6) ----
}

EN: dict[str, str] = {
    "parcel_status.available": "Available",
    "parcel_status.reserved": "Reserved",
    "parcel_status.signed": "Signed",
    "parcel_status.supplied": "Supplied",
    "parcel_status.under_construction": "Under construction",
    "parcel_status.in_production": "In production",
    "parcel_status.unavailable": "Unavailable",
    "factory_status.vacant": "Vacant",
    "factory_status.reserved": "Reserved",
    "factory_status.leased": "Leased",
    "factory_status.sold": "Sold",
    "stock_type.approved_unsupplied": "Approved, not supplied",
    "stock_type.idle": "Idle",
    "stock_type.inefficient": "Inefficiently used",
    "stock_type.reserve": "Land reserve",
    "stock_type.other": "Other",
    "building_type.standard": "Standard factory",
    "building_type.self_built": "Self-built factory",
    "building_type.warehouse": "Warehouse",
    "building_type.rnd": "R&D building",
    "area_kind.park": "Park",
    "area_kind.town": "Town",
    "area_kind.zone": "Zone",
    "project_stage.negotiating": "Negotiating",
    "project_stage.signed": "Signed",
    "project_stage.registered": "Registered",
    "project_stage.landed": "Landed",
    "project_stage.started": "Construction started",
    "project_stage.producing": "In production",
    "nuisance.1": "Class 1",
    "nuisance.2": "Class 2",
    "nuisance.3": "Class 3",
    "ready.road": "Road",
    "ready.power": "Power",
    "ready.water": "Water supply",
    "ready.drainage": "Drainage",
    "ready.telecom": "Telecom",
    "ready.gas": "Gas",
    "ready.heat": "Heat",
    "ready.leveled": "Site levelled",
    "ready.net_land": "Clear title (net land)",
    "field.code": "Code",
    "field.name": "Name",
    "field.kind": "Kind",
    "field.parent": "Parent",
    "field.leading_industries": "Leading industries",
    "field.is_priority": "Priority platform",
    "field.area_m2": "Area (m²)",
    "field.area_mu": "Area (mu)",
    "field.cert_area_m2": "Certificate area (m²)",
    "field.cert_area_mu": "Certificate area (mu)",
    "field.park": "Park",
    "field.town": "Town",
    "field.land_use": "Land use",
    "field.land_use_name": "Land use name",
    "field.stock_type": "Stock type",
    "field.ownership": "Owner of the land",
    "field.plot_ratio_min": "Plot ratio min",
    "field.plot_ratio_max": "Plot ratio max",
    "field.building_density_min": "Building density min (%)",
    "field.height_limit_m": "Height limit (m)",
    "field.green_ratio_max": "Green ratio max (%)",
    "field.waterfront": "Waterfront",
    "field.price_wan_per_mu": "Price (10k CNY/mu)",
    "field.status": "Status",
    "field.status_since": "Status since",
    "field.reserved_for": "Reserved for project",
    "field.idle_since": "Idle since",
    "field.contact": "Contact",
    "field.contact_phone": "Contact phone",
    "field.remarks": "Remarks",
    "field.updated_at": "Updated at",
    "field.updated_by": "Updated by",
    "field.version": "Version",
    "field.parcel": "Parcel",
    "field.building_type": "Building type",
    "field.floors": "Floors",
    "field.floor_area_m2": "Floor area (m²)",
    "field.vacant_area_m2": "Vacant floor area (m²)",
    "field.clear_height_m": "Clear height (m)",
    "field.floor_load_kn_m2": "Floor load (kN/m²)",
    "field.crane_t": "Crane (t)",
    "field.power_kva": "Power (kVA)",
    "field.year_built": "Year built",
    "field.owner": "Owner",
    "field.rent_yuan_m2_month": "Rent (CNY/m²/month)",
    "field.sale_price_wan": "Sale price (10k CNY)",
    "field.suitable_industries": "Suitable industries",
    "field.count": "Count",
    "field.available_mu": "Available (mu)",
    "error.generic": "The operation failed.",
    "error.not_found": "No {kind} with code “{code}”.",
    "error.invalid_input": "Invalid value “{value}” for {field}: {reason}",
    "error.duplicate_code": "Code “{code}” already exists; choose another code or edit the existing record.",
    "error.version_conflict": "This record was changed by {by} at {at} (current version {current}, you sent version {given}); reload and try again.",
    "error.version_conflict_concurrent": "This record was just changed by someone else; reload and try again.",
    "error.code_required": "The code must not be empty.",
    "error.database_unavailable": "The database is temporarily unavailable ({reason}); try again shortly.",
    "error.unknown_land_use": "Unknown land-use code “{code}”; use the 2023 land-use classification, e.g. 100102 (class 2 industrial land).",
    "error.unknown_area": "Unknown park or town “{code}”.",
    "error.bad_bbox": "Invalid bbox “{value}”: expected min_lon,min_lat,max_lon,max_lat with each min below its max.",
    "error.bad_range": "Invalid range for {field}: lower bound {low} is above upper bound {high}.",
    "error.sample_missing": "Sample data folder {path} not found; generate it with python -m data.generate.",
    "status.illegal": "The status of {kind} “{code}” cannot go from “{from_label}” to “{to_label}”; allowed now: {allowed}.",
    "status.needs_project": "Reserving requires the project it is reserved for.",
    "status.needs_note": "Marking as unavailable requires a reason in the note.",
    "status.unchanged": "The status is already “{label}”.",
    "status.none_allowed": "none (final state)",
    "geometry.invalid": "Invalid geometry: {reason}",
    "geometry.empty": "The geometry is empty.",
    "geometry.not_areal": "The geometry is a {kind}; parcels and areas must be polygons (Polygon/MultiPolygon).",
    "geometry.non_finite": "The coordinates contain NaN or infinity.",
    "geometry.out_of_range": "Coordinates out of longitude/latitude range (-180..180, -90..90): {bounds}.",
    "geometry.swapped": "The coordinates look like latitude and longitude swapped ({bounds}); check whether the columns are “lat, lon”.",
    "geometry.outside_region": "Coordinates {bounds} fall outside the service region {region}; check the coordinate system.",
    "geometry.too_many_vertices": "The geometry has {count} vertices, more than the limit of {limit}.",
    "geometry.collapsed": "After repairing self-intersections nothing of the area is left.",
    "repair.dropped_z": "Dropped Z/M coordinates; kept the planar coordinates.",
    "repair.made_valid": "Repaired an invalid geometry ({reason}).",
    "repair.dropped_parts": "Dropped {count} non-areal parts (points or lines).",
    "http.400": "Bad request",
    "http.401": "Sign-in required",
    "http.403": "Forbidden",
    "http.404": "Not found",
    "http.405": "Method not allowed",
    "http.409": "Conflict with existing data",
    "http.412": "The record has changed",
    "http.413": "Upload too large",
    "http.415": "Unsupported media type",
    "http.422": "Invalid input",
    "http.428": "Version (If-Match) required",
    "http.429": "Too many requests",
    "http.500": "Internal server error",
    "http.503": "Service temporarily unavailable",
    "http.500_detail": "Internal server error; it has been logged, please contact the administrator.",
    "http.invalid_request": "Invalid request parameters: {fields}.",
    "kind.parcel": "parcel",
    "kind.factory": "factory",
    "kind.area": "park or town",
    "kind.project": "project",
    "kind.reference": "reference data file",
    "cli.demo.loaded": "Loaded the sample: {areas} parks and towns, {parcels} parcels, {factories} factories, {projects} projects.",
    "cli.demo.exists": "The database already holds {parcels} parcels; the sample was not loaded.",
    "cli.upgrade.done": "Database upgraded to revision {revision} ({url}).",
    "cli.stats.title": "Available parcels by park and status",
    "cli.stats.total": "Total",
    "cli.serve.start": "Landstock is serving at http://{host}:{port}",
    # ---- import and export (issue 3) ----
    # ---- matching and review (issue 4) ----
    # ---- accounts, history, OGC API (issue 5) ----
    # ---- web pages and maps (issue 6) ----
}

CATALOGUES: dict[str, dict[str, str]] = {"zh": ZH, "en": EN}


@dataclass(frozen=True)
class Text:
    """A message key with parameters, rendered in whatever language the reader uses."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str = DEFAULT_LANG) -> str:
        """The text in `lang`."""
        return message(self.key, lang, **self.params)


def message(key: str, lang: str = DEFAULT_LANG, /, **params: Any) -> str:
    """Render the text for `key` in `lang`, falling back to Chinese, then to the key itself.

    Parameters that are `Text` (or lists of `Text`) are rendered in the same language.
    """
    template = CATALOGUES.get(lang, ZH).get(key) or ZH.get(key) or key
    sep = "、" if lang == "zh" else ", "
    rendered = {
        name: sep.join(v.render(lang) if isinstance(v, Text) else str(v) for v in value)
        if isinstance(value, list | tuple) else value.render(lang) if isinstance(value, Text)
        else value
        for name, value in params.items()
    }
    try:
        return template.format(**rendered)
    except (KeyError, IndexError):
        return template


def label(group: str, value: object, lang: str = DEFAULT_LANG) -> str:
    """The label of an enumerated value, e.g. label("parcel_status", "available") -> "可供"."""
    return message(f"{group}.{value}", lang)
