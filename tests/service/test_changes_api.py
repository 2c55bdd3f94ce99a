"""Changing the inventory over HTTP: roles, scope, ETag/If-Match, history, on both databases."""

import hashlib
import json

import pytest
from sqlalchemy import text

PROBLEM = "application/problem+json"
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[121.730, 31.790], [121.731, 31.790], [121.731, 31.7905], [121.730, 31.7905], [121.730, 31.790]]
    ],
}


def etag_of(client, code, kind="parcels"):
    return client.get(f"/api/{kind}/{code}").headers["etag"]


def patch(client, code, properties, headers, etag=None, kind="parcels"):
    headers = {**headers, "If-Match": etag or etag_of(client, code, kind)}
    return client.patch(f"/api/{kind}/{code}", json={"properties": properties}, headers=headers)


def test_writes_need_a_signed_in_user(sample_app):
    client = sample_app.client

    responses = [
        client.patch("/api/parcels/KFQ-001", json={"properties": {}}),
        client.post("/api/parcels/KFQ-001/status", json={"status": "reserved"}),
        client.delete("/api/parcels/KFQ-001"),
        client.post(
            "/api/parcels", json={"geometry": SQUARE, "properties": {"code": "X", "land_use": "100102"}}
        ),
    ]

    assert [r.status_code for r in responses] == [401, 401, 401, 401]
    assert all(r.headers["content-type"] == PROBLEM for r in responses)


def test_an_update_needs_the_current_etag(sample_app):
    headers = sample_app.headers("admin")
    client = sample_app.client
    etag = etag_of(client, "KFQ-001")

    missing = client.patch("/api/parcels/KFQ-001", json={"properties": {"remarks": "a"}}, headers=headers)
    first = patch(client, "KFQ-001", {"remarks": "a"}, headers, etag)
    stale = patch(client, "KFQ-001", {"remarks": "b"}, headers, etag)

    assert missing.status_code == 428 and "If-Match" in missing.json()["detail"]
    assert first.status_code == 200 and first.headers["etag"] != etag
    assert first.json()["properties"]["remarks"] == "a"
    assert stale.status_code == 412 and stale.headers["content-type"] == PROBLEM
    assert client.get("/api/parcels/KFQ-001", headers=headers).json()["properties"]["remarks"] == "a"


def test_create_change_status_delete_and_restore(sample_app):
    admin = sample_app.headers("admin")
    client = sample_app.client
    feature = {
        "type": "Feature",
        "geometry": SQUARE,
        "properties": {"code": "KFQ-901", "land_use": "100101", "name": "新地块", "price_wan_per_mu": 35},
    }

    created = client.post("/api/parcels", json=feature, headers=admin)
    reserved = client.post(
        "/api/parcels/KFQ-901/status",
        json={"status": "意向", "project": "XM-2026-002"},
        headers={**admin, "If-Match": created.headers["etag"]},
    )
    deleted = client.delete("/api/parcels/KFQ-901", headers={**admin, "If-Match": reserved.headers["etag"]})
    gone = client.get("/api/parcels/KFQ-901")
    restored = client.post("/api/parcels/KFQ-901/restore", headers=admin)
    history = client.get("/api/parcels/KFQ-901/history").json()

    assert created.status_code == 201 and created.headers["location"] == "/api/parcels/KFQ-901"
    assert created.json()["properties"]["park_code"] == "P01"
    assert reserved.json()["properties"]["status"] == "reserved"
    assert reserved.json()["properties"]["reserved_project_code"] == "XM-2026-002"
    assert deleted.status_code == 204 and gone.status_code == 404
    assert restored.status_code == 200
    assert [e["action"] for e in history["entries"]] == ["create", "status", "delete", "restore"]
    assert history["entries"][1]["changes"]["status"] == ["available", "reserved"]
    assert history["entries"][1]["action_label"] == "状态变更"


@pytest.mark.parametrize(
    ("properties", "field"),
    [
        ({"version": 5}, "version"),
        ({"area_m2": 1}, "area_m2"),
        ({"created_by": "me"}, "created_by"),
        ({"id": 1}, "id"),
        ({"status": "signed"}, "status"),
        ({"updated_by": "me"}, "updated_by"),
    ],
)
def test_fields_a_user_may_not_set_are_refused(sample_app, properties, field):
    headers = sample_app.headers("admin")

    response = patch(sample_app.client, "KFQ-001", properties, headers)

    assert response.status_code == 422 and f"“{field}”" in response.json()["detail"]


def test_park_assignment_is_for_admins_only(sample_app):
    manager = sample_app.headers("park_manager", "P01")
    admin = sample_app.headers("admin")

    refused = patch(sample_app.client, "KFQ-001", {"park": "P02"}, manager)
    accepted = patch(sample_app.client, "KFQ-001", {"park": "P02"}, admin)

    assert refused.status_code == 403
    assert accepted.status_code == 200 and accepted.json()["properties"]["park_code"] == "P02"


