"""Parks, zones and towns: reading them, and who may change what about them."""

import json

import pytest


def etag(client, code):
    return client.get(f"/api/areas/{code}").headers["etag"]


def test_one_area_with_its_outline(sample_client):
    response = sample_client.get("/api/areas/P04")

    assert response.status_code == 200 and response.headers["etag"]
    body = response.json()
    assert body["geometry"]["type"] == "MultiPolygon"
    assert (
        body["properties"]["name"] == "吕四港经济开发区" and "373" in body["properties"]["leading_industries"]
    )
    assert sample_client.get("/api/areas/P99").status_code == 404


def test_park_managers_edit_their_own_area_and_nothing_else(sample_app):
    client = sample_app.client
    manager = sample_app.headers("park_manager", "P01")

    own = client.patch(
        "/api/areas/P01",
        json={"leading_industries": ["39", "27"], "remarks": "主攻电子信息"},
        headers={**manager, "If-Match": etag(client, "P01")},
    )
    other = client.patch(
        "/api/areas/P02", json={"remarks": "越权"}, headers={**manager, "If-Match": etag(client, "P02")}
    )
    priority = client.patch(
        "/api/areas/P01", json={"is_priority": False}, headers={**manager, "If-Match": etag(client, "P01")}
    )

    assert own.status_code == 200 and own.json()["properties"]["leading_industries"] == ["39", "27"]
    assert other.status_code == 403 and priority.status_code == 403


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"leading_industries": ["99"]}, 422),
        ({"area_m2": 5}, 422),
        ({"kind": "city"}, 422),
        ({"name": ""}, 422),
    ],
)
def test_bad_area_changes_are_refused(sample_app, body, status):
    admin = sample_app.headers("admin")

    response = sample_app.client.patch(
        "/api/areas/P01", json=body, headers={**admin, "If-Match": etag(sample_app.client, "P01")}
    )

    assert response.status_code == status


def test_area_changes_need_the_current_etag(sample_app):
    admin = sample_app.headers("admin")
    client = sample_app.client
    stale = etag(client, "P03")

    missing = client.patch("/api/areas/P03", json={"remarks": "a"}, headers=admin)
    first = client.patch("/api/areas/P03", json={"remarks": "a"}, headers={**admin, "If-Match": stale})
    second = client.patch("/api/areas/P03", json={"remarks": "b"}, headers={**admin, "If-Match": stale})

    assert (missing.status_code, first.status_code, second.status_code) == (428, 200, 412)


def test_cors_is_off_unless_origins_are_listed(sample_client, databases, monkeypatch):
    from fastapi.testclient import TestClient

    from service.main import create_app
    from tests.conftest import settings_for

    preflight = {"Origin": "https://gis.example.gov.cn", "Access-Control-Request-Method": "GET"}
    assert (
        "access-control-allow-origin" not in sample_client.options("/api/parcels", headers=preflight).headers
    )

    monkeypatch.setenv("LANDSTOCK_CORS_ORIGINS", '["https://gis.example.gov.cn"]')
    with TestClient(create_app(settings_for(databases.url("spatialite", sample=True)))) as client:
        allowed = client.options("/api/parcels", headers=preflight)
        refused = client.options("/api/parcels", headers={**preflight, "Origin": "https://other.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://gis.example.gov.cn"
    assert "access-control-allow-origin" not in refused.headers


def test_every_change_of_an_area_is_kept_with_who_and_the_value_before(sample_app):
    client = sample_app.client
    manager, admin = sample_app.headers("park_manager", "P01"), sample_app.headers("admin")
    original = client.get("/api/areas/P01").json()
    outline = {
        "type": "Polygon",
        "coordinates": [
            [[121.60, 31.80], [121.66, 31.80], [121.66, 31.84], [121.60, 31.84], [121.60, 31.80]]
        ],
    }

    changed = client.patch(
        "/api/areas/P01",
        json={"leading_industries": ["39"], "remarks": "主攻电子信息"},
        headers={**manager, "If-Match": etag(client, "P01")},
    )
    refused = client.patch(
        "/api/areas/P01", json={"is_priority": False}, headers={**manager, "If-Match": etag(client, "P01")}
    )
    same = client.patch(
        "/api/areas/P01",
        json={"remarks": "主攻电子信息"},
        headers={**manager, "If-Match": etag(client, "P01")},
    )
    redrawn = client.patch(
        "/api/areas/P01",
        json={"geometry": outline, "is_priority": False},
        headers={**admin, "If-Match": etag(client, "P01")},
    )
    history = client.get("/api/areas/P01/history", headers=manager).json()["entries"]

    assert [r.status_code for r in (changed, refused, same, redrawn)] == [200, 403, 200, 200]
    assert [(e["action"], e["version"]) for e in history] == [("update", 2), ("update", 3)]
    assert history[0]["actor"].startswith("park_manager") and history[1]["actor"].startswith("admin")
    assert history[0]["changes"] == {
        "leading_industries": [original["properties"]["leading_industries"], ["39"]],
        "remarks": [original["properties"]["remarks"], "主攻电子信息"],
    }
    assert set(history[1]["changes"]) == {"geom", "area_m2", "is_priority"}
    assert history[1]["changes"]["is_priority"] == [True, False]
    before, after = (json.loads(g) for g in history[1]["changes"]["geom"])
    assert (
        before != after
        and after["type"] == "MultiPolygon"
        and after["coordinates"][0] == outline["coordinates"]
    )
    assert client.get("/api/areas/P99/history").status_code == 404
