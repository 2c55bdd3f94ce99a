import numpy as np
import pytest
import shapely
from pyproj import CRS, Geod

from gis.crs import (
    CGCS2000,
    GK3_CM120,
    GK3_CM120_PREFIXED,
    GK3_CM123,
    GK3_CM123_PREFIXED,
    cgcs2000_to_gcj02,
    gauss_kruger_epsg,
    gcj02_to_cgcs2000,
    reproject,
)


@pytest.mark.parametrize(
    ("epsg", "central", "false_easting"),
    [
        (GK3_CM120, 120, 500_000),
        (GK3_CM123, 123, 500_000),
        (GK3_CM120_PREFIXED, 120, 40_500_000),
        (GK3_CM123_PREFIXED, 123, 41_500_000),
    ],
)
def test_the_epsg_codes_we_name_are_what_pyproj_says_they_are(epsg, central, false_easting):
    params = {p.name: p.value for p in CRS.from_epsg(epsg).coordinate_operation.params}

    assert params["Longitude of natural origin"] == central
    assert params["False easting"] == false_easting
    assert CRS.from_epsg(epsg).geodetic_crs.name == "China Geodetic Coordinate System 2000"


def test_qidong_straddles_two_gauss_kruger_zones():
    assert gauss_kruger_epsg(121.45) == GK3_CM120
    assert gauss_kruger_epsg(121.5) == GK3_CM123
    assert gauss_kruger_epsg(121.7) == GK3_CM123
    assert gauss_kruger_epsg(121.45, zone_prefix=True) == GK3_CM120_PREFIXED
    assert gauss_kruger_epsg(121.7, zone_prefix=True) == GK3_CM123_PREFIXED
    with pytest.raises(ValueError, match="outside China"):
        gauss_kruger_epsg(10.0)


def test_reproject_round_trip_is_exact_to_a_millimetre():
    point = np.array([shapely.Point(121.6632, 31.8081)])

    back = reproject(reproject(point, CGCS2000, GK3_CM123), GK3_CM123, CGCS2000)[0]

    assert Geod(ellps="GRS80").inv(121.6632, 31.8081, back.x, back.y)[2] < 0.001


def test_gcj02_offset_at_qidong_is_about_470_metres_east_and_south():
    # REFERENCE.md: ~470 m from WGS84 at Qidong (≈ 408 m east, 227 m south).
    wgs = shapely.Point(121.6632, 31.8081)

    gcj = cgcs2000_to_gcj02(np.array([wgs]))[0]
    az, _, distance = Geod(ellps="WGS84").inv(wgs.x, wgs.y, gcj.x, gcj.y)

    assert distance == pytest.approx(470, abs=40)
    assert gcj.x > wgs.x and gcj.y < wgs.y
    assert 100 < az % 360 < 140  # east-south-east


def test_gcj02_inverse_recovers_the_original_to_centimetres():
    points = np.array([shapely.Point(121.5 + i * 0.05, 31.65 + i * 0.04) for i in range(8)])

    back = gcj02_to_cgcs2000(cgcs2000_to_gcj02(points))

    geod = Geod(ellps="WGS84")
    errors = [geod.inv(a.x, a.y, b.x, b.y)[2] for a, b in zip(points, back, strict=True)]
    assert max(errors) < 0.05


# Published WGS84 -> GCJ-02 pairs: the test table of googollee/eviltransform (python/test.py:
# Shanghai, Shenzhen, Beijing, as wgsLat, wgsLng, gcjLat, gcjLng) and the example in
# wandergis/coordtransform (test/app.js: wgs84togcj02(116.404, 39.915)).
PUBLISHED = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),
    (39.915, 116.404, 39.91640428150164, 116.41024449916938),
]


@pytest.mark.parametrize(("wgs_lat", "wgs_lon", "gcj_lat", "gcj_lon"), PUBLISHED)
def test_gcj02_matches_published_reference_points(wgs_lat, wgs_lon, gcj_lat, gcj_lon):
    forward = cgcs2000_to_gcj02(np.array([shapely.Point(wgs_lon, wgs_lat)]))[0]
    back = gcj02_to_cgcs2000(np.array([shapely.Point(gcj_lon, gcj_lat)]))[0]

    assert forward.x == pytest.approx(gcj_lon, abs=1e-7) and forward.y == pytest.approx(gcj_lat, abs=1e-7)
    # the inverse is iterative: within 1e-6 degrees (about 10 cm)
    assert back.x == pytest.approx(wgs_lon, abs=1e-6) and back.y == pytest.approx(wgs_lat, abs=1e-6)
