"""Match benchmark: latency of a full match (top 20 explained, near misses, assembly) at scale.

    .venv/bin/python -m bench.match                      # 10^5 parcels, SpatiaLite and PostGIS
    .venv/bin/python -m bench.match --million            # adds 10^6 parcels on PostGIS

Each run builds a fresh database with the sample's parks and towns, the Qidong infrastructure
and N synthetic parcels (data/scale.py), then times `gis.matching.match` for a mix of requests
as the API runs them: industries of each nuisance class and logistics, land needs drawn from the
inventory's own size distribution (so that every request has thousands of candidates), a quarter
of them only reachable by assembling parcels, some limited to a distance from the port, some
insisting on a park. Each result carries the top 20 with explanations and geometry.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
import shapely

from bench.inventory import fresh_database, load
from data.projects import INFRASTRUCTURE
from gis import bulk
from gis.area import M2_PER_MU
from gis.database import Database
from gis.matching import match
from gis.models import Parcel
from gis.need import MatchConfig, Need
from tests.postgis import throwaway_cluster

REQUESTS = 120
INDUSTRIES = ("27", "39", "34", "26", "59", "373")


def add_infrastructure(db: Database) -> None:
    """The Qidong ports, highway exits and stations."""
    with db.write() as session:
        records = [{k: i[k] for k in ("code", "name", "kind")} for i in INFRASTRUCTURE]
        bulk.insert_infrastructure(session, records,
                                   shapely.points([(i["lon"], i["lat"]) for i in INFRASTRUCTURE]))


def area_percentiles(db: Database) -> np.ndarray:
    """Parcel sizes in 亩 at the 5th, 10th, …, 95th percentiles."""
    with db.read() as session:
        sample = [a for (a,) in session.query(Parcel.area_m2).limit(20_000)]
    return np.percentile(np.asarray(sample) / M2_PER_MU, np.arange(5, 100, 5))


def requests(rng: np.random.Generator, sizes: np.ndarray) -> list[Need]:
    """A mix of needs scaled to the inventory's parcels."""
    out = []
    for i in range(REQUESTS):
        low = float(rng.choice(sizes[1:16]))
        if i % 4 == 0:
            low *= 2.5  # bigger than nearly every parcel: assembled sites answer it
        extra: dict[str, Any] = {}
        if i % 5 == 1:
            extra["max_distance_km"] = (("port", 30.0),)
        if i % 7 == 2:
            extra.update(preferred_areas=(f"P0{1 + i % 4}",), insist_on_preferred=True)
        out.append(Need(industry_code=INDUSTRIES[i % len(INDUSTRIES)], land_min_mu=round(low, 1),
                        land_max_mu=round(low * 1.3, 1), **extra))
    return out


def timed(db: Database, needs: list[Need], config: MatchConfig) -> tuple[np.ndarray, dict[str, float]]:
    """Milliseconds per match, and the mean candidates passing, listed and assembled."""
    latencies, passed, listed, assembled = [], [], [], []
    with db.read() as session:
        for need in needs:
            start = time.perf_counter()
            result = match(session, need, config, limit=20)
            latencies.append((time.perf_counter() - start) * 1000)
            passed.append(result.counts.get("parcels", 0))
            listed.append(len(result.parcels))
            assembled.append(sum(c.kind == "assembly" for c in result.parcels))
    return np.asarray(latencies), {"passed": float(np.mean(passed)), "listed": float(np.mean(listed)),
                                   "assembled": float(np.mean(assembled))}


def run(backend: str, n: int, admin: str | None) -> dict[str, float]:
    """One row of the result table."""
    with fresh_database(backend, f"bench_match_{n}", admin) as db:
        load(db, n)
        add_infrastructure(db)
        needs = requests(np.random.default_rng(11), area_percentiles(db))
        config = MatchConfig()
        timed(db, needs[:10], config)  # warm the caches
        ms, mean = timed(db, needs, config)
    return {"p50": float(np.percentile(ms, 50)), "p95": float(np.percentile(ms, 95)),
            "max": float(ms.max()), **mean}


def main() -> None:
    """Run the requested scales on both databases and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="100000", help="comma-separated parcel counts")
    parser.add_argument("--million", action="store_true", help="also 10^6 parcels on PostGIS")
    parser.add_argument("--backends", default="spatialite,postgis")
    args = parser.parse_args()
    plan = [(b, int(n)) for b in args.backends.split(",") for n in args.scales.split(",")]
    if args.million:
        plan.append(("postgis", 1_000_000))
    print("| database | parcels | match p50 / p95 (ms) | max (ms) | passing parcels | listed | assembled |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    with throwaway_cluster() as admin:
        for backend, n in plan:
            r = run(backend, n, admin)
            print(f"| {backend} | {n:,} | {r['p50']:.1f} / {r['p95']:.1f} | {r['max']:.0f} "
                  f"| {r['passed']:.0f} | {r['listed']:.1f} | {r['assembled']:.1f} |", flush=True)


if __name__ == "__main__":
    main()
