"""`landstock match --near PLACE --km N`, run as a user runs it, on both databases: the same
answer as the API's, and a place that names several refused in one readable message."""

import json

from fastapi.testclient import TestClient

from service.main import create_app
from tests.conftest import settings_for
from tests.service.test_cli import landstock

NEED = ("--industry", "39", "--min-mu", "20", "--max-mu", "200")


def test_match_within_km_of_a_place_as_the_api_does(databases, backend):
    url = databases.url(backend, sample=True)

    near = landstock("match", *NEED, "--near", "启东站", "--km", "6", "--near-misses", "3", "--json", url=url)
    everywhere = landstock("match", *NEED, "--json", url=url)
    ambiguous = landstock("match", *NEED, "--near", "启东", "--km", "6", url=url)
    with TestClient(create_app(settings_for(url))) as client:
        body = {"industry_code": "39", "land_min_mu": 20, "land_max_mu": 200, "limit": 10, "near_misses": 3}
        api = client.post("/api/match", json={**body, "near": "启东站", "km": 6}).json()

    assert near.returncode == 0, near.stderr
    found = json.loads(near.stdout)
    assert [c["code"] for c in found["parcels"]] == [c["code"] for c in api["parcels"]]
    assert found["counts"]["parcels"] < json.loads(everywhere.stdout)["counts"]["parcels"]
    assert ambiguous.returncode != 0 and "Traceback" not in ambiguous.stderr
    assert "对应多个地点" in ambiguous.stderr + ambiguous.stdout
