"""Import and export benchmark: 10^5 parcels from a GeoPackage into each database, and back out.

    make bench-import                                  # 100,000 parcels, SpatiaLite and PostGIS
    .venv/bin/python -m bench.import_export --parcels 20000 --backends spatialite

A synthetic survey (data/scale.py) is written to a GeoPackage in EPSG:4550 (CGCS2000 3-degree
Gauss-Krüger, central meridian 123°E, in metres, as surveys arrive), so the import does all of its
work: read through Arrow, infer nothing (the CRS is declared), reproject to EPSG:4490, validate
and repair, measure areas on the ellipsoid, find each parcel's park and town, check codes and
statuses, and write in one transaction. Each import and export runs in a child process of its
own, which reports its peak memory (maxrss) and its CPU time: all of the work on SpatiaLite, the
Python side on PostGIS. On a machine shared with other jobs, CPU time shows what the work costs
when the wall time is inflated.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import geopandas as gpd

from bench.inventory import fresh_database
from data.scale import synthetic_parcels
from gis.access import operator
from gis.crs import GK3_CM123, reproject
from gis.database import Database, make_engine
from gis.io import exporter
from gis.io.importer import ImportOptions, import_file
from gis.io.limits import ImportLimits
from harness.postgis import throwaway_cluster

IMPORT_BUDGET_S, EXPORT_BUDGET_S, MEMORY_BUDGET_MB = 60, 20, 1536


def survey(n: int, path: Path) -> None:
    """A survey GeoPackage of n parcels in Gauss-Krüger metres, statuses a new record may have."""
    records, geoms = synthetic_parcels(n, seed=n)
    for record in records:
        if record["status"] == "reserved":  # a reservation needs a project in the database
            record["status"] = "available"
        record["remarks"] = "普查"  # the reason an unavailable parcel needs
    frame = gpd.GeoDataFrame(records, geometry=reproject(geoms, 4490, GK3_CM123), crs=GK3_CM123)
    frame.to_file(path, driver="GPKG", layer="parcels")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _import(url: str, path: str, n: int, out: Any) -> None:
    db = Database(make_engine(url))
    start, start_cpu = time.perf_counter(), time.process_time()
    report = import_file(
        db,
        Path(path),
        ImportOptions("parcels", who=operator("bench"), limits=ImportLimits(max_features=2 * n)),
    )
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    db.dispose()
    out.put(
        {
            "seconds": seconds,
            "cpu": cpu,
            "peak_mb": _peak_mb(),
            "written": report.written,
            "inserted": report.counts()["inserted"],
            "crs": report.crs,
        }
    )


def _export(url: str, path: str, out: Any) -> None:
    db = Database(make_engine(url))
    start, start_cpu = time.perf_counter(), time.process_time()
    with db.read() as session:
        count = exporter.write(session, "parcels", "gpkg", Path(path))
    out.put(
        {
            "seconds": time.perf_counter() - start,
            "cpu": time.process_time() - start_cpu,
            "peak_mb": _peak_mb(),
            "count": count,
        }
    )


def child(target: Any, *args: Any) -> dict[str, Any]:
    """Run `target` in a fresh process (spawned: nothing inherited) and return what it reports."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result: dict[str, Any] = queue.get()
    process.join()
    return result


def run(backend: str, n: int, admin: str | None, folder: Path) -> dict[str, Any]:
    """Import then export n parcels on one database."""
    source, target = folder / f"survey_{n}.gpkg", folder / f"export_{backend}_{n}.gpkg"
    if not source.exists():
        survey(n, source)
    with fresh_database(backend, f"bench_import_{n}", admin) as db:
        url = db.engine.url.render_as_string(hide_password=False)
        imported = child(_import, url, str(source), n)
        exported = child(_export, url, str(target))
    if not imported["written"] or imported["inserted"] != n or exported["count"] != n:
        raise RuntimeError(f"benchmark import did not load {n} parcels: {imported} {exported}")
    return {"import": imported, "export": exported}


def main() -> None:
    """Run on the requested databases and print a Markdown table with the budgets."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--backends", default="spatialite,postgis")
    args = parser.parse_args()
    print(
        f"| database | parcels | import (s) ≤ {IMPORT_BUDGET_S} | import CPU (s) "
        f"| import peak memory (MB) ≤ {MEMORY_BUDGET_MB} "
        f"| export to GeoPackage (s) ≤ {EXPORT_BUDGET_S} | export CPU (s) | export peak memory (MB) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="landstock-bench-") as tmp, throwaway_cluster() as admin:
        for backend in args.backends.split(","):
            r = run(backend, args.parcels, admin, Path(tmp))
            i, e = r["import"], r["export"]
            print(
                f"| {backend} | {args.parcels:,} | {i['seconds']:.1f} | {i['cpu']:.1f} "
                f"| {i['peak_mb']:.0f} | {e['seconds']:.1f} | {e['cpu']:.1f} | {e['peak_mb']:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
