"""The leaders' trends page (趋势与目标): each measure of gis/trends.py month by month beside the year
before, the parks and towns side by side, the yearly targets against what was done, every bar and
point a link to the records behind it; the form administrators set targets with; an XLSX download
(signed-in readers, counted as an export) and a print view (A4 landscape). Read as /supply is."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from gis import trends
from gis.access import ALLOWED, Action, Principal
from gis.errors import InvalidInput, LandstockError, NotFound
from gis.gateway import targets as gateway
from gis.labels import Text, label, message
from gis.models import Area
from gis.trends import COUNTY, TARGETED, Measure, Trends
from service.auth import CurrentUser, OptionalUser, csrf_token
from service.dependencies import DatabaseDep, ReadSession, SettingsDep
from service.errors import refused
from service.i18n import page_language
from service.read_access import PageReader, take_export
from service.web import charts
from service.web.exports import XLSX
from service.web.frame import page
from service.web.trends_book import trends_workbook

router = APIRouter(include_in_schema=False)

Months = Annotated[int, Query(description="月数 (12, 24, 36)")]
AreaParam = Annotated[str, Query(max_length=40, description="园区、片区或镇编号 (all: 全市)")]
MonthParam = Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", description="月份 YYYY-MM")]
FLOW_WINDOW = 12  # the table's totals of flows: the last twelve months


def areas(session: Session) -> list[tuple[str, str, str]]:
    """(code, name, kind) of every park, zone and town: parks and their zones first, then towns."""
    order = {"park": 0, "zone": 0, "town": 1}
    rows = session.execute(select(Area.code, Area.name, Area.kind)).all()
    return sorted(((c, n, k) for c, n, k in rows), key=lambda r: (order.get(r[2], 2), r[0]))


def area_name(choices: list[tuple[str, str, str]], code: str, lang: str) -> str:
    """The name of `code` (the county for `all`); NotFound for an area there is not."""
    if code == COUNTY:
        return message("web.trends.county", lang)
    for c, name, _ in choices:
        if c == code:
            return name
    raise NotFound(kind=Text("kind.area"), code=code)


def records_href(measure: Measure, month: dt.date, area: str, months: int = 1) -> str:
    """The list of the records behind one point (or a run of `months` of a flow)."""
    extra = f"&months={months}" if months > 1 else ""
    return f"/trends/records?measure={measure.value}&month={month:%Y-%m}&area={area}{extra}"


def _unit(measure: Measure, lang: str) -> str:
    return message(measure.unit, lang)


def chart(found: Trends, measure: Measure, area: str, lang: str) -> charts.Monthly:
    """One measure's chart for one area, each mark linked and worded."""
    values, before = found.shown(measure, area), found.year_before(measure, area)
    name, unit = label("trends.measure", measure.value, lang), _unit(measure, lang)
    texts = [
        message(
            "web.trends.point",
            lang,
            month=f"{m:%Y-%m}",
            measure=name,
            value=charts.number(v),
            unit=unit,
            before=charts.number(b),
        )
        for m, v, b in zip(found.months, values, before, strict=True)
    ]
    return charts.monthly(
        [f"{m:%Y-%m}" for m in found.months],
        values,
        before,
        [records_href(measure, m, area) for m in found.months],
        texts,
        bars=not measure.is_stock,
    )


def table_row(found: Trends, area: str) -> dict[Measure, tuple[float, float, str]]:
    """Per measure (value, a year before, link): a stock at the last month's end, a flow over the
    last twelve months."""
    row = {}
    last, first = found.months[-1], found.months[-FLOW_WINDOW]
    for measure in Measure:
        now, before = found.shown(measure, area), found.year_before(measure, area)
        if measure.is_stock:
            row[measure] = (now[-1], before[-1], records_href(measure, last, area))
        else:
            window = slice(-FLOW_WINDOW, None)
            row[measure] = (
                round(sum(now[window]), 2),
                round(sum(before[window]), 2),
                records_href(measure, first, area, FLOW_WINDOW),
            )
    return row


def target_charts(
    session: Session, found: Trends, choices: list[tuple[str, str, str]], lang: str
) -> list[tuple[Measure, charts.Targets, list[dict[str, Any]]]]:
    """For each targeted measure: the parks (and any area with a target) this year, done against
    the target."""
    year = found.months[-1].year
    first = max(found.months[0], dt.date(year, 1, 1))
    months = sum(1 for m in found.months if m >= first)
    set_ = {(t.area.code, t.measure): t.value_mu for t in gateway.targets(session, year)}
    out = []
    for measure in TARGETED:
        rows: list[dict[str, Any]] = []
        for code, name, kind in choices:
            target = set_.get((code, measure.value))
            if kind != "park" and target is None:
                continue
            done = found.total(measure, code, year)
            share = f"{done / target:.0%}" if target else "—"
            text = message(
                "web.trends.target_point",
                lang,
                area=name,
                done=charts.number(done),
                target=charts.number(target) if target is not None else "—",
                share=share,
            )
            href = records_href(measure, first, code, months)
            rows.append(
                {
                    "code": code,
                    "name": name,
                    "done": done,
                    "target": target,
                    "share": share,
                    "href": href,
                    "text": text,
                }
            )
        drawn = charts.targets([(r["name"], r["done"], r["target"], r["href"], r["text"]) for r in rows])
        out.append((measure, drawn, rows))
    return out


