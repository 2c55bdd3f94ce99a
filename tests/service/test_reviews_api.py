"""Joint reviews over HTTP, on both databases: held, read, the opinions entered, the outcome by
administrators only, the PDF, XLSX and HTML read back, and the signing rule with the setting on
and off."""

import datetime as dt
import io

import openpyxl
import pypdf
from fastapi.testclient import TestClient

from service.main import create_app
from tests import pipeline_helpers
from tests.conftest import settings_for
from tests.pipeline_helpers import TODAY, day

PROBLEM = "application/problem+json"
PROJECT, SITE = "XM-2026-001", "SMC-001"
BASE = f"/api/projects/{PROJECT}/reviews"
DEPARTMENTS = ("发展改革委", "商务局", "自然资源和规划局", "住房和城乡建设局", "行政审批局")


def hold(client, headers, project=PROJECT, **body):
    return client.post(
        f"/api/projects/{project}/reviews", json={"site": SITE, "held_on": day(3), **body}, headers=headers
    )


def decided_review(sample_app):
    """A review with two departments' opinions and an outcome; (its URL, the admin's headers)."""
    client, staff, admin = sample_app.client, sample_app.headers("investment"), sample_app.headers("admin")
    created = hold(client, staff, plot_ratio=1.5, office_share=6)
    url = created.json()["links"]["self"]
    opinions = {
        "natural_resources": {"opinion": "用地符合国土空间规划", "signatory": "张自然", "signed_on": day(3)},
        "commerce": {"opinion": "同意引进", "signatory": "李商务"},
    }
    entered = client.patch(
        f"{url}/opinions", json=opinions, headers={**staff, "If-Match": created.headers["ETag"]}
    )
    decided = client.put(
        f"{url}/outcome",
        json={"outcome": "conditional", "outcome_note": "设计容积率须不低于 1.2"},
        headers={**admin, "If-Match": entered.headers["ETag"]},
    )
    assert decided.status_code == 200, decided.text
    return url, admin


def test_a_review_is_held_numbered_and_read_by_those_who_read_its_project(sample_app):
    client, staff = sample_app.client, sample_app.headers("investment")

    first, second = hold(client, staff), hold(client, staff)
    listed = client.get(BASE, headers=sample_app.headers("leader"))
    one = client.get(f"{BASE}/{second.json()['slug']}", headers=staff)
    printed = client.get(f"{BASE}/{second.json()['number']}", headers=staff)
    anonymous = client.get(BASE)
    elsewhere = client.get(
        f"{BASE}/{first.json()['slug']}", headers=sample_app.headers("park_manager", "P02")
    )
    wrong_project = client.get(f"/api/projects/XM-2026-002/reviews/{first.json()['slug']}", headers=staff)
    leader = hold(client, sample_app.headers("leader"))

    year = (TODAY - dt.timedelta(days=3)).year
    assert first.status_code == second.status_code == 201
    assert (
        first.json()["number"] == f"会审〔{year}〕001号" and second.json()["number"] == f"会审〔{year}〕002号"
    )
    assert second.headers["Location"] == f"{BASE}/{year}-002" and second.headers["ETag"]
    body = first.json()
    assert body["outcome"] == "pending" and body["outcome_label"] == "待定" and body["held_on"] == day(3)
    assert [d["label"] for d in body["departments"]] == list(DEPARTMENTS)
    assert body["sheet"]["project_name"] == "创新药CDMO生产基地" and body["sheet"]["investment_total_wan"]
    assert {r["name"] for r in body["sheet"]["indicators"]} >= {
        "investment_intensity",
        "output_per_mu",
        "tax_per_mu",
    }
    assert body["links"] == {
        "self": f"{BASE}/{year}-001",
        "html": f"{BASE}/{year}-001.html",
        "xlsx": f"{BASE}/{year}-001.xlsx",
        "pdf": f"{BASE}/{year}-001.pdf",
    }
    assert [r["number"] for r in listed.json()["reviews"]] == [body["number"], second.json()["number"]]
    assert listed.json()["approved"] is False
    assert one.json() == printed.json() == second.json()
    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == PROBLEM
    assert elsewhere.status_code == 404 and wrong_project.status_code == 404
    assert leader.status_code == 403 and leader.headers["content-type"] == PROBLEM


