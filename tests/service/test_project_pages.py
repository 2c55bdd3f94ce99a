"""The pipeline pages over HTTP, on both databases: /projects as each role and anonymous, its
filters, order, counts and funnel, refused filters shown again; /projects.xlsx read back; the
new-project form refused and shown again as typed, and the duplicate lead shown, then saved anyway."""

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from gis import localtime
from gis.models import Project
from tests.conftest import bearer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OURS = {"code": "XM-PG-001", "name": "本园页面测试项目", "investor": "页面测试甲有限公司", "platform": "P02"}
THEIRS = {
    "code": "XM-PG-002",
    "name": "外园页面测试项目",
    "investor": "页面测试乙有限公司",
    "platform": "P04",
    "remarks": '=HYPERLINK("http://x")',
    "contact": "+86 123",
}


def codes(html):
    return re.findall(r'<tr data-code="([^"]+)"', html)


@pytest.fixture(scope="module")
def planted(sample_client):
    staff = bearer(sample_client, "investment")
    for project in (OURS, THEIRS):
        body = {**project, "industry_code": "39", "investment_total_wan": 250_000, "source_unit": "SZ"}
        assert sample_client.post("/api/projects", json=body, headers=staff).status_code == 201
    return {
        role: bearer(sample_client, role, *(["P02"] if role == "park_manager" else []))
        for role in ("admin", "investment", "park_manager", "leader")
    }


@pytest.mark.parametrize("role", ["admin", "investment", "leader"])
def test_staff_and_leaders_read_the_whole_pipeline(sample_client, planted, role):
    page = sample_client.get("/projects", params={"q": "页面测试"}, headers=planted[role])

    assert page.status_code == 200 and '<html lang="zh-CN">' in page.text
    assert codes(page.text) == ["XM-PG-001", "XM-PG-002"] and THEIRS["name"] in page.text
    assert ('id="new-project"' in page.text) == (role != "leader")
    assert "招商项目库" in page.text and "重特大" in page.text


def test_a_park_manager_sees_only_the_projects_of_their_parks(sample_client, planted):
    page = sample_client.get("/projects", headers=planted["park_manager"], params={"sort": "-investment"})
    everything = sample_client.get(
        "/api/projects", params={"limit": 1000}, headers=planted["park_manager"]
    ).json()

    assert page.status_code == 200 and 'id="new-project"' not in page.text and 'id="scope-note"' in page.text
    assert OURS["name"] in page.text and THEIRS["name"] not in page.text and THEIRS["code"] not in page.text
    assert set(codes(page.text)) <= {p["code"] for p in everything["projects"]} and OURS["code"] in codes(
        page.text
    )


def test_anonymous_readers_are_sent_to_sign_in_and_the_download_answers_401(sample_client):
    sample_client.cookies.clear()
    page = sample_client.get("/projects?stage=signed", follow_redirects=False)
    download = sample_client.get("/projects.xlsx")

    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fprojects%3Fstage%3Dsigned"
    assert download.status_code == 401 and download.headers["content-type"] == "application/problem+json"
    assert THEIRS["name"] not in download.text


def test_filters_sort_and_page_as_the_api_does(sample_client, planted):
    staff = planted["investment"]
    params = {"stage": ["signed", "supplied"], "key": "large", "sort": "-investment"}
    page = sample_client.get("/projects", params=params, headers=staff)
    api = sample_client.get("/api/projects", params={**params, "limit": 50}, headers=staff).json()

    assert codes(page.text) == [p["code"] for p in api["projects"]] and api["matched"] > 1
    amounts = [p["investment_total_wan"] for p in api["projects"]]
    assert amounts == sorted(amounts, reverse=True)
    assert f"共 {api['matched']} 个项目" in page.text
    assert re.search(r'id="stage-signed"\s*checked', page.text) and not re.search(
        r'id="stage-lead"\s*checked', page.text
    )
    late = sample_client.get("/projects", params={"overdue": "1", "sort": "-stage_on"}, headers=staff)
    late_api = sample_client.get(
        "/api/projects", params={"overdue": "true", "sort": "-stage_on", "limit": 50}, headers=staff
    ).json()["projects"]
    assert codes(late.text) == [p["code"] for p in late_api] and all(p["overdue"] for p in late_api)
    assert re.search(r'id="overdue"\s*checked', late.text)
    first, second = (sample_client.get("/projects", params={"offset": o}, headers=staff) for o in (0, 50))
    assert len(codes(first.text)) == 50 and not set(codes(first.text)) & set(codes(second.text))


