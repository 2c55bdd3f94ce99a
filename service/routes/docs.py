"""/openapi.json, /docs and /redoc: the API's own description, readable as the inventory is
(with LANDSTOCK_PUBLIC_READ=none an intranet shows it to signed-in users only).

FastAPI's built-in routes for these take no dependencies, so the app turns them off and serves
the same pages here, under the same names. Swagger UI and ReDoc come from the npm-installed
assets Landstock serves itself (maps/assets.py), not from a CDN: an intranet with no internet
sees them too. Swagger UI's online validator and ReDoc's web fonts are left off for the same
reason, and ReDoc's script is served from /docs/redoc.js with the one outside address it holds
(the Redocly logo beside "API docs by Redocly", which every 2.x release fetches from its CDN)
replaced by an empty picture."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, JSONResponse, Response

from maps.assets import VENDOR, Assets, UnknownAsset
from service.read_access import InventoryReader, PageReader
from service.web.frame import assets_for

router = APIRouter(include_in_schema=False)

OPENAPI_URL = "/openapi.json"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
REDOC_JS_URL = "/docs/redoc.js"
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
EMPTY_PICTURE = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


def _assets(request: Request) -> Assets:
    return assets_for(request.app.state.settings, "zh")


def _asset(request: Request, name: str) -> str:
    url = _assets(request).url(name)
    if url is None:  # never: every documentation asset has a file
        raise UnknownAsset(name)
    return url if url.startswith("http") else _root(request) + url


@lru_cache(maxsize=2)
def _redoc_script(path: Path) -> bytes:
    return path.read_text(encoding="utf-8").replace(REDOC_LOGO, EMPTY_PICTURE).encode()


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
        swagger_js_url=_asset(request, "swagger_ui_js"),
        swagger_css_url=_asset(request, "swagger_ui_css"),
        swagger_favicon_url=_asset(request, "swagger_ui_favicon"),
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get(OAUTH2_REDIRECT_URL, name="swagger_ui_redirect")
def swagger_ui_redirect(_reader: PageReader) -> HTMLResponse:
    """Swagger UI's OAuth2 redirect page."""
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/redoc", name="redoc_html")
def redoc(request: Request, _reader: PageReader) -> HTMLResponse:
    """The API documentation as ReDoc."""
    return get_redoc_html(
        openapi_url=_root(request) + OPENAPI_URL,
        title=f"{request.app.title} - ReDoc",
        redoc_js_url=_asset(request, "redoc_js") if _assets(request).cdn else _root(request) + REDOC_JS_URL,
        redoc_favicon_url=_asset(request, "swagger_ui_favicon"),
        with_google_fonts=False,
    )


@router.get(REDOC_JS_URL, name="redoc_js")
def redoc_js(request: Request, _reader: PageReader) -> Response:
    """ReDoc's script as npm installed it, asking nothing of another server."""
    path = request.app.state.settings.map.assets_dir / str(VENDOR["redoc_js"])
    return Response(
        _redoc_script(path), media_type="text/javascript", headers={"Cache-Control": "max-age=3600"}
    )
