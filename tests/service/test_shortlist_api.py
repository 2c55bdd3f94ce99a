"""Saving a match's shortlist to a project, on both databases: the scores kept as they were, the
project's history, a flag once another project reserves a shortlisted site, and who may save."""

PROBLEM = "application/problem+json"


def available(client, kind, park, count=2):
    plural = "parcels" if kind == "parcel" else "factories"
    status = "available" if kind == "parcel" else "vacant"
    features = client.get(f"/api/{plural}", params={"park": park, "status": status, "limit": count}).json()[
        "features"
    ]
    return [f["id"] for f in features]


def shortlisted(client, project, headers):
    return [
        s
        for s in client.get(f"/api/projects/{project}/sites", headers=headers).json()
        if "shortlist" in s["roles"]
    ]


def test_a_shortlist_is_saved_with_its_scores_and_kept_in_the_history(sample_app):
    client, staff = sample_app.client, sample_app.headers("investment")
    first, second = available(client, "parcel", "P04")
    factory = available(client, "factory", "P04", 1)[0]

    saved = client.post(
        "/api/projects/XM-2026-007/shortlist",
        headers=staff,
        json={
            "sites": [
                {"code": first, "score": 81.25},
                {"code": factory, "score": 64.5},
                {"code": first, "score": 10},
            ]
        },
    )
    again = client.post(
        "/api/projects/XM-2026-007/shortlist", headers=staff, json={"sites": [{"code": second, "score": 70}]}
    )
    listed = shortlisted(client, "XM-2026-007", staff)
    history = client.get("/api/projects/XM-2026-007/history", headers=staff).json()

    assert saved.status_code == 200
    assert {
        (s["code"], s["score"], tuple(s["roles"])) for s in saved.json() if "shortlist" in s["roles"]
    } == {(first, 81.25, ("shortlist",)), (factory, 64.5, ("shortlist",))}
    assert again.status_code == 200 and [(s["code"], s["score"]) for s in listed] == [(second, 70.0)]
    changes = [c["changes"]["shortlist"] for c in history["entries"] if "shortlist" in c["changes"]]
    assert changes == [
        ["", f"{first} 81.2；{factory} 64.5"],
        [f"{first} 81.2；{factory} 64.5", f"{second} 70.0"],
    ]


def test_a_shortlisted_site_reserved_since_for_another_project_is_flagged(sample_app):
    client, staff = sample_app.client, sample_app.headers("investment")
    code = available(client, "parcel", "P04", 1)[0]
    client.post(
        "/api/projects/XM-2026-007/shortlist", headers=staff, json={"sites": [{"code": code, "score": 77}]}
    )
    before = shortlisted(client, "XM-2026-007", staff)

    etag = client.get(f"/api/parcels/{code}").headers["etag"]
    reserved = client.post(
        f"/api/parcels/{code}/status",
        headers={**staff, "If-Match": etag},
        json={"status": "reserved", "project": "XM-2026-010"},
    )
    after = shortlisted(client, "XM-2026-007", staff)
    other = [
        s for s in client.get("/api/projects/XM-2026-010/sites", headers=staff).json() if s["code"] == code
    ]

    assert reserved.status_code == 200
    assert [(s["taken"], s["taken_by"]) for s in before] == [(False, None)]
    assert [(s["code"], s["taken"], s["taken_by"], s["score"]) for s in after] == [
        (code, True, "XM-2026-010", 77.0)
    ]
    assert [(s["code"], s["roles"], s["taken"]) for s in other] == [(code, ["reserved"], False)]


def test_who_may_save_a_shortlist_and_what_a_refusal_writes(sample_app):
    client = sample_app.client
    code = available(client, "parcel", "P04", 1)[0]
    body = {"sites": [{"code": code, "score": 50}]}
    staff = sample_app.headers("investment")

    answers = {
        role: client.post(
            "/api/projects/XM-2026-007/shortlist",
            json=body,
            headers=sample_app.headers(role, *(["P04"] if role == "park_manager" else [])),
        )
        for role in ("leader", "park_manager")
    }
    anonymous = client.post("/api/projects/XM-2026-007/shortlist", json=body)
    admin = client.post("/api/projects/XM-2026-007/shortlist", json=body, headers=sample_app.headers("admin"))
    unknown = client.post(
        "/api/projects/XM-2026-007/shortlist",
        headers=staff,
        json={"sites": [{"code": code, "score": 60}, {"code": "NO-SUCH-1", "score": 50}]},
    )
    too_high = client.post(
        "/api/projects/XM-2026-007/shortlist", headers=staff, json={"sites": [{"code": code, "score": 101}]}
    )
    no_project = client.post("/api/projects/XM-NONE-1/shortlist", headers=staff, json=body)

    assert {r: a.status_code for r, a in answers.items()} == {"leader": 403, "park_manager": 403}
    assert anonymous.status_code == 401 and admin.status_code == 200
    assert (unknown.status_code, too_high.status_code, no_project.status_code) == (404, 422, 404)
    assert all(r.headers["content-type"] == PROBLEM for r in (unknown, too_high, no_project, anonymous))
    kept = shortlisted(client, "XM-2026-007", staff)
    assert [(s["code"], s["score"]) for s in kept] == [(code, 50.0)]  # the administrator's, untouched since


def test_a_park_manager_reads_the_sites_of_a_project_of_theirs_only(sample_app):
    client, staff = sample_app.client, sample_app.headers("investment")
    mine = available(client, "parcel", "P02", 1)[0]
    elsewhere = available(client, "parcel", "P04", 1)[0]
    client.post(
        "/api/projects/XM-2026-004/shortlist",
        headers=staff,
        json={"sites": [{"code": mine, "score": 60}, {"code": elsewhere, "score": 55}]},
    )
    etag = client.get(f"/api/parcels/{elsewhere}").headers["etag"]
    client.post(
        f"/api/parcels/{elsewhere}/status",
        headers={**staff, "If-Match": etag},
        json={"status": "reserved", "project": "XM-2026-010"},
    )

    manager = sample_app.headers("park_manager", "P02")
    own = client.get("/api/projects/XM-2026-004/sites", headers=manager)
    secret = client.get("/api/projects/XM-2026-010/sites", headers=manager)

    assert own.status_code == 200 and secret.status_code == 404
    flagged = {s["code"]: (s["taken"], s["taken_by"]) for s in own.json() if "shortlist" in s["roles"]}
    assert flagged == {mine: (False, None), elsewhere: (True, None)}  # flagged, the other project unnamed
    assert "XM-2026-010" not in own.text
