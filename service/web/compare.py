"""The comparison page (选址对比): two to four sites side by side for one need — facts, each
criterion's points, the hard constraints, the joint review's indicators — with a slider per
criterion weight that re-ranks at once, a small map with the sites numbered, and the comparison
to print (A4 landscape), as a workbook and as a PDF.

`/compare?site=parcel:CODE&site=factory:CODE…` with the need as `need` (the JSON body of
POST /api/match, as the matching page sends it, plus `annual_output_wan` and `annual_tax_wan`
for the review) or a saved `project` (read only by whoever may read it), and weights as
`w_<criterion>=<weight>`. The page is readable as the matching page is; the sliders ask
/compare/table for the comparison under the new weights (the same `compare` as the API).
"""

from __future__ import annotations

import io
import json
import math
from html import escape
from typing import Annotated, Any, cast
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from gis import mapdata, projects
from gis.errors import InvalidInput
from gis.io import cells
from gis.labels import label, message
from gis.matching.compare import MAX_SITES, compare, reviewed
from gis.matching.review import PROJECT_FACTS, ReviewedProject
from gis.matching.run import need_of_project
from gis.models import Project
from maps.match import match_map
from maps.render import render
from service.dependencies import ReadSession, SettingsDep
from service.i18n import page_language
from service.match_schemas import MatchIn
from service.pdf import html_to_pdf
from service.read_access import PageReader, sign_in_first, visible_projects
from service.routes.compare import comparison_dict
from service.settings import Settings
from service.templating import render as render_template
from service.web.frame import assets_for, map_look, page
from service.web.match import FACT_LABELS, FACTS

router = APIRouter(include_in_schema=False)

Sites = Annotated[list[str], Query(max_length=MAX_SITES + 6)]
NeedJson = Annotated[str | None, Query(max_length=4000)]
ProjectCode = Annotated[str | None, Query(max_length=40)]
WEIGHT = "w_"  # a weight's query parameter: w_<criterion>
REVIEW_FIGURES = ("annual_output_wan", "annual_tax_wan")
SLIDER_MAX = 50


def _weights(request: Request) -> dict[str, float]:
    """The weights the query gives (w_<criterion>=<number>)."""
    out = {}
    for key, value in request.query_params.items():
        if key.startswith(WEIGHT):
            try:
                out[key.removeprefix(WEIGHT)] = float(value)
            except ValueError:
                raise InvalidInput(
                    "compare.error.bad_weight", name=key.removeprefix(WEIGHT), value=value
                ) from None
    return out


