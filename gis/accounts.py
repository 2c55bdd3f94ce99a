"""Accounts: users, Argon2 password hashes, API tokens and the brake on password guessing."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from gis.access import Principal, Role
from gis.errors import InvalidInput, NotFound, TooManyAttempts
from gis.labels import Text
from gis.models import ApiToken, Area, LoginFailure, User, utcnow

# OWASP password storage cheat sheet: Argon2id, 19 MiB of memory, 2 iterations, 1 lane.
HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
MIN_PASSWORD = 10


@dataclass(frozen=True)
class Throttle:
    """How many failed sign-ins are tolerated per user name and per address, and for how long."""

    per_name: int = 5
    per_address: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)


def hash_password(password: str) -> str:
    """An Argon2id hash of `password`, refusing passwords that are too short."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("error.weak_password", length=MIN_PASSWORD)
    return HASHER.hash(password)


def password_matches(user: User, password: str) -> bool:
    """Check `password` against the user's hash, in constant time."""
    try:
        return HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def principal(user: User) -> Principal:
    """The rules' view of a user."""
    return Principal(id=user.id, name=user.name, role=Role(user.role),
                     area_ids=frozenset(a.id for a in user.areas), display_name=user.display_name)


def get_user(session: Session, name: str) -> User:
    """The user called `name`."""
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound(kind=Text("kind.user"), code=name)
    return user


def _areas(session: Session, codes: list[str]) -> list[Area]:
    found = list(session.scalars(select(Area).where(Area.code.in_(codes))))
    missing = set(codes) - {a.code for a in found}
    if missing:
        raise InvalidInput("error.unknown_area", code=sorted(missing)[0])
    return found


def create_user(session: Session, name: str, role: str, password: str, *, areas: list[str] | None = None,
                display_name: str | None = None) -> User:
    """Add a user; park managers get the parks and towns they manage."""
    name = name.strip()
    if not name or session.scalar(select(User.id).where(User.name == name)) is not None:
        raise InvalidInput("error.user_exists", name=name)
    user = User(name=name, role=Role(role).value, password_hash=hash_password(password),
                display_name=display_name, active=True, areas=_areas(session, areas or []))
    session.add(user)
    session.flush()
    return user


def update_user(session: Session, name: str, *, role: str | None = None, areas: list[str] | None = None,
                display_name: str | None = None, active: bool | None = None,
                password: str | None = None) -> User:
    """Change what is given; the last active administrator cannot be demoted or disabled."""
    user = get_user(session, name)
    demoting = (role is not None and role != Role.ADMIN) or active is False
    if user.role == Role.ADMIN and user.active and demoting and _active_admins(session) <= 1:
        raise InvalidInput("error.last_admin")
    if role is not None:
        user.role = Role(role).value
    if areas is not None:
        user.areas = _areas(session, areas)
    if display_name is not None:
        user.display_name = display_name
    if active is not None:
        user.active = active
    if password is not None:
        user.password_hash = hash_password(password)
        revoke_tokens(session, user)
    session.flush()
    return user


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.ADMIN.value, User.active.is_(True))) or 0


def list_users(session: Session) -> list[User]:
    """Every user, by name."""
    return list(session.scalars(select(User).order_by(User.name)))


def check_throttle(session: Session, name: str, address: str, throttle: Throttle) -> None:
    """Refuse a sign-in attempt while too many recent ones failed for this name or address."""
    since = utcnow() - throttle.window
    recent = select(func.count(), func.min(LoginFailure.at)).where(LoginFailure.at >= since)
    for column, value, limit in ((LoginFailure.name, name, throttle.per_name),
                                 (LoginFailure.address, address, throttle.per_address)):
        count, oldest = session.execute(recent.where(column == value)).one()
        if count >= limit:
            wait = (oldest + throttle.window - utcnow()).total_seconds()
            raise TooManyAttempts(retry_after=max(1, int(wait)))


def sign_in(session: Session, name: str, password: str, address: str, throttle: Throttle) -> User | None:
    """The active user with these credentials, or None after recording the failure."""
    check_throttle(session, name, address, throttle)
    user = session.scalar(select(User).where(User.name == name))
    if user is not None and user.active and password_matches(user, password):
        session.execute(delete(LoginFailure).where(LoginFailure.name == name))
        if HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = HASHER.hash(password)
        return user
    session.add(LoginFailure(name=name[:60], address=address[:64], at=utcnow()))
    return None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User, label: str, lifetime: dt.timedelta | None) -> str:
    """A new bearer token for `user`; only its digest is kept, so it is shown once."""
    token = "ls_" + secrets.token_urlsafe(32)
    expires = utcnow() + lifetime if lifetime else None
    session.add(ApiToken(user_id=user.id, label=label[:100], token_hash=_digest(token), expires_at=expires))
    session.flush()
    return token


def token_user(session: Session, token: str) -> User | None:
    """The active user a valid, unexpired, unrevoked token belongs to."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    if row.expires_at is not None and row.expires_at <= utcnow():
        return None
    return row.user


def revoke_tokens(session: Session, user: User, token: str | None = None) -> None:
    """Revoke one token of `user`, or all of them."""
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if token is not None:
        query = query.where(ApiToken.token_hash == _digest(token))
    for row in session.scalars(query):
        row.revoked_at = utcnow()


def session_fingerprint(user: User) -> str:
    """Changes whenever the password does, so that a new password ends every old web session."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]
