"""The sites around a point, on both databases: nearest first, measured in metres (0 inside a
parcel), only within the radius, deleted records left out."""

import shapely
from geoalchemy2.shape import to_shape
from pyproj import Geod
from sqlalchemy import select

from gis import nearby
from gis.access import operator
from gis.gateway import sites
from gis.models import Factory, Parcel
from gis.vocabulary import SiteKind

GEOD = Geod(ellps="GRS80")


def test_a_point_inside_a_parcel_lists_it_first_at_zero_metres(sample_db):
    with sample_db.read() as session:
        outline = to_shape(session.scalar(select(Parcel.geom).where(Parcel.code == "KFQ-001")))
        point = shapely.point_on_surface(outline)
        found = nearby.near(session, point.x, point.y, 1000, 50)
    assert (found[0].kind, found[0].code, found[0].distance_m) == (SiteKind.PARCEL, "KFQ-001", 0.0)
    assert [n.distance_m for n in found] == sorted(n.distance_m for n in found)
    assert all(n.distance_m <= 1000 for n in found) and found[0].url == "/parcels/KFQ-001"


def test_a_factory_is_measured_on_the_ellipsoid_and_the_radius_is_kept(sample_db):
    with sample_db.read() as session:
        code, location = session.execute(
            select(Factory.code, Factory.location).order_by(Factory.code)
        ).first()
        spot = to_shape(location)
        lon, lat, _ = GEOD.fwd(spot.x, spot.y, 0, 300)  # 300 m due north
        found = {n.code: n for n in nearby.near(session, lon, lat, 400, 200)}
        closer = {n.code for n in nearby.near(session, lon, lat, 250, 200)}
    assert abs(found[code].distance_m - 300) < 1.5
    assert code not in closer


def test_deleted_records_are_not_near_anything(sample_db):
    with sample_db.write() as session:
        outline = to_shape(session.scalar(select(Parcel.geom).where(Parcel.code == "KFQ-001")))
        sites.delete(session, SiteKind.PARCEL, "KFQ-001", who=operator("管理员"), expected_version=None)
    point = shapely.point_on_surface(outline)
    with sample_db.read() as session:
        assert "KFQ-001" not in {n.code for n in nearby.near(session, point.x, point.y, 1000, 200)}
