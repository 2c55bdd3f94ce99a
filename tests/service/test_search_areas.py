"""Search areas and the gazetteer over HTTP, on both databases: /api/places ranks and hides per
reader; the list filters (`circle=`, `within=`, `near=` + `km=`) return exactly the records a
computation over the sample files says (shapely and pyproj, not the database); the match's
constraint keeps sites inside and says how far outside a near miss lies; bad areas are 422."""

import json
import re

import numpy as np
import pyproj
import pytest
import shapely
import shapely.ops
from pyproj import Geod
from shapely.geometry import Polygon, shape

from harness.paths import SAMPLE
from tests.conftest import bearer

GEOD = Geod(ellps="GRS80")
PROBLEM = "application/problem+json"
# a concave polygon over the north of the development zone
HOOK = Polygon(
    [(121.66, 31.76), (121.76, 31.76), (121.76, 31.80), (121.71, 31.78), (121.66, 31.80), (121.66, 31.76)]
)


def features(name):
    return json.loads((SAMPLE / f"{name}.geojson").read_text(encoding="utf-8"))["features"]


STATION = next(
    tuple(f["geometry"]["coordinates"])
    for f in features("infrastructure")
    if f["properties"]["name"] == "启东站"
)


def box_centres():
    """Each sample parcel's code and the centre of its bounding box, worked out here."""
    found = features("parcels")
    bounds = shapely.bounds(np.array([shape(f["geometry"]) for f in found]))
    return (
        [f["properties"]["code"] for f in found],
        (bounds[:, 0] + bounds[:, 2]) / 2,
        (bounds[:, 1] + bounds[:, 3]) / 2,
    )


def metres_from(point, lon, lat):
    _, _, metres = GEOD.inv(np.full(len(lon), point[0]), np.full(len(lon), point[1]), lon, lat)
    return metres


def km_from_station(point):
    return float(metres_from(STATION, np.array([point[0]]), np.array([point[1]]))[0]) / 1000


