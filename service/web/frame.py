"""The frame every web page shares: the reader's language, the navigation, the sign-in state,
the asset URLs, and the language cookie."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse

from gis import access
from maps.assets import Assets
from service.i18n import LANG_COOKIE, page_language
from service.settings import Settings
from service.templating import templates

NAV = (("inventory", "/"), ("match", "/match"), ("supply", "/supply"))
WORKSPACE_NAV = ("workspace", "/workspace")  # for anonymous readers (it asks them to sign in) and editors
REPORTS_NAV = ("reports", "/reports/weekly")  # for the roles that may read the reports
TRENDS_NAV = ("trends", "/trends")  # for the same roles: the leaders, administrators and investment staff


def nav_for(reader: access.Principal | None) -> tuple[tuple[str, str], ...]:
    """The navigation `reader` is offered: only the pages they may use."""
    edits = reader is None or access.Action.EDIT_SITE in access.ALLOWED[reader.role]
    return (
        *NAV,
        *((WORKSPACE_NAV,) if edits else ()),
        *((TRENDS_NAV, REPORTS_NAV) if access.reads_reports(reader) else ()),
    )


def assets_for(settings: Settings, lang: str) -> Assets:
    """The asset URLs pages use under `settings`."""
    return Assets(
        cdn=settings.map.assets == "cdn",
        lang=lang,
        package_json=settings.map.assets_dir.parent / "package.json",
    )


def tianditu_key(settings: Settings) -> str | None:
    """The 天地图 key, when one is set."""
    key = settings.app.tianditu_key
    return key.get_secret_value() if key else None


def map_look(settings: Settings, lang: str) -> dict[str, Any]:
    """What every page's map takes from the settings and the reader: language, basemap, 天地图 key,
    the local tile package."""
    return {
        "lang": lang,
        "basemap": settings.map.basemap,
        "tianditu_key": tianditu_key(settings),
        "package": settings.map.package(),
    }


def _with_lang(request: Request, lang: str) -> str:
    params = dict(request.query_params)
    params["lang"] = lang
    return f"{request.url.path}?{urlencode(params, doseq=True)}"


def page(request: Request, name: str, context: dict[str, Any], *, status_code: int = 200) -> HTMLResponse:
    """Render template `name` in the reader's language, inside the site's frame."""
    settings: Settings = request.app.state.settings
    lang = page_language(request)
    reader = getattr(request.state, "reader", None)
    frame = {
        "lang": lang,
        "assets": assets_for(settings, lang),
        "nav": nav_for(reader),
        "reader": reader,
        "other_lang_url": _with_lang(request, "en" if lang == "zh" else "zh"),
        "signed_in": "sid" in request.session,
        "session_csrf": request.session.get("csrf", ""),
    }
    response = templates.TemplateResponse(request, name, {**frame, **context}, status_code=status_code)
    if request.query_params.get("lang") in ("zh", "en"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response