def _ad_hoc(text: str) -> tuple[MatchIn, ReviewedProject]:
    """The need as the matching page sends it, and the project the review reads of it."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise TypeError
        figures = {k: data.pop(k, None) for k in REVIEW_FIGURES}
        body = MatchIn.model_validate(data)
        if any(v is not None and not (isinstance(v, int | float) and v >= 0) for v in figures.values()):
            raise TypeError
    except (ValueError, TypeError, ValidationError):
        raise InvalidInput("compare.error.need") from None
    need = body.to_need()
    return body, reviewed(need, figures["annual_output_wan"], figures["annual_tax_wan"])


def comparison_for(
    request: Request,
    session: Session,
    settings: Settings,
    who: Any,
    site: list[str],
    need: str | None,
    project: str | None,
) -> dict[str, Any]:
    """The comparison the query asks for, as the API answers it, with the need as asked."""
    lang = page_language(request)
    if project:
        sign_in_first(request, who)
        projects.get_project(session, project, visible=visible_projects(session, who))
        saved = session.scalar(select(Project).where(Project.code == project, Project.deleted_at.is_(None)))
        facts = cast(ReviewedProject, {k: getattr(saved, k) for k in PROJECT_FACTS})
        wanted, include_reserved = need_of_project(session, project, include_reserved=True), True
    elif need:
        body, facts = _ad_hoc(need)
        wanted, include_reserved = body.to_need(), body.include_reserved
    else:
        raise InvalidInput("compare.error.no_need")
    city = settings.match_config()
    result = compare(session, wanted, site, city, settings.review_config(), facts, _weights(request))
    data = comparison_dict(result, city, lang)
    data["include_reserved"] = include_reserved
    return data


def _number(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:,.0f}"
    return str(value)


def _fact(site: dict[str, Any], name: str, lang: str) -> str:
    value = site.get(name)
    if value is None or value == "":
        return "—"
    if name == "land_use":
        codes = value if isinstance(value, list) else [value]
        return " ".join(str(c) for c in codes) + (
            f" {site['land_use_name']}" if site.get("land_use_name") else ""
        )
    if name == "status":
        return label("factory_status" if site["kind"] == "factory" else "parcel_status", value, lang)
    if name == "building_type":
        return label("building_type", value, lang)
    return _number(value, 2)


def _cell(text: str, status: str | None = None, points: float | None = None) -> dict[str, Any]:
    return {"text": text, "status": status, "points": points}


def table(data: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The comparison as sections of rows, the sites best first: each row a label and one cell per
    site (its text, and a status or points to mark it)."""
    sites = sorted(data["sites"], key=lambda s: s["rank"])
    candidates = [s["site"] for s in sites]
    facts = [
        {
            "label": message(FACT_LABELS.get(k, f"field.{k}"), lang),
            "cells": [_cell(_fact(c, k, lang)) for c in candidates],
        }
        for k in FACTS
        if any(c.get(k) not in (None, "") for c in candidates)
    ]
    head = [
        {
            "key": "score",
            "label": message("compare.row.score", lang),
            "cells": [_cell(_number(c["score"]), points=c["score"]) for c in candidates],
        },
        {"label": message("compare.row.kind", lang), "cells": [_cell(c["kind_label"]) for c in candidates]},
    ]
    names = [w["name"] for w in data["weights"]] + ["assembly"]
    criteria = []
    for name in names:
        rows = [{k["name"]: k for k in c["criteria"]}.get(name) for c in candidates]
        if not any(rows):
            continue
        first = next(r for r in rows if r)
        criteria.append(
            {
                "label": first["label"],
                "cells": [
                    _cell(
                        message(
                            "compare.points", lang, points=_number(r["points"]), most=_number(r["weight"])
                        )
                        + (f" · {r['fact']}" if r.get("fact") else ""),
                        points=r["points"],
                    )
                    if r
                    else _cell(message("compare.not_scored", lang))
                    for r in rows
                ],
            }
        )
    checks = []
    for name in dict.fromkeys(k["name"] for c in candidates for k in c["checks"]):
        rows = [{k["name"]: k for k in c["checks"]}.get(name) for c in candidates]
        first = next(r for r in rows if r)
        checks.append(
            {
                "label": first["label"],
                "cells": [
                    _cell(r["status_label"] + (f"：{r['gap']}" if r["gap"] else ""), r["status"])
                    if r
                    else _cell("—")
                    for r in rows
                ],
            }
        )
    indicators = []
    for name in dict.fromkeys(i["name"] for s in sites for i in s["review"]["indicators"]):
        rows = [{i["name"]: i for i in s["review"]["indicators"]}.get(name) for s in sites]
        first = next(r for r in rows if r)
        indicators.append(
            {
                "label": first["label"],
                "cells": [
                    _cell(f"{_number(r['value'], 2)} · {r['status_label']}", r["status"]) if r else _cell("—")
                    for r in rows
                ],
            }
        )
    indicators.append(
        {
            "label": message("review.overall", lang),
            "cells": [_cell(s["review"]["overall_label"], s["review"]["overall"]) for s in sites],
        }
    )
    return [
        {"title": message("compare.section.facts", lang), "rows": head + facts},
        {"title": message("compare.section.criteria", lang), "rows": criteria},
        {"title": message("compare.section.checks", lang), "rows": checks},
        {"title": message("compare.section.review", lang), "rows": indicators},
    ]


def _query(site: list[str], need: str | None, project: str | None, weights: dict[str, float]) -> str:
    pairs: list[tuple[str, str]] = [("site", s) for s in site]
    pairs += [("project", project)] if project else [("need", need or "")]
    pairs += [(WEIGHT + k, f"{v:g}") for k, v in weights.items()]
    return urlencode(pairs)


def _context(
    request: Request, data: dict[str, Any], site: list[str], need: str | None, project: str | None
) -> dict[str, Any]:
    lang = page_language(request)
    given = _weights(request)
    return {
        "data": data,
        "sections": table(data, lang),
        "ranked": sorted(data["sites"], key=lambda s: s["rank"]),
        "query": _query(site, need, project, given),
        "map_sites": [
            {k: s["site"][k] for k in ("kind", "code", "name", "score", "geometry")} | {"rank": s["rank"]}
            for s in data["sites"]
        ],
        "slider_max": max([SLIDER_MAX, *(w["weight"] for w in data["weights"])]),
    }


