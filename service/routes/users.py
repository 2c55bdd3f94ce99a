"""/api/users: accounts, roles and the parks a manager looks after (administrators only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from gis import accounts
from gis.access import Role
from gis.labels import label
from gis.models import User
from service.auth import Admin, CurrentUser
from service.dependencies import DatabaseDep, Language, ReadSession
from service.schemas import History, HistoryEntry

router = APIRouter(prefix="/api/users", tags=["users 用户"])

RoleName = Role
UserName = Annotated[str, Path(max_length=60, description="Sign-in name")]


class UserIn(BaseModel):
    """A new account."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=60, pattern=r"^[\w.\-@]+$", examples=["kfq_manager"])
    role: RoleName
    password: str = Field(min_length=accounts.MIN_PASSWORD, max_length=200)
    areas: list[Annotated[str, Field(max_length=40)]] = Field(
        default_factory=list, max_length=100, description="Park/zone/town codes a park manager manages"
    )
    display_name: str | None = Field(default=None, max_length=100)


class UserPatch(BaseModel):
    """Changes to an account; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    role: RoleName | None = None
    areas: list[Annotated[str, Field(max_length=40)]] | None = Field(default=None, max_length=100)
    display_name: str | None = Field(default=None, max_length=100)
    active: bool | None = None
    password: str | None = Field(default=None, min_length=accounts.MIN_PASSWORD, max_length=200)


class UserOut(BaseModel):
    """An account, without its password hash."""

    name: str
    display_name: str | None
    role: RoleName
    role_label: str
    areas: list[str]
    active: bool


def _out(user: User, lang: str) -> UserOut:
    return UserOut(
        name=user.name,
        display_name=user.display_name,
        role=user.role,  # type: ignore[arg-type]
        role_label=label("role", user.role, lang),
        areas=sorted(a.code for a in user.areas),
        active=user.active,
    )


@router.get("", summary="List users 用户列表")
def list_users(_admin: Admin, session: ReadSession, lang: Language) -> list[UserOut]:
    """Every account."""
    return [_out(u, lang) for u in accounts.list_users(session)]


@router.post("", status_code=201, summary="Add a user 新建用户")
def add_user(body: UserIn, who: CurrentUser, db: DatabaseDep, lang: Language) -> UserOut:
    """Create an account (administrators); park managers need the parks or towns they manage."""
    with db.write() as session:
        user = accounts.create_user(
            session,
            who,
            body.name,
            body.role,
            body.password,
            areas=body.areas,
            display_name=body.display_name,
        )
        return _out(user, lang)


@router.patch("/{name}", summary="Change a user 修改用户")
def change_user(
    body: UserPatch, who: CurrentUser, db: DatabaseDep, lang: Language, name: UserName
) -> UserOut:
    """Change role, areas, name, password or whether the account is active (administrators).
    Disabling an account or setting its password ends its web sessions and API tokens."""
    with db.write() as session:
        user = accounts.update_user(session, who, name, **body.model_dump(exclude_unset=True))
        return _out(user, lang)


@router.get("/{name}/history", summary="History of an account 用户变更历史")
def user_history(_admin: Admin, session: ReadSession, lang: Language, name: UserName) -> History:
    """Every change of the account, oldest first: who, when, each field before and after (a new
    password shows as changed, never its value)."""
    entries = [
        HistoryEntry(
            at=r.at,
            actor=r.actor,
            action=r.action,  # type: ignore[arg-type]
            action_label=label("history", r.action, lang),
            version=r.version,
            changes=r.changes,
        )
        for r in accounts.history(session, name)
    ]
    return History(code=name, entries=entries)
