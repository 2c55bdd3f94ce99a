"""The page an investor opens (/p/{token}, no sign-in): a proposal's title, its sites' public facts,
their map and photos, in the proposal's language. Nothing of the project (its name, investor,
figures, contacts, notes) and nothing of the sites beyond what an anonymous reader of the
inventory sees.

An unknown, revoked or expired link, or one of a deleted project, answers one and the same plain
404, so the answer tells nothing about which. A proposal with a password first asks for it (a
small form; wrong guesses are counted and paused as sign-ins are); the right one leaves a signed
cookie valid for that proposal only, on its link's path, until it expires. Every page answers
`noindex`, `no-referrer` and `no-store`; every showing is recorded as an opening (its time and the
kind of client), which the project's page lists.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from gis import proposals
from gis.database import Database
from gis.errors import NotFound, TooManyAttempts
from gis.labels import label, message
from gis.models import Proposal, utcnow
from maps.project import project_map
from maps.render import render
from service.attachments import disposition
from service.attempts import client_address, secure_cookies
from service.auth import CSRF_HEADER, csrf_token, verify_csrf
from service.dependencies import DatabaseDep, SettingsDep
from service.settings import Settings
from service.templating import templates
from service.web.frame import assets_for, map_look

router = APIRouter(include_in_schema=False)

TokenPath = Annotated[str, Path(max_length=100)]
COOKIE = "landstock_proposal"
# No search engine, no Referer carrying the link elsewhere, no copy kept by a cache
PRIVATE = {
    "X-Robots-Tag": "noindex, nofollow, noarchive",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "private, no-store",
}


def _signer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.app.secret_key.get_secret_value(), salt="landstock.proposal")


def _unlocked(request: Request, settings: Settings, proposal: Proposal) -> bool:
    """Whether the request may read `proposal`: it has no password, or the request carries the
    cookie its right password left (for this proposal, signed, not older than the proposal)."""
    if proposal.password_hash is None:
        return True
    raw = request.cookies.get(COOKIE)
    if not raw:
        return False
    try:
        value = _signer(settings).loads(raw)
    except BadSignature:
        return False
    return bool(value == [proposal.id, proposal.token_hash[:16]])


def _gone(request: Request) -> HTMLResponse:
    """The one answer for every link that opens nothing, in both languages (whose it was is unknown)."""
    words = {
        lang: {"title": message("proposal.gone.title", lang), "text": message("proposal.gone.text", lang)}
        for lang in ("zh", "en")
    }
    settings: Settings = request.app.state.settings
    return templates.TemplateResponse(
        request,
        "proposal_gone.html",
        {"lang": "zh", "words": words, "assets": assets_for(settings, "zh")},
        status_code=404,
        headers=PRIVATE,
    )


def _ask_password(
    request: Request,
    settings: Settings,
    proposal: Proposal,
    error: str | None,
    status_code: int = 200,
    retry_after: int | None = None,
) -> HTMLResponse:
    headers = {**PRIVATE, **({"Retry-After": str(retry_after)} if retry_after else {})}
    return templates.TemplateResponse(
        request,
        "proposal_password.html",
        {
            "lang": proposal.language,
            "assets": assets_for(settings, proposal.language),
            "title": proposal.title,
            "csrf": csrf_token(request),
            "error": error,
        },
        status_code=status_code,
        headers=headers,
    )


def _number(value: float, digits: int = 1) -> str:
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _values(site: proposals.PublicSite, lang: str) -> dict[str, str | None]:
    """Each public fact of a site as the page words it in `lang`."""
    f = site.facts

    def unit(key: str, value: float | None, digits: int = 1) -> str | None:
        return None if value is None else message(key, lang, value=_number(value, digits))

    low, high = f.get("plot_ratio") or (None, None)
    ready = [label("ready", w, lang) for w in f.get("ready") or []]
    if f.get("net_land"):
        ready.append(label("ready", "net_land", lang))
    return {
        "area": None
        if f.get("area_mu") is None
        else message("proposal.value.area", lang, mu=_number(f["area_mu"]), m2=_number(f["area_m2"], 0)),
        "land_use": f.get("land_use"),
        "plot_ratio": None
        if low is None and high is None
        else "–".join(_number(v, 2) for v in dict.fromkeys(v for v in (low, high) if v is not None)),
        "height_limit": unit("proposal.value.metres", f.get("height_limit_m")),
        "ready": "、".join(ready) if lang == "zh" else ", ".join(ready) or None,
        "waterfront": message("proposal.value.yes", lang) if f.get("waterfront") else None,
        "price": unit("proposal.value.price_per_mu", f.get("price_wan_per_mu")),
        "building_type": label("building_type", f["building_type"], lang) if f.get("building_type") else None,
        "floors": None if f.get("floors") is None else str(f["floors"]),
        "floor_area": unit("proposal.value.square_metres", f.get("floor_area_m2"), 0),
        "vacant_area": unit("proposal.value.square_metres", f.get("vacant_area_m2"), 0),
        "clear_height": unit("proposal.value.metres", f.get("clear_height_m")),
        "floor_load": unit("proposal.value.floor_load", f.get("floor_load_kn_m2")),
        "crane": unit("proposal.value.tonnes", f.get("crane_t")),
        "power": unit("proposal.value.kva", f.get("power_kva"), 0),
        "year_built": None if f.get("year_built") is None else str(f["year_built"]),
        "rent": unit("proposal.value.rent", f.get("rent_yuan_m2_month")),
        "sale_price": unit("proposal.value.sale_price", f.get("sale_price_wan")),
        "suitable_industries": "、".join(f.get("suitable_industries") or []) or None,
        "to_port": unit("proposal.value.km", f.get("to_port_km")),
        "to_highway_exit": unit("proposal.value.km", f.get("to_highway_exit_km")),
        "to_rail_station": unit("proposal.value.km", f.get("to_rail_station_km")),
        "park": site.park,
        "leading_industries": "、".join(site.leading_industries) or None,
    }


# The heading of each fact, in the page's order
HEADINGS = {
    "area": "proposal.fact.area",
    "land_use": "proposal.fact.land_use",
    "plot_ratio": "proposal.fact.plot_ratio",
    "height_limit": "proposal.fact.height_limit",
    "ready": "proposal.fact.ready",
    "waterfront": "proposal.fact.waterfront",
    "price": "proposal.fact.price",
    "building_type": "proposal.fact.building_type",
    "floors": "proposal.fact.floors",
    "floor_area": "proposal.fact.floor_area",
    "vacant_area": "proposal.fact.vacant_area",
    "clear_height": "proposal.fact.clear_height",
    "floor_load": "proposal.fact.floor_load",
    "crane": "proposal.fact.crane",
    "power": "proposal.fact.power",
    "year_built": "proposal.fact.year_built",
    "rent": "proposal.fact.rent",
    "sale_price": "proposal.fact.sale_price",
    "suitable_industries": "proposal.fact.suitable_industries",
    "to_port": "proposal.fact.to_port",
    "to_highway_exit": "proposal.fact.to_highway_exit",
    "to_rail_station": "proposal.fact.to_rail_station",
    "park": "proposal.fact.park",
    "leading_industries": "proposal.fact.leading_industries",
}


def facts(site: proposals.PublicSite, lang: str) -> list[tuple[str, str]]:
    """(heading, value) of each fact the site has, in the page's order and language."""
    values = _values(site, lang)
    return [(message(HEADINGS[k], lang), v) for k, v in values.items() if v]


