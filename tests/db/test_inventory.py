"""Queries and changes on the sample inventory, on both databases."""

import pytest
import shapely
from shapely.geometry import box
from sqlalchemy import func, select

from gis import inventory
from gis.area import M2_PER_MU
from gis.errors import (
    InvalidInput,
)
from gis.inventory import FactoryQuery, ParcelQuery
from gis.models import Parcel
from gis.spatial import parse_bbox

P01_WINDOW = (121.70, 31.77, 121.72, 31.79)


def count(session, model=Parcel):
    return session.scalar(select(func.count()).select_from(model))


def test_bbox_query_returns_exactly_the_parcels_that_intersect_the_window(sample_db):
    with sample_db.read() as session:
        page = inventory.list_parcels(session, ParcelQuery(bbox=P01_WINDOW, limit=1000))
        every = inventory.list_parcels(session, ParcelQuery(limit=1000))

    window = box(*P01_WINDOW)
    expected = {r["code"] for r in every.rows if shapely.from_geojson(r["geojson"]).intersects(window)}
    assert 0 < page.matched == len(expected) < every.matched
    assert {r["code"] for r in page.rows} == expected


def test_filters_combine(sample_db):
    query = ParcelQuery(
        park="P04", status=("available",), land_use=("1001",), min_mu=10, max_mu=80, limit=1000
    )
    with sample_db.read() as session:
        page = inventory.list_parcels(session, query)

    assert page.matched == len(page.rows) > 0
    for row in page.rows:
        assert row["park_code"] == "P04" and row["status"] == "available"
        assert row["land_use"].startswith("1001")
        assert 10 <= row["area_m2"] / M2_PER_MU <= 80


def test_paging_and_sorting_are_stable(sample_db):
    with sample_db.read() as session:
        first = inventory.list_parcels(session, ParcelQuery(sort="-area", limit=25))
        second = inventory.list_parcels(session, ParcelQuery(sort="-area", limit=25, offset=25))

    areas = [r["area_m2"] for r in first.rows + second.rows]
    assert areas == sorted(areas, reverse=True)
    assert not {r["code"] for r in first.rows} & {r["code"] for r in second.rows}
    assert first.matched == second.matched == 556


def test_one_parcel_carries_its_park_town_and_land_use_names(sample_db):
    with sample_db.read() as session:
        row = inventory.get_parcel(session, "KFQ-001")

    assert row["park_name"] == "启东经济开发区"
    assert row["town_name"].endswith("镇")
    assert row["land_use_name"].endswith("用地")
    assert shapely.from_geojson(row["geojson"]).geom_type == "MultiPolygon"


@pytest.mark.parametrize(
    ("query", "key"),
    [
        (ParcelQuery(park="P99"), "error.unknown_area"),
        (ParcelQuery(min_mu=50, max_mu=10), "error.bad_range"),
        (ParcelQuery(sort="colour"), "error.invalid_input"),
    ],
)
def test_bad_filters_are_refused_with_a_reason(sample_db, query, key):
    with sample_db.read() as session, pytest.raises(InvalidInput) as caught:
        inventory.list_parcels(session, query)

    assert caught.value.key == key


@pytest.mark.parametrize("text", ["1,2,3", "a,b,c,d", "121.8,31.7,121.7,31.8", "0,0,200,10"])
def test_malformed_bboxes_are_refused(text):
    with pytest.raises(InvalidInput) as caught:
        parse_bbox(text)

    assert caught.value.key == "error.bad_bbox"


def test_factories_filter_by_vacant_area_and_clear_height(sample_db):
    query = FactoryQuery(status=("vacant",), min_vacant_m2=3000, min_clear_height_m=8, limit=1000)
    with sample_db.read() as session:
        page = inventory.list_factories(session, query)

    assert page.matched > 0
    assert all(r["vacant_area_m2"] >= 3000 and r["clear_height_m"] >= 8 for r in page.rows)
