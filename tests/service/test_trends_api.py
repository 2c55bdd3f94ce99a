"""The trends and the yearly targets over HTTP, on both databases: the series as JSON, a target
set by an administrator and refused to everyone else (nothing written), bad values as
problem+json 422, each change in the area's history."""

from __future__ import annotations

from gis import localtime

PROBLEM = "application/problem+json"
YEAR = localtime.today().year


def test_the_series_as_json(sample_client):
    whole = sample_client.get("/api/stats/trends", params={"months": 12})
    one = sample_client.get("/api/stats/trends", params={"months": 36, "area": "all", "lang": "en"})
    bad = sample_client.get("/api/stats/trends", params={"months": 13})

    assert whole.status_code == 200
    series = {(s["measure"], s["area"]): s for s in whole.json()}
    county = series[("available", "all")]
    assert county["measure_label"] == "可供存量" and county["unit"] == "亩"
    assert [p["month"][:7] for p in county["points"]][-1] == localtime.today().isoformat()[:7]
    assert len(county["points"]) == 12 and any(p["value"] > 0 for p in county["points"])
    assert {a for _, a in series} > {"all", "P01"}
    assert {s["area"] for s in one.json()} == {"all"} and len(one.json()[0]["points"]) == 36
    assert {s["measure_label"] for s in one.json()} >= {"Available stock", "Land supplied"}
    assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM


def _history(client, area):
    return [e for e in client.get(f"/api/areas/{area}/history").json()["entries"] if "target_year" in str(e)]


def test_targets_are_set_by_administrators_only(sample_app):
    client = sample_app.client
    admin = sample_app.headers("admin")
    url = f"/api/targets/{YEAR}/P01"
    body = {"measure": "supplied", "value_mu": 300}

    refused = {
        role: client.put(
            url, json=body, headers=sample_app.headers(role, *(["P01"] if role == "park_manager" else []))
        ).status_code
        for role in ("investment", "park_manager", "leader")
    }
    anonymous = client.put(url, json=body)
    bad = [
        client.put(url, json={"measure": "supplied", "value_mu": -1}, headers=admin),
        client.put(url, json={"measure": "available", "value_mu": 10}, headers=admin),
        client.put(f"/api/targets/{YEAR + 50}/P01", json=body, headers=admin),
        client.put(url, json={"measure": "supplied", "value_mu": "many"}, headers=admin),
    ]
    missing = client.put(f"/api/targets/{YEAR}/P99", json=body, headers=admin)
    nothing = client.get("/api/targets", params={"year": YEAR}).json()
    first = client.put(url, json=body, headers=admin)
    second = client.put(url, json={"measure": "supplied", "value_mu": 320.5}, headers=admin)
    other = client.put(
        f"/api/targets/{YEAR}/T01", json={"measure": "revitalised", "value_mu": 40}, headers=admin
    )
    listed = client.get("/api/targets", params={"year": YEAR})

    assert refused == {"investment": 403, "park_manager": 403, "leader": 403}
    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == PROBLEM
    assert [r.status_code for r in bad] == [422, 422, 422, 422]
    assert all(r.headers["content-type"] == PROBLEM for r in bad)
    assert missing.status_code == 404 and nothing == []
    assert first.status_code == 200 and second.json()["value_mu"] == 320.5
    assert other.status_code == 200
    assert [(t["area"], t["measure"], t["value_mu"]) for t in listed.json()] == [
        ("P01", "supplied", 320.5),
        ("T01", "revitalised", 40),
    ]
    assert listed.json()[0]["set_by"] is None  # account names are for signed-in readers
    assert client.get("/api/targets", params={"year": YEAR}, headers=admin).json()[0]["set_by"]
    assert len(_history(client, "P01")) == 2
