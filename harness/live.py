"""A real HTTP server for the tests that need one (concurrent clients, GDAL, browsers) and the web
benchmark, and the settings of an app they serve."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import uvicorn
from fastapi import FastAPI

from service.settings import AppSettings, DatabaseSettings, Settings


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def settings_for(url: str, *, warm_tiles: bool = True) -> Settings:
    """Settings of a test app on `url` (environment `test`: the development secret is allowed)."""
    return Settings(
        database=DatabaseSettings(url=url), app=AppSettings(environment="test", warm_tiles=warm_tiles)
    )


@contextlib.contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Run `app` with uvicorn in a thread; yield its base URL; stop it afterwards."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        httpx.get(f"{base}/healthz", timeout=10).raise_for_status()
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=30)
