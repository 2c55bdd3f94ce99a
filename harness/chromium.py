"""Debian's Chromium, headless, as the browser tests and the web benchmark launch it (no browser
of Playwright's own is ever downloaded)."""

import os

CHROMIUM = os.environ.get("LANDSTOCK_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
