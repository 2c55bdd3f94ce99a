"""The review sheet (联合会审) as JSON-ready data, an XLSX workbook and an HTML page."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from gis.io import cells
from gis.labels import label, message
from gis.matching.review import Bound, Sheet
from service.templating import render

COLUMNS = ("indicator", "value", "national", "city", "result", "rule", "source")
FILLS = {"pass": "C6EFCE", "fail": "FFC7CE", "pending": "FFEB9C", "collective": "FFEB9C", "na": "EEEEEE"}


def _bound(bound: Bound, lang: str) -> dict[str, Any]:
    return {"value": bound.value, "op": bound.op, "rule": bound.rule.render(lang)}


def review_dict(sheet: Sheet, lang: str) -> dict[str, Any]:
    """The sheet with every label in `lang`."""
    rows = [{"name": r.name, "label": message(f"review.indicator.{r.name}", lang), "value": r.value,
             "source": message(f"review.source.{r.source}", lang),
             "national": _bound(r.national, lang), "city": _bound(r.city, lang), "status": r.status,
             "status_label": label("review.status", r.status, lang)} for r in sheet.rows]
    return {"project_code": sheet.project.get("code"), "project_name": sheet.project.get("name"),
            "industry_code": sheet.project.get("industry_code"), "site_kind": sheet.site.kind,
            "site_code": sheet.site.code, "park_code": sheet.site.park_code,
            "area_mu": sheet.site.area_mu, "indicators": rows, "overall": sheet.overall,
            "overall_label": label("review.status", sheet.overall, lang),
            "note": message("review.note", lang)}


def _threshold(bound: dict[str, Any]) -> str:
    return "—" if bound["value"] is None else f"{'≥' if bound['op'] == '>=' else '≤'} {bound['value']:g}"


def table_rows(review: dict[str, Any]) -> list[list[Any]]:
    """The sheet's rows as cells, in COLUMNS order."""
    return [[r["label"], "—" if r["value"] is None else r["value"], _threshold(r["national"]),
             _threshold(r["city"]), r["status_label"],
             f"{r['national']['rule']}；{r['city']['rule']}", r["source"]] for r in review["indicators"]]


def to_xlsx(review: dict[str, Any], lang: str) -> bytes:
    """The sheet as an XLSX workbook: a heading block, the indicator table, the verdict; every text
    cell plain text (gis/io/cells.py: a project is named by whoever enters it)."""
    book = Workbook()
    ws = book.active
    ws.title = message("review.title", lang)[:31]
    ws.append(cells.row([message("review.title", lang)]))
    ws["A1"].font = Font(bold=True, size=14)
    for key, value in (("review.project", f"{review['project_code']} {review['project_name']}"),
                       ("review.site", review["site_code"]), ("review.area_mu", review["area_mu"])):
        ws.append(cells.row([message(key, lang), value]))
    ws.append([])
    ws.append(cells.row([message(f"review.col.{c}", lang) for c in COLUMNS]))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row, indicator in zip(table_rows(review), review["indicators"], strict=True):
        ws.append(cells.row(row))
        ws.cell(ws.max_row, 5).fill = PatternFill("solid", fgColor=FILLS[indicator["status"]])
    ws.append([])
    ws.append(cells.row([message("review.overall", lang), review["overall_label"]]))
    ws.append(cells.row([review["note"]]))
    for column, width in zip("ABCDEFG", (34, 12, 12, 12, 16, 70, 16), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_html(review: dict[str, Any], lang: str) -> str:
    """The sheet as a printable HTML page."""
    return render("review_sheet.html", review=review, columns=COLUMNS, lang=lang,
                  rows=zip(table_rows(review), review["indicators"], strict=True))
