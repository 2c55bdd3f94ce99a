"""A site's map as SVG (maps/picture.py): true distances around the site, a round scale bar, north
up, the areas named in the legend, infrastructure labelled, and the site drawn last."""

from __future__ import annotations

import re

import pytest
import shapely
from pyproj import Geod

from gis.investor import MapFeature
from maps.picture import SIZE, canvas, nice_distance, site_picture

GEOD = Geod(ellps="GRS80")
CENTRE = (121.70, 31.77)


def _east(metres: float) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(*CENTRE, 90, metres)
    return lon, lat


def _box(half_m: float) -> tuple[float, float, float, float]:
    west, east = _east(-half_m)[0], _east(half_m)[0]
    south = GEOD.fwd(*CENTRE, 180, half_m)[1]
    north = GEOD.fwd(*CENTRE, 0, half_m)[1]
    return (west, south, east, north)


@pytest.mark.parametrize(
    ("most", "nice"), [(480, 200), (500, 500), (1999, 1000), (2600, 2000), (75, 50), (1, 1)]
)
def test_a_scale_bar_takes_the_largest_round_distance_that_fits(most, nice):
    assert nice_distance(most) == nice


def test_a_point_is_drawn_at_its_true_distance_from_the_centre():
    c = canvas(_box(1000))

    drawn = c.project([shapely.Point(*_east(500)), shapely.Point(*CENTRE)])

    assert drawn[1].x == pytest.approx(SIZE / 2, abs=0.5) and drawn[1].y == pytest.approx(SIZE / 2, abs=0.5)
    assert drawn[0].x - drawn[1].x == pytest.approx(500 * SIZE / 2000, rel=0.002)


def test_the_picture_has_its_site_legend_labels_scale_bar_and_north_arrow():
    site = shapely.Point(*CENTRE).buffer(0.001)
    park = shapely.Point(*CENTRE).buffer(0.05)
    features = [
        MapFeature("parcel", shapely.Point(*_east(300)).buffer(0.0008), "KFQ-002", "available"),
        MapFeature("park", park, "启东经济开发区"),
        MapFeature("port", shapely.Point(*_east(700)), "吕四港"),
        MapFeature("road", shapely.LineString([_east(-900), _east(900)]), "滨江大道"),
        MapFeature("parcel", site, "KFQ-001", "available"),  # the site itself in its layer: not twice
    ]

    svg = site_picture(site, "KFQ-001", features, _box(1000), "zh")

    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count('class="ls-parcel"') == 1 and 'class="ls-site"' in svg and 'class="ls-road"' in svg
    assert svg.index('class="ls-road"') < svg.index('class="ls-parcel"') < svg.index('class="ls-site"')
    assert "启东经济开发区" in svg[svg.index("ls-legend") :] and "吕四港（港口）" in svg
    scale = re.search(r'class="ls-scale-bar".*?d="M([\d.]+),[\d.]+V[\d.]+H([\d.]+)', svg)
    assert scale and float(scale[2]) - float(scale[1]) == pytest.approx(500 * SIZE / 2000, rel=0.002)
    assert ">500 m<" in svg and ">北<" in svg and ">KFQ-001<" in svg
    assert ">N<" in site_picture(site, "KFQ-001", features, _box(1000), "en")
