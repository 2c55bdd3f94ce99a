"""The generated Qidong sample: deterministic, realistic, and where it claims to be."""

import collections
import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from data.generate import EXCLAVE_TOWN, SAMPLE_DIR, generate, load_outline
from data.projects import EXAMPLE_PROJECTS
from gis.area import M2_PER_MU, ellipsoidal_area_m2
from gis.crs import CGCS2000, GK3_CM123, gcj02_to_cgcs2000, reproject
from gis.status import check_transition
from tests.shared_data import DATAV_NANTONG, shared_file

NAMED_PARKS = {"启东经济开发区", "启东高新技术产业开发区", "启东生命健康科技城", "吕四港经济开发区"}
TOWNS = {
    "汇龙镇",
    "南阳镇",
    "北新镇",
    "王鲍镇",
    "合作镇",
    "吕四港镇",
    "海复镇",
    "近海镇",
    "寅阳镇",
    "惠萍镇",
    "东海镇",
    "启隆镇",
}


def features(name: str) -> list[dict]:
    return json.loads((SAMPLE_DIR / name).read_text(encoding="utf-8"))["features"]


def geoms(items: list[dict]) -> np.ndarray:
    return np.array([shape(f["geometry"]) if f["geometry"] else None for f in items], dtype=object)


def metres(array: np.ndarray) -> np.ndarray:
    return reproject(array, CGCS2000, GK3_CM123)


@pytest.fixture(scope="module")
def parcels() -> list[dict]:
    return features("parcels.geojson")


@pytest.fixture(scope="module")
def areas() -> dict[str, dict]:
    return {f["properties"]["code"]: f for f in features("areas.geojson")}


def assert_same_collection(ours: Path, committed: Path) -> None:
    a, b = json.loads(ours.read_text("utf-8")), json.loads(committed.read_text("utf-8"))
    if isinstance(a, list):
        assert a == b
        return
    assert [f["properties"] for f in a["features"]] == [f["properties"] for f in b["features"]]
    ga, gb = geoms(a["features"]), geoms(b["features"])
    assert all(
        shapely.equals_exact(x, y, tolerance=2e-7)
        for x, y in zip(ga, gb, strict=True)
        if x is not None or y is not None
    )


def test_the_committed_sample_is_what_the_generator_makes(tmp_path):
    counts = generate(tmp_path)

    assert counts["parcels"] >= 300 and counts["factories"] >= 80
    for name in (
        "areas.geojson",
        "parcels.geojson",
        "factories.geojson",
        "infrastructure.geojson",
        "projects.json",
    ):
        assert_same_collection(tmp_path / name, SAMPLE_DIR / name)


def test_parks_and_towns_are_the_ones_of_qidong(areas):
    kinds = collections.defaultdict(set)
    for f in areas.values():
        kinds[f["properties"]["kind"]].add(f["properties"]["name"])

    assert kinds["park"] == NAMED_PARKS
    assert kinds["town"] == TOWNS
    assert len(kinds["zone"]) >= 4
    assert all(
        f["properties"]["leading_industries"] for f in areas.values() if f["properties"]["kind"] != "town"
    )


def test_towns_tile_the_county_without_overlaps(areas):
    # Compared in degrees, where the outline's edges are straight lines. A sliver between two
    # versions of a 5 km edge has no area in degrees but ~100 m² on any projection, so the
    # residue is measured in degrees and scaled to m² at Qidong's latitude.
    m2_per_square_degree = 111_320 * np.cos(np.radians(31.85)) * 110_900
    town_geoms = geoms([f for f in areas.values() if f["properties"]["kind"] == "town"])
    county = shapely.union(*load_outline())

    gaps = shapely.symmetric_difference(shapely.union_all(town_geoms), county)
    overlaps = [shapely.intersection(a, b) for i, a in enumerate(town_geoms) for b in town_geoms[i + 1 :]]

    assert sum(shapely.area(overlaps)) * m2_per_square_degree < 1.0
    assert shapely.area(gaps) * m2_per_square_degree < 1.0


