"""The investor-facing facts of a site (gis/investor.py), on both databases: the sample's figures
as the inventory holds them, distances to the nearest infrastructure worked out independently,
the park's leading industries, neighbours without the site itself, and what a map of it draws."""

from __future__ import annotations

import dataclasses
import math

import pytest
import shapely
from pyproj import Geod
from sqlalchemy import select

from gis import investor
from gis.errors import NotFound
from gis.investor import Building, Land, SiteFacts
from gis.models import Infrastructure
from gis.vocabulary import SiteKind

# What an investor is never shown: none of these is a field of what gis/investor.py hands out
INTERNAL = {
    "remarks",
    "contact",
    "contact_phone",
    "ownership",
    "owner",
    "reserved_project_code",
    "reserved_project_name",
    "reserved_project_id",
    "updated_by",
    "verified_by",
    "history",
}


def _fields(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def test_no_internal_field_is_part_of_the_facts():
    assert not INTERNAL & (_fields(SiteFacts) | _fields(Land) | _fields(Building))


def test_a_parcels_facts_are_its_public_figures_with_the_nearest_infrastructure(sample_db):
    with sample_db.read() as session:
        facts = investor.site_facts(session, SiteKind.PARCEL, "KFQ-003")
        points = session.execute(select(Infrastructure.name, Infrastructure.kind, Infrastructure.geom)).all()

    land = facts.land
    assert land is not None and facts.building is None
    assert math.isclose(land.area_mu, land.area_m2 * 15 / 10000)
    assert (land.land_use, land.land_use_name, land.land_kind, land.nuisance) == (
        "100102",
        "二类工业用地",
        "industrial",
        2,
    )
    assert land.cert_area_m2 == pytest.approx(7531.84) and land.price_wan_per_mu == pytest.approx(31.3)
    assert (facts.park_code, facts.park_name) == ("P01", "启东经济开发区")
    assert [i.code for i in facts.leading_industries] == ["38", "39", "34", "37"]
    assert facts.leading_industries[0].name == "电气机械和器材制造业"
    assert [r.kind for r in facts.reach] == ["port", "highway_exit", "rail_station"]
    assert facts.path == "/parcels/KFQ-003"
    assert facts.neighbours and all(n.code != "KFQ-003" for n in facts.neighbours)
    assert [n.distance_m for n in facts.neighbours] == sorted(n.distance_m for n in facts.neighbours)
    # the nearest port, measured on the ellipsoid from the centre of the parcel's box
    x0, y0, x1, y1 = facts.shape.bounds
    geod = Geod(ellps="GRS80")
    ports = [
        (geod.inv((x0 + x1) / 2, (y0 + y1) / 2, *_lon_lat(g))[2] / 1000, name)
        for name, kind, g in points
        if kind == "port"
    ]
    km, name = min(ports)
    port = facts.reach[0]
    assert port.name == name and port.km == pytest.approx(km, abs=0.1 + km * 0.003)


def _lon_lat(geom) -> tuple[float, float]:
    from geoalchemy2.shape import to_shape

    point = to_shape(geom).centroid
    return point.x, point.y


def test_a_factorys_facts_are_its_building(sample_db):
    with sample_db.read() as session:
        facts = investor.site_facts(session, SiteKind.FACTORY, "CF-KFQ-001")

    building = facts.building
    assert facts.land is None and building is not None
    assert (building.building_type, building.floor_area_m2, building.clear_height_m) == (
        "self_built",
        8379.2,
        14.0,
    )
    assert building.rent_yuan_m2_month == pytest.approx(15.4) and facts.shape.geom_type in (
        "Point",
        "MultiPolygon",
    )


def test_an_unknown_site_is_not_found(sample_db):
    with sample_db.read() as session, pytest.raises(NotFound):
        investor.site_facts(session, SiteKind.PARCEL, "NO-SUCH-1")


def test_a_map_of_a_site_shows_it_its_park_town_and_neighbours_in_a_square(sample_db):
    with sample_db.read() as session:
        facts = investor.site_facts(session, SiteKind.PARCEL, "KFQ-003")
        box = investor.frame(facts)
        around = investor.surroundings(session, box)

    layers = {f.layer for f in around}
    assert {"park", "town", "parcel"} <= layers
    assert ("parcel", "KFQ-003") in {(f.layer, f.label) for f in around}
    assert {f.label for f in around if f.layer == "park"} >= {"启东经济开发区"}
    geod = Geod(ellps="GRS80")
    wide = geod.inv(box[0], (box[1] + box[3]) / 2, box[2], (box[1] + box[3]) / 2)[2]
    tall = geod.inv((box[0] + box[2]) / 2, box[1], (box[0] + box[2]) / 2, box[3])[2]
    assert wide == pytest.approx(tall, rel=0.01) and wide >= 2 * investor.MARGIN_M


def test_a_map_draws_the_roads_waterways_and_coast_of_the_context_layer_in_its_box(sample_db):
    with sample_db.read() as session:
        whole = investor.surroundings(session, BOX_OF_COUNTY)
        road = next(f for f in whole if f.layer == "road")
        x, y = road.geometry.interpolate(0.5, normalized=True).coords[0]
        near_road = investor.surroundings(session, (x - 0.003, y - 0.003, x + 0.003, y + 0.003))

    assert {"road", "river", "coastline"} <= {f.layer for f in whole}
    assert road.label in {f.label for f in near_road if f.layer == "road"}
    assert all(
        f.geometry.intersects(shapely.box(x - 0.003, y - 0.003, x + 0.003, y + 0.003))
        for f in near_road
        if f.layer == "road"
    )


BOX_OF_COUNTY = (121.2, 31.5, 122.1, 32.3)
