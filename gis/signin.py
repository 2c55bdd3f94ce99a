"""Signing in: the brake on password guessing, and server-side web sessions.

Counting the recent failures, checking the password and recording a failure are one atomic
step inside the write transaction. SQLite's write transactions (BEGIN IMMEDIATE) already run
one at a time; on PostgreSQL each attempt first takes a transaction-level advisory lock per key
it is counted under (name and address, or its trusted device), in a fixed order so that two
attempts cannot deadlock, and holds them until it commits its failure. Concurrent guesses for
one name therefore queue, and each sees the failures of those before it.

Trusted devices follow OWASP's "device cookie" pattern: an attempt that carries a device cookie
issued to this name at an earlier successful sign-in is judged only by that device's failures,
so that guesses from elsewhere (or from everyone behind the same proxy or office NAT) cannot
lock its owner out. Attempts without one are counted per name and per address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, delete, func, select, update
from sqlalchemy.orm import Session

from gis import accounts
from gis.errors import TooManyAttempts
from gis.models import LoginFailure, User, WebSession, utcnow


@dataclass(frozen=True)
class Throttle:
    """How many failed sign-ins are tolerated per name, per address and per trusted device
    (as per name), and for how long they count."""

    per_name: int = 5
    per_address: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt: the name tried, the client's address and, when the attempt carries
    a device cookie issued to this name, that device's digest."""

    name: str
    address: str
    device: str | None = None

    @property
    def keys(self) -> list[str]:
        """What the attempt is counted under."""
        if self.device is not None:
            return [f"device:{self.device}"]
        return [f"name:{self.name[:60]}", f"address:{self.address[:64]}"]


def _counted(attempt: Attempt, throttle: Throttle) -> list[tuple[ColumnElement[bool], int]]:
    if attempt.device is not None:
        return [(LoginFailure.device == attempt.device, throttle.per_name)]
    untrusted = LoginFailure.device.is_(None)
    return [
        (and_(untrusted, LoginFailure.name == attempt.name[:60]), throttle.per_name),
        (and_(untrusted, LoginFailure.address == attempt.address[:64]), throttle.per_address),
    ]


def lock_id(key: str) -> int:
    """A signed 64-bit advisory lock number for a throttling key."""
    return int.from_bytes(hashlib.sha256(f"landstock.signin:{key}".encode()).digest()[:8], "big", signed=True)


def _serialise(session: Session, attempt: Attempt) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite: this write transaction already holds the database's only write lock
    for number in sorted(lock_id(key) for key in attempt.keys):
        session.execute(select(func.pg_advisory_xact_lock(number)))


def check_throttle(session: Session, attempt: Attempt, throttle: Throttle) -> None:
    """Refuse an attempt while too many recent ones failed under any of its keys."""
    since = utcnow() - throttle.window
    recent = select(func.count(), func.min(LoginFailure.at)).where(LoginFailure.at >= since)
    for condition, limit in _counted(attempt, throttle):
        count, oldest = session.execute(recent.where(condition)).one()
        if count >= limit:
            wait = (oldest + throttle.window - utcnow()).total_seconds()
            raise TooManyAttempts(retry_after=max(1, int(wait)))


def sign_in(session: Session, attempt: Attempt, password: str, throttle: Throttle) -> User | None:
    """The active user with these credentials, or None after recording the failure; call inside
    a write transaction, which must be committed for the failure to count."""
    _serialise(session, attempt)
    check_throttle(session, attempt, throttle)
    user = session.scalar(select(User).where(User.name == attempt.name))
    # the password is checked first, also for an unknown name: the same work either way
    if not accounts.credentials_match(user, password) or user is None:
        session.add(
            LoginFailure(
                name=attempt.name[:60], address=attempt.address[:64], device=attempt.device, at=utcnow()
            )
        )
        return None
    _forget_failures(session, attempt)
    accounts.rehash_if_needed(user, password)
    return user


def _forget_failures(session: Session, attempt: Attempt) -> None:
    if attempt.device is not None:
        session.execute(delete(LoginFailure).where(LoginFailure.device == attempt.device))
    else:
        session.execute(
            delete(LoginFailure).where(LoginFailure.name == attempt.name[:60], LoginFailure.device.is_(None))
        )


def device_digest(nonce: str) -> str:
    """What a failure keeps of the device cookie it came with."""
    return hashlib.sha256(f"device:{nonce}".encode()).hexdigest()


def start_session(session: Session, user: User, lifetime: dt.timedelta) -> str:
    """A new web session of `user`; the cookie gets the token, the database its digest."""
    now = utcnow()
    session.execute(delete(WebSession).where(WebSession.user_id == user.id, WebSession.expires_at < now))
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            user_id=user.id, token_hash=accounts.digest(token), created_at=now, expires_at=now + lifetime
        )
    )
    return token


def session_user(session: Session, token: str) -> User | None:
    """The active user of an unexpired, unrevoked web session."""
    row = session.scalar(select(WebSession).where(WebSession.token_hash == accounts.digest(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow() or not row.user.active:
        return None
    return row.user


def end_session(session: Session, token: str) -> None:
    """Revoke one web session (signing out)."""
    session.execute(
        update(WebSession)
        .where(WebSession.token_hash == accounts.digest(token), WebSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