def _show(request: Request, session: Session, settings: Settings, proposal: Proposal) -> HTMLResponse:
    lang = proposal.language
    sites = proposals.public_sites(session, proposal)
    rendered = render(project_map(sites, **map_look(settings, lang)), assets_for(settings, lang))
    return templates.TemplateResponse(
        request,
        "proposal.html",
        {
            "lang": lang,
            "assets": assets_for(settings, lang),
            "title": proposal.title,
            "sites": [{"site": s, "facts": facts(s, lang)} for s in sites],
            "map": rendered,
            "expires_at": proposal.expires_at,
            "base": f"/p/{request.path_params['token']}",
        },
        headers=PRIVATE,
    )


@router.get("/p/{token}", response_class=HTMLResponse)
def proposal_page(request: Request, db: DatabaseDep, settings: SettingsDep, token: TokenPath) -> Response:
    """A proposal's page, its password form first when it has one; each showing recorded."""
    with db.write() as session:
        proposal = proposals.find(session, token)
        if proposal is None:
            return _gone(request)
        if not _unlocked(request, settings, proposal):
            return _ask_password(request, settings, proposal, None)
        proposals.record_open(session, proposal, request.headers.get("user-agent"))
        return _show(request, session, settings, proposal)


@router.post("/p/{token}", response_class=HTMLResponse)
def unlock(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    token: TokenPath,
    password: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(alias="csrf_token", max_length=200)] = "",
) -> Response:
    """Check a proposal's password; the right one leaves the proposal's cookie and shows the page."""
    verify_csrf(request, csrf or request.headers.get(CSRF_HEADER))
    address = client_address(request, settings.auth.trusted_proxies)
    with db.write() as session:
        proposal = proposals.find(session, token)
        if proposal is None:
            return _gone(request)
        if proposal.password_hash is None:
            return RedirectResponse(f"/p/{token}", status_code=303, headers=PRIVATE)
        try:
            right = proposals.check_password(session, proposal, password, address)
        except TooManyAttempts as exc:
            text = exc.message(proposal.language)
            return _ask_password(request, settings, proposal, text, 429, exc.retry_after)
        if not right:
            wrong = message("proposal.password.wrong", proposal.language)
            return _ask_password(request, settings, proposal, wrong, 401)
        left = proposal.expires_at - utcnow()
        response = RedirectResponse(f"/p/{token}", status_code=303, headers=PRIVATE)
        response.set_cookie(
            COOKIE,
            _signer(settings).dumps([proposal.id, proposal.token_hash[:16]]),
            max_age=max(1, int(left / dt.timedelta(seconds=1))),
            path=f"/p/{token}",
            httponly=True,
            samesite="lax",
            secure=secure_cookies(settings),
        )
        return response


