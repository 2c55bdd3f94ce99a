"""Landstock beside tipg: OGC API items pages and vector tiles, same database, same requests.

    .venv/bin/python -m bench.ogc                          # 10^6 parcels, a throwaway cluster
    .venv/bin/python -m bench.ogc --parcels 100000 --pages 100 --tiles 60
    .venv/bin/python -m bench.ogc --keep /var/tmp/landstock-bench   # the cluster kept there between runs

tipg (developmentseed's OGC Features and Tiles server for PostGIS) is installed at the versions
of bench/tipg-requirements.txt into a virtual environment of its own (`--tipg-venv`, by default
.bench/tipg), never into the project's. One PostGIS database holds N synthetic parcels
(data/scale.py, loaded as the inventory benchmark loads them, then VACUUM ANALYZE); both servers
serve it, one process each, as `landstock serve --workers 1` and uvicorn with tipg's app.

Items: `--pages` random bbox pages of 1.1 km x 1.3 km (limit 500), each asked of both servers,
the order alternating, Landstock's /ogc/collections/parcels/items against tipg's
/collections/public.parcels/items. Tiles: `--tiles` distinct random tiles at z12-z15 over the
mainland, each asked once of each server, alternating (a warm cache is not the measure), Landstock's
/tiles/parcels/{z}/{x}/{y}.pbf against tipg's /collections/public.parcels/tiles/WebMercatorQuad/
{z}/{x}/{y}. It prints p50/p95 of each, the ratios (tipg / Landstock: above 1 is Landstock faster)
and the sizes of the answers. Run it on an idle machine: the clients share its cores.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import text

from bench.load import tile_of, wait_until_up
from data.scale import chunks, synthetic_parcels
from gis import bulk, migrate
from gis.database import Database, make_engine
from gis.reference import sync_reference
from gis.sample import load_areas
from harness.live import free_port
from harness.paths import REFERENCE, SAMPLE
from harness.postgis import admin_execute, database_url, shared_cluster, throwaway_cluster

ROOT = Path(__file__).resolve().parent.parent
TIPG_REQUIREMENTS = Path(__file__).with_name("tipg-requirements.txt")
PAGE_KM = (1.1, 1.3)  # the window of the measurement: ~430 features a page at 10^6
PAGE_LIMIT = 500
MAINLAND = (121.50, 31.70, 121.90, 32.05)  # where the synthetic parcels lie, most of them


@dataclass
class Timings:
    """Milliseconds and bytes of each server's answers."""

    ms: dict[str, list[float]] = field(default_factory=lambda: {"landstock": [], "tipg": []})
    size: dict[str, list[int]] = field(default_factory=lambda: {"landstock": [], "tipg": []})


def tipg_python(venv: Path) -> Path:
    """tipg's interpreter, its virtual environment made first if it is missing or out of date."""
    python, stamp = venv / "bin" / "python", venv / "installed.txt"
    wanted = TIPG_REQUIREMENTS.read_text()
    if not python.exists() or not stamp.exists() or stamp.read_text() != wanted:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "-r", str(TIPG_REQUIREMENTS)], check=True
        )
        stamp.write_text(wanted)
    return python


def database_ready(url: str, n: int) -> bool:
    """Whether `url` already holds the benchmark's n parcels (a kept cluster, a second run)."""
    db = Database(make_engine(url))
    try:
        with db.engine.connect() as conn:
            return conn.scalar(text("SELECT count(*) FROM parcels")) == n
    except Exception:  # noqa: BLE001 (no such database or table yet: build it)
        return False
    finally:
        db.dispose()


def build(admin: str, name: str, n: int) -> str:
    """A migrated database with the sample's areas and n synthetic parcels; its URL."""
    url = database_url(admin, name)
    if database_ready(url, n):
        print(f"reusing database {name} ({n:,} parcels)", flush=True)
        db = Database(make_engine(url))
        migrate.upgrade(db.engine)  # the code may have moved on since it was built
        db.dispose()
        return url
    admin_execute(admin, f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
    db = Database(make_engine(url))
    start = time.perf_counter()
    migrate.upgrade(db.engine)
    with db.write() as session:
        sync_reference(session, REFERENCE)
        load_areas(session, SAMPLE)
    records, geoms = synthetic_parcels(n, seed=n)
    with db.write() as session:
        for part, part_geoms in chunks(records, geoms, 50_000):
            bulk.insert_parcels(session, part, part_geoms, actor="bench")
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    db.dispose()
    print(f"loaded {n:,} parcels in {time.perf_counter() - start:.0f} s", flush=True)
    return url


@contextlib.contextmanager
def server(command: list[str], env: dict[str, str], base: str, ready: str) -> Iterator[str]:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(base, ready, process)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def landstock(url: str) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "LANDSTOCK_DATABASE_URL": url,
        "LANDSTOCK_ENVIRONMENT": "development",
        "LANDSTOCK_PUBLIC_READ": "inventory",
        "LANDSTOCK_WARM_TILES": "false",
    }
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", "1"]
    with server(command, env, f"http://127.0.0.1:{port}", "/healthz") as base:
        yield base


