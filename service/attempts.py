"""What a sign-in attempt is, seen from HTTP: the client's address (X-Forwarded-For believed only
from configured proxies) and the trusted-device cookie that a successful sign-in leaves.

The device cookie (OWASP, "slow brute force / device cookies") is signed with the secret key and
bound to one user name; an attempt for that name carrying it is throttled by that device's own
failures, so that guesses from elsewhere cannot lock its owner out.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Sequence

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic import IPvAnyNetwork

from gis.signin import Attempt, device_digest
from service.settings import Settings

DEVICE_COOKIE = "landstock_device"
DAY_S = 24 * 3600


def _trusted(address: str, proxies: Sequence[IPvAnyNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(request: Request, proxies: Sequence[IPvAnyNetwork]) -> str:
    """The peer's address; behind trusted proxies, the nearest X-Forwarded-For hop that is not
    one of them (read from the right: the left part is whatever the client chose to send)."""
    peer = request.client.host if request.client else "unknown"
    if not _trusted(peer, proxies):
        return peer[:64]
    hops = [
        hop.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for hop in header.split(",")
        if hop.strip()
    ]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop[:64]
    return (hops[0] if hops else peer)[:64]


def secure_cookies(settings: Settings) -> bool:
    """Whether cookies are sent over HTTPS only (by default: in production)."""
    secure = settings.auth.cookie_secure
    return secure if secure is not None else settings.app.environment == "production"


def _signer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.app.secret_key.get_secret_value(), salt="landstock.device")


def _device(request: Request, settings: Settings, name: str) -> str | None:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        value = _signer(settings).loads(raw, max_age=settings.auth.device_days * DAY_S)
    except BadSignature:
        return None
    valid = isinstance(value, list) and len(value) == 2 and value[0] == name and isinstance(value[1], str)
    return device_digest(value[1]) if valid else None


def attempt_of(request: Request, settings: Settings, name: str) -> Attempt:
    """The attempt a request makes to sign in as `name`."""
    return Attempt(
        name=name,
        address=client_address(request, settings.auth.trusted_proxies),
        device=_device(request, settings, name),
    )


def remember_device(response: Response, settings: Settings, name: str) -> None:
    """Leave a trusted-device cookie for `name` after a successful sign-in."""
    value = _signer(settings).dumps([name, secrets.token_urlsafe(18)])
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=settings.auth.device_days * DAY_S,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(settings),
    )
