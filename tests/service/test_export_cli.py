"""`landstock export --layer areas` as a user runs it: every park and town, or a readable refusal."""

import geopandas as gpd

from gis.inventory import list_areas
from tests.service.test_cli import landstock


def test_export_areas_writes_every_park_and_town(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    target = tmp_path / "areas.gpkg"

    done = landstock("export", "--layer", "areas", "--format", "gpkg", "-o", str(target), url=url)

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

    refused = landstock(
        "export",
        "--layer",
        "areas",
        "--format",
        "csv",
        "-o",
        str(target),
        "--park",
        "P01",
        "--q",
        "港",
        url=url,
    )

    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    last = refused.stderr.strip().splitlines()[-1]
    assert "--park" in last and "--q" in last and "园区和镇" in last
    assert not target.exists()
