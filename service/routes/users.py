"""/api/users: accounts, roles and the parks a manager looks after (administrators only)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from gis import accounts
from gis.labels import label
from gis.models import User
from service.auth import Admin
from service.dependencies import DatabaseDep, Language, ReadSession

router = APIRouter(prefix="/api/users", tags=["users 用户"])

RoleName = Literal["admin", "investment", "park_manager", "leader"]


class UserIn(BaseModel):
    """A new account."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=60, pattern=r"^[\w.\-@]+$", examples=["kfq_manager"])
    role: RoleName
    password: str = Field(min_length=accounts.MIN_PASSWORD, max_length=200)
    areas: list[Annotated[str, Field(max_length=40)]] = Field(
        default_factory=list, max_length=100, description="Park/zone/town codes a park manager manages")
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
    return UserOut(name=user.name, display_name=user.display_name, role=user.role,  # type: ignore[arg-type]
                   role_label=label("role", user.role, lang), areas=sorted(a.code for a in user.areas),
                   active=user.active)


@router.get("", summary="List users 用户列表")
def list_users(_admin: Admin, session: ReadSession, lang: Language) -> list[UserOut]:
    """Every account."""
    return [_out(u, lang) for u in accounts.list_users(session)]


@router.post("", status_code=201, summary="Add a user 新建用户")
def add_user(body: UserIn, _admin: Admin, db: DatabaseDep, lang: Language) -> UserOut:
    """Create an account; park managers need the parks or towns they manage."""
    with db.write() as session:
        user = accounts.create_user(session, body.name, body.role, body.password, areas=body.areas,
                                    display_name=body.display_name)
        return _out(user, lang)


@router.patch("/{name}", summary="Change a user 修改用户")
def change_user(body: UserPatch, _admin: Admin, db: DatabaseDep, lang: Language,
                name: Annotated[str, Path(max_length=60)]) -> UserOut:
    """Change role, areas, name, password or whether the account is active."""
    with db.write() as session:
        user = accounts.update_user(session, name, **body.model_dump(exclude_unset=True))
        return _out(user, lang)
