"""Signing in and out: the login page and session cookie for people, bearer tokens for scripts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, TypeVar
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from gis import accounts, signin
from gis.access import Role
from gis.errors import NotAuthenticated, TooManyAttempts
from gis.labels import label
from gis.models import Area, User, utcnow
from service.attempts import attempt_of, remember_device
from service.auth import (
    CSRF_HEADER,
    CurrentUser,
    bearer_token,
    csrf_token,
    session_token,
    sign_in_session,
    verify_csrf,
)
from service.dependencies import DatabaseDep, Language, ReadSession, SettingsDep
from service.schemas import Me
from service.templating import templates

router = APIRouter(tags=["auth 登录"])
T = TypeVar("T")


def _throttle(settings: SettingsDep) -> signin.Throttle:
    auth = settings.auth
    return signin.Throttle(
        per_name=auth.max_failures_per_name,
        per_address=auth.max_failures_per_address,
        window=dt.timedelta(minutes=auth.failure_window_minutes),
    )


def _authenticate(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    name: str,
    password: str,
    then: Callable[[Session, User], T],
) -> T:
    """Sign in and do `then` in the same write transaction; a failure is committed before the
    401, so that the brake holds across requests."""
    attempt = attempt_of(request, settings, name)
    with db.write() as session:
        user = signin.sign_in(session, attempt, password, _throttle(settings))
        if user is not None:
            return then(session, user)
    raise NotAuthenticated("error.bad_credentials")


# Where each role lands after signing in when no other page was asked for: investment staff find
# sites for projects, park managers keep their records, leaders look at the land supply.
START_PAGES = {
    Role.INVESTMENT: "/match",
    Role.PARK_MANAGER: "/workspace",
    Role.LEADER: "/supply",
    Role.ADMIN: "/workspace",
}


def _safe_next(target: str | None) -> str:
    parts = urlsplit(target or "/")
    return target if target and not parts.scheme and not parts.netloc and target.startswith("/") else "/"


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, lang: Language, next: str = "/", error: str | None = None) -> Response:
    """The sign-in form."""
    return templates.TemplateResponse(
        request,
        "login.html",
        {"lang": lang, "csrf": csrf_token(request), "next": _safe_next(next), "error": error},
    )


CsrfField = Annotated[str, Form(alias="csrf_token", max_length=200)]


# A plain def: the database (a locked SQLite waits) and Argon2 run in the thread pool, never on
# the event loop, so one slow sign-in cannot freeze the server.
@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    lang: Language,
    name: Annotated[str, Form(max_length=60)],
    password: Annotated[str, Form(max_length=200)],
    csrf: CsrfField = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    """Check the form's credentials, then start a session and go on to `next`."""
    verify_csrf(request, csrf or request.headers.get(CSRF_HEADER))
    lifetime = dt.timedelta(hours=settings.auth.session_hours)
    try:
        token, role = _authenticate(
            request,
            db,
            settings,
            name,
            password,
            lambda session, user: (signin.start_session(session, user, lifetime), Role(user.role)),
        )
    except (NotAuthenticated, TooManyAttempts) as exc:
        # the form again, with the reason; a paused name or address also says when to retry
        wait = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyAttempts) else None
        return templates.TemplateResponse(
            request,
            "login.html",
            {
                "lang": lang,
                "csrf": csrf_token(request),
                "next": _safe_next(next),
                "error": exc.message(lang),
                "name": name,
            },
            status_code=429 if wait else 401,
            headers=wait,
        )
    sign_in_session(request, token)
    target = _safe_next(next)
    response = RedirectResponse(START_PAGES[role] if target == "/" else target, status_code=303)
    remember_device(response, settings, name)
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, db: DatabaseDep, csrf: CsrfField = "") -> Response:
    """End the session, on the server too: a copy of the cookie is refused afterwards."""
    verify_csrf(request, csrf or request.headers.get(CSRF_HEADER))
    token = session_token(request)
    if token is not None:
        with db.write() as session:
            signin.end_session(session, token)
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


@router.post(
    "/api/auth/token",
    summary="Get an API token 获取令牌",
    responses={401: {"description": "Wrong credentials"}, 429: {"description": "Too many failures"}},
)
def issue_token(
    request: Request, response: Response, body: TokenRequest, db: DatabaseDep, settings: SettingsDep
) -> TokenOut:
    """Exchange a user name and password for a bearer token (`Authorization: Bearer …`)."""
    lifetime = dt.timedelta(days=settings.auth.token_days)

    def issue(session: Session, user: User) -> str:
        return accounts.issue_token(session, accounts.principal(user), user, body.label, lifetime)

    token = _authenticate(request, db, settings, body.name, body.password, issue)
    remember_device(response, settings, body.name)
    return TokenOut(token=token, expires_at=utcnow() + lifetime)


@router.delete("/api/auth/token", status_code=204, summary="Revoke this token 注销令牌")
def revoke_token(request: Request, user: CurrentUser, db: DatabaseDep) -> Response:
    """Revoke the bearer token the request carries."""
    token = bearer_token(request)
    if token is not None:
        with db.write() as session:
            accounts.revoke_token(session, user, accounts.get_user(session, user.name), token)
    return Response(status_code=204)


@router.get("/api/auth/me", summary="Who am I 当前用户")
def me(user: CurrentUser, session: ReadSession, lang: Language) -> Me:
    """The signed-in user, their role and the parks and towns they manage."""
    areas = sorted(session.scalars(select(Area.code).where(Area.id.in_(user.area_ids))))
    return Me(
        name=user.name,
        display_name=user.display_name,
        role=user.role,
        role_label=label("role", user.role.value, lang),
        areas=areas,
    )
