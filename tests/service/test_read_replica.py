"""Reads on a streaming replica (LANDSTOCK_DATABASE_READ_URL, gis/replica.py): a real primary and
a real hot standby made with pg_basebackup. Which database answered is told by the data: replay
is paused on the standby and the primary is changed behind its back, so an answer from the
standby is the state before the change."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from gis.database import Database, make_engine
from harness.live import settings_for
from harness.postgis import Cluster, running_cluster, streaming_replica
from service.main import create_app
from service.replica_routing import COOKIE, HEADER
from service.settings import DatabaseSettings
from tests.conftest import _prepare, bearer

CODE = "KFQ-001"


@dataclass
class Pair:
    primary: Cluster
    replica: Cluster
    primary_url: str
    replica_url: str

    def sql(self, cluster: Cluster, statement: str) -> object:
        dsn = f"host=127.0.0.1 port={cluster.port} user=postgres dbname=landstock"
        with psycopg.connect(dsn, autocommit=True) as conn:
            cursor = conn.execute(statement)
            row = cursor.fetchone() if cursor.description else None
            return row[0] if row else None

    def rename(self, name: str) -> None:
        """Change the parcel on the primary directly, as another writer would."""
        self.sql(self.primary, f"UPDATE parcels SET name = '{name}' WHERE code = '{CODE}'")

    def caught_up(self) -> None:
        """Wait until the standby has replayed everything the primary has written."""
        target = self.sql(self.primary, "SELECT CAST(pg_current_wal_insert_lsn() AS text)")
        deadline = time.monotonic() + 30
        while not self.sql(self.replica, f"SELECT pg_last_wal_replay_lsn() >= CAST('{target}' AS pg_lsn)"):
            assert time.monotonic() < deadline, "the standby did not catch up"
            time.sleep(0.05)

    def app(self, **settings: object) -> TestClient:
        base = settings_for(self.primary_url, warm_tiles=False)
        database = DatabaseSettings(url=self.primary_url, read_url=self.replica_url, **settings)
        return TestClient(create_app(base.__class__(database=database, app=base.app)))


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    """A primary with the sample, and its streaming standby."""
    with running_cluster(in_memory=True) as primary:
        admin = psycopg.connect(f"host=127.0.0.1 port={primary.port} user=postgres", autocommit=True)
        admin.execute("CREATE DATABASE landstock")
        admin.close()
        url = primary.url.rsplit("/", 1)[0] + "/landstock"
        _prepare(url, sample=True)
        with streaming_replica(primary, in_memory=True) as replica:
            found = Pair(primary, replica, url, replica.url.rsplit("/", 1)[0] + "/landstock")
            found.caught_up()
            yield found


@pytest.fixture
def paused(pair: Pair) -> Iterator[Pair]:
    """The standby receives the primary's log but does not replay it, until the test ends."""
    pair.caught_up()
    pair.sql(pair.replica, "SELECT pg_wal_replay_pause()")
    try:
        yield pair
    finally:
        pair.sql(pair.replica, "SELECT pg_wal_replay_resume()")
        pair.caught_up()


def name_of(client: TestClient, **headers: str) -> str:
    return str(client.get(f"/api/parcels/{CODE}", headers=headers).json()["properties"]["name"])


def test_reads_that_may_be_a_moment_old_are_answered_by_the_replica(paused: Pair):
    with paused.app(read_max_lag_s=3600) as client:
        before = name_of(client)
        need = {"industry_code": "27", "land_min_mu": 5, "land_max_mu": 500, "assemble": False}
        offered = client.post("/api/match", json=need).json()["parcels"]
        paused.rename("主库已改名")
        # and nothing is available any more, on the primary
        paused.sql(paused.primary, "UPDATE parcels SET status = 'unavailable' WHERE status = 'available'")
        listed = client.get("/api/parcels", params={"q": CODE}).json()["features"]
        items = client.get("/ogc/collections/parcels/items", params={"limit": 1000}).json()["features"]
        matched = client.post("/api/match", json=need)
        assert HEADER not in matched.headers and COOKIE not in client.cookies  # a match writes nothing

        assert name_of(client) == before
        assert [f["properties"]["name"] for f in listed if f["properties"]["code"] == CODE] == [before]
        assert [f["properties"]["name"] for f in items if f["id"] == CODE] == [before]
        assert matched.status_code == 200 and len(offered) > 0
        assert [c["code"] for c in matched.json()["parcels"]] == [c["code"] for c in offered]


