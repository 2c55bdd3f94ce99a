"""Every GeoJSON answer winds its rings as RFC 7946 §3.1.6 asks: exterior rings counterclockwise,
holes clockwise, whatever winding the stored outline has (the sample's are mixed, as surveyed
files are). The lists, single records and the OGC items, for every collection; the match's sites."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import shape
from sqlalchemy import text

from tests.conftest import bearer

PATHS = [
    "/api/parcels?limit=1000",
    "/api/factories?limit=1000",
    "/ogc/collections/parcels/items?limit=1000",
    "/ogc/collections/factories/items?limit=1000",
    "/ogc/collections/areas/items?limit=1000",
]


def badly_wound(geometry):
    """The polygons of a GeoJSON geometry whose rings run the wrong way."""
    polygons = (
        shapely.get_parts(shape(geometry)) if geometry["type"].startswith("Multi") else [shape(geometry)]
    )
    return [
        p
        for p in polygons
        if p.geom_type == "Polygon" and (not p.exterior.is_ccw or any(ring.is_ccw for ring in p.interiors))
    ]


def wrongly_wound(features):
    return [f["id"] for f in features if f.get("geometry") and badly_wound(f["geometry"])]


@pytest.mark.parametrize("path", PATHS)
def test_every_feature_of_every_list_is_wound_counterclockwise(sample_client, path):
    answer = sample_client.get(path).json()

    assert answer["features"] and wrongly_wound(answer["features"]) == []


def test_the_sample_holds_clockwise_outlines_so_the_check_means_something(sample_client):
    with sample_client.app.state.db.read() as session:
        clockwise = session.execute(
            text("SELECT count(*) FROM parcels WHERE ST_IsPolygonCW(geom) = 1")
            if session.get_bind().dialect.name == "sqlite"
            else text("SELECT count(*) FROM parcels WHERE ST_IsPolygonCW(geom)")
        ).scalar_one()

    assert clockwise > 0


def test_single_records_are_wound_counterclockwise(sample_client):
    codes = [f["id"] for f in sample_client.get("/api/parcels?limit=1000").json()["features"]][:20]
    singles = [sample_client.get(f"/api/parcels/{code}").json() for code in codes]
    items = [sample_client.get(f"/ogc/collections/parcels/items/{code}").json() for code in codes]
    areas = [
        sample_client.get(f"/api/areas/{a['code']}").json() for a in sample_client.get("/api/areas").json()
    ]

    assert wrongly_wound(singles) == [] and wrongly_wound(items) == [] and wrongly_wound(areas) == []


def test_the_match_answers_with_counterclockwise_sites(sample_client):
    headers = bearer(sample_client, "investment")
    answer = sample_client.post(
        "/api/match", json={"industry_code": "27", "land_min_mu": 20, "land_max_mu": 200}, headers=headers
    ).json()

    found = answer["parcels"] + answer["factories"] + answer["near_misses"]["parcels"]
    sites = [{"id": c["code"], "geometry": c["geometry"]} for c in found]
    assert sites and wrongly_wound(sites) == []