def test_only_an_administrator_decides_and_a_refusal_writes_nothing(sample_app):
    client, staff, admin = sample_app.client, sample_app.headers("investment"), sample_app.headers("admin")
    created = hold(client, staff)
    url, etag = created.json()["links"]["self"], created.headers["ETag"]
    history_before = client.get(f"/api/projects/{PROJECT}/history", headers=admin).json()

    refused = {
        role: client.put(
            f"{url}/outcome",
            json={"outcome": "passed"},
            headers={
                **sample_app.headers(role, *(["P03"] if role == "park_manager" else [])),
                "If-Match": etag,
            },
        )
        for role in ("investment", "leader", "park_manager")
    }
    anonymous = client.put(f"{url}/outcome", json={"outcome": "passed"}, headers={"If-Match": etag})
    after = client.get(url, headers=admin)
    history_after = client.get(f"/api/projects/{PROJECT}/history", headers=admin).json()
    no_note = client.put(f"{url}/outcome", json={"outcome": "failed"}, headers={**admin, "If-Match": etag})
    no_version = client.put(f"{url}/outcome", json={"outcome": "passed"}, headers=admin)
    passed = client.put(f"{url}/outcome", json={"outcome": "passed"}, headers={**admin, "If-Match": etag})
    stale = client.put(
        f"{url}/outcome", json={"outcome": "failed", "outcome_note": "x"}, headers={**admin, "If-Match": etag}
    )

    assert {role: r.status_code for role, r in refused.items()} == {
        "investment": 403,
        "leader": 403,
        "park_manager": 403,
    }
    assert all(r.headers["content-type"] == PROBLEM for r in refused.values())
    assert anonymous.status_code == 401
    assert after.json() == created.json() and after.headers["ETag"] == etag
    assert history_after == history_before
    assert no_note.status_code == 422 and "说明" in no_note.json()["detail"]
    assert no_version.status_code == 428 and stale.status_code == 412
    assert passed.status_code == 200 and passed.json()["outcome_label"] == "通过"
    assert passed.json()["decided_by"] and passed.json()["version"] == 2
    assert client.get(BASE, headers=staff).json()["approved"] is True


def test_opinions_are_entered_by_staff_until_the_review_is_decided(sample_app):
    client, staff = sample_app.client, sample_app.headers("investment")
    created = hold(client, staff)
    url = created.json()["links"]["self"]

    entered = client.patch(
        f"{url}/opinions",
        json={"housing_construction": {"opinion": "同意", "signatory": "王住建"}},
        headers={**staff, "If-Match": created.headers["ETag"]},
    )
    unknown = client.patch(
        f"{url}/opinions",
        json={"police": {"opinion": "同意"}},
        headers={**staff, "If-Match": entered.headers["ETag"]},
    )
    future = client.patch(
        f"{url}/opinions",
        json={"commerce": {"signed_on": day(-1)}},
        headers={**staff, "If-Match": entered.headers["ETag"]},
    )
    decided = client.put(
        f"{url}/outcome",
        json={"outcome": "passed"},
        headers={**sample_app.headers("admin"), "If-Match": entered.headers["ETag"]},
    )
    closed = client.patch(
        f"{url}/opinions",
        json={"commerce": {"opinion": "同意"}},
        headers={**staff, "If-Match": decided.headers["ETag"]},
    )

    rows = {d["department"]: d for d in entered.json()["departments"]}
    assert entered.status_code == 200 and entered.headers["ETag"] != created.headers["ETag"]
    assert (
        rows["housing_construction"]["opinion"] == "同意"
        and rows["housing_construction"]["signatory"] == "王住建"
    )
    assert rows["commerce"]["opinion"] is None
    assert unknown.status_code == 422 and future.status_code == 422
    assert closed.status_code == 403 and "已有结论" in closed.json()["detail"]


