"""The leaders' supply figures as an XLSX workbook (openpyxl), headers in the reader's language."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from gis.io import cells
from gis.labels import label, message

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
    return [[a.code, a.name, *[a.by_status.get(s, (0, 0.0))[1] for s in statuses],
             round(sum(mu for _, mu in a.by_status.values()), 2)] for a in areas]


def supply_workbook(data: dict[str, Any], lang: str, day: dt.date) -> bytes:
    """Sheets: by park, by town, by land use, supplied per quarter, project pipeline."""
    t = lambda key, **kw: message(key, lang, **kw)  # noqa: E731
    statuses = data["statuses"]
    status_heads = [f"{label('parcel_status', s, lang)}({t('unit.mu')})" for s in statuses]
    book = Workbook()
    book.remove(book.active)
    for kind in ("park", "town"):
        _sheet(book, t(f"web.supply.by_{kind}"), [t("field.code"), t("field.name"), *status_heads,
                                                  t("web.supply.total_mu")],
               _area_rows(data[f"{kind}s"], statuses))
    _sheet(book, t("web.supply.by_land_use"), [t("field.land_use"), t("field.land_use_name"), *status_heads],
           [[code, data["land_use_names"].get(code, ""), *[row.get(s, (0, 0.0))[1] for s in statuses]]
            for code, row in data["land_use"].items()])
    _sheet(book, t("web.supply.per_quarter"), [t("web.supply.quarter"), t("field.count"), t("field.area_mu")],
           [list(q) for q in data["quarters"]])
    _sheet(book, t("web.supply.pipeline"),
           [t("field.code"), t("field.name"), t("web.supply.signed_on"), t("web.supply.supplied_on"),
            t("web.supply.agreed_start_on"), t("web.supply.started_on"), t("web.supply.stage"),
            t("web.supply.overdue_days")],
           [[p.code, p.name, p.signed_on, p.supplied_on, p.agreed_start_on, p.started_on,
             t(f"web.supply.stage_{p.stage}"), p.overdue_days or None] for p in data["projects"]])
    book.active = 0
    book.properties.title = t("web.supply.title_as_of", day=day.isoformat())
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
