"""The joint review sheet (联合会审) as JSON-ready data, an XLSX workbook, a printable A4 HTML page
and a PDF: a preview computed on the fly, or a review record (numbered, dated, the departments'
opinions and the outcome) as it was kept."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from gis.io import cells
from gis.labels import label, message
from gis.matching.review import Bound, Sheet
from gis.pipeline.reviews import Department, Opinion, Outcome, Record
from service.pdf import html_to_pdf
from service.templating import render

COLUMNS = ("indicator", "value", "national", "city", "result", "rule", "source")
# The project's figures the sheet was computed from, shown above it
FIGURES = ("investor", "investment_total_wan", "fixed_investment_wan", "annual_output_wan", "annual_tax_wan")
FILLS = {"pass": "C6EFCE", "fail": "FFC7CE", "pending": "FFEB9C", "collective": "FFEB9C", "na": "EEEEEE"}
# The city's own thresholds: cited as the standard they set, with its figure and unit
CITY_RULE = "review.rule.city_example"
UNITS = {
    "investment_intensity": "review.unit.wan_per_mu",
    "output_per_mu": "review.unit.wan_per_mu",
    "tax_per_mu": "review.unit.wan_per_mu",
    "building_coefficient": "review.unit.percent",
    "office_share": "review.unit.percent",
}


def _bound(bound: Bound, indicator: str, lang: str) -> dict[str, Any]:
    rule = bound.rule.render(lang)
    if bound.rule.key == CITY_RULE and bound.value is not None:
        unit = message(UNITS[indicator], lang) if indicator in UNITS else ""
        figure = f"{'≥' if bound.op == '>=' else '≤'} {bound.value:g}"
        rule = message("review.rule.city_standard", lang, threshold=f"{figure}{unit}")
    return {"value": bound.value, "op": bound.op, "rule": rule}


def review_dict(sheet: Sheet, lang: str) -> dict[str, Any]:
    """The sheet with every label in `lang`."""
    rows = [
        {
            "name": r.name,
            "label": message(f"review.indicator.{r.name}", lang),
            "value": r.value,
            "source": message(f"review.source.{r.source}", lang),
            "national": _bound(r.national, r.name, lang),
            "city": _bound(r.city, r.name, lang),
            "status": r.status,
            "status_label": label("review.status", r.status, lang),
        }
        for r in sheet.rows
    ]
    return {
        "project_code": sheet.project.get("code"),
        "project_name": sheet.project.get("name"),
        **{name: sheet.project.get(name) for name in FIGURES},
        "industry_code": sheet.project.get("industry_code"),
        "site_kind": sheet.site.kind,
        "site_code": sheet.site.code,
        "park_code": sheet.site.park_code,
        "area_mu": sheet.site.area_mu,
        "indicators": rows,
        "overall": sheet.overall,
        "overall_label": label("review.status", sheet.overall, lang),
        "note": message("review.note", lang),
    }


def departments(opinions: Mapping[Department, Opinion], lang: str) -> list[dict[str, Any]]:
    """The five departments' rows, in the sheet's order; blank where nothing was entered."""
    return [
        {
            "department": d.value,
            "label": label("review_department", d.value, lang),
            "opinion": opinions.get(d, Opinion()).opinion,
            "signatory": opinions.get(d, Opinion()).signatory,
            "signed_on": opinions.get(d, Opinion()).signed_on,
        }
        for d in Department
    ]


def record_dict(record: Record, lang: str) -> dict[str, Any]:
    """A review record with every label in `lang`, its sheet as it was kept."""
    base = f"/api/projects/{quote(record.project_code, safe='')}/reviews/{record.slug}"
    return {
        "number": record.number,
        "slug": record.slug,
        "project_code": record.project_code,
        "site": record.site,
        "held_on": record.held_on,
        "planned": vars(record.planned),
        "sheet": review_dict(record.sheet, lang),
        "departments": departments(record.opinions, lang),
        "outcome": record.outcome.value,
        "outcome_label": label("review_outcome", record.outcome.value, lang),
        "outcome_note": record.outcome_note,
        "decided_by": record.decided_by,
        "decided_at": record.decided_at,
        "created_by": record.created_by,
        "created_at": record.created_at,
        "version": record.version,
        "links": {kind: f"{base}.{kind}" for kind in ("html", "xlsx", "pdf")} | {"self": base},
    }


def _threshold(bound: dict[str, Any]) -> str:
    return "—" if bound["value"] is None else f"{'≥' if bound['op'] == '>=' else '≤'} {bound['value']:g}"


def table_rows(review: dict[str, Any]) -> list[list[Any]]:
    """The sheet's rows as cells, in COLUMNS order."""
    return [
        [
            r["label"],
            "—" if r["value"] is None else r["value"],
            _threshold(r["national"]),
            _threshold(r["city"]),
            r["status_label"],
            f"{r['national']['rule']}；{r['city']['rule']}",
            r["source"],
        ]
        for r in review["indicators"]
    ]


