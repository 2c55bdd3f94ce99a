"""Real GIS clients read the OGC API of a running server: GDAL (ogrinfo, ogr2ogr) and OWSLib.

The server runs uvicorn in a thread on a free localhost port, on each database, over the Qidong
sample with one parcel and one factory soft-deleted, which no client may see.
"""

import datetime as dt
import os
import re
import subprocess

import pyogrio
import pytest
from owslib.ogcapi.features import Features
from sqlalchemy import select, update

from gis import inventory
from gis.models import Area, Factory, Parcel
from harness.live import serve
from service.main import create_app
from tests.conftest import BACKENDS, settings_for

DELETED = {"parcels": "KFQ-002", "factories": "CF-KFQ-002"}
WINDOW = (121.68, 31.76, 121.75, 31.81)


def gdal(*args):
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "GDAL_HTTP_TIMEOUT": "60"}
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def database_codes(db):
    with db.read() as session:
        return {
            "parcels": set(session.scalars(select(Parcel.code).where(Parcel.deleted_at.is_(None)))),
            "factories": set(session.scalars(select(Factory.code).where(Factory.deleted_at.is_(None)))),
            "areas": set(session.scalars(select(Area.code))),
        }


@pytest.fixture(scope="module", params=BACKENDS)
def served(request, databases):
    """(landing page URL, the database, its codes per collection) of a live server."""
    db = databases.open(str(request.param), sample=True)
    with db.write() as session:
        now = dt.datetime.now(dt.UTC)
        session.execute(update(Parcel).where(Parcel.code == DELETED["parcels"]).values(deleted_at=now))
        session.execute(update(Factory).where(Factory.code == DELETED["factories"]).values(deleted_at=now))
    url = db.engine.url.render_as_string(hide_password=False)
    with serve(create_app(settings_for(url))) as base:
        yield f"{base}/ogc", db, database_codes(db)


def test_ogrinfo_finds_every_collection_with_the_database_counts(served):
    landing, _, codes = served

    summary = gdal("ogrinfo", "-ro", "-so", "-al", f"OAPIF:{landing}")

    counts = dict(re.findall(r"Layer name: (\w+).*?Feature Count: (\d+)", summary, flags=re.S))
    assert {name: int(n) for name, n in counts.items()} == {name: len(c) for name, c in codes.items()}
    assert len(codes["parcels"]) == 555 and len(codes["factories"]) == 100


def test_ogr2ogr_copies_every_feature_following_the_next_links(served, tmp_path):
    landing, _, codes = served
    copy = tmp_path / "inventory.gpkg"

    gdal("ogr2ogr", "-f", "GPKG", str(copy), f"OAPIF:{landing}")

    for name, expected in codes.items():
        table = pyogrio.read_dataframe(copy, layer=name, columns=["code"], read_geometry=False)
        assert len(table) == len(expected) and set(table["code"]) == expected, name
    assert DELETED["parcels"] not in set(
        pyogrio.read_dataframe(copy, layer="parcels", read_geometry=False)["code"]
    )


def test_ogr2ogr_copies_a_bbox_of_parcels_to_a_geopackage(served, tmp_path):
    landing, db, _ = served
    with db.read() as session:
        in_window = inventory.list_parcels(session, inventory.ParcelQuery(bbox=WINDOW, limit=1000))
        available = inventory.list_parcels(session, inventory.ParcelQuery(bbox=WINDOW, status=("available",)))
    copy, subset = tmp_path / "window.gpkg", tmp_path / "available.gpkg"

    gdal("ogr2ogr", "-f", "GPKG", str(copy), f"OAPIF:{landing}", "parcels", "-spat", *map(str, WINDOW))
    gdal(
        "ogr2ogr",
        "-f",
        "GPKG",
        str(subset),
        f"OAPIF:{landing}",
        "parcels",
        "-spat",
        *map(str, WINDOW),
        "-where",
        "status = 'available'",
    )

    info = pyogrio.read_info(copy, layer="parcels")
    assert 0 < in_window.matched < 555
    assert info["features"] == in_window.matched and info["geometry_type"] == "MultiPolygon"
    assert set(pyogrio.read_dataframe(copy, columns=["code"], read_geometry=False)["code"]) == {
        r["code"] for r in in_window.rows
    }
    assert 0 < pyogrio.read_info(subset)["features"] == available.matched < in_window.matched


def test_owslib_reads_every_collection_page_by_page(served):
    landing, _, codes = served
    api = Features(landing)

    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in api.conformance()["conformsTo"]
    assert api.feature_collections() == ["parcels", "factories", "areas"]
    for name, expected in codes.items():
        seen, offset = [], 0
        while True:
            page = api.collection_items(name, limit=100, offset=offset)
            assert page["numberMatched"] == len(expected)
            seen += [f["id"] for f in page["features"]]
            offset += 100
            if offset >= page["numberMatched"]:
                break
        assert len(seen) == len(set(seen)) and set(seen) == expected, name
    assert api.collection_item("parcels", "KFQ-001")["properties"]["park_code"] == "P01"
    assert set(api.collection_queryables("parcels")["properties"]) >= {"status", "park_code", "land_use"}
    filtered = api.collection_items("parcels", bbox=list(WINDOW), status="available", limit=1000)
    assert filtered["numberMatched"] == len(filtered["features"]) > 0