def test_parcels_are_valid_do_not_overlap_and_lie_inside_their_park(parcels, areas):
    shapes = geoms(parcels)
    local = metres(shapes)
    tree = shapely.STRtree(local)
    left, right = tree.query(local, predicate="intersects")
    pairs = left < right

    overlap = shapely.area(shapely.intersection(local[left[pairs]], local[right[pairs]]))

    assert shapely.is_valid(shapes).all()
    assert (overlap < 0.05).all()  # touching neighbours share edges, nothing more
    parks = {code: shape(f["geometry"]) for code, f in areas.items()}
    assert all(parks[p["properties"]["park"]].contains(g) for p, g in zip(parcels, shapes, strict=True))


def test_parcel_sizes_are_realistic_and_skewed_small(parcels):
    mu = ellipsoidal_area_m2(geoms(parcels)) / M2_PER_MU

    assert mu.min() >= 3 and mu.max() <= 300
    assert np.median(mu) < mu.mean()
    assert (mu < 30).mean() > 0.5
    assert (mu > 100).sum() >= 5


def test_statuses_land_uses_and_readiness_are_mixed(parcels):
    props = [p["properties"] for p in parcels]
    statuses = collections.Counter(p["status"] for p in props)
    land_uses = {p["land_use"] for p in props}

    assert set(statuses) == {
        "available",
        "reserved",
        "signed",
        "supplied",
        "under_construction",
        "in_production",
        "unavailable",
    }
    assert 0.3 < statuses["available"] / len(props) < 0.6
    assert {"100101", "100102", "100103", "1901"} <= land_uses
    assert any(code.startswith("1101") for code in land_uses)
    assert 0.2 < np.mean([p["net_land"] for p in props]) < 0.8
    assert any(p["waterfront"] for p in props) and not all(p["waterfront"] for p in props)
    assert sum(p["cert_area_m2"] is not None for p in props) > 100


def test_every_history_follows_the_workflow_to_the_current_status(parcels):
    for p in (f["properties"] for f in parcels):
        history = p["history"]
        assert history[0][1] is None and history[-1][2] == p["status"]
        assert [e[0] for e in history] == sorted(e[0] for e in history)
        for _, source, target, project, note in history[1:]:
            check_transition("parcel", p["code"], source, target, project=project, note=note)


def test_factories_and_projects(parcels):
    factories = [f["properties"] for f in features("factories.geojson")]
    projects = json.loads((SAMPLE_DIR / "projects.json").read_text("utf-8"))
    sectors = {"27", "35", "39", "40", "373", "34", "28", "26", "59", "33"}

    assert len(factories) >= 80
    assert {f["status"] for f in factories} == {"vacant", "reserved", "leased", "sold"}
    assert all(0 <= f["vacant_area_m2"] <= f["floor_area_m2"] for f in factories)
    assert any(f["status"] == "leased" and f["vacant_area_m2"] > 0 for f in factories)
    assert len(EXAMPLE_PROJECTS) >= 12
    assert {p["industry_code"] for p in EXAMPLE_PROJECTS} <= sectors
    codes = {p["code"] for p in projects}
    assert all(
        p["properties"]["reserved_project"] in codes for p in parcels if p["properties"]["reserved_project"]
    )


def test_the_sample_lies_inside_the_real_county_outline(parcels, areas):
    datav = json.loads(shared_file(DATAV_NANTONG).read_text(encoding="utf-8"))
    qidong = next(f for f in datav["features"] if f["properties"]["adcode"] == 320681)
    # DataV boundaries are GCJ-02: undo the offset before comparing.
    county = gcj02_to_cgcs2000(np.array([shape(qidong["geometry"])]))[0]
    factories = features("factories.geojson")
    mainland_towns = [
        f
        for f in areas.values()
        if f["properties"]["kind"] == "town" and f["properties"]["code"] != EXCLAVE_TOWN[0]
    ]
    exclave = areas[EXCLAVE_TOWN[0]]

    assert shapely.within(geoms(parcels), county).all()
    assert shapely.within(
        geoms([a for a in areas.values() if a["properties"]["kind"] != "town"]), county
    ).all()
    assert shapely.within(geoms(mainland_towns), county).all()
    assert all(county.contains(shapely.Point(f["properties"]["location"])) for f in factories)
    # DataV's simplified 启东市 is one polygon without the 启隆镇 exclave on Chongming island;
    # our exclave lies south-west of it, across the North Branch of the Yangtze.
    assert not shape(exclave["geometry"]).intersects(county)
    assert shape(exclave["geometry"]).distance(county) < 0.1
