"""GET /api/quality, the /quality page and the workspace's count, on both databases: a planted
overlap is found and linked, for the park's manager and not another's; anonymous readers are
refused."""

import json

from tests.service.test_project_page import signed_in


def plant_overlap(app):
    """A new parcel drawn over KFQ-001 (P01), entered through the API."""
    client, admin = app.client, app.headers("admin")
    outline = client.get("/api/parcels/KFQ-001").json()["geometry"]
    feature = {
        "type": "Feature",
        "geometry": outline,
        "properties": {"code": "KFQ-990", "land_use": "100102", "plot_ratio_max": 2.0, "ready_road": True,
                       "price_wan_per_mu": 30},
    }  # fmt: skip
    assert client.post("/api/parcels", json=feature, headers=admin).status_code == 201, "planted"


def test_the_api_lists_the_overlap_under_its_park_for_its_manager_only(sample_app):
    plant_overlap(sample_app)
    client = sample_app.client
    assert client.get("/api/quality").status_code == 401

    mine = client.get("/api/quality", headers=sample_app.headers("park_manager", "P01")).json()
    others = client.get("/api/quality", headers=sample_app.headers("park_manager", "P02")).json()

    p01 = next(a for a in mine if a["code"] == "P01")
    overlap = next(f for f in p01["findings"] if f["check"] == "overlap")
    assert (overlap["code"], overlap["other"], overlap["url"]) == ("KFQ-001", "KFQ-990", "/parcels/KFQ-001")
    assert overlap["check_label"] == "地块重叠" and overlap["value"] > 1000
    assert "KFQ-001" not in json.dumps(others)


def test_the_page_and_the_workspace_show_the_overlap(sample_app):
    plant_overlap(sample_app)
    client = sample_app.client
    assert client.get("/quality", follow_redirects=False).status_code == 303
    signed_in(sample_app, "park_manager", "P01")
    page = client.get("/quality")
    assert page.status_code == 200
    assert 'data-check="overlap" data-code="KFQ-001"' in page.text and "与 KFQ-990 重叠" in page.text
    workspace = client.get("/workspace").text
    assert 'id="quality-link"' in workspace
    signed_in(sample_app, "leader")
    assert 'data-code="KFQ-001"' in client.get("/quality").text  # others read every park