def test_counts_per_stage_and_the_funnel_link_to_the_filtered_table(sample_client, planted):
    staff = planted["investment"]
    page = sample_client.get("/projects", params={"key": "large"}, headers=staff).text
    api = {
        s: sample_client.get(
            "/api/projects", params={"key": "large", "stage": s, "limit": 1}, headers=staff
        ).json()["matched"]
        for s in ("signed", "started", "producing")
    }

    chip = re.search(r'data-stage="signed" href="/projects\?([^"]+)">[^<]+<b>(\d+)</b>', page)
    assert chip and int(chip.group(2)) == api["signed"] and "key=large" in chip.group(1)
    funnel = re.search(
        r'class="ls-funnel-step" data-stage="started" href="/projects\?([^"]+)"[^>]*>.*?'
        r'<b class="ls-funnel-count">(\d+)</b>',
        page,
        re.S,
    )
    assert funnel and int(funnel.group(2)) == api["started"] + api["producing"]
    linked = sample_client.get("/projects?" + funnel.group(1).replace("&amp;", "&"), headers=staff).text
    assert set(re.findall(r'<tr data-code="[^"]+" data-stage="([^"]+)"', linked)) == {"started", "producing"}


@pytest.mark.parametrize(
    "params",
    [
        {"stage": "landed"},
        {"key": "huge"},
        {"industry": "医药"},
        {"overdue": "maybe"},
        {"source_unit": "NOWHERE"},
        {"sort": "investor"},
    ],
)
def test_a_refused_filter_shows_the_page_again_and_the_api_answers_422(sample_client, planted, params):
    staff = planted["investment"]
    page = sample_client.get("/projects", params={**params, "q": "保留的搜索"}, headers=staff)
    api = sample_client.get("/api/projects", params=params, headers=staff)

    assert page.status_code == 422 and 'id="filters-problem"' in page.text
    assert 'value="保留的搜索"' in page.text and "<tr data-code" not in page.text
    assert api.status_code == 422 and api.headers["content-type"] == "application/problem+json"