def facts(review: dict[str, Any], record: dict[str, Any] | None, lang: str) -> list[tuple[str, Any]]:
    """The heading block under the number: the day (of a record), the project, its figures, the site."""
    held = [("review.held_on", record["held_on"].isoformat())] if record else []
    project = f"{review['project_code'] or ''} {review['project_name'] or ''}".strip()
    rows = [
        *held,
        ("review.project", project),
        *((f"review.{name}", review[name]) for name in FIGURES),
        ("review.site", review["site_code"]),
        ("review.area_mu", review["area_mu"]),
    ]
    return [(message(key, lang), _shown(value)) for key, value in rows]


def _shown(value: Any) -> Any:
    """A fact as the sheet shows it: a dash when missing, 120000 rather than 120000.0."""
    if value is None:
        return "—"
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _heading(ws: Worksheet, review: dict[str, Any], record: dict[str, Any] | None, lang: str) -> None:
    ws.append(cells.row([message("review.title", lang)]))
    ws["A1"].font = Font(bold=True, size=14)
    if record:
        ws.append(cells.row([message("review.number", lang), record["number"]]))
    for name, value in facts(review, record, lang):
        ws.append(cells.row([name, value]))


def _indicators(ws: Worksheet, review: dict[str, Any], lang: str) -> None:
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


def _departments(ws: Worksheet, rows: list[dict[str, Any]], record: dict[str, Any] | None, lang: str) -> None:
    ws.append([])
    ws.append(
        cells.row(
            [
                message(k, lang)
                for k in (
                    "review.col.department",
                    "review.col.opinion",
                    "field.signatory",
                    "field.opinion_signed_on",
                )
            ]
        )
    )
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        signed_on = row["signed_on"].isoformat() if row["signed_on"] else None
        ws.append(cells.row([row["label"], row["opinion"], row["signatory"], signed_on]))
    if record is not None:
        ws.append([])
        for key, value in (
            ("review.outcome", record["outcome_label"]),
            ("review.outcome_note", record["outcome_note"]),
            ("review.decided_by", record["decided_by"]),
        ):
            ws.append(cells.row([message(key, lang), value]))


def to_xlsx(review: dict[str, Any], lang: str, record: dict[str, Any] | None = None) -> bytes:
    """The sheet (of a record, when given) as an XLSX workbook: heading, indicators, the verdict,
    the departments' rows, the outcome; every text cell plain text (gis/io/cells.py: a project
    is named, and opinions written, by whoever enters them)."""
    book = Workbook()
    ws = book.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
    ws.title = message("review.title", lang)[:31]
    _heading(ws, review, record, lang)
    _indicators(ws, review, lang)
    _departments(ws, record["departments"] if record else departments({}, lang), record, lang)
    for column, width in zip("ABCDEFG", (34, 40, 14, 14, 16, 70, 16), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_html(review: dict[str, Any], lang: str, record: dict[str, Any] | None = None) -> str:
    """The sheet (of a record, when given) as a printable A4 page; a preview has blank
    departments' rows and no number."""
    return render(
        "review_sheet.html",
        review=review,
        record=record,
        facts=facts(review, record, lang),
        columns=COLUMNS,
        lang=lang,
        rows=zip(table_rows(review), review["indicators"], strict=True),
        departments=record["departments"] if record else departments({}, lang),
        outcomes=[o.value for o in Outcome if o is not Outcome.PENDING],
    )


def to_pdf(record: dict[str, Any], lang: str) -> bytes:
    """A review record as a PDF, its Chinese font embedded (service/pdf.py)."""
    return html_to_pdf(to_html(record["sheet"], lang, record))
