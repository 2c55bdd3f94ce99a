"""Errors as a page for people: the same status and message the API gives, in the site's frame."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from service.web.frame import page


def error_page(
    request: Request, status: int, title: str, detail: str, *, headers: dict[str, str] | None = None
) -> HTMLResponse:
    """The error page for `status`."""
    response = page(
        request, "error.html", {"status": status, "title": title, "detail": detail}, status_code=status
    )
    response.headers.update(headers or {})
    return response
