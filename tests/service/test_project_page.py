"""One project's page and its forms, on both databases: what each role reads and may do, and each
form's success and refusal (nothing written, what was typed kept, the reason shown)."""

import re

from tests.conftest import TEST_PASSWORD
from tests.pipeline_helpers import day, inspection

PROJECT = "XM-2026-004"  # 在谈, preferring P02


def signed_in(app, role, *areas):
    """A browser-like client signed in as a new account of `role`; its CSRF token."""
    name = app.user(role, *areas)
    client = app.client
    client.cookies.clear()
    client.post(
        "/login", data={"name": name, "password": TEST_PASSWORD, "csrf_token": _csrf(client, "/login")}
    )
    return name


def _csrf(client, path):
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    return found.group(1) if found else ""


def page_csrf(client, path=f"/projects/{PROJECT}"):
    return _csrf(client, path)


def version(app, code=PROJECT):
    return app.client.get(f"/api/projects/{code}", headers=app.headers("admin")).json()["version"]


def step(app, token, read, stage, ago, code=PROJECT, follow=True, **fields):
    """Post the page's stage form: project `code`, as of version `read`, to `stage` `ago` days back."""
    data = {"csrf_token": token, "version": read, "stage": stage, "day": day(ago), **fields}
    return app.client.post(f"/projects/{code}/stage", follow_redirects=follow, data=data)


def test_each_role_reads_the_page_as_it_may(sample_app):
    client = sample_app.client
    anonymous = client.get(f"/projects/{PROJECT}", follow_redirects=False)
    seen = {}
    for role, areas in (("investment", ()), ("leader", ()), ("admin", ()), ("park_manager", ("P02",))):
        signed_in(sample_app, role, *areas)
        seen[role] = client.get(f"/projects/{PROJECT}")
    signed_in(sample_app, "park_manager", "P04")
    other_park = client.get(f"/projects/{PROJECT}", headers={"Accept": "text/html"})

    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login?next=")
    assert all(r.status_code == 200 and "阶段记录" in r.text and "跟踪记录" in r.text for r in seen.values())
    assert all(
        'id="stage-form"' in seen[r].text and 'id="edit-form"' in seen[r].text
        for r in ("investment", "admin")
    )
    assert all(
        'id="stage-form"' not in seen[r].text
        and 'id="follow-up-form"' not in seen[r].text
        and 'id="edit-form"' not in seen[r].text
        and 'id="read-only"' in seen[r].text
        for r in ("leader", "park_manager")
    )
    assert 'id="review-records"' in seen["leader"].text
    english = client.get(f"/projects/{PROJECT}?lang=en", headers={"Accept": "text/html"})
    assert english.status_code == 404  # the last reader is the other park's manager
    signed_in(sample_app, "leader")
    english = client.get(f"/projects/{PROJECT}?lang=en")
    assert english.status_code == 200 and "Stage timeline" in english.text and "Follow-ups" in english.text
    name = client.get(f"/api/projects/{PROJECT}", headers=sample_app.headers("admin")).json()["name"]
    assert name in seen["park_manager"].text
    assert (
        other_park.status_code == 404
        and name not in other_park.text
        and "text/html" in other_park.headers["content-type"]
    )


def test_a_step_moves_the_project_and_a_refused_one_writes_nothing_and_keeps_what_was_typed(sample_app):
    client = sample_app.client
    signed_in(sample_app, "investment")
    token = page_csrf(client)
    before = version(sample_app)

    refused = step(sample_app, token, before, "dropped", 1, note="")
    future = step(sample_app, token, before, "signed", -3, note="明天签约")
    unchanged = version(sample_app)
    moved = step(sample_app, token, before, "on_hold", 1, follow=False, note="投资方调整计划")
    no_csrf = client.post(
        f"/projects/{PROJECT}/stage", data={"version": before + 1, "stage": "negotiating", "day": day(0)}
    )

    assert refused.status_code == 422 and "终止项目时必须填写原因" in refused.text
    assert (
        future.status_code == 422
        and 'value="明天签约"' in future.text
        and f'value="{day(-3)}"' in future.text
    )
    assert unchanged == before
    assert moved.status_code == 303 and moved.headers["location"].startswith(
        f"/projects/{PROJECT}?done=stage"
    )
    assert no_csrf.status_code == 403
    page = client.get(f"/projects/{PROJECT}").text
    assert "投资方调整计划" in page and "暂缓" in page
    steps = client.get(f"/api/projects/{PROJECT}/stages", headers=sample_app.headers("admin")).json()
    assert steps[-1]["to_stage"] == "on_hold" and steps[-1]["day"] == day(1)


