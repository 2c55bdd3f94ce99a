"""A file's CRS (gis/io/crs.py): inferred on both sides of 121.5°E, declared, given, refused (no database)."""

import numpy as np
import pytest
import shapely
from pyproj import CRS

from gis.crs import reproject
from gis.errors import AmbiguousCrs, InvalidInput
from gis.io.crs import GCJ02, choose, parse_crs
from gis.io.limits import QIDONG_REGION


def squares(epsg=4490, n=3):
    boxes = np.array([shapely.box(121.70 + k * 0.003, 31.78, 121.702 + k * 0.003, 31.782) for k in range(n)])
    return boxes if epsg == 4490 else reproject(boxes, 4490, epsg)


@pytest.mark.parametrize(("epsg", "lon"), [(4549, 121.40), (4550, 121.70), (4528, 121.40), (4529, 121.70)])
def test_gauss_kruger_metres_are_inferred_on_both_sides_of_121_5(epsg, lon):
    boxes = reproject(np.array([shapely.box(lon, 31.78, lon + 0.002, 31.782)]), 4490, epsg)

    choice = choose(boxes, declared=None, given=None, region=QIDONG_REGION)

    assert choice.name == f"EPSG:{epsg}" and choice.how == "inferred"
    assert choice.note.key == "crs.inferred_gk"


def test_degrees_are_taken_as_cgcs2000_and_the_note_names_gcj02():
    choice = choose(squares(), declared=None, given=None, region=QIDONG_REGION)

    assert choice.name == "EPSG:4490" and "gcj02" in choice.note.render("en")


def test_ambiguous_eastings_name_the_candidates_and_the_flag():
    boxes = np.array([shapely.box(500_000, 3_520_000, 500_200, 3_520_200)])

    with pytest.raises(AmbiguousCrs) as caught:
        choose(boxes, declared=None, given=None, region=(119.0, 31.0, 124.0, 33.0))

    text = caught.value.message("en")
    assert "EPSG:4549" in text and "EPSG:4550" in text and "--crs" in text


def test_a_declared_neighbouring_zone_is_called_wrong_and_the_right_one_suggested():
    with pytest.raises(InvalidInput) as caught:
        choose(squares(4550), declared=CRS.from_epsg(4549), given=None, region=QIDONG_REGION)

    assert caught.value.key == "crs.wrong" and "EPSG:4550" in caught.value.message("en")


def test_given_crs_wins_and_gcj02_is_accepted():
    assert parse_crs("gcj02") == GCJ02 and parse_crs("GCJ-02") == GCJ02
    assert parse_crs("4549") == CRS.from_epsg(4549) and parse_crs("EPSG:4550") == CRS.from_epsg(4550)
    with pytest.raises(InvalidInput):
        parse_crs("EPSG:999999")
    choice = choose(
        squares(4549), declared=CRS.from_epsg(4326), given=CRS.from_epsg(4549), region=QIDONG_REGION
    )
    assert choice.how == "given"
