"""Match benchmark: latency of a full match (top 20 explained, near misses, assembly) at scale.

    .venv/bin/python -m bench.match                 # 10^5 parcels on both databases, 10^6 on PostGIS
    .venv/bin/python -m bench.match --no-million    # without the 10^6 run (much shorter)

Each run builds a fresh database with the sample's parks and towns, the Qidong infrastructure
and N synthetic parcels (data/scale.py). Their geometry fills the county evenly, so at 10^5 every
parcel is 5-16 亩; the sizes a match checks are given as certificate areas drawn like the
sample's (lognormal, median 24 亩, 3-300 亩), which is what an inventory of real parcels looks
like. It then times `gis.matching.run.match` as the API runs it for the example projects' needs
(data/projects.py, each size jittered by ±20 %), a fifth of them limited to 30 km from a port and
a seventh insisting on their preferred park: top 20 explained with geometry, near misses, and
assembled sites. The infrastructure is loaded before the parcels, so each parcel comes in with
its stored distances (gis/matching/proximity.py); the requests are timed after one pass of requests like them.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import shapely
from sqlalchemy import text

from bench.inventory import fresh_database
from bench.plan import p50_p95, print_table, scale_plan
from data.projects import EXAMPLE_PROJECTS, INFRASTRUCTURE
from data.scale import chunks, synthetic_parcels
from gis import bulk
from gis.area import M2_PER_MU
from gis.database import Database
from gis.matching.need import MatchConfig, Need
from gis.matching.run import match

REQUESTS = 120
LAND_PROJECTS = [p for p in EXAMPLE_PROJECTS if p.get("land_min_mu")]


def load(db: Database, n: int) -> float:
    """Load n synthetic parcels whose certificate areas follow the sample's size mix; seconds."""
    records, geoms = synthetic_parcels(n, seed=n)
    rng = np.random.default_rng(n)
    mu = np.clip(rng.lognormal(np.log(24), 0.85, n), 3, 300)
    for record, size in zip(records, mu, strict=True):
        record["cert_area_m2"] = float(size * M2_PER_MU)
    start = time.perf_counter()
    with db.write() as session:
        for part, part_geoms in chunks(records, geoms, 50_000):
            bulk.insert_parcels(session, part, part_geoms, actor="bench")
    # PostgreSQL: VACUUM too, as autovacuum does a minute after a bulk load; until then the match
    # index's index-only scans read every passing row's heap page to check its visibility
    statement = "VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(statement))
    return time.perf_counter() - start


def add_infrastructure(db: Database) -> None:
    """The Qidong ports, highway exits and stations."""
    with db.write() as session:
        records = [{k: i[k] for k in ("code", "name", "kind")} for i in INFRASTRUCTURE]
        bulk.insert_infrastructure(
            session, records, shapely.points([(i["lon"], i["lat"]) for i in INFRASTRUCTURE])
        )


def requests(rng: np.random.Generator) -> list[Need]:
    """The example projects' land needs, jittered, some with a distance limit or a park."""
    out = []
    for i in range(REQUESTS):
        project = LAND_PROJECTS[i % len(LAND_PROJECTS)]
        scale = float(rng.uniform(0.8, 1.2))
        extra: dict[str, Any] = {}
        if i % 5 == 1:
            extra["max_distance_km"] = (("port", 30.0),)
        if i % 7 == 2:
            extra.update(preferred_areas=tuple(project["preferred_areas"]), insist_on_preferred=True)
        out.append(
            Need(
                industry_code=project["industry_code"],
                nuisance_class=project.get("nuisance_class"),
                land_min_mu=round(project["land_min_mu"] * scale, 1),
                land_max_mu=round(project["land_max_mu"] * scale, 1),
                needs_waterfront=False,
                **extra,
            )
        )
    return out


def timed(
    db: Database,
    needs: list[Need],
    config: MatchConfig,
) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    """Wall and CPU milliseconds per match, and the mean candidates passing, listed and assembled.

    CPU time is this process's: all of the work on SpatiaLite, the Python half on PostGIS. On a
    machine shared with other jobs it shows what the match costs when wall time is inflated."""
    latencies, cpu, passed, listed, assembled = [], [], [], [], []
    with db.read() as session:
        for need in needs:
            start, start_cpu = time.perf_counter(), time.process_time()
            result = match(session, need, config, limit=20)
            latencies.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            passed.append(result.counts.get("parcels", 0))
            listed.append(len(result.parcels))
            assembled.append(sum(c.kind == "assembly" for c in result.parcels))
    means = {
        "passed": float(np.mean(passed)),
        "listed": float(np.mean(listed)),
        "assembled": float(np.mean(assembled)),
    }
    return np.asarray(latencies), np.asarray(cpu), means


COLUMNS = ("match p50 / p95 (ms)", "CPU p50 / p95 (ms)", "passing parcels", "listed", "assembled")


def run(backend: str, n: int, admin: str | None) -> list[str]:
    """One row of the result table."""
    with fresh_database(backend, f"bench_match_{n}", admin) as db:
        add_infrastructure(db)  # first, so that each parcel's distances are measured as it comes in
        load(db, n)
        # the synthetic parcels stand 10-60 m apart: let assemblies bridge 40 m so they are searched
        config = MatchConfig(assembly_gap_m=40.0)
        # a running service has met requests of these forms before: one pass of them, with other
        # sizes, builds each form's statements (the first match of a new form costs tens of ms more)
        timed(db, requests(np.random.default_rng(7)), config)
        ms, cpu, mean = timed(db, requests(np.random.default_rng(11)), config)
    return [
        p50_p95(ms),
        p50_p95(cpu),
        f"{mean['passed']:.0f}",
        f"{mean['listed']:.1f}",
        f"{mean['assembled']:.1f}",
    ]


def main() -> None:
    """Run the requested scales on both databases and print a Markdown table."""
    print_table(scale_plan(__doc__, "100000"), COLUMNS, run)


if __name__ == "__main__":
    main()