def test_a_leader_may_not_move_a_project_and_nothing_is_written(sample_app):
    client = sample_app.client
    signed_in(sample_app, "leader")
    before = version(sample_app)

    refused = step(sample_app, page_csrf(client), before, "on_hold", 1, note="领导意见")

    assert refused.status_code == 403 and 'id="stage-form"' not in refused.text  # the form is not offered
    assert 'id="page-problem"' in refused.text and "领导" in refused.text  # but the reason is given
    assert version(sample_app) == before


def test_a_follow_up_is_added_and_a_refused_one_keeps_what_was_typed(sample_app):
    client = sample_app.client
    signed_in(sample_app, "investment")
    token = page_csrf(client)

    no_leader = client.post(
        f"/projects/{PROJECT}/follow-ups",
        data={
            "csrf_token": token,
            "kind": "leader_visit",
            "day": day(2),
            "participants": "投资方董事长",
            "outcome": "同意在启东设厂",
        },
    )
    added = client.post(
        f"/projects/{PROJECT}/follow-ups",
        follow_redirects=False,
        data={"csrf_token": token, **inspection(2, "投资方董事长")},
    )
    newer = client.post(
        f"/projects/{PROJECT}/follow-ups",
        follow_redirects=False,
        data={"csrf_token": token, "kind": "call", "day": day(1), "outcome": "电话确认报价"},
    )

    assert no_leader.status_code == 422 and "市领导拜访须写明" in no_leader.text
    assert "同意在启东设厂" in no_leader.text and 'value="投资方董事长"' in no_leader.text
    assert added.status_code == 303 and newer.status_code == 303
    listed = client.get(f"/api/projects/{PROJECT}/follow-ups", headers=sample_app.headers("admin")).json()
    assert [f["outcome"] for f in listed][:2] == ["电话确认报价", "看了两块地"]  # then the sample's, older
    page = client.get(f"/projects/{PROJECT}").text
    assert page.index("电话确认报价") < page.index("看了两块地")  # newest first


def test_a_leaders_visit_names_the_leader(sample_app):
    client = sample_app.client
    leader = sample_app.user("leader")
    signed_in(sample_app, "investment")

    added = client.post(
        f"/projects/{PROJECT}/follow-ups",
        follow_redirects=False,
        data={
            "csrf_token": page_csrf(client),
            "kind": "leader_visit",
            "day": day(2),
            "leader": leader,
            "outcome": "市领导会见投资方",
        },
    )

    assert added.status_code == 303
    listed = client.get(f"/api/projects/{PROJECT}/follow-ups", headers=sample_app.headers("admin")).json()
    assert (listed[0]["kind"], listed[0]["leader"], listed[0]["outcome"]) == (
        "leader_visit",
        leader,
        "市领导会见投资方",
    )


def test_an_edit_saves_what_changed_and_a_stale_one_keeps_the_values(sample_app):
    client = sample_app.client
    signed_in(sample_app, "investment")
    token = page_csrf(client)
    read_at = version(sample_app)
    form = {
        "csrf_token": token,
        "version": read_at,
        "name": "高端装备项目（二期）",
        "investor": "启新装备有限公司",
        "investment_total_wan": "150000",
        "industry_code": "34",
        "crane_min_t": "20",
        "power_min_kva": "2500",
        "remarks": "首次修改",
    }
    assert 'name="crane_min_t"' in client.get(f"/projects/{PROJECT}").text  # the form has every need

    saved = client.post(f"/projects/{PROJECT}/edit", data=form, follow_redirects=False)
    stale = client.post(f"/projects/{PROJECT}/edit", data={**form, "remarks": "同时修改的备注"})
    bad = client.post(
        f"/projects/{PROJECT}/edit", data={**form, "version": read_at + 1, "investment_total_wan": "很多"}
    )
    project = client.get(f"/api/projects/{PROJECT}", headers=sample_app.headers("admin")).json()

    assert saved.status_code == 303
    assert project["name"] == "高端装备项目（二期）" and project["investment_total_wan"] == 150000
    assert (project["crane_min_t"], project["power_min_kva"]) == (20, 2500)
    assert (
        project["tier"] == "major" and project["remarks"] == "首次修改" and project["version"] == read_at + 1
    )
    assert stale.status_code == 412 and "同时修改的备注" in stale.text and 'id="edit-problem"' in stale.text
    assert bad.status_code == 422 and 'value="很多"' in bad.text
    assert "重特大" in client.get(f"/projects/{PROJECT}").text


