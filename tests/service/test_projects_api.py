"""Creating and changing projects: investment staff (and admins) only, with version checks."""


def drug_pilot(code: str) -> dict:
    """A new project's body: a pilot plant for new drugs (医药, 27) wanting 20-30 亩, P03 preferred."""
    return {
        "code": code,
        "name": "新药中试",
        "industry_code": "27",
        "land_min_mu": 20,
        "land_max_mu": 30,
        "preferred_areas": ["P03"],
    }


def change(client, headers, code, values, read):
    """PATCH project `code` with `values`, as of the version the answer `read` gave."""
    return client.patch(
        f"/api/projects/{code}", json=values, headers={**headers, "If-Match": read.headers["ETag"]}
    )


def test_investment_staff_create_and_change_projects_with_etags(sample_app):
    client, staff = sample_app.client, sample_app.headers("investment")
    body = drug_pilot("XM-2026-201")

    created = client.post("/api/projects", json=body, headers=staff)
    duplicate = client.post("/api/projects", json={**body, "name": "x"}, headers=staff)
    changed = change(client, staff, "XM-2026-201", {"land_max_mu": 40}, created)
    stale = change(client, staff, "XM-2026-201", {"land_max_mu": 45}, created)
    unversioned = client.patch("/api/projects/XM-2026-201", json={"land_max_mu": 45}, headers=staff)
    crossed = change(client, staff, "XM-2026-201", {"land_min_mu": 50}, changed)
    matches = client.get("/api/projects/XM-2026-201/matches", headers=staff)

    assert created.status_code == 201 and created.headers["Location"] == "/api/projects/XM-2026-201"
    assert created.json()["version"] == 1 and created.json()["updated_by"].startswith("investment")
    assert duplicate.status_code == 409
    assert (
        changed.status_code == 200
        and changed.json()["land_max_mu"] == 40
        and changed.headers["ETag"] == '"2"'
    )
    assert stale.status_code == 412 and unversioned.status_code == 428
    assert crossed.status_code == 422
    assert client.get("/api/projects/XM-2026-201", headers=staff).headers["ETag"] == '"2"'
    assert matches.status_code == 200 and matches.json()["need"]["land_max_mu"] == 40


def test_only_project_editors_may_write(sample_app):
    client = sample_app.client
    body = {"code": "XM-2026-202", "name": "x", "industry_code": "39", "land_min_mu": 10}

    anonymous = client.post("/api/projects", json=body)
    leader = client.post("/api/projects", json=body, headers=sample_app.headers("leader"))
    manager = client.post("/api/projects", json=body, headers=sample_app.headers("park_manager", "P01"))
    admin = client.post("/api/projects", json=body, headers=sample_app.headers("admin"))
    unknown_area = client.post(
        "/api/projects",
        json={**body, "code": "XM-X", "preferred_areas": ["P99"]},
        headers=sample_app.headers("investment"),
    )

    assert anonymous.status_code == 401
    assert leader.status_code == 403 and manager.status_code == 403
    assert admin.status_code == 201
    assert unknown_area.status_code == 422 and "P99" in unknown_area.json()["detail"]
    assert client.post("/api/match", json={"industry_code": "39", "land_min_mu": 10}).status_code == 200


def test_a_null_preference_list_means_no_preference(sample_app):
    # schemathesis found it: null was accepted, stored, and the answer then failed its own schema
    client, staff = sample_app.client, sample_app.headers("investment")
    body = {"code": "XM-2026-203", "name": "t", "industry_code": "59", "preferred_areas": None}

    created = client.post("/api/projects", json=body, headers=staff)
    cleared = change(client, staff, "XM-2026-203", {"preferred_areas": ["P04"]}, created)
    again = change(client, staff, "XM-2026-203", {"preferred_areas": None}, cleared)

    assert created.status_code == 201 and created.json()["preferred_areas"] == []
    assert cleared.json()["preferred_areas"] == ["P04"]
    assert again.status_code == 200 and again.json()["preferred_areas"] == []
    assert client.get("/api/projects/XM-2026-203", headers=staff).json()["preferred_areas"] == []


def test_every_change_of_a_project_is_kept_with_who_and_the_value_before(sample_app):
    client, staff = sample_app.client, sample_app.headers("investment")
    body = drug_pilot("XM-2026-298")

    created = client.post("/api/projects", json=body, headers=staff)
    widened = change(client, staff, "XM-2026-298", {"land_max_mu": 40}, created)
    stale = change(client, staff, "XM-2026-298", {"land_max_mu": 99}, created)
    moved = change(client, staff, "XM-2026-298", {"preferred_areas": ["P04"], "land_max_mu": 40}, widened)
    history = client.get("/api/projects/XM-2026-298/history", headers=staff)
    unknown = client.get("/api/projects/XM-0000-000/history", headers=staff)

    assert [r.status_code for r in (created, widened, stale, moved)] == [201, 200, 412, 200]
    entries = history.json()["entries"]
    assert [(e["action"], e["version"]) for e in entries] == [("create", 1), ("update", 2), ("update", 3)]
    assert all(e["actor"] == created.json()["updated_by"] for e in entries)
    assert entries[0]["changes"]["name"] == [None, "新药中试"]
    assert entries[0]["changes"]["land_max_mu"] == [None, 30]
    assert entries[1]["changes"] == {"land_max_mu": [30, 40]}
    assert entries[2]["changes"] == {
        "preferred_areas": [["P03"], ["P04"]]
    }  # an unchanged field is not listed
    assert unknown.status_code == 404 and unknown.headers["content-type"] == "application/problem+json"