def test_the_pdf_is_a4_in_chinese_with_the_number_and_the_five_departments(sample_app):
    url, admin = decided_review(sample_app)

    response = sample_app.client.get(f"{url}.pdf", headers=admin)

    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "")
    number = sample_app.client.get(url, headers=admin).json()["number"]
    assert number in text and "联合会审" in text and "创新药CDMO生产基地" in text
    assert all(name in text for name in DEPARTMENTS)
    assert "用地符合国土空间规划" in text and "张自然" in text and "设计容积率须不低于1.2" in text
    assert "☑有条件通过" in text and "☐不通过" in text
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert round(width) == 595 and round(height) == 842  # A4 in points


def test_the_workbook_and_the_page_hold_the_same_record(sample_app):
    url, admin = decided_review(sample_app)
    record = sample_app.client.get(url, headers=admin).json()

    workbook = sample_app.client.get(f"{url}.xlsx", headers=admin)
    page = sample_app.client.get(f"{url}.html", headers=admin)

    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    cells = {row[0]: row[1:] for row in rows if row}
    assert cells["编号"] == [record["number"]] and cells["会审日期"] == [day(3)]
    assert cells["自然资源和规划局"] == ["用地符合国土空间规划", "张自然", day(3)]
    assert cells["商务局"] == ["同意引进", "李商务"] and cells["行政审批局"] == []
    assert cells["会审结论"] == ["有条件通过"] and cells["说明（条件或理由）"] == ["设计容积率须不低于 1.2"]
    assert cells["投资总额(万元)"] == [record["sheet"]["investment_total_wan"]]
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert record["number"] in page.text and all(name in page.text for name in DEPARTMENTS)
    assert "@page" in page.text and "A4" in page.text


def land_project(client, headers, code):
    created = client.post(
        "/api/projects", json=pipeline_helpers.land_project(code, "签约规则测试"), headers=headers
    )
    assert created.status_code == 201, created.text
    return created.headers["ETag"]


def sign(client, headers, code, etag):
    return client.post(
        f"/api/projects/{code}/stage",
        json={"stage": "signed", "day": day(0)},
        headers={**headers, "If-Match": etag},
    )


def test_a_land_project_signs_after_a_review_passed_it(sample_app):
    client, staff, admin = sample_app.client, sample_app.headers("investment"), sample_app.headers("admin")
    etag = land_project(client, staff, "XM-SIGN-001")

    none_held = sign(client, staff, "XM-SIGN-001", etag)
    review = hold(client, staff, project="XM-SIGN-001")
    pending = sign(client, staff, "XM-SIGN-001", etag)
    stage_after_refusals = client.get("/api/projects/XM-SIGN-001", headers=staff).json()["stage"]
    client.put(
        f"{review.json()['links']['self']}/outcome",
        json={"outcome": "passed"},
        headers={**admin, "If-Match": review.headers["ETag"]},
    )
    signed = sign(client, staff, "XM-SIGN-001", etag)

    assert none_held.status_code == pending.status_code == 422
    assert none_held.headers["content-type"] == PROBLEM
    assert "XM-SIGN-001" in none_held.json()["detail"] and "尚无联合会审记录" in none_held.json()["detail"]
    assert f"{review.json()['number']}：待定" in pending.json()["detail"]
    assert stage_after_refusals == "negotiating"
    assert signed.status_code == 200 and signed.json()["stage"] == "signed"


def test_with_the_rule_off_a_land_project_signs_without_a_review(sample_app, monkeypatch):
    monkeypatch.setenv("LANDSTOCK_PIPELINE_REVIEW_BEFORE_SIGNING", "false")
    staff = sample_app.headers("investment")
    with TestClient(create_app(settings_for(sample_app.url))) as client:
        etag = land_project(client, staff, "XM-SIGN-002")
        signed = sign(client, staff, "XM-SIGN-002", etag)
        reviews = client.get("/api/projects/XM-SIGN-002/reviews", headers=staff).json()

    assert signed.status_code == 200 and signed.json()["stage"] == "signed"
    assert reviews["reviews"] == [] and reviews["approved"] is False
