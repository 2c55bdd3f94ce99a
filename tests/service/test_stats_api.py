"""Land-supply statistics, today and as of past dates, against the sample's own histories."""

import collections
import json

import pytest

from data.generate import SAMPLE_DIR

PARCELS = json.loads((SAMPLE_DIR / "parcels.geojson").read_text(encoding="utf-8"))["features"]


def expected_statuses(as_of: str) -> collections.Counter:
    counts = collections.Counter()
    for feature in PARCELS:
        past = [event for event in feature["properties"]["history"] if event[0] <= as_of]
        if past:
            counts[past[-1][2]] += 1
    return counts


def totals(rows) -> collections.Counter:
    counts = collections.Counter()
    for row in rows:
        counts[row["status"]] += row["count"]
    return counts


def test_today_by_park_adds_up_to_the_inventory(sample_client):
    rows = sample_client.get("/api/stats/supply", params={"by": "park"}).json()

    assert sum(r["count"] for r in rows) == 556
    assert {r["name"] for r in rows} >= {"启东经济开发区", "吕四港经济开发区"}
    assert all(r["area_mu"] > 0 and r["status_label"] for r in rows)


@pytest.mark.parametrize("as_of", ["2023-06-30", "2024-12-31", "2025-09-30"])
def test_as_of_a_past_date_replays_the_status_events(sample_client, as_of):
    rows = sample_client.get("/api/stats/supply", params={"by": "status", "as_of": as_of}).json()

    assert totals(rows) == expected_statuses(as_of)


def test_groups_by_town_and_land_use_and_filters_statuses(sample_client):
    towns = sample_client.get("/api/stats/supply", params={"by": "town", "status": "available"}).json()
    classes = sample_client.get("/api/stats/supply", params={"by": "land_use"}).json()

    assert {r["status"] for r in towns} == {"available"} and all(r["name"].endswith("镇") for r in towns)
    assert {r["key"] for r in classes} >= {"100101", "100102", "100103"}
    assert sum(r["count"] for r in classes) == 556


def test_bad_dates_and_groups_are_422(sample_client):
    assert sample_client.get("/api/stats/supply", params={"as_of": "2025-13-01"}).status_code == 422
    assert sample_client.get("/api/stats/supply", params={"by": "colour"}).status_code == 422
