"""The one table that turns domain errors into HTTP statuses, and problem+json responses.

Every error leaves as `application/problem+json` (RFC 9457) with a message in the reader's
language; nothing below this module knows about HTTP.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from gis.database import Database
from gis.errors import (
    ConflictingWrite,
    DatabaseUnavailable,
    DuplicateCode,
    Forbidden,
    IllegalTransition,
    ImportRefused,
    InvalidGeometry,
    InvalidInput,
    LandstockError,
    MissingPackage,
    NotAuthenticated,
    NotFound,
    PreconditionRequired,
    TooLarge,
    TooManyAttempts,
    UnsupportedFormat,
    VersionConflict,
)
from gis.labels import message
from service.i18n import page_language, request_language
from service.web.error_page import error_page

log = logging.getLogger("landstock")

PROBLEM = "application/problem+json"
RETRY_AFTER_S = 5

STATUS: dict[type[LandstockError], int] = {
    NotFound: 404,
    InvalidInput: 422,
    InvalidGeometry: 422,
    DuplicateCode: 409,
    ConflictingWrite: 409,
    IllegalTransition: 409,
    VersionConflict: 412,
    PreconditionRequired: 428,
    NotAuthenticated: 401,
    Forbidden: 403,
    TooManyAttempts: 429,
    DatabaseUnavailable: 503,
    TooLarge: 413,
    UnsupportedFormat: 415,
    ImportRefused: 422,
    MissingPackage: 501,
}

TITLES = {
    400: "http.400",
    401: "http.401",
    403: "http.403",
    404: "http.404",
    405: "http.405",
    409: "http.409",
    412: "http.412",
    413: "http.413",
    415: "http.415",
    422: "http.422",
    428: "http.428",
    429: "http.429",
    500: "http.500",
    501: "http.501",
    503: "http.503",
}


def status_of(error: LandstockError) -> int:
    """The HTTP status for a domain error (the nearest class in the table wins)."""
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def _for_path(request: Request, status: int) -> int:
    # OGC API – Features requires 400, not 422, for an invalid or unknown query parameter
    return 400 if status == 422 and request.url.path.startswith("/ogc") else status


def problem(
    request: Request,
    status: int,
    detail: str,
    *,
    key: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """A problem+json response (an HTML page for a browser asking for a web page)."""
    if wants_page(request):
        return error_page(
            request,
            status,
            message(TITLES.get(status, "http.400"), page_language(request)),
            detail,
            headers=headers,
        )
    lang = request_language(request)
    body = {
        "type": f"urn:landstock:problem:{key}",
        "title": message(TITLES.get(status, "http.400"), lang),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def wants_page(request: Request) -> bool:
    """A browser navigating to a web page (not the API, tiles or static files)."""
    path = request.url.path
    return "text/html" in request.headers.get("accept", "") and not path.startswith(
        ("/api/", "/ogc", "/tiles/", "/static/", "/docs", "/openapi")
    )


async def _domain(request: Request, exc: Exception) -> Response:
    error = cast(LandstockError, exc)
    status = _for_path(request, status_of(error))
    lang = request_language(request)
    headers = None
    if status == 503:
        # the driver's reason names hosts and ports: it goes to the log; the reader gets advice
        log.warning(
            "database unavailable on %s %s: %s", request.method, request.url.path, error.message("en")
        )
        return problem(
            request,
            503,
            message("http.503_retry", lang, seconds=RETRY_AFTER_S),
            key=error.key,
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )
    if isinstance(error, TooManyAttempts):
        headers = {"Retry-After": str(error.retry_after)}
    elif status == 401:
        headers = {"WWW-Authenticate": 'Bearer realm="landstock"'}
    return problem(
        request, status, error.message(lang), key=error.key, headers=headers, **error.details(lang)
    )


def _location(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if part not in ("body", "query", "path", "header"))


async def _validation(request: Request, exc: Exception) -> Response:
    lang = request_language(request)
    errors = [
        {"field": _location(tuple(e.get("loc", ()))), "message": e.get("msg", ""), "type": e.get("type", "")}
        for e in cast(RequestValidationError, exc).errors()
    ]
    fields = ", ".join(sorted({e["field"] for e in errors if e["field"]})) or "-"
    return problem(
        request,
        _for_path(request, 422),
        message("http.invalid_request", lang, fields=fields),
        key="invalid_request",
        errors=errors,
    )


async def _http(request: Request, exc: Exception) -> Response:
    error = cast(StarletteHTTPException, exc)
    lang = request_language(request)
    detail = message(TITLES.get(error.status_code, "http.400"), lang)
    return problem(
        request,
        error.status_code,
        detail,
        key=f"http_{error.status_code}",
        headers=getattr(error, "headers", None),
    )


async def _unexpected(request: Request, _exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(request, 500, message("http.500_detail", request_language(request)), key="internal")


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""
    app.add_exception_handler(LandstockError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)


def refused(
    request: Request,
    db: Database,
    error: LandstockError,
    render: Callable[..., HTMLResponse],
    *args: Any,
    **kwargs: Any,
) -> HTMLResponse:
    """A form's page again after `error` refused what was sent: `render(request, session, *args)`
    read afresh, with the message and the error's status; `kwargs` carry what the reader typed."""
    with db.read() as session:
        problem = error.message(page_language(request))
        return render(request, session, *args, problem=problem, status_code=status_of(error), **kwargs)
