"""Jinja2 for the pages: every word through gis/labels.py in the reader's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from gis.area import M2_PER_MU
from gis.labels import label, message
from maps.assets import Assets
from service.i18n import LANG_COOKIE, page_language
from service.settings import Settings

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
NAV = (("inventory", "/"), ("match", "/match"), ("supply", "/supply"), ("workspace", "/workspace"))


def assets_for(settings: Settings, lang: str) -> Assets:
    """The asset URLs pages use under `settings`."""
    return Assets(cdn=settings.map.assets == "cdn", lang=lang,
                  package_json=settings.map.assets_dir.parent / "package.json")


def tianditu_key(settings: Settings) -> str | None:
    """The 天地图 key, when one is set."""
    key = settings.app.tianditu_key
    return key.get_secret_value() if key else None


def _mu(m2: float | None, digits: int = 2) -> str:
    return "" if m2 is None else f"{m2 / M2_PER_MU:,.{digits}f}"


def _number(value: float | None, digits: int = 0) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def _with_lang(request: Request, lang: str) -> str:
    params = dict(request.query_params)
    params["lang"] = lang
    return f"{request.url.path}?{urlencode(params, doseq=True)}"


def page(request: Request, name: str, context: dict[str, Any], *, status_code: int = 200) -> HTMLResponse:
    """Render template `name` with the reader's language and the shared helpers."""
    settings: Settings = request.app.state.settings
    lang = page_language(request)
    helpers = {
        "lang": lang,
        "t": lambda key, **params: message(key, lang, **params),
        "lbl": lambda group, value: label(group, value, lang),
        "mu": _mu, "number": _number,
        "assets": assets_for(settings, lang),
        "nav": NAV,
        "other_lang_url": _with_lang(request, "en" if lang == "zh" else "zh"),
        "signed_in": "sid" in request.session,
        "session_csrf": request.session.get("csrf", ""),
    }
    response = TEMPLATES.TemplateResponse(request, name, {**helpers, **context}, status_code=status_code)
    if request.query_params.get("lang") in ("zh", "en"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response
