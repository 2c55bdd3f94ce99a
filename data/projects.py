"""Example investment projects, landed-project templates and infrastructure of the sample.

All names are invented for the sample; industries follow the bureau's chains (生物医药, 电子信息,
海工船舶, 新材料, 物流) and GB/T 4754-2017 codes. Infrastructure positions are approximate.
"""

from __future__ import annotations

from typing import Any

EXAMPLE_PROJECTS: tuple[dict[str, Any], ...] = (
    {"code": "XM-2026-001", "name": "创新药CDMO生产基地", "investor": "沪启生物医药科技有限公司",
     "industry_code": "27", "investment_total_wan": 120000, "fixed_investment_wan": 80000,
     "land_min_mu": 80, "land_max_mu": 110, "preferred_areas": ["P03"],
     "annual_output_wan": 150000, "annual_tax_wan": 9000},
    {"code": "XM-2026-002", "name": "高端医疗器械产业化项目", "investor": "江海医疗器械有限公司",
     "industry_code": "35", "investment_total_wan": 42000, "fixed_investment_wan": 30000,
     "land_min_mu": 40, "land_max_mu": 60, "preferred_areas": ["P03", "P01"],
     "annual_output_wan": 60000, "annual_tax_wan": 3000},
    {"code": "XM-2026-003", "name": "体外诊断试剂中试车间", "investor": "启明生命科技有限公司",
     "industry_code": "27", "investment_total_wan": 6000, "fixed_investment_wan": 4000,
     "floor_area_min_m2": 3000, "clear_height_min_m": 5, "floor_load_min_kn_m2": 6.5,
     "preferred_areas": ["P03"], "annual_output_wan": 8000, "annual_tax_wan": 500},
    {"code": "XM-2026-004", "name": "半导体封装测试基地", "investor": "东芯微电子有限公司",
     "industry_code": "39", "investment_total_wan": 180000, "fixed_investment_wan": 150000,
     "land_min_mu": 120, "land_max_mu": 150, "nuisance_class": 1, "preferred_areas": ["P02"],
     "annual_output_wan": 300000, "annual_tax_wan": 12000},
    {"code": "XM-2026-005", "name": "智能传感器模组产线", "investor": "汇川传感技术有限公司",
     "industry_code": "40", "investment_total_wan": 9000, "fixed_investment_wan": 6000,
     "land_min_mu": 12, "land_max_mu": 18, "floor_area_min_m2": 6000, "clear_height_min_m": 6,
     "floor_load_min_kn_m2": 8, "power_min_kva": 800, "preferred_areas": ["P02"],
     "annual_output_wan": 15000, "annual_tax_wan": 800},
    {"code": "XM-2026-006", "name": "新型显示模组项目", "investor": "启光显示科技有限公司",
     "industry_code": "39", "investment_total_wan": 36000, "fixed_investment_wan": 25000,
     "land_min_mu": 30, "land_max_mu": 45, "preferred_areas": ["P02", "P01"],
     "annual_output_wan": 45000, "annual_tax_wan": 2200},
    {"code": "XM-2026-007", "name": "海洋工程装备制造基地", "investor": "东疆海洋工程装备有限公司",
     "industry_code": "373", "investment_total_wan": 260000, "fixed_investment_wan": 200000,
     "land_min_mu": 180, "land_max_mu": 260, "nuisance_class": 3, "needs_waterfront": True,
     "preferred_areas": ["P04"], "annual_output_wan": 400000, "annual_tax_wan": 15000},
    {"code": "XM-2026-008", "name": "船舶舾装件配套项目", "investor": "吕四远航船舶配套有限公司",
     "industry_code": "373", "investment_total_wan": 8000, "fixed_investment_wan": 5000,
     "floor_area_min_m2": 8000, "clear_height_min_m": 12, "floor_load_min_kn_m2": 30,
     "crane_min_t": 20, "power_min_kva": 1000, "preferred_areas": ["P04"],
     "annual_output_wan": 12000, "annual_tax_wan": 600},
    {"code": "XM-2026-009", "name": "海上风电装备制造项目", "investor": "江苏海晟风电装备有限公司",
     "industry_code": "34", "investment_total_wan": 150000, "fixed_investment_wan": 110000,
     "land_min_mu": 150, "land_max_mu": 200, "needs_waterfront": True,
     "preferred_areas": ["P04", "P01"], "annual_output_wan": 200000, "annual_tax_wan": 8000},
    {"code": "XM-2026-010", "name": "高性能碳纤维复合材料项目", "investor": "中启复合材料有限公司",
     "industry_code": "28", "investment_total_wan": 50000, "fixed_investment_wan": 36000,
     "land_min_mu": 60, "land_max_mu": 80, "nuisance_class": 3, "preferred_areas": ["P04"],
     "annual_output_wan": 50000, "annual_tax_wan": 2500},
    {"code": "XM-2026-011", "name": "电子级湿化学品项目", "investor": "润禾电子材料有限公司",
     "industry_code": "26", "investment_total_wan": 40000, "fixed_investment_wan": 30000,
     "land_min_mu": 50, "land_max_mu": 70, "nuisance_class": 3, "preferred_areas": ["P04"],
     "annual_output_wan": 45000, "annual_tax_wan": 2600},
    {"code": "XM-2026-012", "name": "冷链物流中心", "investor": "沿江冷链供应链有限公司",
     "industry_code": "59", "investment_total_wan": 25000, "fixed_investment_wan": 18000,
     "land_min_mu": 60, "land_max_mu": 90, "preferred_areas": ["P04", "P01"],
     "annual_output_wan": 20000, "annual_tax_wan": 900},
    {"code": "XM-2026-013", "name": "港口物流仓储基地", "investor": "吕四港务物流有限公司",
     "industry_code": "59", "investment_total_wan": 45000, "fixed_investment_wan": 35000,
     "land_min_mu": 100, "land_max_mu": 150, "needs_waterfront": True, "preferred_areas": ["P04"],
     "annual_output_wan": 30000, "annual_tax_wan": 1500},
    {"code": "XM-2026-014", "name": "新能源电池结构件项目", "investor": "鼎盛精密结构件有限公司",
     "industry_code": "33", "investment_total_wan": 30000, "fixed_investment_wan": 22000,
     "land_min_mu": 40, "land_max_mu": 50, "preferred_areas": ["P01", "Z02"],
     "annual_output_wan": 40000, "annual_tax_wan": 1800},
    {"code": "XM-2026-015", "name": "精密机械零部件项目", "investor": "宏泰精密机械有限公司",
     "industry_code": "34", "investment_total_wan": 5000, "fixed_investment_wan": 3500,
     "land_min_mu": 12, "land_max_mu": 16, "floor_area_min_m2": 5000, "clear_height_min_m": 8,
     "floor_load_min_kn_m2": 20, "crane_min_t": 5, "preferred_areas": ["P01", "Z06"],
     "annual_output_wan": 7000, "annual_tax_wan": 350},
)