@router.get("/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    who: PageReader,
    site: Sites,
    need: NeedJson = None,
    project: ProjectCode = None,
) -> HTMLResponse:
    """The sites side by side, the weights' sliders, the map, print and export."""
    lang = page_language(request)
    data = comparison_for(request, session, settings, who, site, need, project)
    m = match_map(parks=mapdata.area_outlines(session, "park"), **map_look(settings, lang))
    return page(
        request,
        "compare.html",
        {
            **_context(request, data, site, need, project),
            "map": render(m, assets_for(settings, lang)),
            "sites": site,
            "need": need,
            "project": project,
        },
    )


@router.get("/compare/table", response_class=HTMLResponse)
def compare_table(
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    who: PageReader,
    site: Sites,
    need: NeedJson = None,
    project: ProjectCode = None,
) -> HTMLResponse:
    """The comparison alone, under the weights asked (what the sliders fetch); a refusal as a
    sentence the page shows above it."""
    try:
        data = comparison_for(request, session, settings, who, site, need, project)
    except InvalidInput as error:
        return HTMLResponse(f"<p>{escape(error.message(page_language(request)))}</p>", status_code=422)
    return HTMLResponse(
        render_template(
            "_compare_table.html",
            lang=page_language(request),
            **_context(request, data, site, need, project),
        )
    )


def to_xlsx(data: dict[str, Any], lang: str) -> bytes:
    """The comparison as a workbook: the need, the sites best first in columns, each section's
    rows, then the weights used; every text cell plain text (gis/io/cells.py)."""
    book = Workbook()
    ws = book.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
    ws.title = message("compare.title", lang)[:31]
    need = data["need"]
    ws.append(cells.row([message("compare.title", lang)]))
    ws.append(
        cells.row(
            [
                message("compare.need", lang),
                " ".join(str(p) for p in (need["project_code"], need["name"]) if p),
                f"{need['industry_code']} {need['industry_name']}",
                need["nuisance_label"],
            ]
        )
    )
    ranked = sorted(data["sites"], key=lambda s: s["rank"])
    ws.append(
        cells.row(
            [message("compare.col.item", lang)]
            + [f"{s['rank']}. {s['site']['code']} {s['site'].get('name') or ''}".strip() for s in ranked]
        )
    )
    header = ws.max_row
    for section in table(data, lang):
        ws.append(cells.row([section["title"]]))
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        for r in section["rows"]:
            score = r.get("key") == "score"  # the score as a number, to sort and sum by
            ws.append(cells.row([r["label"], *(c["points"] if score else c["text"] for c in r["cells"])]))
    ws.append([])
    ws.append(
        cells.row(
            [
                message("compare.weights", lang),
                message("compare.col.weight", lang),
                message("compare.col.default", lang),
            ]
        )
    )
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    for w in data["weights"]:
        ws.append(cells.row([w["label"], w["weight"], w["default"]]))
    for cell in ws[header]:
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 30
    for column in "BCDE":
        ws.column_dimensions[column].width = 36
    for row in ws.iter_rows():
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _download(body: bytes, media: str, name: str) -> Response:
    return Response(
        body, media_type=media, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}
    )


@router.get("/compare.xlsx")
def compare_xlsx(
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    who: PageReader,
    site: Sites,
    need: NeedJson = None,
    project: ProjectCode = None,
) -> Response:
    """The comparison as an XLSX workbook (Chinese headers, the weights used listed)."""
    lang = page_language(request)
    data = comparison_for(request, session, settings, who, site, need, project)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(to_xlsx(data, lang), media, message("compare.file", lang) + ".xlsx")


@router.get("/compare.pdf")
def compare_pdf(
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    who: PageReader,
    site: Sites,
    need: NeedJson = None,
    project: ProjectCode = None,
) -> Response:
    """The comparison as a landscape A4 PDF (the printed page without the map and the sliders)."""
    lang = page_language(request)
    data = comparison_for(request, session, settings, who, site, need, project)
    html = render_template("compare_pdf.html", lang=lang, **_context(request, data, site, need, project))
    return _download(html_to_pdf(html), "application/pdf", message("compare.file", lang) + ".pdf")
