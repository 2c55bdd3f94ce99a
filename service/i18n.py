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