def test_bad_bodies_are_4xx_not_5xx(sample_app):
    headers = {**sample_app.headers("admin"), "If-Match": etag_of(sample_app.client, "KFQ-001")}
    client = sample_app.client
    bad = [
        client.patch(
            "/api/parcels/KFQ-001",
            content=b"{not json",
            headers={**headers, "content-type": "application/json"},
        ),
        client.patch(
            "/api/parcels/KFQ-001", json={"properties": {"price_wan_per_mu": "cheap"}}, headers=headers
        ),
        client.patch("/api/parcels/KFQ-001", json={"properties": {"plot_ratio_max": -1}}, headers=headers),
        client.patch(
            "/api/parcels/KFQ-001",
            json={"geometry": {"type": "Polygon", "coordinates": [[[1, 2]]]}},
            headers=headers,
        ),
        client.patch(
            "/api/parcels/KFQ-001",
            json={
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[31.79, 121.73], [31.79, 121.731], [31.7905, 121.731], [31.79, 121.73]]],
                }
            },
            headers=headers,
        ),
        client.post("/api/parcels/KFQ-001/status", json={"status": "sold by city"}, headers=headers),
        client.post("/api/parcels/KFQ-001/status", json={"status": "in_production"}, headers=headers),
        client.patch(
            "/api/parcels/KFQ-001",
            json={"properties": {"remarks": "x"}},
            headers={**headers, "If-Match": '"abc"'},
        ),
        client.patch(
            "/api/parcels/KFQ-001",
            json={"geometry": {"type": "MultiPolygon", "coordinates": [{"a": 1}]}},
            headers=headers,
        ),
        client.post("/api/auth/token", json={"name": "nul\u0000name", "password": "whatever-long"}),
    ]

    assert [r.status_code for r in bad] == [422, 422, 422, 422, 422, 422, 409, 412, 422, bad[-1].status_code]
    assert bad[-1].status_code in (401, 422)
    assert all(r.headers["content-type"] == PROBLEM for r in bad)
    assert "纬度" in bad[4].json()["detail"]


def database_digest(db) -> str:
    with db.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT code, version, status, remarks, park_id FROM parcels ORDER BY code")
        ).all()
        events = conn.execute(text("SELECT count(*) FROM status_events")).scalar()
    return hashlib.sha256(json.dumps([list(map(str, r)) for r in rows] + [events]).encode()).hexdigest()


def test_park_managers_make_no_write_outside_their_parks(sample_app):
    client = sample_app.client
    manager = sample_app.headers("park_manager", "P01")
    outside = [
        f["id"]
        for f in client.get("/api/parcels", params={"limit": 1000}).json()["features"]
        if f["properties"]["park_code"] != "P01"
    ][:60]
    before = database_digest(sample_app.db)

    statuses = []
    for code in outside:
        etag = {**manager, "If-Match": etag_of(client, code)}
        statuses += [
            client.patch(
                f"/api/parcels/{code}", json={"properties": {"remarks": "越权"}}, headers=etag
            ).status_code,
            client.post(
                f"/api/parcels/{code}/status", json={"status": "unavailable", "note": "越权"}, headers=etag
            ).status_code,
            client.delete(f"/api/parcels/{code}", headers=etag).status_code,
            client.patch(
                "/api/parcels/KFQ-001",
                json={"properties": {"park": code[:3]}},
                headers={**manager, "If-Match": etag_of(client, "KFQ-001")},
            ).status_code,
        ]
    moved_out = client.patch(
        "/api/parcels/KFQ-001",
        json={
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[121.60, 32.06], [121.601, 32.06], [121.601, 32.061], [121.60, 32.06]]],
            }
        },
        headers={**manager, "If-Match": etag_of(client, "KFQ-001")},
    )

    assert len(statuses) >= 200 and set(statuses) == {403}
    assert moved_out.status_code == 403
    assert database_digest(sample_app.db) == before


def test_roles_each_do_their_own_job(sample_app):
    client = sample_app.client
    leader, investment = sample_app.headers("leader"), sample_app.headers("investment")
    available = client.get("/api/parcels", params={"status": "available", "limit": 1}).json()["features"][0][
        "id"
    ]

    reserve = client.post(
        f"/api/parcels/{available}/status",
        json={"status": "reserved", "project": "XM-2026-001"},
        headers={**investment, "If-Match": etag_of(client, available)},
    )
    edit = patch(client, available, {"remarks": "招商不能改属性"}, investment)
    leader_edit = patch(client, available, {"remarks": "领导只读"}, leader)
    leader_reads = client.get(f"/api/parcels/{available}/history", headers=leader)

    assert reserve.status_code == 200
    assert edit.status_code == 403 and "招商人员无权编辑地块和厂房" in edit.json()["detail"]
    assert leader_edit.status_code == 403
    assert leader_reads.status_code == 200


