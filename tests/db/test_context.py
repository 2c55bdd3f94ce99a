"""The map's context layer on both databases: the sample's features loaded, the features within a
box (checked against the sample file with shapely), the layer maps draw, a replacement through the
gateway (administrators only, nothing written when refused) and the `landstock context load` command."""

from __future__ import annotations

import json

import pytest
import shapely
from shapely.geometry import box, shape
from sqlalchemy import func, select

from gis import context
from gis.access import Principal, Role, operator
from gis.errors import Forbidden, InvalidInput
from gis.gateway import context as context_writes
from gis.io.limits import ImportLimits
from gis.models import ContextFeature
from gis.vocabulary import ContextKind
from harness.paths import SAMPLE
from tests.service.test_cli import landstock

SAMPLE_FILE = SAMPLE / "context.geojson"
LÜSI = (121.58, 32.03, 121.66, 32.08)  # around 吕四港镇, in the county's north


def _sample_features() -> list[dict]:
    return json.loads(SAMPLE_FILE.read_text(encoding="utf-8"))["features"]


def _kinds(db) -> dict[str, int]:
    with db.read() as session:
        rows = session.execute(select(ContextFeature.kind, func.count()).group_by(ContextFeature.kind))
        return dict(rows.all())


def test_the_sample_loads_every_context_feature(sample_db):
    expected: dict[str, int] = {}
    for f in _sample_features():
        expected[f["properties"]["kind"]] = expected.get(f["properties"]["kind"], 0) + 1

    assert _kinds(sample_db) == expected
    assert set(expected) == set(ContextKind)


def test_the_features_within_a_box_are_those_that_meet_it(sample_db):
    wanted = sorted(
        f["properties"]["name"] for f in _sample_features() if shape(f["geometry"]).intersects(box(*LÜSI))
    )

    with sample_db.read() as session:
        found = context.within(session, LÜSI)

    assert sorted(i.name or "" for i in found) == wanted
    assert "通吕运河" in wanted and "圩角河" not in wanted  # the box is a real test
    assert [i.rank for i in found] == sorted(i.rank for i in found)
    assert all(i.geometry.intersects(box(*LÜSI)) for i in found)


def test_the_features_within_a_box_of_some_kinds(sample_db):
    with sample_db.read() as session:
        roads = context.within(session, LÜSI, (ContextKind.ROAD,))

    assert roads and {i.kind for i in roads} == {ContextKind.ROAD}


def test_the_layer_holds_the_context_the_towns_parks_and_infrastructure(sample_db):
    with sample_db.read() as session:
        collection = context.layer(session)

    by_layer: dict[str, set[str]] = {}
    for f in collection["features"]:
        by_layer.setdefault(f["properties"]["layer"], set()).add(f["properties"]["name"])
    assert {"G40沪陕高速", "G328国道"} <= by_layer["road"] and "通启运河" in by_layer["river"]
    assert "汇龙镇" in by_layer["town_name"] and "吕四港经济开发区" in by_layer["park_name"]
    assert by_layer["port"] and by_layer["highway_exit"] and "启东站" in by_layer["rail_station"]
    # simplified for the county view, yet still the county
    county = next(f for f in collection["features"] if f["properties"]["layer"] == "county")
    assert shape(county["geometry"]).area == pytest.approx(
        shape(_sample_features()[0]["geometry"]).area, rel=0.02
    )


def _items() -> list[context.ContextItem]:
    line = shapely.LineString([(121.60, 31.80), (121.70, 31.85)])
    return [context.ContextItem(ContextKind.ROAD, "测试大道", 1, line)]


def test_an_administrator_replaces_the_context(sample_db):
    with sample_db.write() as session:
        written = context_writes.replace(session, _items(), who=operator("tests"))

    assert written == 1 and _kinds(sample_db) == {"road": 1}
    with sample_db.read() as session:
        assert [i.name for i in context.within(session, (121.6, 31.8, 121.7, 31.85))] == ["测试大道"]


@pytest.mark.parametrize("role", [Role.PARK_MANAGER, Role.INVESTMENT, Role.LEADER])
def test_only_an_administrator_replaces_the_context(sample_db, role):
    before = _kinds(sample_db)
    who = Principal(id=0, name="someone", role=role)

    with pytest.raises(Forbidden), sample_db.write() as session:
        context_writes.replace(session, _items(), who=who)

    assert _kinds(sample_db) == before


def _geojson(tmp_path, features):
    path = tmp_path / "context.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def _line(kind, name, rank=None):
    properties = {"kind": kind, "name": name} | ({"rank": rank} if rank is not None else {})
    geometry = {"type": "LineString", "coordinates": [[121.6, 31.8], [121.7, 31.85]]}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def test_a_file_is_read_into_context_features(tmp_path):
    path = _geojson(tmp_path, [_line("road", "人民路", 3), _line("River", "新河")])

    items = context.read_file(path, ImportLimits())

    assert [(i.kind, i.name, i.rank) for i in items] == [
        (ContextKind.ROAD, "人民路", 3),
        (ContextKind.RIVER, "新河", context.DEFAULT_RANK),
    ]


@pytest.mark.parametrize(
    ("feature", "words"),
    [
        (_line("railway", "某线"), "railway"),
        (_line("road", "某路", 12), "12"),
        ({**_line("road", "某路"), "geometry": {"type": "Point", "coordinates": [121.6, 31.8]}}, "第 1 行"),
    ],
)
def test_a_file_that_cannot_be_drawn_is_refused_naming_why(tmp_path, feature, words):
    with pytest.raises(InvalidInput) as refused:
        context.read_file(_geojson(tmp_path, [feature]), ImportLimits())

    assert words in refused.value.message("zh")


def test_a_file_outside_the_region_is_refused(tmp_path):
    far = {**_line("road", "远路"), "geometry": {"type": "LineString", "coordinates": [[10, 50], [11, 51]]}}

    with pytest.raises(InvalidInput) as refused:
        context.read_file(_geojson(tmp_path, [far]), ImportLimits())

    assert "服务区域" in refused.value.message("zh")


def test_the_command_replaces_the_context(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    path = _geojson(tmp_path, [_line("road", "人民路"), _line("coastline", "海岸")])

    ran = landstock("context", "load", str(path), url=url)
    bad = landstock("context", "load", str(_geojson(tmp_path, [_line("rail", "x")])), url=url)

    assert ran.returncode == 0 and "2" in ran.stdout
    assert bad.returncode == 1 and "rail" in bad.stderr + bad.stdout
    db = databases.open_url(url)
    assert _kinds(db) == {"road": 1, "coastline": 1}
