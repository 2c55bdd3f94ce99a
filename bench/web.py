"""Web benchmark: the inventory map of a large synthetic inventory, in headless Chromium.

    make bench-web                                   # 10^5 parcels, SpatiaLite and PostGIS
    make bench-web BENCH_ARGS="--scales 1000,100000 --backends postgis"

For each database and scale: the inventory page's HTML size; the time from navigation until
the county view's parcel tiles are drawn, for the first visitor (right after the service
starts), one who comes when every cached tile has passed the cache's age limit, and the next
one (a new browser profile each); ten pans of half a screen at a park's
zoom, each timed until its new tiles are drawn, with the longest main-thread task seen while
panning (the jank a user feels); and server-side tile latency over the tiles the views asked for.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
from playwright.sync_api import Page, sync_playwright

from bench.inventory import fresh_database, load
from harness.chromium import CHROMIUM, CHROMIUM_ARGS
from harness.live import serve, settings_for
from harness.postgis import throwaway_cluster
from service.main import create_app
from service.web.tile_cache import MAX_AGE_S

DRAWN = "() => window.landstock && landstock.idle()"
LONG_TASKS = """() => { window.__long = 0; new PerformanceObserver((list) => {
  for (const e of list.getEntries()) { window.__long = Math.max(window.__long, e.duration); }
}).observe({entryTypes: ['longtask']}); }"""


def _tile_times(page: Page) -> list[float]:
    entries = page.evaluate(
        "() => performance.getEntriesByType('resource')"
        ".filter(e => e.name.includes('/tiles/parcels/')).map(e => e.duration)"
    )
    return [float(e) for e in entries]


def _settled(page: Page) -> None:
    page.wait_for_function(DRAWN, timeout=120_000, polling=50)


def _open(browser: Any, base: str) -> tuple[Page, float, int]:
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    start = time.perf_counter()
    response = page.goto(base + "/", wait_until="domcontentloaded")
    _settled(page)
    return page, time.perf_counter() - start, len(response.body()) if response else 0


def measure(base: str) -> dict[str, Any]:
    """Open the inventory page in a fresh browser and time what a user waits for."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        first, load_s, html_bytes = _open(browser, base)
        first.context.close()
        time.sleep(MAX_AGE_S + 5)  # every tile drawn so far is past the cache's age limit
        aged, aged_s, _ = _open(browser, base)
        aged.context.close()
        page, warm_s, _ = _open(browser, base)
        name = page.evaluate("() => Object.keys(window).find(k => k.startsWith('map_'))")
        page.evaluate(f"() => {{ {name}.setView([31.80, 121.66], 14, {{animate: false}}); }}")
        _settled(page)
        page.evaluate(LONG_TASKS)
        pans = []
        for i in range(10):
            dx = 720 if i % 2 == 0 else 0
            dy = 0 if i % 2 == 0 else 450
            begin = time.perf_counter()
            page.evaluate(f"() => {{ {name}.panBy([{dx}, {dy}], {{animate: false}}); }}")
            _settled(page)
            pans.append((time.perf_counter() - begin) * 1000)
        longest = float(page.evaluate("() => window.__long"))
        tiles = _tile_times(page)
        browser.close()
    return {
        "html_kb": html_bytes / 1024,
        "load_s": load_s,
        "aged_s": aged_s,
        "warm_s": warm_s,
        "pan_p50": float(np.median(pans)),
        "pan_max": max(pans),
        "long_task": longest,
        "tile_p50": float(np.percentile(tiles, 50)),
        "tile_p95": float(np.percentile(tiles, 95)),
        "tiles": len(tiles),
    }


def main() -> None:
    """Run the requested scales on both databases and print a Markdown table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", default="100000", help="comma-separated parcel counts")
    parser.add_argument("--backends", default="spatialite,postgis")
    args = parser.parse_args()
    print(
        "| database | parcels | page HTML (kB) "
        "| county view drawn: first / after a quiet minute / next (s) | pan p50 / max (ms) "
        "| longest task while panning (ms) | tile p50 / p95 (ms), n |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    with throwaway_cluster() as admin:
        for backend in args.backends.split(","):
            for n in (int(s) for s in args.scales.split(",")):
                with fresh_database(backend, f"bench_web_{n}", admin) as db:
                    load(db, n)
                    with serve(
                        create_app(settings_for(str(db.engine.url.render_as_string(hide_password=False))))
                    ) as base:
                        r = measure(base)
                print(
                    f"| {backend} | {n:,} | {r['html_kb']:.0f} "
                    f"| {r['load_s']:.2f} / {r['aged_s']:.2f} / {r['warm_s']:.2f} "
                    f"| {r['pan_p50']:.0f} / {r['pan_max']:.0f} | {r['long_task']:.0f} "
                    f"| {r['tile_p50']:.0f} / {r['tile_p95']:.0f}, {r['tiles']} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
