"""An import template (导入模板) a park office fills in: the layer's columns with the headers an
export writes (Chinese, with units), which the importer recognises; drop-down lists (data
validation) for the statuses, land uses, stock types, building types, kinds and yes/no columns;
and a guide sheet with the same headers, one example row and how to fill the template in.

The example row stands on the guide sheet, not on the sheet that is imported: a template
sent back unedited imports nothing, instead of a made-up parcel.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from gis.gateway.projects import InvestorCategory, ProjectType
from gis.io import cells, exporter
from gis.labels import label, message
from gis.models import Industry, LandUseClass
from gis.pipeline.stages import FORWARD
from gis.status import WORKFLOWS
from gis.vocabulary import AreaKind, BuildingType, Layer, ReadyItem, ReceptorKind, SiteKind, StockType

ROWS = 1000  # rows the drop-down lists cover
# Export columns a file does not set: names behind codes, measured areas, bookkeeping
COMPUTED = {
    "land_use_name",
    "park_name",
    "town_name",
    "area_m2",
    "area_mu",
    "cert_area_m2",
    "updated_at",
    "updated_by",
    "version",
    "footprint_wkt",
    "industry_name",
}
COLUMNS = {
    Layer.PARCELS: exporter.PARCEL_COLUMNS,
    Layer.FACTORIES: exporter.FACTORY_COLUMNS,
    Layer.AREAS: exporter.AREA_COLUMNS,
    Layer.PROJECTS: exporter.PROJECT_COLUMNS,
    Layer.RECEPTORS: ("code", "name", "kind"),
}
YES_NO = {
    "waterfront",
    "net_land",
    "is_priority",
    "needs_waterfront",
    *(f"ready_{item.value}" for item in ReadyItem),
}
EXAMPLES: dict[Layer, dict[str, Any]] = {
    Layer.PARCELS: {
        "code": "QD-2026-001",
        "name": "东海路北侧工业地块",
        "land_use": "100102",
        "stock_type": "idle",
        "plot_ratio_min": 1.2,
        "plot_ratio_max": 2.5,
        "status": "available",
        "park_code": "P01",
        "cert_area_mu": 86.5,
        "price_wan_per_mu": 28,
        "contact": "张科长",
        "contact_phone": "0513-83312345",
        "wkt": "POLYGON ((121.70 31.82, 121.703 31.82, 121.703 31.822, 121.70 31.822, 121.70 31.82))",
    },
    Layer.FACTORIES: {
        "code": "CF-2026-001",
        "name": "滨海园区3号标准厂房",
        "building_type": "standard",
        "floors": 1,
        "floor_area_m2": 6000,
        "vacant_area_m2": 6000,
        "clear_height_m": 9,
        "status": "vacant",
        "park_code": "P01",
        "rent_yuan_m2_month": 12,
        "contact": "李主任",
        "lon": 121.701,
        "lat": 31.821,
    },
    Layer.AREAS: {
        "code": "P09",
        "name": "示例产业园",
        "kind": "park",
        "parent_code": "T01",
        "leading_industries": "C27;C35",
        "is_priority": True,
        "wkt": "POLYGON ((121.70 31.82, 121.72 31.82, 121.72 31.84, 121.70 31.84, 121.70 31.82))",
    },
    Layer.RECEPTORS: {
        "code": "V-2026-01",
        "name": "示例村",
        "kind": "village",
        "wkt": "POLYGON ((121.70 31.82, 121.703 31.82, 121.703 31.822, 121.70 31.822, 121.70 31.82))",
    },
    Layer.PROJECTS: {
        "code": "XM-2026-901",
        "name": "示例新材料项目",
        "investor": "示例新材料科技有限公司",
        "project_type": "manufacturing",
        "industry_code": "26",
        "investment_total_wan": 50000,
        "land_min_mu": 50,
        "land_max_mu": 80,
        "preferred_areas": "P01;P04",
        "stage": "lead",
        "contact": "王经理 13800000000",
    },
}


def columns(layer: Layer) -> list[str]:
    """The template's columns: what a file may set, then where the record is."""
    chosen = [c for c in COLUMNS[layer] if c not in COMPUTED]
    if layer == Layer.PROJECTS:  # no status step to explain, no place
        return chosen
    if layer == Layer.RECEPTORS:  # no status: a point or an outline
        return [*chosen, "wkt"]
    return [*chosen, "note", *(("lon", "lat") if layer == Layer.FACTORIES else ("wkt",))]


