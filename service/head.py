"""HEAD wherever GET is answered: the same status and headers (ETag, Content-Length), no body.

FastAPI routes answer only the methods they are declared with, so a HEAD (`curl -I`, link
checkers, caches revalidating) met 405 on every resource. This middleware hands a HEAD request
on as a GET and drops the body of the answer; the server still sees the request as a HEAD.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    """ASGI middleware: answer HEAD as GET, without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass GET's answer on, headers only, when the request is a HEAD."""
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] not in ("http.response.body", "http.response.pathsend"):
                await send(message)
            elif not message.get("more_body", False):  # the last part (or a file to send): end
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        # A copy: the server keeps its own scope, and must still know not to send a body
        await self.app({**scope, "method": "GET"}, receive, headers_only)