def _photo(
    request: Request, db: Database, settings: Settings, token: str, attachment_id: int, *, thumbnail: bool
) -> Response:
    with db.read() as session:
        proposal = proposals.find(session, token)
        if proposal is None or not _unlocked(request, settings, proposal):
            return _gone(request)
        try:
            served = proposals.photo(session, proposal, attachment_id, thumbnail=thumbnail)
        except NotFound:
            return _gone(request)
    suffix = "-320" if thumbnail else ""
    extension = ".png" if served.media_type == "image/png" else ".jpg"
    headers = {
        **PRIVATE,
        "Content-Disposition": disposition(f"photo-{attachment_id}{suffix}{extension}"),
        "X-Content-Type-Options": "nosniff",
    }
    return Response(served.data, media_type=served.media_type, headers=headers)


@router.get("/p/{token}/photos/{attachment_id}")
def proposal_photo(
    request: Request, db: DatabaseDep, settings: SettingsDep, token: TokenPath, attachment_id: int
) -> Response:
    """A photo of one of the proposal's sites (no other file), under a neutral name."""
    return _photo(request, db, settings, token, attachment_id, thumbnail=False)


@router.get("/p/{token}/photos/{attachment_id}/thumbnail")
def proposal_thumbnail(
    request: Request, db: DatabaseDep, settings: SettingsDep, token: TokenPath, attachment_id: int
) -> Response:
    """A photo's 320 px thumbnail."""
    return _photo(request, db, settings, token, attachment_id, thumbnail=True)
