"""The inventory map's drawing-only shift onto AMap's GCJ-02 tiles."""

import shapely

from maps.inventory import shifted_to_gcj02


def test_outlines_move_onto_gcj02_and_the_original_stays():
    square = shapely.box(121.60, 31.80, 121.61, 31.81)
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "P01",
                "properties": {"name": "园区"},
                "geometry": shapely.geometry.mapping(square),
            }
        ],
    }

    shifted = shifted_to_gcj02(collection)

    moved = shapely.geometry.shape(shifted["features"][0]["geometry"])
    dx = (moved.centroid.x - square.centroid.x) * 94_600
    dy = (moved.centroid.y - square.centroid.y) * 110_900
    assert 350 < dx < 480 and -300 < dy < -150  # ~408 m east, ~227 m south
    assert shapely.geometry.shape(collection["features"][0]["geometry"]).equals(square)
    assert shifted["features"][0]["properties"] == {"name": "园区"}