# (industry, sector, what is built) for projects already landed on signed parcels.
LANDED_TEMPLATES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "industrial1": (("39", "电子信息", "电子元器件生产项目"), ("40", "电子信息", "智能仪表项目"),
                    ("27", "生物医药", "生物制剂研发生产项目"), ("35", "高端装备", "医疗设备项目")),
    "industrial2": (("34", "高端装备", "通用机械制造项目"), ("38", "高端装备", "电气设备项目"),
                    ("27", "生物医药", "原料药制剂项目"), ("33", "高端装备", "金属结构件项目"),
                    ("29", "新材料", "高分子材料项目")),
    "industrial3": (("373", "海工船舶", "船舶分段制造项目"), ("30", "新材料", "新型建材项目"),
                    ("26", "新材料", "精细化工项目")),
    "logistics": (("59", "物流", "仓储物流项目"),),
    "sea": (("373", "海工船舶", "海工码头配套项目"),),
}

# (industry, what is built, the investor's trade) for the pipeline's leads, by the bureau's chains
LEAD_TEMPLATES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "生物医药": (("27", "创新药生产基地", "生物医药"), ("27", "生物制剂产业化项目", "生物科技"),
                ("27", "原料药绿色工厂项目", "药业"), ("35", "高端医疗器械项目", "医疗器械"),
                ("35", "体外诊断设备项目", "医疗科技"), ("73", "药物研发中心项目", "医药研发")),
    "电子信息": (("39", "半导体封装测试项目", "微电子"), ("39", "新型显示模组项目", "光电科技"),
                ("39", "服务器整机制造项目", "电子科技"), ("40", "智能传感器项目", "传感技术"),
                ("65", "工业软件研发中心", "信息技术")),
    "海工船舶": (("373", "船舶配套产业园项目", "船舶"), ("373", "LNG船用设备项目", "海洋装备"),
                ("37", "海上风电安装装备项目", "海洋工程"), ("37", "海工模块制造项目", "海工装备")),
    "新材料": (("26", "电子化学品项目", "新材料"), ("28", "高性能纤维项目", "纤维科技"),
              ("292", "改性塑料项目", "高分子材料"), ("30", "特种玻璃项目", "新材料科技"),
              ("32", "铝合金精深加工项目", "合金材料")),
    "物流": (("59", "冷链物流中心", "冷链物流"), ("59", "港口物流仓储项目", "供应链管理"),
            ("59", "跨境电商分拨中心", "物流")),
    "高端装备": (("34", "精密传动部件项目", "精密机械"), ("38", "储能系统集成项目", "新能源科技"),
               ("34", "智能装备制造项目", "智能装备")),
}
# Industries whose projects rent floors instead of taking land: R&D and software
FLOOR_ONLY = frozenset({"65", "73"})

INFRASTRUCTURE: tuple[dict[str, Any], ...] = (
    {"code": "PORT-LS", "name": "吕四港区作业区", "kind": "port", "lon": 121.628, "lat": 32.094},
    {"code": "PORT-DZG", "name": "吕四港区东灶港作业区", "kind": "port", "lon": 121.700, "lat": 32.072},
    {"code": "PORT-YZ", "name": "长江启东港区海工码头", "kind": "port", "lon": 121.800, "lat": 31.680},
    {"code": "HW-QD", "name": "沪陕高速启东互通", "kind": "highway_exit", "lon": 121.640, "lat": 31.772},
    {"code": "HW-NY", "name": "沪陕高速南阳互通", "kind": "highway_exit", "lon": 121.545, "lat": 31.830},
    {"code": "HW-LS", "name": "高速公路吕四港互通", "kind": "highway_exit", "lon": 121.600, "lat": 32.030},
    {"code": "HW-HP", "name": "高速公路惠萍互通", "kind": "highway_exit", "lon": 121.770, "lat": 31.785},
    {"code": "RAIL-QD", "name": "启东站", "kind": "rail_station", "lon": 121.640, "lat": 31.835},
    {"code": "RAIL-LS", "name": "吕四港铁路货运站", "kind": "rail_station", "lon": 121.590, "lat": 32.050},
)
