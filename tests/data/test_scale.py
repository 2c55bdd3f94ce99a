import numpy as np
import shapely

from data.generate import LOCAL, load_outline
from data.scale import chunks, synthetic_parcels
from gis.crs import CGCS2000, reproject
from gis.geometry import clean_polygons


def test_synthetic_parcels_fill_the_outline_without_overlapping():
    records, geoms = synthetic_parcels(3000, seed=1)

    local = reproject(geoms, CGCS2000, LOCAL)
    left, right = shapely.STRtree(local).query(local, predicate="intersects")

    assert len(records) == len(geoms) == 3000
    assert len({r["code"] for r in records}) == 3000
    assert (left == right).all()
    assert shapely.within(geoms, load_outline()[0]).all()
    assert clean_polygons(geoms).accepted.all()


def test_chunks_cover_everything_once():
    records, geoms = synthetic_parcels(1000, seed=2)

    parts = list(chunks(records, geoms, 300))

    assert [len(r) for r, _ in parts] == [300, 300, 300, 100]
    assert np.array_equal(np.concatenate([g for _, g in parts]), geoms)
