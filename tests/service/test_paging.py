"""The page size follows LANDSTOCK_MAX_PAGE_SIZE: honoured up to it, refused above it with the
maximum named, and documented as the maximum in /docs."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from service.main import create_app
from service.settings import AppSettings, DatabaseSettings, Settings
from tests.conftest import BACKENDS, Databases, bearer

PROBLEM = "application/problem+json"
LARGEST = 2000
LISTS = ("/api/parcels", "/api/factories", "/api/projects")


@pytest.fixture(scope="module", params=BACKENDS)
def client(request: pytest.FixtureRequest, databases: Databases) -> Iterator[TestClient]:
    """An app on a sample database whose largest page is 2000 rows."""
    url = databases.url(str(request.param), sample=True)
    settings = Settings(
        database=DatabaseSettings(url=url), app=AppSettings(environment="test", max_page_size=LARGEST)
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_a_limit_up_to_the_setting_is_honoured(client):
    parcels = client.get("/api/parcels", params={"limit": 1500})
    projects = client.get("/api/projects", params={"limit": 1500}, headers=bearer(client, "investment"))

    assert parcels.status_code == 200 and parcels.json()["numberReturned"] == parcels.json()["numberMatched"]
    assert projects.status_code == 200 and projects.json()["limit"] == 1500


@pytest.mark.parametrize("path", LISTS)
def test_a_limit_above_the_setting_is_a_problem_naming_the_maximum(client, path):
    response = client.get(path, params={"limit": LARGEST + 1}, headers=bearer(client, "investment"))

    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    error = response.json()["errors"][0]
    assert error["field"] == "limit" and str(LARGEST) in error["message"]


def test_docs_give_the_setting_as_the_largest_limit(client):
    spec = client.get("/openapi.json").json()

    for path in LISTS:
        limit = next(p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == "limit")
        assert limit["schema"]["maximum"] == LARGEST and "x-largest-page" not in limit["schema"], path
