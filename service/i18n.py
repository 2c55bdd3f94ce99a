"""Which language a request wants: ?lang=, then Accept-Language, then the configured default."""

from __future__ import annotations

from fastapi import Request

from gis.labels import CATALOGUES, DEFAULT_LANG


def request_language(request: Request) -> str:
    """`zh` or `en` for this request."""
    asked = request.query_params.get("lang")
    if asked in CATALOGUES:
        return asked
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in CATALOGUES:
            return tag
    settings = getattr(request.app.state, "settings", None)
    return settings.app.language if settings is not None else DEFAULT_LANG


LANG_COOKIE = "landstock_lang"


def page_language(request: Request) -> str:
    """`zh` or `en` for a web page: ?lang=, then the reader's earlier choice, then the default.

    Pages stay Chinese by default whatever the browser's own language; the switch in the page
    header sets ?lang=, which is remembered in a cookie.
    """
    for asked in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if asked in CATALOGUES:
            return asked
    settings = getattr(request.app.state, "settings", None)
    return settings.app.language if settings is not None else DEFAULT_LANG
