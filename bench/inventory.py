"""Inventory benchmark: load time, bbox and attribute query latency on both databases.

    make bench                     # 10^3 and 10^5 parcels on both databases, 10^6 on PostGIS
    python -m bench.inventory --no-million     # without the 10^6 run (a few minutes less)

Each run builds a fresh database (a SpatiaLite file, or a database in a throwaway PostGIS
cluster), loads the sample's parks and towns and N synthetic parcels (data/scale.py) through the
same bulk path as imports, then times 200 bbox pages (random 1 km² windows, up to 500 features,
GeoJSON included) and 200 attribute + area filters (a page of 100), as the API runs them.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from sqlalchemy import text

from bench.plan import p50_p95, print_table, scale_plan
from data.scale import chunks, synthetic_parcels
from gis import bulk, inventory, migrate
from gis.database import Database, make_engine
from gis.inventory import ParcelQuery
from gis.reference import sync_reference
from gis.sample import load_areas
from harness.paths import REFERENCE, SAMPLE
from harness.postgis import admin_execute, database_url

QUERIES = 200
PARKS = ("P01", "P02", "P03", "P04", None)
KM_LAT, KM_LON = 1 / 110.9, 1 / 94.6  # one kilometre in degrees at 31.8°N


@contextlib.contextmanager
def fresh_database(backend: str, name: str, admin: str | None) -> Iterator[Database]:
    """A migrated database with the reference tables and the sample's areas."""
    with tempfile.TemporaryDirectory() as folder:
        if backend == "spatialite":
            url = f"sqlite:///{Path(folder) / (name + '.sqlite')}"
        else:
            if admin is None:
                raise RuntimeError("PostGIS benchmarks need a server")
            admin_execute(admin, f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
            url = database_url(admin, name)
        db = Database(make_engine(url))
        migrate.upgrade(db.engine)
        with db.write() as session:
            sync_reference(session, REFERENCE)
            load_areas(session, SAMPLE)
        try:
            yield db
        finally:
            db.dispose()


def load(db: Database, n: int) -> float:
    """Seconds to load n synthetic parcels (generation excluded), statistics refreshed."""
    records, geoms = synthetic_parcels(n, seed=n)
    start = time.perf_counter()
    with db.write() as session:
        for part, part_geoms in chunks(records, geoms, 50_000):
            bulk.insert_parcels(session, part, part_geoms, actor="bench")
    with db.engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    return time.perf_counter() - start


def timed(db: Database, queries: list[ParcelQuery]) -> tuple[np.ndarray, float]:
    """Latency of each query in milliseconds, and the mean number of features returned."""
    latencies, returned = [], []
    with db.read() as session:
        for q in queries:
            start = time.perf_counter()
            page = inventory.list_parcels(session, q)
            latencies.append((time.perf_counter() - start) * 1000)
            returned.append(len(page.rows))
    return np.asarray(latencies), float(np.mean(returned))


def workloads(rng: np.random.Generator) -> tuple[list[ParcelQuery], list[ParcelQuery]]:
    """Random 1 km² windows over the mainland, and random attribute + area filters."""
    lon = rng.uniform(121.50, 121.90, QUERIES)
    lat = rng.uniform(31.70, 32.05, QUERIES)
    windows = [
        ParcelQuery(bbox=(x, y, x + KM_LON, y + KM_LAT), limit=500) for x, y in zip(lon, lat, strict=True)
    ]
    filters = []
    for _ in range(QUERIES):
        low = float(rng.uniform(0.5, 20))
        land_use = str(rng.choice(["1001", "100102", "1101"]))
        park = PARKS[int(rng.integers(len(PARKS)))]
        filters.append(
            ParcelQuery(
                status=("available",), land_use=(land_use,), min_mu=low, max_mu=low + 30, park=park, limit=100
            )
        )
    return windows, filters


COLUMNS = ("load (s)", "bbox p50 / p95 (ms)", "features per bbox page", "filter p50 / p95 (ms)")


def run(backend: str, n: int, admin: str | None) -> list[str]:
    """One row of the result table."""
    with fresh_database(backend, f"bench_{n}", admin) as db:
        seconds = load(db, n)
        windows, filters = workloads(np.random.default_rng(7))
        timed(db, windows[:20])  # warm the caches
        bbox_ms, per_page = timed(db, windows)
        filter_ms, _ = timed(db, filters)
    return [f"{seconds:.1f}", p50_p95(bbox_ms), f"{per_page:.0f}", p50_p95(filter_ms)]


def main() -> None:
    """Run the requested scales on both databases and print a Markdown table."""
    print_table(scale_plan(__doc__, "1000,100000"), COLUMNS, run)


if __name__ == "__main__":
    main()
