"""How OGC API documents leave: JSON (GeoJSON for features), or HTML pages from Jinja templates.

`?f=json|html` decides; without it the Accept header does, and JSON wins ties, so that GIS
clients (which send `application/geo+json, application/json` or `*/*`) get data while browsers
(which ask for `text/html` first) get a page.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from service.ogc import HTML, dumps
from service.templating import templates


def _quality(accept: str, media_type: str) -> float:
    """The q the Accept header gives `media_type`, from its most specific matching range."""
    best, best_q = -1, 0.0
    kind = media_type.split("/")[0]
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        rng = pieces[0].lower()
        specificity = {media_type: 2, f"{kind}/*": 1, "*/*": 0}.get(rng, -1)
        if specificity > best:
            q = next((p[2:] for p in pieces[1:] if p.startswith("q=")), "1")
            try:
                best, best_q = specificity, float(q)
            except ValueError:
                best, best_q = specificity, 0.0
    return best_q


def media_type(request: Request, f: str | None, data_type: str) -> str:
    """`text/html` or `data_type` (JSON or GeoJSON), as the request asks."""
    if f:
        return HTML if f == "html" else data_type
    accept = request.headers.get("accept", "")
    if not accept:
        return data_type
    data_q = max(_quality(accept, data_type), _quality(accept, "application/json"))
    return HTML if _quality(accept, HTML) > data_q else data_type


def respond(
    request: Request, served: str, document: dict[str, Any], template: str, lang: str, **context: Any
) -> Response:
    """`document` as `served`: JSON bytes, or the HTML page `template` showing it."""
    headers = {"Vary": "Accept"}
    if served != HTML:
        return Response(dumps(document), media_type=served, headers=headers)
    return templates.TemplateResponse(
        request, f"ogc/{template}.html", {"doc": document, "lang": lang, **context}, headers=headers
    )
