"""`landstock backup` and `landstock restore` on both databases, backups taken under writes.

A writer thread commits numbered writes while the backup runs; each write adds a parcel and its
status event and changes another parcel, in one transaction. A consistent snapshot holds writes
1..k for one k, nothing of k+1: the restored database must equal a fresh copy of the sample
with writes 1..k replayed, row for row (a SHA-256 over every table).
"""

import contextlib
import datetime as dt
import hashlib
import threading
import time

import pytest
import shapely
from fastapi.testclient import TestClient
from geoalchemy2 import Geometry
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import DBAPIError

from gis import backup
from gis.database import Database, make_engine
from gis.errors import BackupFailed
from gis.models import Base, Parcel, StatusEvent
from gis.spatial import from_wkb
from service.main import create_app
from tests.conftest import settings_for
from tests.service.test_cli import landstock

BASE_TIME = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def write(session, i):
    """Write number i: parcel BK-i, its first status event, and a change to parcel KFQ-001."""
    at, code = BASE_TIME + dt.timedelta(minutes=i), f"BK-{i:05d}"
    x, y = 121.60 + (i % 100) * 0.001, 31.95 + (i // 100) * 0.001
    square = shapely.MultiPolygon([shapely.box(x, y, x + 0.0005, y + 0.0005)])
    session.execute(
        insert(Parcel.__table__).values(geom=from_wkb("wkb")),
        {
            "code": code,
            "wkb": shapely.to_wkb(square),
            "area_m2": 2500.0 + i,
            "land_use": "100102",
            "status": "available",
            "created_at": at,
            "updated_at": at,
            "updated_by": "writer",
        },
    )
    parcel_id = session.scalar(select(Parcel.id).where(Parcel.code == code))
    session.add(StatusEvent(parcel_id=parcel_id, at=at, actor="writer", to_status="available"))
    session.execute(
        update(Parcel).where(Parcel.code == "KFQ-001").values(remarks=f"write {i}", updated_at=at)
    )
    session.flush()


def replay(db, writes):
    """The writes, in one transaction: the state they leave does not depend on how they were committed."""
    with db.write() as session:
        for i in writes:
            write(session, i)


def digest(db):
    """Rows per table, and a SHA-256 of every row of every table (geometry as WKB) in key order."""
    sha, counts = hashlib.sha256(), {}
    with db.read() as session:
        for table in Base.metadata.sorted_tables:
            columns = [func.ST_AsBinary(c) if isinstance(c.type, Geometry) else c for c in table.c]
            rows = session.execute(select(*columns).order_by(*table.primary_key.columns)).all()
            counts[table.name] = len(rows)
            for row in rows:
                sha.update(repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)).encode())
    return counts, sha.hexdigest()


def written(db):
    with db.read() as session:
        return sorted(session.scalars(select(Parcel.code).where(Parcel.code.like("BK-%"))))


class Writer(threading.Thread):
    """Commits write 1, 2, 3, … until stopped; `begun` and `committed` bound what a snapshot holds."""

    def __init__(self, db):
        super().__init__(daemon=True)
        self.db, self.begun, self.committed, self.error = db, 0, 0, None
        self.halt = threading.Event()

    def run(self):
        try:
            while not self.halt.is_set():
                self.begun += 1
                with self.db.write() as session:  # one transaction per write
                    write(session, self.begun)
                self.committed = self.begun
                self.halt.wait(0.01)  # pacing, so that the replay stays short
        except Exception as exc:
            self.error = exc

    def wait_for(self, n):
        deadline = time.monotonic() + 60
        while self.committed < n and self.error is None and time.monotonic() < deadline:
            time.sleep(0.01)


def test_a_backup_taken_under_concurrent_writes_restores_a_consistent_snapshot(databases, backend, tmp_path):
    live_url, file = databases.url(backend, sample=True), tmp_path / "landstock.backup"
    live = Database(make_engine(live_url))
    writer = Writer(live)
    writer.start()
    writer.wait_for(3)

    low = writer.committed
    made = landstock("backup", str(file), url=live_url)
    high = writer.begun
    writer.halt.set()
    writer.join()
    live.dispose()
    target_url = databases.blank_url(backend)
    restored = landstock("restore", str(file), url=target_url)

    assert writer.error is None and made.returncode == 0, made.stderr
    assert restored.returncode == 0, restored.stderr
    target = databases.open_url(target_url)
    k = len(written(target))
    assert 3 <= low <= k <= high
    assert written(target) == [f"BK-{i:05d}" for i in range(1, k + 1)]
    expected = databases.open(backend, sample=True)
    replay(expected, range(1, k + 1))
    counts, sha = digest(target)
    assert counts["parcels"] == 556 + k
    assert (counts, sha) == digest(expected)


def test_restore_replaces_a_database_in_use_only_when_asked(databases, backend, tmp_path):
    url, file = databases.url(backend, sample=True), tmp_path / "before.backup"
    db = databases.open_url(url)
    before = digest(db)
    backup.backup(db, file)
    replay(db, (1, 2))

    with TestClient(create_app(settings_for(url))) as client:
        assert client.get("/api/parcels/BK-00001").status_code == 200
        with pytest.raises(BackupFailed) as refused:
            backup.restore(db, file)
        assert backup.restore(db, file, replace=True) == (556, 101)

        assert "--replace" in refused.value.message("en")
        assert client.get("/api/parcels/BK-00001").status_code == 404
        assert client.get("/api/parcels", params={"limit": 1}).json()["numberMatched"] == 556
    assert digest(db) == before


def test_restore_is_not_held_up_by_a_session_left_inside_a_transaction(databases, backend, tmp_path):
    """A session that read the tables and stayed in its transaction (a tile warmer, a long
    export) holds locks `pg_restore --clean` must take: the restore ends it instead of waiting
    for it, or deadlocking with it."""
    url, file = databases.url(backend, sample=True), tmp_path / "before.backup"
    db = databases.open_url(url)
    before = digest(db)
    backup.backup(db, file)
    replay(db, (1,))
    holder = Database(make_engine(url))
    idle = holder.engine.connect()
    idle.begin()
    assert idle.scalar(select(func.count()).select_from(StatusEvent)) > 0
    done = {}
    restoring = threading.Thread(
        target=lambda: done.update(counts=backup.restore(db, file, replace=True)), daemon=True
    )
    restoring.start()
    restoring.join(timeout=60)
    waited = restoring.is_alive()
    if waited:  # release the restore so that the test ends, then fail
        idle.rollback()
        restoring.join()
    with contextlib.suppress(DBAPIError):
        idle.rollback()
    idle.close()
    holder.dispose()

    assert not waited, "the restore waited on a session left in its transaction"
    assert done["counts"] == (556, 101) and digest(db) == before


def test_backup_refuses_to_overwrite_and_restore_refuses_what_is_not_a_backup(databases, backend, tmp_path):
    db, file = databases.open(backend, sample=True), tmp_path / "exists.backup"
    file.write_text("not a backup")
    blank = databases.open_url(databases.blank_url(backend))

    with pytest.raises(BackupFailed) as kept:
        backup.backup(db, file)
    with pytest.raises(BackupFailed) as refused:
        backup.restore(blank, file)

    assert "--force" in kept.value.message("en") and file.read_text() == "not a backup"
    assert "not a usable backup" in refused.value.message("en")
    assert backup.backup(db, file, force=True) > 0 and backup.restore(blank, file) == (556, 101)
