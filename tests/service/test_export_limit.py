"""Full-inventory exports over HTTP: signed-in readers only, and a limited number an hour per
account, counted across every export route (429 with Retry-After past it), on both databases."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gis.models import RateEvent
from service.main import create_app
from service.settings import AppSettings, DatabaseSettings, ReadSettings, Settings
from tests.conftest import Databases, bearer

PROBLEM = "application/problem+json"


@pytest.fixture
def client(databases: Databases, backend: str) -> Iterator[TestClient]:
    """An app on a sample database that allows two exports an hour per account."""
    url = databases.url(backend, sample=True)
    settings = Settings(
        database=DatabaseSettings(url=url),
        app=AppSettings(environment="test"),
        read=ReadSettings(export_max_per_hour=2),
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_exports_past_the_hourly_limit_are_refused_with_when_to_come_back(client):
    staff, leader = bearer(client, "investment"), bearer(client, "leader")

    anonymous = [client.get("/api/parcels/export"), client.get("/supply.xlsx")]
    first = client.get("/api/parcels/export", params={"format": "csv"}, headers=staff)
    second = client.get("/supply.xlsx", headers=staff)
    third = client.get("/api/factories/export", params={"lang": "en"}, headers=staff)
    other = client.get("/api/parcels/export", params={"format": "csv"}, headers=leader)

    assert [r.status_code for r in anonymous] == [401, 401]
    assert first.status_code == 200 and second.status_code == 200 and other.status_code == 200
    assert third.status_code == 429 and third.headers["content-type"] == PROBLEM
    assert 0 < int(third.headers["retry-after"]) <= 3600
    assert "at most 2 an hour" in third.json()["detail"]
    with client.app.state.db.read() as session:  # type: ignore[attr-defined]
        assert (
            session.scalar(select(func.count()).select_from(RateEvent)) == 3
        )  # the refused one is not counted
