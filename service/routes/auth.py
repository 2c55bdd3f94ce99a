"""Signing in and out: the login page and session cookie for people, bearer tokens for scripts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from gis import accounts
from gis.errors import NotAuthenticated
from gis.labels import label
from gis.models import Area, User, utcnow
from service.auth import CurrentUser, bearer_token, check_csrf, csrf_token, sign_in_session
from service.dependencies import DatabaseDep, Language, ReadSession, SettingsDep
from service.schemas import Me
from service.templating import templates

router = APIRouter(tags=["auth 登录"])


def _throttle(settings: SettingsDep) -> accounts.Throttle:
    auth = settings.auth
    return accounts.Throttle(per_name=auth.max_failures_per_name, per_address=auth.max_failures_per_address,
                             window=dt.timedelta(minutes=auth.failure_window_minutes))


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _authenticate(request: Request, db: DatabaseDep, settings: SettingsDep, name: str, password: str) -> User:
    # The failure is committed before we answer, so that the brake holds across requests.
    with db.write() as session:
        user = accounts.sign_in(session, name, password, _address(request), _throttle(settings))
    if user is None:
        raise NotAuthenticated("error.bad_credentials")
    return user


def _safe_next(target: str | None) -> str:
    parts = urlsplit(target or "/")
    return target if target and not parts.scheme and not parts.netloc and target.startswith("/") else "/"


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, lang: Language, next: str = "/", error: str | None = None) -> Response:
    """The sign-in form."""
    return templates.TemplateResponse(request, "login.html", {
        "lang": lang, "csrf": csrf_token(request), "next": _safe_next(next), "error": error})


@router.post("/login", include_in_schema=False)
async def login(request: Request, db: DatabaseDep, settings: SettingsDep, lang: Language,
                name: Annotated[str, Form(max_length=60)], password: Annotated[str, Form(max_length=200)],
                next: Annotated[str, Form(max_length=500)] = "/") -> Response:
    """Check the form's credentials, then start a session and go on to `next`."""
    await check_csrf(request)
    try:
        user = _authenticate(request, db, settings, name, password)
    except NotAuthenticated as exc:
        return templates.TemplateResponse(request, "login.html", {
            "lang": lang, "csrf": csrf_token(request), "next": _safe_next(next),
            "error": exc.message(lang), "name": name}, status_code=401)
    sign_in_session(request, user)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", include_in_schema=False)
async def logout(request: Request) -> Response:
    """End the session."""
    await check_csrf(request)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


class TokenRequest(BaseModel):
    """Credentials for a new API token."""

    name: str = Field(max_length=60, examples=["kfq_manager"])
    password: str = Field(max_length=200)
    label: str = Field(default="api", max_length=100, description="What the token is for")


class TokenOut(BaseModel):
    """A new bearer token; it is shown only once."""

    token: str
    token_type: str = "Bearer"
    expires_at: dt.datetime | None


@router.post("/api/auth/token", summary="Get an API token 获取令牌",
             responses={401: {"description": "Wrong credentials"}, 429: {"description": "Too many failures"}})
def issue_token(request: Request, body: TokenRequest, db: DatabaseDep, settings: SettingsDep) -> TokenOut:
    """Exchange a user name and password for a bearer token (`Authorization: Bearer …`)."""
    user = _authenticate(request, db, settings, body.name, body.password)
    lifetime = dt.timedelta(days=settings.auth.token_days)
    with db.write() as session:
        token = accounts.issue_token(session, session.merge(user), body.label, lifetime)
    return TokenOut(token=token, expires_at=utcnow() + lifetime)


@router.delete("/api/auth/token", status_code=204, summary="Revoke this token 注销令牌")
def revoke_token(request: Request, user: CurrentUser, db: DatabaseDep) -> Response:
    """Revoke the bearer token the request carries."""
    token = bearer_token(request)
    if token is not None:
        with db.write() as session:
            accounts.revoke_tokens(session, accounts.get_user(session, user.name), token)
    return Response(status_code=204)


@router.get("/api/auth/me", summary="Who am I 当前用户")
def me(user: CurrentUser, session: ReadSession, lang: Language) -> Me:
    """The signed-in user, their role and the parks and towns they manage."""
    areas = sorted(session.scalars(select(Area.code).where(Area.id.in_(user.area_ids))))
    return Me(name=user.name, display_name=user.display_name, role=user.role.value,
              role_label=label("role", user.role.value, lang), areas=areas)
