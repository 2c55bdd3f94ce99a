"""What the inventory and match benchmarks are asked to run (each scale on each database, then
10^6 parcels on PostGIS unless `--no-million`) and the Markdown table they print, a row a run."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

import numpy as np

from harness.postgis import throwaway_cluster

# One run of a benchmark: (database, parcel count, the throwaway cluster's admin URL) -> its cells
Run = Callable[[str, int, str | None], Sequence[str]]


def scale_plan(doc: str | None, default_scales: str) -> list[tuple[str, int]]:
    """The (database, parcel count) runs the command line asks for, in order."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default=default_scales, help="comma-separated parcel counts")
    parser.add_argument(
        "--no-million", dest="million", action="store_false", help="skip the 10^6-parcel run on PostGIS"
    )
    parser.add_argument("--backends", default="spatialite,postgis")
    args = parser.parse_args()
    plan = [(b, int(n)) for b in args.backends.split(",") for n in args.scales.split(",")]
    if args.million:
        plan.append(("postgis", 1_000_000))
    return plan


def p50_p95(values: Sequence[float] | np.ndarray) -> str:
    """A table cell: the median and the 95th percentile, in the values' unit."""
    return f"{float(np.percentile(values, 50)):.1f} / {float(np.percentile(values, 95)):.1f}"


def print_table(plan: list[tuple[str, int]], columns: Sequence[str], run: Run) -> None:
    """Run each planned (database, parcel count) in one throwaway PostGIS cluster, a row each."""
    print("| " + " | ".join(("database", "parcels", *columns)) + " |")
    print("|---|" + "---:|" * (len(columns) + 1))
    with throwaway_cluster() as admin:
        for backend, n in plan:
            print("| " + " | ".join((backend, f"{n:,}", *run(backend, n, admin))) + " |", flush=True)
