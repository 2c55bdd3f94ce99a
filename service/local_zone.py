"""Every request reads its times in the service's zone (LANDSTOCK_TIMEZONE, gis/localtime.py)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from starlette.types import ASGIApp, Receive, Scope, Send

from gis import localtime


class LocalZone:
    """ASGI middleware: pages, PDFs and spreadsheets made for this request show times in `zone`."""

    def __init__(self, app: ASGIApp, zone: ZoneInfo) -> None:
        self.app, self.zone = app, zone

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request with `zone` as the current one (threads it runs in inherit it)."""
        with localtime.reading_in(self.zone):
            await self.app(scope, receive, send)
