"""The sensitive receptors layer and protection distances (卫生防护距离) through the command line and
the API, on the Qidong sample, on both databases: receptors imported from GeoJSON and CSV by
administrators only, bad rows refused with readable reasons and nothing written, the template, and
a pharmaceutical match that names the receptor too near a site and draws its ring."""

import json

import pandas as pd
from shapely.geometry import shape
from sqlalchemy import func, select

from gis.models import Receptor
from service.match_schemas import MatchOut
from tests.corpus import LAT, LON, collection, feature, square, write_json
from tests.service.test_cli import landstock

VILLAGE = feature(square(0, 0.003), 编号="VT-1", 名称="试点村", 类型="村庄")
SCHOOL = feature(
    {"type": "Point", "coordinates": [LON + 0.01, LAT]}, 编号="VT-2", 名称="试点小学", 类型="学校"
)


def stored(db, prefix):
    with db.read() as session:
        rows = session.execute(
            select(Receptor.code, Receptor.name, Receptor.kind).where(Receptor.code.like(f"{prefix}%"))
        )
        return sorted(tuple(r) for r in rows)


def count(db):
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Receptor))


def test_the_command_line_imports_receptors_from_geojson_and_csv(sample_app, tmp_path):
    geojson = write_json(tmp_path / "receptors.geojson", collection(VILLAGE, SCHOOL))
    table = tmp_path / "receptors.csv"
    table.write_text(
        "编号,名称,类型,经度,纬度\nVC-1,东港医院,医院,121.71,31.79\nVC-2,夕阳红敬老院,敬老院,121.72,31.79\n",
        encoding="utf-8",
    )

    first = landstock("import", str(geojson), "--layer", "receptors", url=sample_app.url)
    second = landstock("import", str(table), "--layer", "receptors", url=sample_app.url)

    assert first.returncode == 0, first.stdout + first.stderr
    assert second.returncode == 0, second.stdout + second.stderr
    assert stored(sample_app.db, "VT-") == [("VT-1", "试点村", "village"), ("VT-2", "试点小学", "school")]
    assert stored(sample_app.db, "VC-") == [
        ("VC-1", "东港医院", "hospital"),
        ("VC-2", "夕阳红敬老院", "elderly_care"),
    ]


def test_a_bad_row_is_refused_with_its_reason_and_nothing_is_written(sample_app, tmp_path):
    before = count(sample_app.db)
    table = tmp_path / "bad.csv"
    table.write_text(
        "编号,名称,类型,经度,纬度\nVB-1,好村,村庄,121.71,31.79\nVB-2,化工厂,工厂,121.72,31.79\nVB-3,,学校,121.73,31.79\n",
        encoding="utf-8",
    )

    refused = landstock("import", str(table), "--layer", "receptors", url=sample_app.url)

    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "工厂" in refused.stdout and "名称" in refused.stdout
    assert count(sample_app.db) == before


def test_the_api_imports_receptors_for_administrators_only(sample_app):
    body = json.dumps(collection(VILLAGE), ensure_ascii=False).encode()
    upload = {"file": ("receptors.geojson", body)}

    park_manager = sample_app.client.post(
        "/api/imports",
        data={"layer": "receptors"},
        files=upload,
        headers=sample_app.headers("park_manager", "P01"),
    )
    admin = sample_app.client.post(
        "/api/imports", data={"layer": "receptors"}, files=upload, headers=sample_app.headers("admin")
    )
    bad = sample_app.client.post(
        "/api/imports",
        data={"layer": "receptors"},
        files={
            "file": (
                "r.geojson",
                json.dumps(collection(feature(square(1), 编号="VX", 名称="某村", 类型="工厂"))).encode(),
            )
        },
        headers=sample_app.headers("admin"),
    )

    assert (
        park_manager.status_code == 403 and park_manager.headers["content-type"] == "application/problem+json"
    )
    assert admin.status_code == 200 and admin.json()["written"] is True
    assert bad.status_code == 422 and stored(sample_app.db, "VX") == []
    assert stored(sample_app.db, "VT-") == [("VT-1", "试点村", "village")]


def test_the_template_and_no_export(sample_app, tmp_path):
    made = landstock("import", "--template", "receptors", "-o", str(tmp_path / "t.xlsx"), url=sample_app.url)
    export = landstock(
        "export",
        "--layer",
        "receptors",
        "--format",
        "geojson",
        "-o",
        str(tmp_path / "r.geojson"),
        url=sample_app.url,
    )

    assert made.returncode == 0, made.stdout + made.stderr
    header = list(pd.read_excel(tmp_path / "t.xlsx").columns)
    assert header[:3] == ["编号", "名称", "类型"]
    assert export.returncode == 1 and "敏感目标图层不提供导出" in export.stdout + export.stderr


def test_a_pharmaceutical_match_names_the_receptor_and_rings_the_site(sample_app):
    answer = sample_app.client.post(
        "/api/match",
        json={"industry_code": "27", "land_min_mu": 20, "land_max_mu": 60},
        headers=sample_app.headers("investment"),
    )

    assert answer.status_code == 200
    result = MatchOut.model_validate(answer.json())
    assert any("卫生防护距离 ≥ 500 m" in note for note in result.notes)
    near = [c for c in result.near_misses.parcels if c.protection]
    assert near, "the sample puts villages a few hundred metres from park parcels"
    site = near[0]
    assert site.protection.required_m == 500 and site.protection.receptor.distance_m < 500
    assert any(g.startswith("卫生防护距离不足：距" + site.protection.receptor.name) for g in site.gaps)
    ring = shape(site.protection.ring)
    assert ring.geom_type == "LineString" and ring.convex_hull.contains(shape(site.geometry).centroid)
    assert all(not c.protection for c in result.parcels)
    assert all(k.status == "pass" for c in result.parcels for k in c.checks if k.name == "protection")
