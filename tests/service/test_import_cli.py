"""`landstock import` and `landstock export` as a user runs them, and an import killed midway."""

import hashlib
import os
import shlex
import signal
import subprocess
import sys
import time

import geopandas as gpd
from sqlalchemy import text

from data.scale import synthetic_parcels
from gis import accounts
from gis.database import Database, make_engine
from tests.conftest import OPERATOR
from tests.corpus import collection, parcel, write_json
from tests.service.test_cli import landstock

TABLES = ("parcels", "factories", "areas", "status_events", "projects")


def content_hash(url):
    """A hash of every row of the inventory's tables, in a stable order."""
    db = Database(make_engine(url))
    digest = hashlib.sha256()
    with db.read() as session:
        for table in TABLES:
            geometry = {
                "parcels": "ST_AsBinary(geom)",
                "areas": "ST_AsBinary(geom)",
                "factories": "ST_AsBinary(location)",
            }.get(table, "NULL")
            for row in session.execute(text(f"SELECT *, {geometry} AS g FROM {table} ORDER BY id")):
                digest.update(repr([bytes(v) if isinstance(v, memoryview) else v for v in row]).encode())
    db.dispose()
    return digest.hexdigest()


def test_import_prints_the_report_and_refuses_with_exit_1(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    good = write_json(tmp_path / "good.geojson", collection(parcel(0, code="CLI-1")))
    bad = write_json(tmp_path / "bad.geojson", collection(parcel(0, code="CLI-2"), parcel(1, code="CLI-2")))

    refused = landstock("import", str(bad), "--layer", "parcels", url=url)
    dry = landstock("import", str(good), "--layer", "parcels", "--dry-run", url=url)
    every_row = shlex.split("--layer parcels --user 王科长 --every-row --report")
    done = landstock("import", str(good), *every_row, str(tmp_path / "report.json"), url=url)

    assert refused.returncode == 1 and "CLI-2" in refused.stdout and "拒绝" in refused.stdout
    assert "编号“CLI-2”在第 1, 2 行重复出现" in refused.stdout and "Traceback" not in refused.stderr
    assert dry.returncode == 0 and "试运行" in dry.stdout and "新增 1" in dry.stdout
    assert done.returncode == 0, done.stderr
    assert "CLI-1" in done.stdout and "已写入数据库" in done.stdout and "写入数据库 …" in done.stderr
    assert '"inserted": 1' in (tmp_path / "report.json").read_text(encoding="utf-8")


def test_hostile_files_exit_1_with_one_line(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    (tmp_path / "x.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")

    done = landstock(
        "import", str(tmp_path / "x.csv"), "--layer", "parcels", url=url, LANDSTOCK_LANGUAGE="en"
    )

    assert done.returncode == 1 and "not a readable table" in done.stderr.strip().splitlines()[-1]
    assert "Traceback" not in done.stderr and done.stderr.count("error") == 1


def big_file(tmp_path, n=20_000):
    records, geoms = synthetic_parcels(n, seed=3)
    for record in records:  # reservations would need projects: a survey of available land
        record["status"] = "available"
    path = tmp_path / "big.gpkg"
    gpd.GeoDataFrame(records, geometry=geoms, crs="EPSG:4490").to_file(path, driver="GPKG")
    return path


def test_an_import_killed_midway_leaves_the_database_exactly_as_it_was(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    path = big_file(tmp_path)
    before = content_hash(url)
    environment = {**os.environ, "LANDSTOCK_DATABASE_URL": url, "NO_COLOR": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "import", str(path), "--layer", "parcels"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=environment,
        text=True,
    )

    for line in process.stderr:  # wait until it is writing, then give it a moment to be midway
        if "写入数据库" in line:
            break
    time.sleep(0.5)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)

    assert process.returncode == -signal.SIGKILL
    assert content_hash(url) == before
    again = landstock("import", str(path), "--layer", "parcels", url=url)
    assert again.returncode == 0 and content_hash(url) != before


def test_user_naming_an_account_applies_its_role_and_scope(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    db = Database(make_engine(url))
    with db.write() as session:
        accounts.create_user(
            session, OPERATOR, "p02_manager", "park_manager", "correct-horse-battery", areas=["P02"]
        )
        accounts.create_user(session, OPERATOR, "leader", "leader", "correct-horse-battery")
    db.dispose()
    path = write_json(tmp_path / "p01.geojson", collection(parcel(0, code="SCOPE-1")))

    manager = landstock("import", str(path), "--layer", "parcels", "--user", "p02_manager", url=url)
    leader = landstock("import", str(path), "--layer", "parcels", "--user", "leader", url=url)

    assert manager.returncode == 1 and "不在您负责的园区或镇内" in manager.stdout
    assert leader.returncode == 1 and "Traceback" not in leader.stderr and "错误" in leader.stderr
