"""/openapi.json, /docs and /redoc: the API's own description, readable as the inventory is
(with LANDSTOCK_PUBLIC_READ=none an intranet shows it to signed-in users only).

FastAPI's built-in routes for these take no dependencies, so the app turns them off and serves
the same pages here, under the same names."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, JSONResponse

from service.read_access import InventoryReader, PageReader

router = APIRouter(include_in_schema=False)

OPENAPI_URL = "/openapi.json"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


@router.get(OPENAPI_URL, name="openapi")
def openapi(request: Request, _reader: InventoryReader) -> JSONResponse:
    """The OpenAPI definition of the whole service."""
    return JSONResponse(request.app.openapi())


@router.get("/docs", name="swagger_ui_html")
def swagger_ui(request: Request, _reader: PageReader) -> HTMLResponse:
    """The interactive API documentation (Swagger UI)."""
    return get_swagger_ui_html(
        openapi_url=_root(request) + OPENAPI_URL,
        title=f"{request.app.title} - Swagger UI",
        oauth2_redirect_url=_root(request) + OAUTH2_REDIRECT_URL,
    )


@router.get(OAUTH2_REDIRECT_URL, name="swagger_ui_redirect")
def swagger_ui_redirect(_reader: PageReader) -> HTMLResponse:
    """Swagger UI's OAuth2 redirect page."""
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/redoc", name="redoc_html")
def redoc(request: Request, _reader: PageReader) -> HTMLResponse:
    """The API documentation as ReDoc."""
    return get_redoc_html(openapi_url=_root(request) + OPENAPI_URL, title=f"{request.app.title} - ReDoc")
