"""The leaders' supply figures and the pipeline list as XLSX workbooks (openpyxl), headers in the
reader's language, every cell through gis/io/cells.py."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from gis.io import cells
from gis.labels import label, message
from gis.pipeline.config import PipelineConfig

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> None:
    sheet = book.create_sheet(title[:31])
    sheet.append(cells.row(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(cells.row(row))  # names of parks and projects are typed in by people
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = max(10, len(str(column[0].value)) * 2)


def _area_rows(areas: list[Any], statuses: list[str]) -> list[list[Any]]:
    return [
        [
            a.code,
            a.name,
            *[a.by_status.get(s, (0, 0.0))[1] for s in statuses],
            round(sum(mu for _, mu in a.by_status.values()), 2),
        ]
        for a in areas
    ]


def supply_workbook(data: dict[str, Any], lang: str, day: dt.date) -> bytes:
    """Sheets: by park, by town, by land use, supplied per quarter, project pipeline."""

    def t(key: str, **kw: Any) -> str:
        return message(key, lang, **kw)

    statuses = data["statuses"]
    status_heads = [f"{label('parcel_status', s, lang)}({t('unit.mu')})" for s in statuses]
    book = Workbook()
    book.remove(book.worksheets[0])  # the sheet a new workbook starts with
    for kind in ("park", "town"):
        _sheet(
            book,
            t(f"web.supply.by_{kind}"),
            [t("field.code"), t("field.name"), *status_heads, t("web.supply.total_mu")],
            _area_rows(data[f"{kind}s"], statuses),
        )
    _sheet(
        book,
        t("web.supply.by_land_use"),
        [t("field.land_use"), t("field.land_use_name"), *status_heads],
        [
            [code, data["land_use_names"].get(code, ""), *[row.get(s, (0, 0.0))[1] for s in statuses]]
            for code, row in data["land_use"].items()
        ],
    )
    _sheet(
        book,
        t("web.supply.per_quarter"),
        [t("web.supply.quarter"), t("field.count"), t("field.area_mu")],
        [list(q) for q in data["quarters"]],
    )
    _sheet(
        book,
        t("web.supply.pipeline"),
        [
            t("field.code"),
            t("field.name"),
            t("web.supply.signed_on"),
            t("web.supply.supplied_on"),
            t("web.supply.agreed_start_on"),
            t("web.supply.started_on"),
            t("web.supply.stage"),
            t("web.supply.overdue_days"),
        ],
        [
            [
                p.code,
                p.name,
                p.signed_on,
                p.supplied_on,
                p.agreed_start_on,
                p.started_on,
                t(f"web.supply.stage_{p.stage}"),
                p.overdue_days or None,
            ]
            for p in data["projects"]
        ],
    )
    book.active = 0
    book.properties.title = t("web.supply.title_as_of", day=day.isoformat())
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# The pipeline list's columns, in order; the header of each is its field label unless named here
PROJECT_COLUMNS = (
    "code",
    "name",
    "investor",
    "credit_code",
    "industry_code",
    "project_type",
    "investor_category",
    "investment_total_wan",
    "fixed_investment_wan",
    "foreign_investment_wusd",
    "tier",
    "stage",
    "stage_on",
    "signed_on",
    "agreed_start_on",
    "started_on",
    "last_follow_up_on",
    "overdue",
    "source_unit",
    "platform",
    "leader",
    "officer",
    "land_min_mu",
    "land_max_mu",
    "contact",
    "remarks",
)
PROJECT_HEADERS = {"stage_on": "field.stage_since"}
WORDS = {
    "project_type": "project_type",
    "investor_category": "investor_category",
    "tier": "tier",
    "stage": "project_stage",
}
NAMES = {
    "industry_code": "industry_name",
    "source_unit": "source_unit_name",
    "platform": "platform_name",
    "leader": "leader_name",
    "officer": "officer_name",
}


def lateness(row: dict[str, Any], lang: str, config: PipelineConfig) -> list[str]:
    """Why a listed project is overdue, in words."""
    reasons = []
    if row["follow_up_overdue"]:
        reasons.append(message("web.projects.late_follow_up", lang, days=config.follow_up_days))
    if row["start_overdue"]:
        reasons.append(message("web.projects.late_start", lang))
    return reasons


def _project_cell(row: dict[str, Any], column: str, lang: str, config: PipelineConfig) -> Any:
    if column == "overdue":
        return "；".join(lateness(row, lang, config)) or None
    if column in WORDS:
        return label(WORDS[column], row[column], lang) if row[column] else None
    if column == "industry_code":
        return " ".join(filter(None, (row["industry_code"], row["industry_name"]))) or None
    if column in NAMES:
        return row[NAMES[column]] or row[column]
    return row[column]


def projects_workbook(rows: list[dict[str, Any]], lang: str, config: PipelineConfig) -> bytes:
    """The pipeline list, one project a row, as the page filtered and ordered it."""
    book = Workbook()
    book.remove(book.worksheets[0])  # the sheet a new workbook starts with
    headers = [message(PROJECT_HEADERS.get(c, f"field.{c}"), lang) for c in PROJECT_COLUMNS]
    _sheet(
        book,
        message("web.projects.sheet", lang),
        headers,
        [[_project_cell(r, c, lang, config) for c in PROJECT_COLUMNS] for r in rows],
    )
    book.properties.title = message("web.projects.title", lang)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
