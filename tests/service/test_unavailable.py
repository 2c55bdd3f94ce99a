"""A database that is down or locked: 503 problem+json with Retry-After, and recovery without restart.

PostGIS is stopped and started again (a cluster of the test's own); SpatiaLite is locked by
another connection. The service keeps the same app instance throughout.
"""

import contextlib
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import sqlean
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from gis import accounts, migrate
from gis.database import Database, make_engine
from harness.postgis import admin_execute, database_url, running_cluster
from service.main import create_app
from service.settings import AppSettings, DatabaseSettings, Settings
from tests.conftest import BACKENDS, OPERATOR, TEST_PASSWORD, settings_for
from tests.service.test_cli import landstock

PROBLEM = "application/problem+json"
READS = ("/healthz", "/api/parcels?limit=1", "/ogc/collections/parcels/items?limit=1")
BUSY_MS = 300


def app_for(url):
    """The app with a short busy timeout."""
    return create_app(
        Settings(
            database=DatabaseSettings(url=url, busy_timeout_ms=BUSY_MS), app=AppSettings(environment="test")
        )
    )


def admin_headers(url):
    db = Database(make_engine(url))
    with db.write() as session:
        user = accounts.create_user(session, OPERATOR, "outage_admin", "admin", TEST_PASSWORD)
        token = accounts.issue_token(session, OPERATOR, user, "test", None)
    db.dispose()
    return {"Authorization": f"Bearer {token}"}


def touch(client, headers):
    """PATCH a parcel through the API, as a park manager's edit would."""
    etag = client.get("/api/parcels/KFQ-001").headers["etag"]
    return client.patch(
        "/api/parcels/KFQ-001",
        json={"properties": {"remarks": "touched"}},
        headers={**headers, "If-Match": etag},
    )


def assert_unavailable(response):
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM and response.headers["retry-after"] == "5"
    body = response.json()
    assert body["status"] == 503 and "5 秒后重试" in body["detail"]
    assert "127.0.0.1" not in body["detail"]  # the driver's reason stays in the log


def assert_serving(client):
    for path in READS:
        assert client.get(path).status_code == 200, path


@contextlib.contextmanager
def write_lock(url, *, mode="EXCLUSIVE", tables=("parcels",)):
    """Another connection holding the lock a writer needs, until the block ends."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        holder = sqlean.connect(parsed.database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    else:
        holder = psycopg.connect(parsed.set(drivername="postgresql").render_as_string(hide_password=False))
        holder.execute(f"LOCK TABLE {', '.join(tables)} IN {mode} MODE")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b == "postgis"])
# `backend` only selects the test where PostGIS runs (and names it)
def test_postgis_stopped_answers_503_and_the_same_app_recovers_when_it_starts(backend):  # noqa: ARG001
    with running_cluster() as cluster:
        admin_execute(cluster.url, "CREATE DATABASE outage")
        url = database_url(cluster.url, "outage")
        db = Database(make_engine(url))
        migrate.upgrade(db.engine)
        db.dispose()
        with TestClient(app_for(url)) as client:
            assert_serving(client)

            cluster.stop()
            for path in READS:
                assert_unavailable(client.get(path))
            with TestClient(app_for(url)) as started_while_down:
                assert_unavailable(started_while_down.get("/healthz"))
                cluster.start()
                assert_serving(started_while_down)

            assert_serving(client)


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b == "spatialite"])
def test_spatialite_locked_exclusively_answers_503_and_recovers_when_released(backend, databases):
    url = databases.url(backend, sample=True)
    headers = admin_headers(url)
    holder = sqlean.connect(make_url(url).database, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")  # as a maintenance tool may: readers wait too
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE parcels SET remarks = 'maintenance' WHERE code = 'KFQ-001'")
    holder.execute("COMMIT")  # the exclusive lock outlives the transaction in this mode

    with TestClient(app_for(url)) as client:
        for path in READS:
            assert_unavailable(client.get(path))
        holder.close()

        assert_serving(client)
        item = client.get("/ogc/collections/parcels/items/KFQ-001", headers=headers)
        assert item.json()["properties"]["remarks"] == "maintenance"


def test_a_write_waiting_for_another_writer_answers_503_then_succeeds(databases, backend):
    url = databases.url(backend, sample=True)
    headers = admin_headers(url)

    with TestClient(app_for(url)) as client:
        with write_lock(url):
            assert_unavailable(touch(client, headers))
            assert_serving(client)  # readers are not held up by a writer
        done = touch(client, headers)

    assert done.status_code == 200 and done.json()["properties"]["remarks"] == "touched"


def test_the_cli_reports_a_locked_database_in_one_line(databases, backend):
    url = databases.url(backend, sample=True)

    with write_lock(url, mode="ACCESS EXCLUSIVE", tables=("industries",)):
        locked = landstock("db", "upgrade", url=url, LANDSTOCK_DATABASE_BUSY_TIMEOUT_MS=str(BUSY_MS))

    assert locked.returncode == 1 and "数据库暂时不可用" in locked.stderr
    assert "Traceback" not in locked.stderr and len(locked.stderr.strip().splitlines()) <= 2


def backends_waiting_on(conn, statement_start):
    """How many backends of this database wait for a lock in a statement beginning so."""
    row = conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND query ILIKE %s",
        (statement_start + "%",),
    ).fetchone()
    return row[0] if row else 0


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b == "postgis"])
def test_a_deadlock_in_a_request_answers_503_and_the_next_try_succeeds(databases, backend, caplog):
    url = databases.url(backend, sample=True)
    headers = admin_headers(url)
    # The request's backend looks for the cycle after 2 s, the other one never: the request is
    # the one PostgreSQL cancels, whatever the machine's load
    name = make_url(url).database
    admin_execute(url.replace(f"/{name}", "/postgres"), f"ALTER DATABASE {name} SET deadlock_timeout = '2s'")
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

    with (
        TestClient(create_app(settings_for(url))) as client,
        psycopg.connect(dsn) as other,
        psycopg.connect(dsn, autocommit=True) as monitor,
        ThreadPoolExecutor(1) as pool,
    ):
        other.execute("SET deadlock_timeout = '10min'")
        other.execute("LOCK TABLE record_changes IN SHARE MODE")  # the request's history must wait
        etag = client.get("/api/parcels/KFQ-001").headers["etag"]
        request = pool.submit(
            client.patch,
            "/api/parcels/KFQ-001",
            headers={**headers, "If-Match": etag},
            json={"properties": {"remarks": "deadlocked"}},
        )
        while not backends_waiting_on(monitor, "INSERT INTO record_changes") and not request.done():
            time.sleep(0.01)
        # The request holds KFQ-001's row and waits for record_changes; this waits for the row
        other.execute("UPDATE parcels SET remarks = 'the other writer' WHERE code = 'KFQ-001'")
        answer = request.result()
        other.rollback()
        retried = client.patch(
            "/api/parcels/KFQ-001",
            headers={**headers, "If-Match": etag},
            json={"properties": {"remarks": "deadlocked"}},
        )

    assert_unavailable(answer)
    assert "deadlock detected" in caplog.text
    assert retried.status_code == 200, retried.text