def test_factories_change_the_same_way(sample_app):
    admin = sample_app.headers("admin")
    client = sample_app.client
    code = client.get("/api/factories", params={"status": "vacant", "limit": 1}).json()["features"][0]["id"]

    changed = patch(client, code, {"vacant_area_m2": 10.0, "clear_height_m": 9}, admin, kind="factories")
    too_big = patch(client, code, {"vacant_area_m2": 1e7}, admin, kind="factories")
    history = client.get(f"/api/factories/{code}/history").json()

    assert changed.status_code == 200 and changed.json()["properties"]["vacant_area_m2"] == 10.0
    assert too_big.status_code == 422
    assert history["entries"][-1]["changes"]["vacant_area_m2"][1] == 10.0


def test_a_change_whose_answer_cannot_be_built_is_undone(sample_app, monkeypatch):
    # A fault after the write but before the answer leaves (here: building the answer) gets a 500,
    # and the user who sees it must be able to trust that nothing was written.
    from fastapi.testclient import TestClient

    from service import sites
    from service.main import create_app
    from service.routes import projects
    from tests.conftest import settings_for

    def broken(*_args, **_kwargs):
        raise RuntimeError("the answer could not be built")

    admin, staff = sample_app.headers("admin"), sample_app.headers("investment")
    etag = etag_of(sample_app.client, "KFQ-001")
    before = kfq_001(sample_app.db)
    monkeypatch.setattr(sites, "single", broken)
    monkeypatch.setattr(projects, "project_out", broken)
    feature = {"type": "Feature", "geometry": SQUARE, "properties": {"code": "KFQ-902", "land_use": "100101"}}
    with TestClient(create_app(settings_for(sample_app.url)), raise_server_exceptions=False) as client:
        responses = [
            client.post("/api/parcels", json=feature, headers=admin),
            client.patch(
                "/api/parcels/KFQ-001",
                json={"properties": {"remarks": "丢失"}},
                headers={**admin, "If-Match": etag},
            ),
            client.post(
                "/api/parcels/KFQ-001/status",
                json={"status": "unavailable", "note": "规划调整"},
                headers={**admin, "If-Match": etag},
            ),
            client.post(
                "/api/projects",
                json={"code": "XM-2026-299", "name": "x", "industry_code": "39"},
                headers=staff,
            ),
        ]

    assert [r.status_code for r in responses] == [500] * 4
    assert all(r.headers["content-type"] == PROBLEM for r in responses)
    with sample_app.db.read() as session:
        new = session.execute(text("SELECT count(*) FROM parcels WHERE code = 'KFQ-902'")).scalar()
        project = session.execute(text("SELECT count(*) FROM projects WHERE code = 'XM-2026-299'")).scalar()
    assert new == 0 and project == 0
    assert kfq_001(sample_app.db) == before and before[0] != "unavailable" and before[1] != "丢失"


def kfq_001(db):
    """KFQ-001's status, remarks, version and number of recorded events."""
    with db.read() as session:
        row = session.execute(
            text("SELECT id, status, remarks, version FROM parcels WHERE code = 'KFQ-001'")
        ).one()
        events = session.execute(
            text("SELECT count(*) FROM status_events WHERE parcel_id = :id"), {"id": row.id}
        ).scalar()
    return row.status, row.remarks, row.version, events


def project_codes(client, headers):
    page = client.get("/api/projects", params={"limit": 1000}, headers=headers).json()
    return {p["code"] for p in page["projects"]}


def test_a_park_manager_reserves_only_for_a_project_they_may_read(sample_app):
    client = sample_app.client
    manager = sample_app.headers("park_manager", "P01")
    unreadable = sorted(project_codes(client, sample_app.headers("admin")) - project_codes(client, manager))[
        0
    ]
    readable = sorted(project_codes(client, manager))[0]
    code = available_in(client, "P01")
    before = database_digest(sample_app.db)

    def reserve(project):
        headers = {**manager, "If-Match": etag_of(client, code)}
        return client.post(
            f"/api/parcels/{code}/status", json={"status": "reserved", "project": project}, headers=headers
        )

    hidden, unknown = reserve(unreadable), reserve("XM-0000-404")

    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["title"] == unknown.json()["title"]
    # the answer repeats only the code the writer typed: a hidden project reads as a missing one
    assert hidden.json()["detail"].replace(unreadable, "?") == unknown.json()["detail"].replace(
        "XM-0000-404", "?"
    )
    assert database_digest(sample_app.db) == before
    assert reserve(readable).status_code == 200
    assert client.get(f"/api/parcels/{code}").json()["properties"]["status"] == "reserved"


def available_in(client, park):
    rows = client.get("/api/parcels", params={"park": park, "status": "available", "limit": 1}).json()
    return rows["features"][0]["properties"]["code"]