def header(column: str, lang: str) -> str:
    """A column's header as an export writes it (the importer recognises it)."""
    special = {
        "note": "template.note",  # the reason of a status change (状态说明)
        "wkt": "export.geometry_wkt",
        "lon": "export.lon",
        "lat": "export.lat",
    }
    if column in special:
        return message(special[column], lang)
    return exporter.header_of(column, lang)


def _choices(session: Session, layer: Layer, lang: str) -> dict[str, list[str]]:
    """Column -> the words its drop-down list offers, in `lang`."""
    yes_no = [message("export.yes", lang), message("export.no", lang)]
    found: dict[str, list[str]] = {c: yes_no for c in YES_NO}
    kind = layer.site_kind
    if kind is not None:
        statuses, _transitions, group = WORKFLOWS[kind]
        found["status"] = [label(group, s.value, lang) for s in statuses]
    if layer == Layer.PARCELS:
        found["land_use"] = list(session.scalars(select(LandUseClass.name).order_by(LandUseClass.code)))
        found["stock_type"] = [label("stock_type", s.value, lang) for s in StockType]
    if kind == SiteKind.FACTORY:
        found["building_type"] = [label("building_type", b.value, lang) for b in BuildingType]
    if layer == Layer.AREAS:
        found["kind"] = [label("area_kind", k.value, lang) for k in AreaKind]
    if layer == Layer.RECEPTORS:
        found["kind"] = [label("receptor_kind", k.value, lang) for k in ReceptorKind]
    if layer == Layer.PROJECTS:
        found["stage"] = [label("project_stage", s.value, lang) for s in FORWARD]
        found["industry_code"] = list(session.scalars(select(Industry.name).order_by(Industry.code)))
        found["project_type"] = [label("project_type", t.value, lang) for t in ProjectType]
        found["investor_category"] = [label("investor_category", c.value, lang) for c in InvestorCategory]
    return found


def _example(layer: Layer, column: str, lang: str, land_use_name: Callable[[str], str]) -> Any:
    value = EXAMPLES[layer].get(column)
    if value is None:
        return None
    if column in YES_NO:
        return message("export.yes" if value else "export.no", lang)
    if column == "status":
        return label(f"{layer.site_kind}_status", value, lang)
    if column == "land_use":
        return land_use_name(value)
    if layer == Layer.RECEPTORS and column == "kind":
        return label("receptor_kind", value, lang)
    return exporter.cell_of(column, value, layer, lang)


def write_template(session: Session, layer: Layer, target: Path, lang: str = "zh") -> None:
    """Write the import template of `layer` to `target` (XLSX)."""
    names = {code: name for code, name in session.execute(select(LandUseClass.code, LandUseClass.name))}
    wanted = columns(layer)
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = message(exporter.SHEETS[layer], lang)
    sheet.append(cells.row(header(c, lang) for c in wanted))
    sheet.freeze_panes = "A2"
    options = book.create_sheet(message("template.sheet.options", lang))
    for k, (column, words) in enumerate(sorted(_choices(session, layer, lang).items()), start=1):
        if column not in wanted:
            continue
        letter = get_column_letter(k)
        options.cell(row=1, column=k, value=header(column, lang))
        for row, word in enumerate(words, start=2):
            options.cell(row=row, column=k, value=cells.cell(word))
        listed = f"'{options.title}'!${letter}$2:${letter}${len(words) + 1}"
        check = DataValidation(type="list", formula1=listed, allow_blank=True, showErrorMessage=True)
        check.error = message("template.choose", lang)
        where = get_column_letter(wanted.index(column) + 1)
        check.add(f"{where}2:{where}{ROWS + 1}")
        sheet.add_data_validation(check)
    options.sheet_state = "hidden"
    guide = book.create_sheet(message("template.sheet.guide", lang))
    guide.append(cells.row(header(c, lang) for c in wanted))
    guide.append(cells.row(_example(layer, c, lang, lambda code: names.get(code, code)) for c in wanted))
    guide.append([])
    guide.append(cells.row([message("template.guide.how", lang, sheet=sheet.title)]))
    book.save(target)
