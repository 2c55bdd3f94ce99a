"""The browser assets: Landstock's own files and the npm-installed libraries, both served here."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from maps.assets import OWN_URL, VENDOR_URL
from service.settings import Settings

log = logging.getLogger("landstock")

OWN_DIR = Path(__file__).resolve().parent.parent / "static" / "landstock"


def install(app: FastAPI, settings: Settings) -> None:
    """Mount /static/landstock and, unless pages use a CDN, /static/vendor."""
    app.mount(OWN_URL, StaticFiles(directory=OWN_DIR), name="static-landstock")
    if settings.map.assets == "cdn":
        return
    vendor = settings.map.assets_dir
    if not (vendor / "leaflet").is_dir():
        log.warning("browser assets missing in %s: run `make assets` (npm ci); maps will be blank", vendor)
    app.mount(VENDOR_URL, StaticFiles(directory=vendor, check_dir=False), name="static-vendor")
