"""`landstock export` as a user runs it: parcels filtered, every park and town, or a readable refusal."""

from pathlib import Path

import geopandas as gpd

from gis.inventory import list_areas
from tests.service.test_cli import Ran, landstock


def export(url: str, layer: str, fmt: str, target: Path, *options: str) -> Ran:
    """`landstock export` of `layer` as `fmt` to `target`, with the filter options given."""
    return landstock("export", "--layer", layer, "--format", fmt, "-o", str(target), *options, url=url)


def test_export_with_filters(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    target = tmp_path / "p01.gpkg"

    done = export(url, "parcels", "gpkg", target, "--park", "P01", "--status", "available")

    frame = gpd.read_file(target)
    assert done.returncode == 0, done.stderr
    assert f"已导出 {len(frame)} 条记录" in done.stdout and len(frame) > 0
    assert set(frame["park_code"]) == {"P01"} and set(frame["status"]) == {"available"}


def test_export_areas_writes_every_park_and_town(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    target = tmp_path / "areas.gpkg"

    done = export(url, "areas", "gpkg", target)

    assert done.returncode == 0, done.stderr
    frame = gpd.read_file(target)
    with databases.open_url(url).read() as session:
        codes = {a["code"] for a in list_areas(session)}
    assert set(frame["code"]) == codes and len(frame) == len(codes)
    assert set(frame.geom_type) == {"MultiPolygon"} and frame.crs.to_epsg() == 4490
    assert {"name", "kind", "parent_code", "area_mu"} <= set(frame.columns)


def test_export_areas_with_a_list_filter_says_which_options_to_leave_out(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    target = tmp_path / "areas.csv"

    refused = export(url, "areas", "csv", target, "--park", "P01", "--q", "港")

    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    last = refused.stderr.strip().splitlines()[-1]
    assert "--park" in last and "--q" in last and "园区和镇" in last
    assert not target.exists()
