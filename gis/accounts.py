"""Accounts: the one gateway for every change to a user (create, role, areas, name, enabling,
password, API tokens), each checked against the acting principal and kept in the history.

Routes, the CLI and the sample all call these functions; none changes a `User` row itself.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from gis.access import Action, Principal, Role, authorize
from gis.errors import InvalidInput, NotFound
from gis.labels import Text
from gis.models import ApiToken, Area, RecordChange, User, WebSession, utcnow

# OWASP password storage cheat sheet: Argon2id, 19 MiB of memory, 2 iterations, 1 lane.
HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
MIN_PASSWORD = 10
# What the history shows for a password: that it changed, never the hash
MASKED = "******"


def hash_password(password: str) -> str:
    """An Argon2id hash of `password`, refusing passwords that are too short."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("error.weak_password", length=MIN_PASSWORD)
    return HASHER.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_matches(password_hash: str, password: str) -> bool:
    """Whether `password` is the one `password_hash` was made from (a proposal page's, say)."""
    return _verify(password_hash, password)


@functools.cache
def _dummy_hash() -> str:
    return HASHER.hash(secrets.token_urlsafe(16))


def credentials_match(user: User | None, password: str) -> bool:
    """True for an active user and their password. An unknown or disabled name verifies a dummy
    hash instead, so that the answer takes the same Argon2 work and does not tell names apart."""
    if user is None or not user.active:
        _verify(_dummy_hash(), password)
        return False
    return _verify(user.password_hash, password)


def rehash_if_needed(user: User, password: str) -> None:
    """Store a fresh hash when the hasher's parameters have grown since this one was made."""
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)


def principal(user: User) -> Principal:
    """The rules' view of a user."""
    return Principal(
        id=user.id,
        name=user.name,
        role=Role(user.role),
        area_ids=frozenset(a.id for a in user.areas),
        display_name=user.display_name,
        area_names=tuple(sorted(a.name for a in user.areas)),
    )


def get_user(session: Session, name: str) -> User:
    """The user called `name`."""
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound(kind=Text("kind.user"), code=name)
    return user


def list_users(session: Session) -> list[User]:
    """Every user, by name."""
    return list(session.scalars(select(User).order_by(User.name)))


def _areas(session: Session, codes: list[str]) -> list[Area]:
    found = list(session.scalars(select(Area).where(Area.code.in_(codes))))
    missing = set(codes) - {a.code for a in found}
    if missing:
        raise InvalidInput("error.unknown_area", code=sorted(missing)[0])
    return found


def _snapshot(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "display_name": user.display_name,
        "role": user.role,
        "areas": sorted(a.code for a in user.areas),
        "active": user.active,
    }


def _record(session: Session, who: Principal, user: User, action: str, changes: dict[str, list[Any]]) -> None:
    """Append one history entry of `user`; its version counts the account's entries."""
    if not changes:
        return
    session.flush()
    count = (
        session.scalar(select(func.count()).select_from(RecordChange).where(RecordChange.user_id == user.id))
        or 0
    )
    session.add(
        RecordChange(
            user_id=user.id,
            at=utcnow(),
            actor=who.name[:60],
            action=action,
            changes=changes,
            version=count + 1,
        )
    )
    session.flush()


