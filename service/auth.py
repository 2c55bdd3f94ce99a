"""Who is asking: bearer tokens for the API and scripts, a signed session cookie for the web
pages (with a CSRF token for anything that changes data), and the role checks built on them.

The cookie holds a random session token whose digest is a row of `web_sessions`: each request
checks that row (not revoked, not expired, the account active), so signing out, disabling an
account or changing its password ends the session on the server.

A cookie alone never authorises a change: unsafe requests that rely on the cookie must echo the
session's CSRF token in the `X-CSRF-Token` header or a `csrf_token` form field. Bearer tokens
are not sent by browsers on their own, so they need no CSRF token.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request, params
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from gis import accounts, signin
from gis.access import Action, Principal, authorize
from gis.database import Database
from gis.errors import Forbidden, NotAuthenticated
from gis.models import User
from service.dependencies import DatabaseDep

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use (also before signing in, for the login form)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(24)
    return str(token)


def verify_csrf(request: Request, given: str | None) -> None:
    """Refuse a request whose CSRF token (header or form field) does not match the session's."""
    expected = request.session.get("csrf")
    if not expected or not given or not secrets.compare_digest(str(expected), given):
        raise Forbidden("error.csrf")


async def check_csrf(request: Request) -> None:
    """Refuse an unsafe cookie-authenticated request whose CSRF token does not match."""
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        given = str((await request.form()).get(CSRF_FIELD) or "")
    verify_csrf(request, given)


def sign_in_session(request: Request, token: str) -> None:
    """Put a new server-side session's token in the cookie, with a fresh CSRF token."""
    request.session.clear()
    request.session.update(sid=token, csrf=secrets.token_urlsafe(24))


def session_token(request: Request) -> str | None:
    """The web session token the cookie carries."""
    sid = request.session.get("sid")
    return sid if isinstance(sid, str) and sid else None


def _session_user(request: Request, session: Session) -> User | None:
    token = session_token(request)
    return signin.session_user(session, token) if token is not None else None


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer …` header."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _lookup(db: Database, request: Request) -> Principal | None:
    # A short session of its own: holding a connection for the whole request would starve the
    # pool when many requests wait for the write lock.
    token = bearer_token(request)
    with db.read() as session:
        if token is not None:
            user = accounts.token_user(session, token)
            if user is None:
                raise NotAuthenticated()
        else:
            user = _session_user(request, session)
        return accounts.principal(user) if user is not None else None


async def current_user(request: Request, db: DatabaseDep) -> Principal | None:
    """The signed-in user, or None; cookie-based unsafe requests must pass the CSRF check."""
    who = await run_in_threadpool(_lookup, db, request)
    request.state.reader = who  # the page frame shows the reader's navigation
    if who is not None and bearer_token(request) is None and request.method not in SAFE_METHODS:
        await check_csrf(request)
    return who


async def require_user(user: Annotated[Principal | None, Depends(current_user)]) -> Principal:
    """The signed-in user; 401 when there is none."""
    if user is None:
        raise NotAuthenticated()
    return user


OptionalUser = Annotated[Principal | None, Depends(current_user)]
CurrentUser = Annotated[Principal, Depends(require_user)]


def requires(action: Action) -> params.Depends:
    """A dependency that lets through only users whose role allows `action` (403 otherwise)."""

    async def dependency(user: CurrentUser) -> Principal:
        authorize(user, action)
        return user

    return params.Depends(dependency)


Admin = Annotated[Principal, requires(Action.MANAGE_USERS)]
