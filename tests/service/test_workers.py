"""`landstock serve --workers N`: several processes on one port, sharing the tiles they draw in a
folder of the server's own (service/shared_tiles.py), the county view drawn once for all."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest

from harness.live import free_port
from service.shared_tiles import SharedTiles
from service.web.tile_cache import TileCache


def never(*_: object) -> bytes:
    raise AssertionError("drawn again: the other worker's tile was not read")


def test_a_tile_one_worker_drew_is_read_by_the_other(tmp_path):
    first, second = TileCache(shared=tmp_path), TileCache(shared=tmp_path)
    key = ("parcels", 12, 3430, 1660, "wgs84", None, (556, 120, 900, 1400))

    drawn = first.get_or_draw(key, lambda: b"tile-bytes")

    assert drawn == b"tile-bytes"
    assert second.get_or_draw(key, never) == b"tile-bytes"
    assert TileCache(shared=tmp_path).get(key[:-1] + ((557, 120, 900, 1400),)) is None  # another stamp


def test_an_aged_shared_tile_is_aged_for_every_worker_and_old_files_are_pruned(tmp_path):
    shared, key = SharedTiles(tmp_path), ("factories", 11, 1, 2)
    shared.write(key, b"old")
    (path,) = [p for p in tmp_path.glob("*/*") if not p.name.startswith(".")]
    hours_ago = time.time() - 3 * 3600
    os.utime(path, (hours_ago, hours_ago))

    reader = TileCache(max_age_s=60.0, shared=tmp_path)
    aged = reader.peek(key)

    assert reader.get(key) is None and aged is not None and aged[0] == b"old" and aged[1] > 3 * 3600 - 60
    assert shared.prune() == 1 and shared.read(key) is None


def test_a_job_for_all_workers_is_done_by_the_first_that_asks(tmp_path):
    one, other, answers = SharedTiles(tmp_path), SharedTiles(tmp_path), []
    inside = threading.Event()

    def later() -> None:
        inside.wait()
        with other.first("county-view") as mine:
            answers.append(("while", mine))

    thread = threading.Thread(target=later)
    thread.start()
    with one.first("county-view") as mine:
        answers.append(("first", mine))
        inside.set()
        thread.join()
    with other.first("county-view") as again:
        answers.append(("after", again))

    assert answers == [("first", True), ("while", False), ("after", False)]


def test_serve_starts_a_process_per_worker_sharing_one_tile_folder(databases, backend, tmp_path):
    url, port = databases.url(backend, sample=True), free_port()
    env = {
        **os.environ,
        "LANDSTOCK_DATABASE_URL": url,
        "LANDSTOCK_ENVIRONMENT": "test",
        "TMPDIR": str(tmp_path),
        "NO_COLOR": "1",
        "COLUMNS": "200",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base, answers = f"http://127.0.0.1:{port}", []
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        with httpx.Client(base_url=base, timeout=30) as client:
            answers = [client.get(f"/tiles/parcels/13/{6862 + i}/3313.pbf").status_code for i in range(6)]
            answers.append(client.get("/api/parcels", params={"limit": 5}).status_code)
        (folder,) = tmp_path.glob("landstock-tiles-*")
        deadline = time.monotonic() + 90  # the county view, drawn by one worker for both
        while not (folder / ".county-view.done").exists() and time.monotonic() < deadline:
            time.sleep(0.3)
        shared = [p for p in folder.glob("*/*") if not p.name.startswith(".")]
        done = (folder / ".county-view.done").exists()
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=60)

    workers = set(re.findall(r"Started server process \[(\d+)\]", output))
    assert "2 个进程" in output and len(workers) == 2, output[-2000:]
    assert answers == [200] * 7
    assert done and len(shared) >= 6
    assert list(tmp_path.glob("landstock-tiles-*")) == []  # the server's folder goes with it


@pytest.mark.parametrize("workers", ["0", "many"])
def test_a_worker_count_that_is_not_a_whole_number_from_one_is_refused(workers):
    answer = subprocess.run(
        [sys.executable, "-m", "service.cli", "serve", "--workers", workers],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
        timeout=60,
    )

    assert answer.returncode == 2 and "--workers" in answer.stderr and "Traceback" not in answer.stderr