def _differences(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def create_user(
    session: Session,
    who: Principal,
    name: str,
    role: str,
    password: str,
    *,
    areas: list[str] | None = None,
    display_name: str | None = None,
) -> User:
    """Add a user (administrators only); park managers get the parks and towns they manage."""
    authorize(who, Action.MANAGE_USERS)
    name = name.strip()
    if not name or session.scalar(select(User.id).where(User.name == name)) is not None:
        raise InvalidInput("error.user_exists", name=name)
    user = User(
        name=name,
        role=Role(role).value,
        password_hash=hash_password(password),
        display_name=display_name,
        active=True,
        areas=_areas(session, areas or []),
    )
    session.add(user)
    session.flush()
    _record(session, who, user, "create", {**_differences({}, _snapshot(user)), "password": [None, MASKED]})
    return user


def update_user(
    session: Session,
    who: Principal,
    name: str,
    *,
    role: str | None = None,
    areas: list[str] | None = None,
    display_name: str | None = None,
    active: bool | None = None,
    password: str | None = None,
) -> User:
    """Change what is given (administrators only). The last active administrator cannot be
    demoted or disabled; disabling an account or giving it a new password ends its web sessions
    and API tokens, so that enabling it again brings none of them back."""
    authorize(who, Action.MANAGE_USERS)
    user = get_user(session, name)
    demoting = (role is not None and role != Role.ADMIN) or active is False
    if user.role == Role.ADMIN and user.active and demoting and _active_admins(session) <= 1:
        raise InvalidInput("error.last_admin")
    before = _snapshot(user)
    _apply(session, user, role=role, areas=areas, display_name=display_name, active=active)
    changes = _differences(before, _snapshot(user))
    if password is not None:
        user.password_hash = hash_password(password)
        changes["password"] = [MASKED, MASKED]
    if password is not None or "active" in changes:
        revoke_access(session, user)
    _record(session, who, user, "update", changes)
    return user


def _apply(
    session: Session,
    user: User,
    *,
    role: str | None,
    areas: list[str] | None,
    display_name: str | None,
    active: bool | None,
) -> None:
    if role is not None:
        user.role = Role(role).value
    if areas is not None:
        user.areas = _areas(session, areas)
    if display_name is not None:
        user.display_name = display_name
    if active is not None:
        user.active = active


def _active_admins(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(User).where(User.role == Role.ADMIN.value, User.active.is_(True))
        )
        or 0
    )


def revoke_access(session: Session, user: User) -> None:
    """End every web session and API token of `user`."""
    now = utcnow()
    for model in (WebSession, ApiToken):
        session.execute(
            update(model).where(model.user_id == user.id, model.revoked_at.is_(None)).values(revoked_at=now)
        )


def digest(token: str) -> str:
    """The SHA-256 kept in place of a session or API token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _authorize_self_or_admin(who: Principal, user: User) -> None:
    if who.id != user.id:
        authorize(who, Action.MANAGE_USERS)


def issue_token(
    session: Session, who: Principal, user: User, label: str, lifetime: dt.timedelta | None
) -> str:
    """A new bearer token for `user` (by the user or an administrator); only its digest is kept,
    so it is shown once."""
    _authorize_self_or_admin(who, user)
    token = "ls_" + secrets.token_urlsafe(32)
    expires = utcnow() + lifetime if lifetime else None
    session.add(ApiToken(user_id=user.id, label=label[:100], token_hash=digest(token), expires_at=expires))
    _record(session, who, user, "update", {"token": [None, label[:100]]})
    return token


def token_user(session: Session, token: str) -> User | None:
    """The active user a valid, unexpired, unrevoked token belongs to."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    if row.expires_at is not None and row.expires_at <= utcnow():
        return None
    return row.user


def revoke_token(session: Session, who: Principal, user: User, token: str) -> None:
    """Revoke one token of `user` (by the user or an administrator)."""
    _authorize_self_or_admin(who, user)
    row = session.scalar(
        select(ApiToken).where(
            ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.token_hash == digest(token)
        )
    )
    if row is not None:
        row.revoked_at = utcnow()
        _record(session, who, user, "update", {"token": [row.label, None]})


def history(session: Session, name: str) -> list[RecordChange]:
    """Every recorded change of one account, oldest first."""
    user = get_user(session, name)
    return list(
        session.scalars(
            select(RecordChange)
            .where(RecordChange.user_id == user.id)
            .order_by(RecordChange.at, RecordChange.id)
        )
    )


def active_users_with_password(session: Session, password: str) -> list[str]:
    """The names of active accounts whose password is `password` (one Argon2 check each)."""
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
    return [u.name for u in users if _verify(u.password_hash, password)]
