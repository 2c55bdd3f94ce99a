import math

import numpy as np
import pytest
import shapely
from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Point, Polygon, box

from gis.errors import InvalidGeometry
from gis.geometry import clean_polygon, clean_polygons

QIDONG = box(121.70, 31.78, 121.71, 31.79)


def triangle_with(x):
    with np.errstate(invalid="ignore"):
        return shapely.polygons([[121.7, 31.8], [x, 31.8], [121.8, 31.9], [121.7, 31.8]])


def keys(problems):
    return [p.key for p in problems]


def test_a_valid_polygon_becomes_a_multipolygon_without_repairs():
    geom, repairs = clean_polygon(QIDONG)

    assert isinstance(geom, MultiPolygon)
    assert geom.equals(QIDONG)
    assert repairs == []


def test_a_bow_tie_is_repaired_and_the_repair_reported():
    bow_tie = Polygon([(121.70, 31.78), (121.71, 31.79), (121.71, 31.78), (121.70, 31.79)])

    geom, repairs = clean_polygon(bow_tie)

    assert geom.is_valid and geom.geom_type == "MultiPolygon" and len(geom.geoms) == 2
    assert keys(repairs) == ["repair.made_valid"]
    assert "Self-intersection" in repairs[0].params["reason"]


def test_z_coordinates_are_dropped_with_a_note():
    with_z = Polygon([(x, y, 5.0) for x, y in QIDONG.exterior.coords])

    geom, repairs = clean_polygon(with_z)

    assert not geom.has_z
    assert keys(repairs) == ["repair.dropped_z"]


def test_stray_lines_in_a_collection_are_dropped_and_counted():
    mixed = GeometryCollection([QIDONG, LineString([(121.7, 31.7), (121.8, 31.8)]), Point(121.7, 31.7)])

    geom, repairs = clean_polygon(mixed)

    assert geom.equals(QIDONG)
    assert repairs[-1].key == "repair.dropped_parts" and repairs[-1].params["count"] == 2


@pytest.mark.parametrize(
    ("geom", "reason"),
    [
        (None, "geometry.empty"),
        (Polygon(), "geometry.empty"),
        (Point(121.7, 31.8), "geometry.not_areal"),
        (LineString([(121.7, 31.8), (121.8, 31.9)]), "geometry.not_areal"),
        (triangle_with(math.nan), "geometry.non_finite"),
        (triangle_with(math.inf), "geometry.non_finite"),
        (box(200, 31.8, 201, 31.9), "geometry.out_of_range"),
        (box(-10, 95, -9, 96), "geometry.out_of_range"),
        (box(31.78, 121.70, 31.79, 121.71), "geometry.swapped"),
        (box(-73.9, 40.7, -73.8, 40.8), "geometry.outside_region"),
        # a ring that collapses to a line once repaired: nothing areal is left
        (Polygon([(121.7, 31.8), (121.8, 31.8), (121.9, 31.8), (121.7, 31.8)]), "geometry.collapsed"),
    ],
)
def test_unusable_geometry_is_rejected_with_its_reason(geom, reason):
    with pytest.raises(InvalidGeometry) as caught:
        clean_polygon(geom)

    assert caught.value.key == reason
    assert caught.value.message("zh") and caught.value.message("en") != caught.value.message("zh")


def test_swapped_coordinates_are_named_as_such():
    with pytest.raises(InvalidGeometry) as caught:
        clean_polygon(box(31.78, 121.70, 31.79, 121.71))

    assert "纬度" in caught.value.message("zh")
    assert "lat, lon" in caught.value.message("en")


def test_a_service_region_narrows_what_is_plausible():
    beijing = box(116.3, 39.9, 116.4, 40.0)

    with pytest.raises(InvalidGeometry) as caught:
        clean_polygon(beijing, region=(121.2, 31.5, 122.1, 32.2))

    assert caught.value.key == "geometry.outside_region"


def test_too_many_vertices_are_refused():
    circle = Point(121.7, 31.8).buffer(0.01, quad_segs=200)

    with pytest.raises(InvalidGeometry) as caught:
        clean_polygon(circle, max_vertices=100)

    assert caught.value.params == {"count": shapely.get_num_coordinates(circle), "limit": 100}


def test_a_batch_reports_each_geometry_on_its_own():
    batch = np.array(
        [
            QIDONG,
            None,
            Point(121.7, 31.8),
            Polygon([(121.70, 31.78), (121.71, 31.79), (121.71, 31.78), (121.70, 31.79)]),
        ],
        dtype=object,
    )

    result = clean_polygons(batch)

    assert result.accepted.tolist() == [True, False, False, True]
    assert [r.key if r else None for r in result.rejections] == [
        None,
        "geometry.empty",
        "geometry.not_areal",
        None,
    ]
    assert [keys(r) for r in result.repairs] == [[], [], [], ["repair.made_valid"]]
    assert all(g.geom_type == "MultiPolygon" for g in result.geoms[result.accepted])