def codes(client, path, **params):
    response = client.get(path, params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["numberMatched"] == len(body["features"])
    return {f["properties"]["code"] for f in body["features"]}


def test_places_come_exact_first_then_by_prefix_then_by_kind(sample_client):
    exact = sample_client.get("/api/places", params={"q": "启东站"}).json()
    broad = sample_client.get("/api/places", params={"q": "启东", "limit": 20}).json()
    by_code = sample_client.get("/api/places", params={"q": "P03"}).json()

    assert exact[0]["code"] == "RAIL-QD" and exact[0]["kind"] == "rail_station"
    assert exact[0]["kind_label"] == "火车站"
    assert exact[0]["lon"] == pytest.approx(STATION[0]) and exact[0]["lat"] == pytest.approx(STATION[1])
    prefixed = [p["name"].startswith("启东") or p["code"].startswith("启东") for p in broad]
    assert prefixed == sorted(prefixed, reverse=True), "every prefix before any substring"
    assert [p["kind"] for p in broad[:3]] == ["park", "park", "park"]
    inner = sample_client.get("/api/places", params={"q": "启东港"}).json()
    assert "PORT-YZ" in [p["code"] for p in inner], "长江启东港区海工码头 holds 启东港"
    assert by_code[0]["code"] == "P03" and by_code[0]["name"] == "启东生命健康科技城"
    x0, y0, x1, y1 = by_code[0]["bbox"]
    assert x0 < by_code[0]["lon"] < x1 and y0 < by_code[0]["lat"] < y1


def test_an_owner_is_found_by_signed_in_readers_only_and_a_project_never(sample_client):
    factory = next(f["properties"] for f in features("factories") if f["properties"]["owner"])
    project = json.loads((SAMPLE / "projects.json").read_text(encoding="utf-8"))[0]
    staff = bearer(sample_client, "investment")

    anonymous = sample_client.get("/api/places", params={"q": factory["owner"]})
    signed_in = sample_client.get("/api/places", params={"q": factory["owner"]}, headers=staff).json()
    secret = sample_client.get("/api/places", params={"q": project["name"]}, headers=staff)
    investor = sample_client.get("/api/places", params={"q": project["investor"]}, headers=staff)

    assert anonymous.status_code == 200 and factory["owner"] not in anonymous.text
    assert [p["kind"] for p in anonymous.json()].count("owner") == 0
    owner = next(p for p in signed_in if p["kind"] == "owner")
    assert owner["name"] == factory["owner"] and owner["detail"] == factory["name"]
    assert owner["code"] == factory["code"]
    assert project["name"] not in secret.text and project["investor"] not in investor.text


def test_a_circle_holds_exactly_the_parcels_whose_box_centre_lies_within_its_radius(sample_client):
    centre, radius = (121.70, 31.78), 3000.0
    names, lon, lat = box_centres()
    metres = metres_from(centre, lon, lat)
    # the circle is a 64-sided polygon: within 0.12 % of its radius, sites are left out of the check
    surely_in = {c for c, m in zip(names, metres, strict=True) if m < radius * 0.998}
    surely_out = {c for c, m in zip(names, metres, strict=True) if m > radius * 1.002}

    found = codes(sample_client, "/api/parcels", circle=f"{centre[0]},{centre[1]},{radius}")

    assert surely_in and surely_in <= found and not found & surely_out


def test_a_drawn_polygon_holds_exactly_the_parcels_whose_box_centre_it_contains(sample_client):
    names, lon, lat = box_centres()
    expected = {c for c, inside in zip(names, shapely.contains_xy(HOOK, lon, lat), strict=True) if inside}
    available = {
        f["properties"]["code"] for f in features("parcels") if f["properties"]["status"] == "available"
    }

    found = codes(sample_client, "/api/parcels", within=json.dumps(shapely.geometry.mapping(HOOK)))
    narrowed = codes(
        sample_client, "/api/parcels", within=json.dumps(shapely.geometry.mapping(HOOK)), status="available"
    )

    assert expected and found == expected
    assert narrowed == expected & available


def test_near_a_place_and_factories_by_their_location(sample_client):
    names, lon, lat = box_centres()
    metres = metres_from(STATION, lon, lat)
    inside = {c for c, m in zip(names, metres, strict=True) if m < 4000 * 0.998}
    outside = {c for c, m in zip(names, metres, strict=True) if m > 4000 * 1.002}
    located = features("factories")
    spots = np.array([f["properties"]["location"] for f in located])
    factory_metres = metres_from(STATION, spots[:, 0], spots[:, 1])
    near_factories = {
        f["properties"]["code"] for f, m in zip(located, factory_metres, strict=True) if m < 4000 * 0.998
    }
    far_factories = {
        f["properties"]["code"] for f, m in zip(located, factory_metres, strict=True) if m > 4000 * 1.002
    }

    found = codes(sample_client, "/api/parcels", near="启东站", km=4)
    by_code = codes(sample_client, "/api/parcels", near="RAIL-QD", km=4)
    factories = codes(sample_client, "/api/factories", near="启东站", km=4)

    assert inside and inside <= found and not found & outside and by_code == found
    assert near_factories <= factories and not factories & far_factories


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"near": "启东", "km": 3}, "对应多个地点"),
        ({"near": "没有这个地方", "km": 3}, "未找到地名"),
        ({"near": "启东站"}, "距离"),
        ({"circle": "31.78,121.70,3000"}, "经纬度颠倒"),
        ({"circle": "121.70,31.78"}, "圆形范围"),
        ({"circle": "121.70,31.78,900000"}, "距离"),
        (
            {
                "within": '{"type":"Polygon","coordinates":[[[121.6,31.7],[121.8,31.9],[121.8,31.7],[121.6,31.9],[121.6,31.7]]]}'
            },
            "多边形无效",
        ),
        ({"within": '{"type":"Point","coordinates":[121.7,31.8]}'}, ""),
        ({"within": "not json"}, "GeoJSON"),
        ({"within": '{"type":"Polygon","coordinates":[[[100,10],[140,10],[140,50],[100,10]]]}'}, ""),
        ({"circle": "121.70,31.78,3000", "near": "启东站", "km": 2}, "一种搜索范围"),
    ],
)
def test_a_bad_area_is_refused_saying_why(sample_client, params, words):
    response = sample_client.get("/api/parcels", params=params)

    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    assert words in response.json()["detail"]


