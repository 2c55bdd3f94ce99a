"""What the inventory and match benchmarks are asked to run: each scale on each database, then
10^6 parcels on PostGIS unless `--no-million`."""

from __future__ import annotations

import argparse


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
