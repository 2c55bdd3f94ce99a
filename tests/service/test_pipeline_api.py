"""The pipeline over HTTP, on both databases: leads with their duplicates, dated steps with their
If-Match, follow-ups, and merges, each refused as problem+json where it must be."""

from tests.pipeline_helpers import day, inspection

PROBLEM = "application/problem+json"


def enter(client, headers, code, investor, **extra):
    body = {
        "code": code,
        "name": "测试项目",
        "industry_code": "39",
        "investor": investor,
        "stage_since": day(100),
        **extra,
    }
    return client.post("/api/projects", json=body, headers=headers)


def test_a_lead_names_the_projects_of_its_investor_and_the_check_writes_nothing(sample_app):
    client, staff = sample_app.client, sample_app.headers("investment")
    first = enter(client, staff, "XM-A-001", "鹭川测试电子有限公司", source_unit="SZ")

    check = client.post(
        "/api/projects/duplicates", json={"investor": "鹭川测试电子（中国）有限公司"}, headers=staff
    )
    anonymous = client.post("/api/projects/duplicates", json={"investor": "鹭川测试电子"})
    leader = client.post(
        "/api/projects/duplicates", json={"investor": "鹭川测试电子"}, headers=sample_app.headers("leader")
    )
    second = enter(client, staff, "XM-A-002", "深圳鹭川测试电子股份有限公司", source_unit="P02")

    assert first.status_code == 201 and first.json()["possible_duplicates"] == []
    assert [d["code"] for d in check.json()] == ["XM-A-001"] and check.json()[0]["source_unit"] == "SZ"
    assert anonymous.status_code == 401 and leader.status_code == 403
    assert [d["code"] for d in second.json()["possible_duplicates"]] == ["XM-A-001"]
    marks = client.get("/api/projects/XM-A-001/duplicates", headers=staff).json()
    assert [(m["code"], m["status"]) for m in marks] == [("XM-A-002", "open")]


def test_steps_need_the_version_they_are_based_on_and_follow_the_table(sample_app):
    client, staff = sample_app.client, sample_app.headers("investment")
    created = enter(client, staff, "XM-A-010", "蓝湾测试电子有限公司")
    etag = created.headers["ETag"]

    missing = client.post(
        "/api/projects/XM-A-010/stage", json={"stage": "negotiating", "day": day(50)}, headers=staff
    )
    moved = client.post(
        "/api/projects/XM-A-010/stage",
        json={"stage": "negotiating", "day": day(50)},
        headers={**staff, "If-Match": etag},
    )
    stale = client.post(
        "/api/projects/XM-A-010/stage",
        json={"stage": "on_hold", "day": day(40)},
        headers={**staff, "If-Match": etag},
    )
    skipped = client.post(
        "/api/projects/XM-A-010/stage",
        json={"stage": "registered", "day": day(40)},
        headers={**staff, "If-Match": moved.headers["ETag"]},
    )
    no_reason = client.post(
        "/api/projects/XM-A-010/stage",
        json={"stage": "dropped", "day": day(40)},
        headers={**staff, "If-Match": moved.headers["ETag"]},
    )
    manager = client.post(
        "/api/projects/XM-A-010/stage",
        json={"stage": "on_hold", "day": day(40)},
        headers={**sample_app.headers("park_manager", "P02"), "If-Match": moved.headers["ETag"]},
    )

    assert [r.status_code for r in (missing, moved, stale, skipped, no_reason, manager)] == [
        428,
        200,
        412,
        409,
        422,
        403,
    ]
    assert all(r.headers["content-type"] == PROBLEM for r in (missing, stale, skipped, no_reason, manager))
    assert "签约" in skipped.json()["detail"]  # the step that is allowed is named
    assert moved.json()["stage"] == "negotiating" and moved.json()["stage_since"] == day(50)
    steps = client.get("/api/projects/XM-A-010/stages", headers=staff).json()
    assert [(s["from_stage"], s["to_stage"], s["day"]) for s in steps] == [
        (None, "lead", day(100)),
        ("lead", "negotiating", day(50)),
    ]
    assert (
        client.patch(
            "/api/projects/XM-A-010",
            json={"stage": "signed"},
            headers={**staff, "If-Match": moved.headers["ETag"]},
        ).status_code
        == 422
    )


def test_follow_ups_are_added_listed_and_withdrawn(sample_app):
    client, staff = sample_app.client, sample_app.headers("investment")
    enter(client, staff, "XM-A-020", "海岚测试材料有限公司")

    added = client.post(
        "/api/projects/XM-A-020/follow-ups",
        headers=staff,
        json=inspection(3, "王科长、投资方"),
    )
    future = client.post(
        "/api/projects/XM-A-020/follow-ups", headers=staff, json={"day": day(-1), "kind": "call"}
    )
    leader = client.post(
        "/api/projects/XM-A-020/follow-ups",
        headers=sample_app.headers("leader"),
        json={"day": day(1), "kind": "call"},
    )
    listed = client.get("/api/projects/XM-A-020/follow-ups", headers=staff).json()
    withdrawn = client.delete(f"/api/projects/XM-A-020/follow-ups/{added.json()['id']}", headers=staff)

    assert added.status_code == 201 and added.json()["kind_label"] == "考察"
    assert future.status_code == 422 and leader.status_code == 403
    assert [f["outcome"] for f in listed] == ["看了两块地"] and listed[0]["next_on"] == day(-7)
    assert withdrawn.status_code == 204
    assert client.get("/api/projects/XM-A-020/follow-ups", headers=staff).json() == []


def test_only_an_administrator_merges_or_separates_duplicates(sample_app):
    client, staff, admin = sample_app.client, sample_app.headers("investment"), sample_app.headers("admin")
    enter(client, staff, "XM-A-030", "星沙测试医药有限公司")
    enter(client, staff, "XM-A-031", "星沙测试医药股份有限公司")
    enter(client, staff, "XM-A-032", "星沙测试医药集团有限公司")

    refused = client.post("/api/projects/XM-A-031/merge", json={"into": "XM-A-030"}, headers=staff)
    merged = client.post("/api/projects/XM-A-031/merge", json={"into": "XM-A-030"}, headers=admin)
    separated = client.post("/api/projects/XM-A-032/duplicates/XM-A-030/distinct", headers=admin)
    unmarked = client.post("/api/projects/XM-A-030/merge", json={"into": "XM-2026-001"}, headers=admin)

    assert refused.status_code == 403 and merged.status_code == 200 and separated.status_code == 204
    kept = client.get("/api/projects/XM-A-030", headers=staff)
    assert (
        merged.headers["ETag"] == kept.headers["ETag"] == f'"{merged.json()["version"]}"'
    )  # ready for If-Match
    assert unmarked.status_code == 404 and unmarked.headers["content-type"] == PROBLEM
    assert client.get("/api/projects/XM-A-031", headers=staff).status_code == 404
    marks = {
        m["code"]: m["status"] for m in client.get("/api/projects/XM-A-030/duplicates", headers=staff).json()
    }
    assert marks == {"XM-A-031": "merged", "XM-A-032": "distinct"}
