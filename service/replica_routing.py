"""Which database answers a request when there is a read replica (gis/replica.py).

A request that writes (any method but GET, HEAD and OPTIONS, save the POSTs that only read, such
as a match) and succeeds leaves the client the primary's write-ahead log position, as the cookie
`landstock_written` and the response header `Landstock-Written` (for API clients without a
cookie jar, who send it back as a request header of the same name). For
`LANDSTOCK_DATABASE_READ_AFTER_WRITE_S` seconds, that client's reads go to the replica only once
the replica has replayed that far: read-your-own-writes. Without a replica nothing here runs.
"""

from __future__ import annotations

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gis.database import Database
from gis.replica import is_position

COOKIE = "landstock_written"
HEADER = "Landstock-Written"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def only_reads(request: Request) -> None:
    """Mark a POST that changes nothing (a match): its answer is not a write's."""
    request.state.only_reads = True


def written_position(request: Request) -> str | None:
    """The position of the client's last write, when it names a valid one."""
    value = request.headers.get(HEADER) or request.cookies.get(COOKIE)
    return value if is_position(value) else None


class ReadYourWrites:
    """ASGI middleware: hand a client that has just written the primary's position (see the module)."""

    def __init__(self, app: ASGIApp, *, seconds: int, secure: bool) -> None:
        self.app, self.seconds, self.secure = app, seconds, secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; stamp the answer to a successful write."""
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        db: Database = scope["app"].state.db

        async def stamped(message: Message) -> None:
            starts = message["type"] == "http.response.start"
            wrote = starts and message["status"] < 400 and not scope.get("state", {}).get("only_reads")
            if wrote and db.replica:
                position = await run_in_threadpool(db.written_position)
                if position:
                    headers = MutableHeaders(scope=message)
                    headers.append(HEADER, position)
                    flags = "; Secure" if self.secure else ""
                    headers.append(
                        "set-cookie",
                        f"{COOKIE}={position}; Max-Age={self.seconds}; Path=/; HttpOnly; SameSite=Lax{flags}",
                    )
            await send(message)

        await self.app(scope, receive, stamped)