def test_an_administrator_resolves_a_duplicate_on_the_page(sample_app):
    client, staff = sample_app.client, sample_app.headers("investment")
    for code, investor in (
        ("XM-D-001", "鸿渐测试材料有限公司"),
        ("XM-D-002", "鸿渐测试材料股份有限公司"),
        ("XM-D-003", "鸿渐测试材料集团有限公司"),
    ):
        client.post(
            "/api/projects",
            headers=staff,
            json={"code": code, "name": "测试", "industry_code": "39", "investor": investor},
        )
    signed_in(sample_app, "investment")
    staff_page = client.get("/projects/XM-D-001").text
    refused = client.post(
        "/projects/XM-D-001/duplicates/XM-D-002/merge",
        data={"csrf_token": page_csrf(client, "/projects/XM-D-001")},
    )
    open_marks = client.get("/api/projects/XM-D-001/duplicates", headers=staff).json()
    signed_in(sample_app, "admin")
    token = page_csrf(client, "/projects/XM-D-001")

    merged = client.post(
        "/projects/XM-D-001/duplicates/XM-D-002/merge", data={"csrf_token": token}, follow_redirects=False
    )
    distinct = client.post(
        "/projects/XM-D-001/duplicates/XM-D-003/distinct", data={"csrf_token": token}, follow_redirects=False
    )

    assert "XM-D-002" in staff_page and "ls-merge" not in staff_page
    assert refused.status_code == 403 and 'id="duplicates-problem"' in refused.text
    assert {m["status"] for m in open_marks} == {"open"}
    assert merged.status_code == 303 and distinct.status_code == 303
    assert client.get("/api/projects/XM-D-002", headers=staff).status_code == 404
    marks = {
        m["code"]: m["status"] for m in client.get("/api/projects/XM-D-001/duplicates", headers=staff).json()
    }
    assert marks == {"XM-D-002": "merged", "XM-D-003": "distinct"}


def test_the_shortlist_on_the_page_flags_a_site_taken_since(sample_app):
    client, staff = sample_app.client, sample_app.headers("investment")
    code = client.get("/api/parcels", params={"park": "P02", "status": "available", "limit": 1}).json()[
        "features"
    ][0]["id"]
    client.post(
        f"/api/projects/{PROJECT}/shortlist", headers=staff, json={"sites": [{"code": code, "score": 66.4}]}
    )
    etag = client.get(f"/api/parcels/{code}").headers["etag"]
    client.post(
        f"/api/parcels/{code}/status",
        headers={**staff, "If-Match": etag},
        json={"status": "reserved", "project": "XM-2026-010"},
    )
    signed_in(sample_app, "investment")
    page = client.get(f"/projects/{PROJECT}").text
    signed_in(sample_app, "park_manager", "P02")
    manager = client.get(f"/projects/{PROJECT}").text

    shortlist = page[page.index('id="shortlist"') :]
    assert "66.4" in shortlist and "XM-2026-010" in shortlist and "ls-taken" in shortlist
    assert f'href="/parcels/{code}"' in page and f"review.html?site={code}" in page
    assert "ls-taken" in manager and "66.4" in manager


def test_supply_names_its_sites_on_the_form_and_refuses_without_one(sample_app):
    client, project = sample_app.client, "XM-2025-119"  # signed, needing land
    code = client.get("/api/parcels", params={"status": "available", "limit": 1}).json()["features"][0]["id"]
    signed_in(sample_app, "admin")
    token = page_csrf(client, f"/projects/{project}")
    registered = step(sample_app, token, version(sample_app, project), "registered", 0, project, False)
    before = version(sample_app, project)

    bare = step(sample_app, token, before, "supplied", 0, project, note="挂牌出让")
    supplied = step(sample_app, token, before, "supplied", 0, project, False, other_sites=f" {code} ")

    assert registered.status_code == 303
    assert (
        bare.status_code == 422
        and "必须指明供应的地块或厂房" in bare.text
        and 'value="挂牌出让"' in bare.text
    )
    assert supplied.status_code == 303
    assert client.get(f"/api/parcels/{code}").json()["properties"]["status"] == "supplied"
    page = client.get(f"/projects/{project}").text
    listed = page[
        page.index('id="sites"') : page.index('id="shortlist"') if 'id="shortlist"' in page else None
    ]
    assert code in listed and "已供给" in listed
