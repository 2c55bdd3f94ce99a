"""Vector tiles on both databases: the right parcels, the same from PostGIS and from Python."""

import math

import mapbox_vector_tile
import pytest
import shapely

from gis import inventory, tiles
from gis.errors import InvalidInput
from gis.inventory import FactoryQuery, ParcelQuery


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    lat_r = math.radians(lat)
    return z, int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(lat_r)) / math.pi) / 2 * n)


def decoded(blob: bytes, layer: str) -> dict[str, dict]:
    features = mapbox_vector_tile.decode(blob).get(layer, {}).get("features", [])
    return {f["properties"]["code"]: f for f in features}


def codes_in_window(session, q: ParcelQuery, window) -> set[str]:
    page = inventory.list_parcels(session, ParcelQuery(**{**q.__dict__, "bbox": window, "limit": 1000}))
    return {r["code"] for r in page.rows}


@pytest.mark.parametrize(
    "q",
    [
        ParcelQuery(),
        ParcelQuery(park="P04", status=("available",)),
        ParcelQuery(min_mu=50, land_use=("1001",)),
    ],
)
def test_a_tile_holds_exactly_the_filtered_parcels_of_its_window(sample_db, q):
    with sample_db.read() as session:
        first = inventory.list_parcels(session, ParcelQuery(**{**q.__dict__, "limit": 1})).rows[0]
        x0, y0, x1, y1 = inventory.summarise_parcels(session, ParcelQuery(search=first["code"])).bbox
        z, x, y = tile_of((x0 + x1) / 2, (y0 + y1) / 2, 12)
        features = decoded(tiles.render_tile(session, "parcels", q, z, x, y), "parcels")
        expected = codes_in_window(session, q, tiles.tile_window(z, x, y))

    assert expected and set(features) == expected
    some = next(iter(features.values()))
    assert set(some["properties"]) >= {"code", "status", "area_mu", "land_use"}


def test_postgis_and_python_tiles_agree(sample_db):
    z, x, y = tile_of(121.66, 31.80, 12)
    with sample_db.read() as session:
        native = decoded(tiles.render_tile(session, "parcels", ParcelQuery(), z, x, y), "parcels")
        python = decoded(tiles.python_tile(session, "parcels", ParcelQuery(), z, x, y), "parcels")

    assert native.keys() == python.keys() and native
    for code, feature in native.items():
        assert feature["properties"] == python[code]["properties"]
        a, b = shapely.geometry.shape(feature["geometry"]), shapely.geometry.shape(python[code]["geometry"])
        outer = (
            [p.exterior.is_ccw for p in getattr(a, "geoms", [a])],
            [p.exterior.is_ccw for p in getattr(b, "geoms", [b])],
        )
        assert outer[0] == outer[1], "rings wound as PostGIS winds them"
        assert a.symmetric_difference(b).area <= 0.05 * a.area + 20  # in tile units (4096 a side)


def test_factory_tiles_are_points(sample_db):
    z, x, y = tile_of(121.66, 31.80, 9)
    with sample_db.read() as session:
        features = decoded(tiles.render_tile(session, "factories", FactoryQuery(), z, x, y), "factories")

    assert features and all(f["geometry"]["type"] == "Point" for f in features.values())


def test_gcj02_tiles_move_features_east_and_south(sample_db):
    with sample_db.read() as session:
        x0, y0, x1, y1 = inventory.summarise_parcels(session, ParcelQuery(search="KFQ-001")).bbox
        z, x, y = tile_of((x0 + x1) / 2, (y0 + y1) / 2, 13)
        plain = decoded(tiles.python_tile(session, "parcels", ParcelQuery(), z, x, y), "parcels")
        shifted = decoded(
            tiles.render_tile(session, "parcels", ParcelQuery(), z, x, y, gcj02=True), "parcels"
        )

    common = set(plain) & set(shifted)
    assert common
    code = sorted(common)[0]
    a = shapely.geometry.shape(plain[code]["geometry"]).centroid
    b = shapely.geometry.shape(shifted[code]["geometry"]).centroid
    metres_per_unit = 2 * tiles.HALF_WORLD / 2**z / tiles.EXTENT * math.cos(math.radians(31.8))
    assert 300 < (b.x - a.x) * metres_per_unit < 500  # ~408 m east
    assert 150 < (a.y - b.y) * metres_per_unit < 300  # ~227 m south (tile y grows north here)


def test_an_empty_tile_is_empty_bytes(sample_db):
    with sample_db.read() as session:
        assert tiles.render_tile(session, "parcels", ParcelQuery(), 5, 0, 0) == b""


def test_a_tile_outside_the_grid_is_refused():
    with pytest.raises(InvalidInput):
        tiles.tile_bounds(3, 8, 0)


def test_a_crowded_tile_comes_as_cells_that_count_every_parcel(sample_db):
    z, x, y = tile_of(121.66, 31.80, 9)
    q = ParcelQuery(status=("available", "reserved"))
    with sample_db.read() as session:
        cells = mapbox_vector_tile.decode(
            tiles.render_tile(session, "parcels", q, z, x, y, cell_threshold=50)
        )["parcels_cells"]["features"]
        expected = codes_in_window(session, q, tiles.tile_window(z, x, y))
        available = inventory.summarise_parcels(
            session, ParcelQuery(status=("available",), bbox=tiles.tile_window(z, x, y))
        )

    assert sum(c["properties"]["count"] for c in cells) == len(expected) > 50
    assert sum(c["properties"]["free"] for c in cells) == pytest.approx(
        available.area_mu, abs=0.1 * len(cells)
    )
    assert all(c["geometry"]["type"] == "Point" for c in cells)
