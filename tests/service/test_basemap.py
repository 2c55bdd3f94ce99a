"""/basemap: a local MBTiles package made by the test, served by Landstock on both databases —
Content-Type, the TMS row flip, gzip vector tiles, missing tiles, ETags — and bad settings refused
at start with one readable message."""

from __future__ import annotations

import dataclasses
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import mapbox_vector_tile
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from pydantic import ValidationError

from service.main import create_app
from service.settings import MapSettings
from tests.conftest import BACKENDS, Databases, settings_for
from tests.tile_packages import colour_of, raster_package, vector_package


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("packages")
    return {
        "raster": raster_package(folder / "raster.mbtiles", skip=(3, 6, 6)),
        "vector": vector_package(folder / "vector.mbtiles"),
    }


def _client(url: str, package: Path | None) -> TestClient:
    settings = dataclasses.replace(settings_for(url), map=MapSettings(basemap_tiles=package))
    return TestClient(create_app(settings))


@pytest.fixture(scope="module", params=BACKENDS)
def clients(
    request: pytest.FixtureRequest, databases: Databases, packages: dict[str, Path]
) -> Iterator[dict]:
    url = databases.url(str(request.param))
    made = {name: _client(url, packages.get(name)) for name in ("raster", "vector", "none")}
    for client in made.values():
        client.__enter__()
    yield made
    for client in made.values():
        client.__exit__(None, None, None)


@pytest.mark.parametrize(("z", "x", "y"), [(0, 0, 0), (1, 0, 0), (1, 1, 0), (3, 2, 5), (3, 7, 0)])
def test_raster_tiles_are_served_as_png_in_xyz_rows(clients, z, x, y):
    response = clients["raster"].get(f"/basemap/{z}/{x}/{y}")

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    # the colour names the XYZ address the tile was made for: the TMS row was flipped back
    assert Image.open(io.BytesIO(response.content)).getpixel((128, 128)) == colour_of(z, x, y)


def test_a_tile_has_an_etag_and_a_cache_lifetime(clients):
    first = clients["raster"].get("/basemap/2/1/1")
    again = clients["raster"].get("/basemap/2/1/1", headers={"If-None-Match": first.headers["etag"]})

    assert "max-age=" in first.headers["cache-control"] and first.headers["etag"].startswith('"')
    assert again.status_code == 304 and again.content == b""


def test_a_tile_the_package_lacks_inside_its_zooms_is_empty(clients):
    response = clients["raster"].get("/basemap/3/6/6")

    assert response.status_code == 204 and response.content == b""


@pytest.mark.parametrize("path", ["/basemap/4/0/0", "/basemap/2/4/0", "/basemap/2/0/9"])
def test_a_tile_outside_the_package_is_a_problem(clients, path):
    response = clients["raster"].get(path)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "底图" in response.json()["detail"]


def test_vector_tiles_keep_their_gzip_and_say_so(clients):
    response = clients["vector"].get("/basemap/0/0/0")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    assert response.headers["content-encoding"] == "gzip"
    # httpx undid the gzip, as a browser does
    assert "water" in mapbox_vector_tile.decode(response.content)


def test_metadata_names_the_package(clients):
    raster = clients["raster"].get("/basemap/metadata").json()
    vector = clients["vector"].get("/basemap/metadata").json()

    assert raster == {
        "name": "测试底图",
        "format": "png",
        "vector": False,
        "min_zoom": 0,
        "max_zoom": 3,
        "bounds": [-180.0, -85.05, 180.0, 85.05],
        "attribution": "测试市规划局",
        "tiles": "/basemap/{z}/{x}/{y}",
    }
    assert vector["format"] == "pbf" and vector["vector"] is True and vector["bounds"] is None


def test_without_a_package_there_is_no_basemap_to_serve(clients):
    assert clients["none"].get("/basemap/metadata").status_code == 404
    assert clients["none"].get("/basemap/0/0/0").status_code == 404


def _bad_file(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.mbtiles"
    if kind == "text":
        path.write_text("not a database", encoding="utf-8")
    elif kind == "format":
        raster_package(path, max_zoom=0)
        with sqlite3.connect(path) as db:
            db.execute("UPDATE metadata SET value = 'tiff' WHERE name = 'format'")
    return path


@pytest.mark.parametrize(
    ("kind", "words"),
    [("missing", "文件不存在"), ("text", "不是 MBTiles"), ("format", "tiff")],
)
def test_a_bad_package_is_refused_at_start_with_one_message(tmp_path, monkeypatch, kind, words):
    monkeypatch.setenv("LANDSTOCK_BASEMAP_TILES", str(_bad_file(tmp_path, kind)))

    with pytest.raises(ValidationError) as refused:
        MapSettings()

    assert len(refused.value.errors()) == 1
    assert "LANDSTOCK_BASEMAP_TILES" in str(refused.value) and words in str(refused.value)


def test_the_setting_is_read_from_the_environment(tmp_path, monkeypatch):
    path = raster_package(tmp_path / "city.mbtiles", max_zoom=0)
    monkeypatch.setenv("LANDSTOCK_BASEMAP_TILES", str(path))

    package = MapSettings().package()

    assert package is not None and package.name == "测试底图" and package.max_zoom == 0
