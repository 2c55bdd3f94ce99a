"""`landstock match`, run as a user runs it, on both databases."""

import json

from fastapi.testclient import TestClient

from service.main import create_app
from tests.conftest import settings_for
from tests.service.test_cli import landstock


def test_match_a_saved_project_an_ad_hoc_need_and_a_parcel(databases, backend):
    url = databases.url(backend, sample=True)

    saved = landstock("match", "XM-2026-012", "--limit", "3", url=url)
    adhoc = landstock("match", "--industry", "27", "--min-mu", "50", "--max-mu", "70", "--max-km", "port=40",
                      "--json", url=url)
    best = json.loads(adhoc.stdout)["parcels"][0]["members"][0]
    reverse = landstock("match", "--parcel", best, url=url, LANDSTOCK_LANGUAGE="en")
    wrong = landstock("match", "--industry", "27", "--max-km", "port", url=url)

    assert saved.returncode == 0, saved.stderr
    assert "冷链物流中心" in saved.stdout and "推荐地块" in saved.stdout and "得分" in saved.stdout
    assert adhoc.returncode == 0, adhoc.stderr
    assert json.loads(adhoc.stdout)["need"]["plot_ratio_min"] == 1.2
    assert reverse.returncode == 0 and "Pipeline projects that fit" in reverse.stdout
    assert wrong.returncode != 0 and "Traceback" not in wrong.stderr


def test_projects_are_created_and_changed_with_version_checks(databases, backend):
    with TestClient(create_app(settings_for(databases.url(backend, sample=True)))) as client:
        created = client.post("/api/projects", json={"code": "XM-2026-201", "name": "新药中试",
                                                     "industry_code": "27", "land_min_mu": 20,
                                                     "land_max_mu": 30, "preferred_areas": ["P03"]})
        duplicate = client.post("/api/projects", json={"code": "XM-2026-201", "name": "x", "industry_code": "27"})
        changed = client.patch("/api/projects/XM-2026-201", json={"land_max_mu": 40}, headers={"If-Match": "1"})
        stale = client.patch("/api/projects/XM-2026-201", json={"land_max_mu": 45}, headers={"If-Match": "1"})
        crossed = client.patch("/api/projects/XM-2026-201", json={"land_min_mu": 50})
        unknown = client.post("/api/projects", json={"code": "XM-X", "name": "x", "industry_code": "27",
                                                     "preferred_areas": ["P99"]})
        matches = client.get("/api/projects/XM-2026-201/matches")

    assert created.status_code == 201 and created.json()["version"] == 1
    assert duplicate.status_code == 409
    assert changed.status_code == 200 and changed.json()["land_max_mu"] == 40 and changed.json()["version"] == 2
    assert stale.status_code == 412
    assert crossed.status_code == 422
    assert unknown.status_code == 422 and "P99" in unknown.json()["detail"]
    assert matches.status_code == 200 and matches.json()["need"]["land_max_mu"] == 40
