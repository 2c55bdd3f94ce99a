"""Load benchmark: many clients at once against `landstock serve --workers N` on the demo.

    .venv/bin/python -m bench.load                              # SpatiaLite and PostGIS, one worker per core
    .venv/bin/python -m bench.load --backends spatialite --workers 1 --seconds 30
    .venv/bin/python -m bench.load --url http://127.0.0.1:8000   # a server that is already running

For each database it loads the Qidong sample into a fresh database, starts the server as a
production site would (`landstock serve`, its own processes) and lets `--clients` clients (50)
ask, each as soon as its last answer came, for `--seconds` (60): 10 % inventory pages (the map
page and record pages), 50 % vector tiles at z12-z15 over the county, 20 % bbox lists of the API,
12 % OGC API items pages, 8 % matches. It prints requests per second, errors, and p50/p95/p99 in
milliseconds for each kind. The clients run in this process (asyncio), beside the server: on a
small machine they take a share of its cores, as a load generator beside a real server would.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

from harness.live import free_port
from harness.postgis import admin_execute, database_url, throwaway_cluster

MIX = (("page", 10), ("tile", 50), ("list", 20), ("ogc", 12), ("match", 8))
LIST_KM = (1.1, 1.3)  # a bbox the size of a park's map view


@dataclass
class County:
    """What the clients ask about: the sample's extent and some of its records."""

    bbox: tuple[float, float, float, float]
    parcels: list[str]
    factories: list[str]


@dataclass
class Tally:
    """Each kind's latencies (ms) and errors."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The Web Mercator tile holding a point."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def request_for(kind: str, county: County, rng: random.Random) -> tuple[str, str, dict[str, object] | None]:
    """Method, path and JSON body of one request of `kind`."""
    west, south, east, north = county.bbox
    lon, lat = rng.uniform(west, east), rng.uniform(south, north)
    if kind == "page":
        if rng.random() < 0.3:
            return "GET", "/", None
        if rng.random() < 0.7:
            return "GET", f"/parcels/{rng.choice(county.parcels)}", None
        return "GET", f"/factories/{rng.choice(county.factories)}", None
    if kind == "tile":
        z = rng.randint(12, 15)
        x, y = tile_of(lon, lat, z)
        layer = "parcels" if rng.random() < 0.7 else "factories"
        return "GET", f"/tiles/{layer}/{z}/{x}/{y}.pbf", None
    dlon = LIST_KM[0] / (111.32 * math.cos(math.radians(lat)))
    dlat = LIST_KM[1] / 110.57
    box = f"{lon - dlon / 2:.5f},{lat - dlat / 2:.5f},{lon + dlon / 2:.5f},{lat + dlat / 2:.5f}"
    if kind == "list":
        return "GET", f"/api/parcels?bbox={box}&limit=100", None
    if kind == "ogc":
        return "GET", f"/ogc/collections/parcels/items?bbox={box}&limit=100", None
    low = rng.choice((5, 10, 20, 30, 50, 80))
    industry = rng.choice(("27", "34", "35", "38", "39"))
    return (
        "POST",
        "/api/match",
        {"industry_code": industry, "land_min_mu": low, "land_max_mu": low * rng.uniform(1.5, 3)},
    )


async def client(base: str, county: County, until: float, tally: Tally, seed: int) -> None:
    """One client: ask, wait for the answer, ask again, until `until`."""
    rng = random.Random(seed)
    kinds, weights = zip(*MIX, strict=True)
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        while time.monotonic() < until:
            kind = rng.choices(kinds, weights)[0]
            method, path, body = request_for(kind, county, rng)
            start = time.perf_counter()
            try:
                answer = await http.request(method, path, json=body)
                failed = answer.status_code >= 400
            except httpx.HTTPError:
                failed = True
            if failed:
                tally.errors[kind] += 1
            else:
                tally.latencies[kind].append((time.perf_counter() - start) * 1000)


def survey(base: str) -> County:
    """The county's extent and codes, read from the server itself."""
    with httpx.Client(base_url=base, timeout=60) as http:
        parcels = http.get("/api/parcels", params={"limit": 1000}).json()["features"]
        factories = http.get("/api/factories", params={"limit": 1000}).json()["features"]
    points = np.array(
        [c for f in parcels for ring in _rings(f["geometry"]) for c in ring],
        dtype=float,
    )
    west, south = points.min(axis=0)
    east, north = points.max(axis=0)
    return County(
        (float(west), float(south), float(east), float(north)),
        [f["properties"]["code"] for f in parcels],
        [f["properties"]["code"] for f in factories],
    )


