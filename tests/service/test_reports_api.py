"""The reports over HTTP and as files, on both databases: the small pipeline of
tests/db/test_reports.py planted on a sample app, read back as JSON, XLSX (openpyxl), PDF (pypdf)
and pages; bad weeks and periods answered 422 naming the field; who may read them."""

import io

import openpyxl
import pypdf
import pytest

from tests.conftest import bearer
from tests.db.test_reports import plant

# The week and the quarter of the planted pipeline, each as of its last day
WEEK = {"week": "2018-W11", "as_of": "2018-03-18"}
QUARTER = {"period": "2018-Q1", "as_of": "2018-03-31"}


def read(app, path, params, role):
    return app.client.get(path, params=params, headers=app.headers(role))


@pytest.fixture
def app(sample_app):
    plant(sample_app.db)
    return sample_app


def test_the_weekly_summary_as_json_as_of_a_day(app):
    body = read(app, "/api/reports/weekly", WEEK, "investment").json()

    assert (body["week"], body["as_of"], body["previous_week"]) == ("2018-W11", "2018-03-18", "2018-W10")
    leads = {
        u["unit"]: (u["new_leads"]["current"]["count"], u["new_leads"]["previous"]["count"])
        for u in body["units"]
    }
    assert (leads["P01"], leads["SH"], leads["T03"]) == ((1, 0), (0, 2), (0, 1))
    signed = next(m for m in body["milestones"] if m["stage"] == "signed")["figure"]["current"]
    assert (signed["count"], signed["codes"], signed["investment_wan"]) == (2, ["R1", "R2"], 25000)
    assert body["names"]["R1"] == "报表测试R1"


def test_the_scorecard_as_json_ranked(app):
    body = read(app, "/api/reports/scorecard", QUARTER, "leader").json()

    top = body["rows"][0]
    assert (top["area"], top["rank"], top["score"], top["started"]["codes"]) == ("P01", 1, 25.5, ["R2"])
    assert (
        body["config"]["weight_started"] > body["config"]["weight_supplied"] > body["config"]["weight_signed"]
    )


@pytest.mark.parametrize(
    ("path", "field", "value", "form"),
    [
        ("/api/reports/weekly", "week", "2026-W60", "2026-W48"),
        ("/api/reports/weekly.xlsx", "week", "本周", "2026-W48"),
        ("/api/reports/scorecard", "period", "2026-Q5", "2026-Q3"),
        ("/api/reports/scorecard.pdf", "period", "last quarter", "2026-Q3"),
    ],
)
def test_a_bad_week_or_period_is_a_problem_naming_the_field_and_the_form(
    sample_client, path, field, value, form
):
    answer = sample_client.get(path, params={field: value}, headers=bearer(sample_client, "admin"))

    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["errors"][0]["field"] == field and value in problem["detail"] and form in problem["detail"]


def test_an_as_of_before_the_period_and_a_malformed_date_are_refused(sample_client):
    headers = bearer(sample_client, "investment")

    early = sample_client.get(
        "/api/reports/scorecard", params={"period": "2026-Q3", "as_of": "2026-06-30"}, headers=headers
    )
    malformed = sample_client.get("/api/reports/weekly", params={"as_of": "2026-13-01"}, headers=headers)

    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "as_of"
    assert malformed.status_code == 422 and malformed.json()["errors"][0]["field"] == "as_of"


def test_the_weekly_workbook_reads_back(app):
    answer = read(app, "/api/reports/weekly.xlsx", WEEK, "admin")

    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    overview = [list(r) for r in book["周汇总"].iter_rows(values_only=True)]
    assert overview[0][:4] == ["指标", "本周", "上周（2018-W10）", "增减"]
    assert overview[1][:4] == ["新增线索", 1, 3, -2]
    assert next(r for r in overview if r[0] == "签约")[:5] == ["签约", 2, 1, 1, 25000]
    units = {r[0]: r for r in book["按招商单位"].iter_rows(values_only=True)}
    assert units["SH"][1:] == ("驻上海招商分局", 0, 2, 1, 2, 1, 0)
    behind = list(book["项目明细"].iter_rows(values_only=True))
    assert ("新增线索", "启东经济开发区", "R2", "报表测试R2") in behind


def test_the_scorecard_workbook_reads_back(app):
    answer = read(app, "/api/reports/scorecard.xlsx", QUARTER, "leader")

    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    ranking = list(book["落地开工考核"].iter_rows(values_only=True))
    assert ranking[1][:8] == (1, "P01", "启东经济开发区", 1, 2, 1, 1, 1) and ranking[1][-1] == 25.5
    weights = dict(list(book["权重"].iter_rows(values_only=True))[1:])
    assert weights["开工"] == 6.0 and weights["签约"] == 2.0
    assert ("启东经济开发区", "开工", "R2", "报表测试R2") in list(
        book["项目明细"].iter_rows(values_only=True)
    )


@pytest.mark.parametrize(
    ("path", "params", "texts"),
    [
        (
            "/api/reports/weekly.pdf",
            WEEK,
            ("招商项目周汇总 2018-W11", "驻上海招商分局", "新增线索"),
        ),
        (
            "/api/reports/scorecard.pdf",
            QUARTER,
            ("园区、镇落地开工考核 2018-Q1", "启东经济开发区", "25.50"),
        ),
    ],
)
def test_the_pdfs_read_back_with_their_chinese_text(app, path, params, texts):
    answer = app.client.get(path, params=params, headers=app.headers("investment"))

    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(answer.content)).pages)
    assert all(t in text for t in texts), text[:400]


def test_the_pages_show_the_figures_with_the_projects_behind_them(app):
    headers = {**app.headers("leader"), "accept": "text/html"}

    week = app.client.get("/reports/weekly", params=WEEK, headers=headers)
    card = app.client.get("/reports/scorecard", params=QUARTER, headers=headers)

    assert week.status_code == 200 and "报表测试R2" in week.text and 'href="/reports/weekly"' in week.text
    assert "/api/reports/weekly.xlsx?week=2018-W11&amp;as_of=2018-03-18" in week.text
    assert card.status_code == 200 and 'data-area="P01"' in card.text and "报表测试R1" in card.text


def test_a_page_keeps_a_bad_period_and_says_what_is_expected(sample_client):
    page = sample_client.get(
        "/reports/scorecard",
        params={"period": "2026-Q5"},
        headers={**bearer(sample_client, "investment"), "accept": "text/html"},
    )

    assert page.status_code == 422 and 'value="2026-Q5"' in page.text and "季度 2026-Q3" in page.text


def test_the_navigation_links_the_reports_for_the_roles_that_may_read_them(sample_client):
    def nav(role):
        return (
            'href="/reports/weekly"' in sample_client.get("/supply", headers=bearer(sample_client, role)).text
        )

    assert [nav(r) for r in ("admin", "investment", "leader")] == [True] * 3
    assert nav("park_manager") is False
    assert 'href="/reports/weekly"' not in sample_client.get("/supply").text