def test_a_client_reads_its_own_write_while_others_read_the_replica(paused: Pair):
    with paused.app(read_max_lag_s=3600) as writer, paused.app(read_max_lag_s=3600) as other:
        headers = bearer(writer, "admin")
        before = name_of(other)
        etag = writer.get(f"/api/parcels/{CODE}").headers["etag"]

        written = writer.patch(
            f"/api/parcels/{CODE}",
            json={"properties": {"name": "刚写入的名称"}},
            headers={**headers, "If-Match": etag},
        )

        assert written.status_code == 200
        position = written.headers[HEADER]
        assert writer.cookies.get(COOKIE) == position
        assert name_of(writer) == "刚写入的名称"  # the cookie: the replica has not replayed it
        assert name_of(other) == before  # no write of its own: the replica, a moment behind
        # an API client without cookies names its write with the header
        assert name_of(other, **{HEADER: position}) == "刚写入的名称"
        refused = writer.patch(f"/api/parcels/{CODE}", json={"properties": {"name": "x"}}, headers=headers)
        assert refused.status_code == 428 and HEADER not in refused.headers


def test_the_writer_reads_the_replica_again_once_it_has_replayed_the_write(pair: Pair):
    with pair.app(read_max_lag_s=3600) as writer:
        headers = bearer(writer, "admin")
        now = str(pair.sql(pair.primary, "SELECT CAST(pg_current_wal_insert_lsn() AS text)"))
        etag = writer.get(f"/api/parcels/{CODE}", headers={HEADER: now}).headers["etag"]
        written = writer.patch(
            f"/api/parcels/{CODE}",
            json={"properties": {"name": "已复制的名称"}},
            headers={**headers, "If-Match": etag},
        )
        assert written.status_code == 200, written.text
        pair.caught_up()
        pair.sql(pair.replica, "SELECT pg_wal_replay_pause()")
        try:
            pair.rename("暂停后主库改名")
            # replayed past the writer's position: the replica answers, the later rename unseen
            assert name_of(writer) == "已复制的名称"
        finally:
            pair.sql(pair.replica, "SELECT pg_wal_replay_resume()")
            pair.caught_up()


def test_a_replica_too_far_behind_is_not_read(paused: Pair):
    with paused.app(read_max_lag_s=0.5) as client:
        paused.rename("落后时主库改名")
        time.sleep(1.0)  # replay stays paused: the standby is more than 0.5 s behind

        assert name_of(client) == "落后时主库改名"


def test_reads_fall_back_to_the_primary_when_the_replica_is_down(pair: Pair):
    with pair.app(read_max_lag_s=3600) as client:
        pair.replica.stop("immediate")
        try:
            pair.rename("备库停机时改名")
            answers = [client.get(f"/api/parcels/{CODE}") for _ in range(3)]
            tile = client.get("/tiles/parcels/11/1716/829.pbf")
            health = client.get("/healthz")
        finally:
            pair.replica.start()
            pair.caught_up()

        assert [a.status_code for a in answers] == [200, 200, 200]
        assert {a.json()["properties"]["name"] for a in answers} == {"备库停机时改名"}
        assert tile.status_code == 200 and health.status_code == 200


@pytest.mark.parametrize("backend", ["spatialite", "postgis"])
def test_a_replica_needs_postgresql_on_both_sides(backend, databases):
    primary = databases.url(backend)
    with pytest.raises(ValidationError, match="LANDSTOCK_DATABASE_"):
        DatabaseSettings(url=primary, read_url="sqlite:///replica.sqlite")
    db = Database(make_engine(primary))
    try:
        with db.read_replica(after="0/16B3748") as session:  # no replica: the primary answers
            assert session.get_bind().url.render_as_string() == make_engine(primary).url.render_as_string()
    finally:
        db.dispose()
