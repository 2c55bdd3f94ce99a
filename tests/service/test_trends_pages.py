"""The trends page on both databases: charts drawn as SVG whose every mark links to the records
behind it, the records adding up to the point, the period and area in the URL, the workbook's
content, and the targets form (administrators; refusals keep what was typed)."""

from __future__ import annotations

import io
import re
from html import unescape

from openpyxl import load_workbook

from gis import localtime, trends
from gis.trends import COUNTY, Measure
from tests.conftest import bearer

YEAR = localtime.today().year


def test_the_page_draws_every_measure_with_links_to_its_records(sample_client):
    page = sample_client.get("/trends", params={"months": 12, "area": "P01"})

    assert page.status_code == 200
    charts = re.findall(r'<svg class="ls-trend-chart" data-measure="(\w+)"', page.text)
    assert charts == [m.value for m in Measure]
    links = re.findall(
        r'<a href="(/trends/records\?[^"]+)" class="ls-trend-mark" aria-label="([^"]+)"', page.text
    )
    assert len(links) >= 5 * 12
    assert all("area=P01" in unescape(href) for href, _ in links[: 5 * 12])
    assert '<option value="12" selected>' in page.text and '<option value="P01" selected>' in page.text
    assert "<title" in page.text and "<desc" in page.text


def test_a_bar_leads_to_records_that_add_up_to_it(sample_client):
    series = {(s["measure"], s["area"]): s for s in sample_client.get("/api/stats/trends?months=36").json()}
    points = series[("supplied", COUNTY)]["points"]
    month, value = max(((p["month"][:7], p["value"]) for p in points), key=lambda p: p[1])

    page = sample_client.get("/trends/records", params={"measure": "supplied", "month": month})

    assert page.status_code == 200
    codes = re.findall(r'<a href="/parcels/([^"]+)">', page.text)
    assert codes and "已签约 → 已供地" in page.text
    total = re.search(r"合计 ([\d,.]+) 亩", page.text).group(1)
    assert abs(float(total.replace(",", "")) - value) < 0.1


def test_bad_parameters_are_refused(sample_client):
    assert sample_client.get("/trends?months=13").status_code == 422
    assert sample_client.get("/trends?area=P99").status_code == 404
    assert sample_client.get("/trends/records?measure=supplied&month=2026-13").status_code == 422
    assert sample_client.get("/trends/records?measure=nothing&month=2026-01").status_code == 422


def test_the_workbook_holds_the_series_and_targets(sample_client):
    headers = bearer(sample_client, "leader")
    response = sample_client.get("/trends.xlsx?months=12", headers=headers)

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["月度趋势", "年度目标"]
    rows = list(book["月度趋势"].values)
    assert rows[0] == ("编号", "名称", "指标", "单位", "月份", "数值", "上年同期")
    county = [r for r in rows[1:] if r[0] == COUNTY and r[2] == "可供存量"]
    assert len(county) == 12 and county[-1][4] == localtime.today().strftime("%Y-%m")
    db = sample_client.app.state.db
    with db.read() as session:
        found = trends.monthly(session, count=12)
    assert [r[5] for r in county] == found.shown(Measure.AVAILABLE, COUNTY)
    assert sample_client.get("/trends.xlsx").status_code == 401


def test_an_administrator_sets_a_target_and_sees_it_against_the_actual(sample_app):
    client = sample_app.client
    admin, leader = sample_app.headers("admin"), sample_app.headers("leader")
    form = {"area": "P02", "measure": "supplied", "value_mu": "250", "year": str(YEAR), "months": "12"}

    offered = client.get("/trends", headers=admin).text
    not_offered = client.get("/trends", headers=leader).text
    refused = client.post("/trends/targets", data=form, headers=leader)
    bad = client.post("/trends/targets", data={**form, "value_mu": "-5"}, headers=admin)
    words = client.post("/trends/targets", data={**form, "value_mu": "很多"}, headers=admin)
    before = client.get(f"/api/targets?year={YEAR}").json()
    saved = client.post("/trends/targets", data=form, headers=admin, follow_redirects=False)
    after = client.get(saved.headers["location"], headers=leader)

    assert 'id="target-form"' in offered and 'id="target-form"' not in not_offered
    assert refused.status_code == 403 and "target-problem" in refused.text
    assert bad.status_code == 422 and 'value="-5"' in bad.text and "目标须在 0 至" in bad.text
    assert words.status_code == 422 and 'value="很多"' in words.text
    assert before == []
    assert saved.status_code == 303 and saved.headers["location"].startswith("/trends?months=12")
    row = re.search(r'<tr data-area="P02"><td>[^<]+</td>.*?</tr>', after.text, re.S).group(0)
    assert "250.0" in row