def test_an_ambiguous_place_lists_its_candidates(sample_client):
    body = sample_client.get("/api/factories", params={"near": "吕四港", "km": 2}).json()

    names = [c["name"] for c in body["candidates"]]
    assert len(names) > 1 and all("吕四港" in n for n in names)


NEED = {"industry_code": "39", "land_min_mu": 20, "land_max_mu": 200, "floor_area_min_m2": 2000}


def test_the_match_keeps_sites_in_the_area_and_says_how_far_outside_a_near_miss_lies(sample_client):
    names, lon, lat = box_centres()
    centre = dict(zip(names, zip(lon, lat, strict=True), strict=True))
    located = {f["properties"]["code"]: f["properties"]["location"] for f in features("factories")}

    free = sample_client.post("/api/match", json={**NEED, "limit": 100}).json()
    near = sample_client.post("/api/match", json={**NEED, "limit": 100, "near": "启东站", "km": 6}).json()

    parcels = [c["code"] for c in near["parcels"] if c["kind"] == "parcel"]
    assert parcels and set(parcels) < {c["code"] for c in free["parcels"]}
    assert all(km_from_station(centre[c]) < 6 * 1.002 for c in parcels)
    assert all(km_from_station(located[c["code"]]) < 6 * 1.002 for c in near["factories"])
    assert near["counts"]["parcels"] < free["counts"]["parcels"]
    missed = [
        (c["code"], check)
        for c in near["near_misses"]["parcels"] + near["near_misses"]["factories"]
        for check in c["checks"]
        if check["name"] == "search_area" and check["status"] == "fail"
    ]
    assert missed, "a site outside the area is a near miss"
    for code, check in missed:
        km = km_from_station(centre.get(code) or located[code])
        said = re.fullmatch(r"不在搜索范围内（距启东站 ([\d.]+) 公里，限 6.0 公里）", check["gap"])
        assert said and float(said[1]) == pytest.approx(km, abs=0.06)
        assert check["site"] == pytest.approx(max(km - 6, 0.1), abs=0.06)


def test_the_match_refuses_an_ambiguous_place(sample_client):
    response = sample_client.post("/api/match", json={**NEED, "near": "启东", "km": 5})

    assert response.status_code == 422 and "启东经济开发区" in response.json()["detail"]


def test_a_road_is_a_place_and_near_it_runs_along_its_whole_length(sample_client):
    road = shapely.union_all(
        [shape(f["geometry"]) for f in features("context") if f["properties"]["name"] == "G328国道"]
    )
    names, lon, lat = box_centres()
    # metres from the road, measured here in the county's Gauss-Krüger zone (CGCS2000 / 3-degree, 121°E)
    to_zone = pyproj.Transformer.from_crs(4490, 4549, always_xy=True).transform
    line = shapely.ops.transform(to_zone, road)
    x, y = to_zone(lon, lat)
    metres = shapely.distance(line, shapely.points(x, y))
    inside = {c for c, m in zip(names, metres, strict=True) if m < 1000 * 0.99}
    outside = {c for c, m in zip(names, metres, strict=True) if m > 1000 * 1.01}

    places = sample_client.get("/api/places", params={"q": "G328"}).json()
    found = codes(sample_client, "/api/parcels", near="G328国道", km=1)

    assert [(p["kind"], p["kind_label"], p["name"]) for p in places][:1] == [("road", "道路", "G328国道")]
    assert inside and inside <= found and not found & outside