def test_the_download_holds_the_filtered_list_with_chinese_headers_and_no_formulas(sample_client, planted):
    response = sample_client.get(
        "/projects.xlsx", params={"q": "页面测试", "sort": "-code"}, headers=planted["investment"]
    )
    manager = sample_client.get("/projects.xlsx", params={"q": "页面测试"}, headers=planted["park_manager"])

    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("编号", "名称", "投资方") and "项目阶段" in header and "总投资（万元）" in header
    by_code = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert list(by_code) == ["XM-PG-002", "XM-PG-001"]
    theirs = by_code["XM-PG-002"]
    assert theirs["备注"] == "'" + THEIRS["remarks"] and theirs["联系人"] == "'+86 123"
    assert (
        theirs["项目级别"] == "重特大"
        and theirs["承载平台"] == "吕四港经济开发区"
        and theirs["项目阶段"] == "线索"
    )
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    manager_rows = list(load_workbook(io.BytesIO(manager.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in manager_rows[1:]] == ["XM-PG-001"]


def lead(code, **extra):
    return {
        "code": code,
        "name": "表单测试项目",
        "industry_code": "27",
        "investor": "沪启生物医药科技有限公司",
        "investment_total_wan": "8000",
        "source_unit": "SH",
        "platform": "P03",
        "stage": "lead",
        "preferred_areas": ["P03", "T01"],
        "remarks": "首次接触",
        **extra,
    }


def test_only_investment_staff_and_administrators_get_the_form(sample_app):
    client = sample_app.client
    allowed = {
        role: client.get("/projects/new", headers=sample_app.headers(role)).status_code
        for role in ("admin", "investment", "park_manager", "leader")
    }
    refused = client.post("/projects/new", data=lead("XM-F-000"), headers=sample_app.headers("leader"))
    anonymous = client.get("/projects/new", follow_redirects=False)

    assert allowed == {"admin": 200, "investment": 200, "park_manager": 403, "leader": 403}
    assert refused.status_code == 403 and "只有招商人员和管理员可以新建项目" in refused.text
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login?next=/projects/new"
    with sample_app.db.read() as session:
        assert session.scalar(select(Project.id).where(Project.code == "XM-F-000")) is None


def test_a_refused_lead_comes_back_as_typed_with_the_reason(sample_app):
    staff = sample_app.headers("investment")
    form = lead(
        "XM-F-001",
        investor="全新测试投资有限公司",
        credit_code="91350100M000100Y4X",
        investment_total_wan="abc",
        contact="王先生 13900000000",
    )
    bad_number = sample_app.client.post("/projects/new", data=form, headers=staff)
    bad_code = sample_app.client.post(
        "/projects/new", data={**form, "investment_total_wan": "9000"}, headers=staff
    )

    assert bad_number.status_code == 422 and "总投资（万元）" in bad_number.text
    assert bad_code.status_code == 422 and "校验码" in bad_code.text
    for page in (bad_number, bad_code):
        assert 'value="XM-F-001"' in page.text and 'value="王先生 13900000000"' in page.text
        assert "首次接触</textarea>" in page.text and re.search(
            r'value="T01" id="area-T01"\s*checked', page.text
        )
        assert re.search(r'<option value="SH" selected>', page.text)
    with sample_app.db.read() as session:
        assert session.scalar(select(Project.id).where(Project.code == "XM-F-001")) is None


def test_a_duplicate_lead_is_shown_then_saved_anyway_and_both_are_marked(sample_app):
    staff = sample_app.headers("investment")
    asked = sample_app.client.post(
        "/projects/new", data=lead("XM-F-002"), headers=staff, follow_redirects=False
    )
    with sample_app.db.read() as session:
        assert session.scalar(select(Project.id).where(Project.code == "XM-F-002")) is None
    saved = sample_app.client.post(
        "/projects/new",
        data={**lead("XM-F-002"), "confirm": "duplicates"},
        headers=staff,
        follow_redirects=False,
    )

    assert asked.status_code == 200 and 'id="duplicates"' in asked.text
    assert '<li data-code="XM-2026-001">' in asked.text and 'value="XM-F-002"' in asked.text
    assert saved.status_code == 303 and saved.headers["location"] == "/projects/XM-F-002"
    stored = sample_app.client.get("/api/projects/XM-F-002", headers=staff).json()
    assert (stored["investment_total_wan"], stored["source_unit"], stored["platform"]) == (8000, "SH", "P03")
    assert stored["preferred_areas"] == ["P03", "T01"] and stored["stage"] == "lead"
    marks = sample_app.client.get("/api/projects/XM-2026-001/duplicates", headers=staff).json()
    assert [(m["code"], m["status"]) for m in marks] == [("XM-F-002", "open")]


def test_a_lead_without_duplicates_is_saved_at_once_with_its_stage_and_dates(sample_app):
    staff = sample_app.headers("admin")
    since = (localtime.today() - dt.timedelta(days=20)).isoformat()
    saved = sample_app.client.post(
        "/projects/new",
        headers=staff,
        follow_redirects=False,
        data={
            "code": "XM-F-003",
            "name": "独立测试项目",
            "industry_code": "39",
            "investor": "独一测试科技有限公司",
            "stage": "signed",
            "stage_since": since,
            "signed_on": since,
            "nuisance_class": "2",
            "needs_waterfront": "on",
            "land_min_mu": "20",
            "land_max_mu": "30",
        },
    )

    assert saved.status_code == 303 and saved.headers["location"] == "/projects/XM-F-003"
    stored = sample_app.client.get("/api/projects/XM-F-003", headers=staff).json()
    assert (stored["stage"], stored["signed_on"], stored["nuisance_class"], stored["needs_waterfront"]) == (
        "signed",
        since,
        2,
        True,
    )
