import numpy as np
import pytest
import shapely
from shapely.geometry import box

from gis.area import M2_PER_MU, ellipsoidal_area_m2, geodesic_area_m2, m2_to_mu, mu_to_m2
from gis.crs import CGCS2000, GK3_CM120, GK3_CM123, WEB_MERCATOR, reproject


def square_from_projected(lon: float, lat: float, epsg: int, side: float = 1000.0) -> shapely.Geometry:
    centre = reproject(np.array([shapely.Point(lon, lat)]), CGCS2000, epsg)[0]
    square = box(centre.x, centre.y, centre.x + side, centre.y + side)
    return reproject(np.array([square]), epsg, CGCS2000)[0]


@pytest.mark.parametrize(("lon", "epsg"), [(121.70, GK3_CM123), (121.55, GK3_CM123), (121.45, GK3_CM120)])
def test_a_kilometre_square_built_in_gauss_kruger_is_a_million_square_metres(lon, epsg):
    square = square_from_projected(lon, 31.8, epsg)

    area = ellipsoidal_area_m2(square)[0]

    assert area == pytest.approx(1_000_000, rel=0.001)
    # The projected plane area is 1e6 exactly; the GK scale factor away from the central
    # meridian makes the true (ellipsoidal) area a little smaller, never larger.
    assert area < 1_000_000


def test_equal_area_projection_agrees_with_geodesic_polygon_area():
    squares = [
        square_from_projected(121.5 + i * 0.1, 31.7 + i * 0.05, GK3_CM123, 300 + 200 * i) for i in range(5)
    ]
    park = box(121.68, 31.76, 121.75, 31.81)

    ours = ellipsoidal_area_m2(np.array([*squares, park], dtype=object))
    reference = [geodesic_area_m2(g) for g in [*squares, park]]

    assert ours == pytest.approx(reference, rel=1e-6)


def test_web_mercator_would_overstate_area_at_qidong():
    park = box(121.68, 31.76, 121.75, 31.81)

    mercator = shapely.area(reproject(np.array([park]), CGCS2000, WEB_MERCATOR)[0])

    assert mercator / ellipsoidal_area_m2(park)[0] == pytest.approx(1.385, abs=0.01)


def test_mu_conversion_matches_a_real_listing():
    # A real 出让 listing: 68507.52 m² "折 102.76 亩".
    assert round(m2_to_mu(68507.52), 2) == 102.76
    assert mu_to_m2(15) == pytest.approx(10_000)
    assert pytest.approx(666.6667, abs=1e-4) == M2_PER_MU
