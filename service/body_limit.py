"""Refuse request bodies over their limit while they arrive, before anything is spooled to disk.

Starlette reads a whole multipart upload into a temporary file before a route sees it, so a
route can only refuse a huge upload after it has been received. This middleware answers 413 as
soon as the declared length, or the bytes received so far, pass the limit for the path.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gis.errors import TooLarge
from service.errors import problem
from service.i18n import request_language

MB = 1024 * 1024
WITH_BODY = {"POST", "PUT", "PATCH"}


class _Exceeded(HTTPException):
    """The body passed its limit. An HTTPException, because FastAPI turns any other error raised
    while it reads a body into a 400; this one reaches the handlers as a 413."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


def _size(size: int) -> str:
    return f"{size / MB:.1f} MB"


class BodyLimit:
    """ASGI middleware: `limit_for(path)` bytes at most in a request body."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app, self.limit_for = app, limit_for

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, size: str, limit: int) -> None:
        request = Request(scope)
        error = TooLarge(size=size, limit=_size(limit))
        response = problem(request, 413, error.message(request_language(request)), key=error.key)
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, counting its body."""
        if scope["type"] != "http" or scope["method"] not in WITH_BODY:
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, _size(int(declared)), limit)
            return
        received, started = 0, False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise _Exceeded
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _Exceeded:
            if not started:
                await self._refuse(scope, receive, send, f"> {_size(limit)}", limit)