@contextlib.contextmanager
def tipg(python: Path, url: str) -> Iterator[str]:
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": url.replace("postgresql+psycopg://", "postgresql://"),
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_DB_TABLES": '["public.parcels"]',
        "TIPG_MAX_FEATURES_PER_QUERY": str(PAGE_LIMIT),
    }
    command = [str(python), "-m", "uvicorn", "tipg.main:app", "--port", str(port), "--log-level", "warning"]
    with server(command, env, f"http://127.0.0.1:{port}", "/collections") as base:
        yield base


def page_windows(rng: np.random.Generator, count: int) -> list[str]:
    """Random 1.1 km x 1.3 km windows over the mainland, as bbox parameters."""
    west, south, east, north = MAINLAND
    out = []
    for lon, lat in zip(rng.uniform(west, east, count), rng.uniform(south, north, count), strict=True):
        dlon = PAGE_KM[0] / (111.32 * math.cos(math.radians(lat)))
        dlat = PAGE_KM[1] / 110.57
        out.append(f"{lon:.5f},{lat:.5f},{lon + dlon:.5f},{lat + dlat:.5f}")
    return out


def distinct_tiles(rng: np.random.Generator, count: int) -> list[tuple[int, int, int]]:
    """`count` different tiles at z12-z15 holding a random point of the mainland."""
    west, south, east, north = MAINLAND
    found: dict[tuple[int, int, int], None] = {}
    while len(found) < count:
        z = int(rng.integers(12, 16))
        x, y = tile_of(float(rng.uniform(west, east)), float(rng.uniform(south, north)), z)
        found[(z, x, y)] = None
    return list(found)


def alternate(paths: dict[str, list[str]], bases: dict[str, str]) -> Timings:
    """Ask each request of both servers, the first asked alternating; time each answer."""
    timings = Timings()
    names = list(bases)
    clients = {name: httpx.Client(base_url=bases[name], timeout=120) for name in names}
    try:
        for i in range(len(paths[names[0]])):
            for name in names if i % 2 == 0 else names[::-1]:
                start = time.perf_counter()
                answer = clients[name].get(paths[name][i])
                elapsed = (time.perf_counter() - start) * 1000
                if answer.status_code not in (200, 204):
                    raise RuntimeError(f"{name} answered {answer.status_code} to {paths[name][i]}")
                timings.ms[name].append(elapsed)
                timings.size[name].append(len(answer.content))
    finally:
        for client in clients.values():
            client.close()
    return timings


def report(title: str, timings: Timings) -> None:
    """p50/p95 of each server, the ratio tipg / Landstock, and the answers' sizes."""
    ours = np.percentile(timings.ms["landstock"], [50, 95])
    theirs = np.percentile(timings.ms["tipg"], [50, 95])
    print(f"\n{title}: {len(timings.ms['landstock'])} requests each")
    print(f"{'server':<10}{'p50 ms':>9}{'p95 ms':>9}{'median kB':>11}{'largest kB':>12}")
    for name, (p50, p95) in (("landstock", ours), ("tipg", theirs)):
        sizes = np.asarray(timings.size[name]) / 1000
        print(f"{name:<10}{p50:>9.1f}{p95:>9.1f}{np.median(sizes):>11.0f}{sizes.max():>12.0f}")
    ratio = theirs / ours
    print(f"ratio tipg / landstock: p50 {ratio[0]:.2f}x, p95 {ratio[1]:.2f}x", flush=True)


def measure(url: str, python: Path, pages: int, tiles: int) -> None:
    rng = np.random.default_rng(20)
    windows = page_windows(rng, pages + 20)
    chosen = distinct_tiles(rng, tiles + 20)
    with landstock(url) as ours, tipg(python, url) as theirs:
        bases = {"landstock": ours, "tipg": theirs}
        items = {
            "landstock": [f"/ogc/collections/parcels/items?bbox={w}&limit={PAGE_LIMIT}" for w in windows],
            "tipg": [f"/collections/public.parcels/items?bbox={w}&limit={PAGE_LIMIT}" for w in windows],
        }
        cells = {
            "landstock": [f"/tiles/parcels/{z}/{x}/{y}.pbf" for z, x, y in chosen],
            "tipg": [f"/collections/public.parcels/tiles/WebMercatorQuad/{z}/{x}/{y}" for z, x, y in chosen],
        }
        # 20 of each first, not counted: both servers' connections, statements and catalogues warm
        alternate({k: v[:20] for k, v in items.items()}, bases)
        alternate({k: v[:20] for k, v in cells.items()}, bases)
        report("OGC API items, bbox pages", alternate({k: v[20:] for k, v in items.items()}, bases))
        report("vector tiles z12-z15, each once", alternate({k: v[20:] for k, v in cells.items()}, bases))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--tiles", type=int, default=150)
    parser.add_argument("--tipg-venv", type=Path, default=ROOT / ".bench" / "tipg")
    parser.add_argument("--keep", type=Path, help="a folder for a cluster kept between runs")
    args = parser.parse_args()
    python = tipg_python(args.tipg_venv)
    with contextlib.ExitStack() as stack:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            admin = shared_cluster(args.keep)
        else:
            admin = stack.enter_context(throwaway_cluster())
        url = build(admin, f"bench_ogc_{args.parcels}", args.parcels)
        print(f"{args.parcels:,} parcels, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M')}")
        measure(url, python, args.pages, args.tiles)


if __name__ == "__main__":
    main()