def may_set_targets(who: Principal | None) -> bool:
    """Whether `who` is offered the targets form."""
    return who is not None and Action.SET_TARGETS in ALLOWED[who.role]


def render_trends(
    request: Request,
    session: Session,
    who: Principal | None,
    months: int,
    area: str,
    *,
    typed: dict[str, Any] | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The page; with the targets form as typed and the reason it was refused, after a refusal."""
    lang = page_language(request)
    trends.period(months)
    choices = areas(session)
    name = area_name(choices, area, lang)
    found = trends.monthly(session, None, months)
    return page(
        request,
        "trends.html",
        {
            "months": months,
            "periods": trends.PERIODS,
            "area": area,
            "area_label": name,
            "choices": choices,
            "measures": list(Measure),
            "charts": [(m, chart(found, m, area, lang)) for m in Measure],
            "table": [(code, n, kind, table_row(found, code)) for code, n, kind in choices],
            "county": table_row(found, COUNTY),
            "last": found.months[-1],
            "year": found.months[-1].year,
            "targets": target_charts(session, found, choices, lang),
            "targeted": TARGETED,
            "set_targets": may_set_targets(who),
            "csrf": csrf_token(request) if may_set_targets(who) else "",
            "typed": typed or {},
            "problem": problem,
            "saved": request.query_params.get("saved") == "1",
            "export": who is not None,
            "query": f"months={months}&area={area}",
        },
        status_code=status_code,
    )


@router.get("/trends", response_class=HTMLResponse)
def trends_page(
    request: Request, session: ReadSession, who: PageReader, months: Months = 24, area: AreaParam = COUNTY
) -> HTMLResponse:
    """Each measure month by month, by park and town, and the year's targets."""
    return render_trends(request, session, who, months, area)


def _month(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        raise InvalidInput("web.trends.bad_month", month=text) from None


@router.get("/trends/records", response_class=HTMLResponse)
def trend_records(
    request: Request,
    session: ReadSession,
    _who: PageReader,
    measure: Annotated[Measure, Query(description="指标")],
    month: MonthParam,
    area: AreaParam = COUNTY,
    months: Annotated[int, Query(ge=1, le=36, description="连续月数 (只用于月度合计)")] = 1,
) -> HTMLResponse:
    """The parcels or factories behind one point of a chart, each with the event that counts it."""
    lang = page_language(request)
    first = _month(month)
    choices = areas(session)
    name = area_name(choices, area, lang)
    area_id = None if area == COUNTY else session.scalar(select(Area.id).where(Area.code == area))
    span = 1 if measure.is_stock else months
    found = trends.records(session, measure, first, area_id, span)
    last = trends.add_months(first, span - 1)
    return page(
        request,
        "trends_records.html",
        {
            "measure": measure,
            "unit": _unit(measure, lang),
            "first": first,
            "last": last,
            "area": area,
            "area_label": name,
            "rows": found,
            "total": round(sum(r.size for r in found), 2),
        },
    )


@router.get("/trends.xlsx")
def trends_xlsx(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    user: CurrentUser,
    months: Months = 24,
    area: AreaParam = COUNTY,
) -> Response:
    """The series of every area and this year's targets as an Excel workbook (an export)."""
    trends.period(months)
    take_export(db, settings, user)
    lang = page_language(request)
    with db.read() as session:
        choices = areas(session)
        area_name(choices, area, lang)
        found = trends.monthly(session, None, months)
        year = found.months[-1].year
        body = trends_workbook(found, choices, gateway.targets(session, year), year, lang)
    return Response(
        body,
        media_type=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="landstock-trends-{found.months[-1]:%Y-%m}.xlsx"'
        },
    )


@router.post("/trends/targets", response_class=HTMLResponse)
def submit_target(
    request: Request,
    db: DatabaseDep,
    user: OptionalUser,
    area: Annotated[str, Form(max_length=40)],
    measure: Annotated[str, Form(max_length=30)],
    value_mu: Annotated[str, Form(max_length=30)],
    year: Annotated[int, Form(ge=1900, le=2999)],
    months: Annotated[int, Form()] = 24,
    shown: Annotated[str, Form(max_length=40)] = COUNTY,
) -> Response:
    """Set a target through the gateway, then back to the page; a refusal shows the page again
    with what was typed and why."""
    if user is None:
        return RedirectResponse("/login?next=/trends", status_code=303)
    typed = {"area": area, "measure": measure, "value_mu": value_mu, "year": year}
    try:
        with db.write() as session:
            gateway.set_target(session, area, year, measure, _amount(value_mu), who=user)
    except LandstockError as error:
        return refused(request, db, error, render_trends, user, months, shown, typed=typed)
    return RedirectResponse(f"/trends?months={months}&area={shown}&saved=1#targets", status_code=303)


def _amount(text: str) -> float:
    try:
        return float(text.strip().replace(",", ""))
    except ValueError:
        raise InvalidInput("trends.target.value", most=f"{gateway.MAX_MU:,.0f}") from None
