"""Projects over HTTP on both databases: POST /api/imports with layer=projects (investment staff and
administrators; others 403, anonymous 401, nothing written), a refused file answering 422 with the
report, a dry run answering as the import, and GET /api/projects/export importing back unchanged."""

import io

import pandas as pd
from sqlalchemy import func, select

from gis.models import Project

CSV = "项目编号,项目名称,行业,计划投资额（万元）,阶段\r\nXM-API-001,接口导入项目,27,6000,在谈\r\n"


def count(app):
    with app.db.read() as session:
        return session.scalar(select(func.count()).select_from(Project))


def upload(app, headers, body=CSV, **form):
    files = {"file": ("项目.csv", body.encode("utf-8-sig"), "text/csv")}
    return app.client.post("/api/imports", headers=headers, files=files, data={"layer": "projects", **form})


def test_investment_staff_import_projects_and_others_may_not(sample_app):
    before = count(sample_app)

    anonymous = upload(sample_app, {})
    park = upload(sample_app, sample_app.headers("park_manager", "P01"))
    leader = upload(sample_app, sample_app.headers("leader"))
    assert (anonymous.status_code, park.status_code, leader.status_code) == (401, 403, 403)
    assert count(sample_app) == before

    staff = sample_app.headers("investment")
    dry = upload(sample_app, staff, dry_run="true")
    assert dry.status_code == 200, dry.text
    assert dry.json()["counts"]["inserted"] == 1 and count(sample_app) == before
    done = upload(sample_app, staff)
    assert done.status_code == 200, done.text
    assert (
        done.json()["written"] and done.json()["counts"]["inserted"] == 1 and count(sample_app) == before + 1
    )
    again = upload(sample_app, staff)
    assert again.json()["counts"]["unchanged"] == 1


def test_a_refused_file_of_projects_answers_422_with_the_report(sample_app):
    before = count(sample_app)
    body = CSV + "XM-API-002,,27,,线索\r\nXM-API-003,第三个,27,abc,线索\r\n"

    refused = upload(sample_app, sample_app.headers("admin"), body=body)

    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    rows = {r["code"]: r for r in refused.json()["report"]["rows"]}
    assert rows["XM-API-001"]["outcome"] != "rejected"
    assert rows["XM-API-002"]["outcome"] == "rejected" and "名称" in " ".join(rows["XM-API-002"]["messages"])
    assert "abc" in " ".join(rows["XM-API-003"]["messages"])
    assert count(sample_app) == before


def test_the_export_of_projects_imports_back_unchanged(sample_app):
    staff = sample_app.headers("investment")
    assert sample_app.client.get("/api/projects/export?format=xlsx").status_code == 401

    exported = sample_app.client.get("/api/projects/export?format=xlsx", headers=staff)
    assert exported.status_code == 200
    frame = pd.read_excel(io.BytesIO(exported.content), dtype=str)
    assert len(frame) == count(sample_app) and frame.columns[0] == "编号"
    files = {"file": ("projects.xlsx", exported.content, exported.headers["content-type"])}
    back = sample_app.client.post("/api/imports", headers=staff, files=files, data={"layer": "projects"})

    assert back.status_code == 200, back.text
    counts = back.json()["counts"]
    assert counts["unchanged"] == len(frame) and counts["updated"] == counts["inserted"] == 0


def test_the_projects_template_downloads(sample_app):
    template = sample_app.client.get(
        "/api/imports/template?layer=projects", headers=sample_app.headers("investment")
    )

    assert template.status_code == 200
    assert "项目阶段" in pd.read_excel(io.BytesIO(template.content)).columns