def _rings(geometry: dict[str, object]) -> list[list[list[float]]]:
    coordinates = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        return list(coordinates)  # type: ignore[call-overload]
    return [ring for polygon in coordinates for ring in polygon]  # type: ignore[attr-defined]


def run_load(base: str, clients: int, seconds: float) -> tuple[Tally, float]:
    """Let the clients ask for `seconds`; the tally and the time it took."""
    county, tally = survey(base), Tally()
    until = time.monotonic() + seconds
    start = time.perf_counter()

    async def everyone() -> None:
        await asyncio.gather(*(client(base, county, until, tally, seed) for seed in range(clients)))

    asyncio.run(everyone())
    return tally, time.perf_counter() - start


def report(title: str, tally: Tally, elapsed: float) -> None:
    """Print throughput, errors and percentiles per kind."""
    done = sum(len(v) for v in tally.latencies.values())
    errors = sum(tally.errors.values())
    print(
        f"\n{title}: {done / elapsed:.0f} requests/s over {elapsed:.0f} s, {done} answered, {errors} errors"
    )
    print(f"{'kind':<8}{'count':>8}{'errors':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
    for kind, _ in MIX:
        values = np.asarray(tally.latencies.get(kind, []), dtype=float)
        if len(values):
            p50, p95, p99 = np.percentile(values, [50, 95, 99])
        else:
            p50 = p95 = p99 = float("nan")
        print(f"{kind:<8}{len(values):>8}{tally.errors.get(kind, 0):>8}{p50:>10.0f}{p95:>10.0f}{p99:>10.0f}")


def wait_until_up(base: str, path: str, process: subprocess.Popen[bytes]) -> None:
    """Wait until `process` answers 200 at `path` (five minutes: a busy machine imports slowly)."""
    deadline = time.monotonic() + 300
    while True:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base + path, timeout=10).status_code == 200:
                return
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(f"{base} did not start")
        time.sleep(0.3)


@contextlib.contextmanager
def demo_server(url: str, workers: int) -> Iterator[str]:
    """`landstock demo` into `url`, then `landstock serve --workers`; the base URL."""
    env = {**os.environ, "LANDSTOCK_DATABASE_URL": url, "LANDSTOCK_ENVIRONMENT": "development"}
    cli = [sys.executable, "-m", "service.cli"]
    subprocess.run([*cli, "demo"], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, "/healthz", server)
        time.sleep(5)  # the county view's tiles, drawn at start-up
        yield base
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backends", default="spatialite,postgis")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--url", help="load a server that is already running instead")
    args = parser.parse_args()
    if args.url:
        tally, elapsed = run_load(args.url, args.clients, args.seconds)
        report(args.url, tally, elapsed)
        return
    for backend in args.backends.split(","):
        title = f"{backend}, {args.workers} workers, {args.clients} clients"
        if backend == "spatialite":
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{Path(folder) / 'load.sqlite'}"
                with demo_server(url, args.workers) as base:
                    tally, elapsed = run_load(base, args.clients, args.seconds)
        else:
            with throwaway_cluster() as admin:
                admin_execute(admin, "CREATE DATABASE load")
                with demo_server(database_url(admin, "load"), args.workers) as base:
                    tally, elapsed = run_load(base, args.clients, args.seconds)
        report(title, tally, elapsed)


if __name__ == "__main__":
    main()
