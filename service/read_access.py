"""Who may read what over HTTP, on the rules of gis/access.py: the public-read setting, the
confidential project pipeline, and the per-account limit on full-inventory exports.

Every GET route names one reader: `InventoryReader` (the inventory: open to anonymous readers
when LANDSTOCK_PUBLIC_READ=inventory, else 401), `PageReader` (the same for web pages, which
send an anonymous reader to /login instead), `ProjectReader` (any signed-in user; 401
otherwise), `ProjectPageReader` (the same for web pages, which send an anonymous reader to
/login) or a stricter role check of service.auth. The reader it yields (None when anonymous)
decides what of each record is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar, cast
from urllib.parse import quote

from fastapi import Depends, FastAPI, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from gis import access, projects, rates
from gis.access import Principal
from gis.errors import NotAuthenticated
from gis.pipeline import reviews
from gis.pipeline.reviews import Record
from service.auth import OptionalUser
from service.dependencies import DatabaseDep, ReadSession, SettingsDep
from service.settings import Settings

EXPORT_WINDOW = dt.timedelta(hours=1)


class SignInRequired(Exception):
    """An anonymous reader asked for a page that needs a signed-in one: off to the login page."""

    def __init__(self, target: str) -> None:
        self.target = target
        super().__init__(target)


def anonymous_may_read(settings: Settings) -> bool:
    """Whether the inventory is open to readers who have not signed in."""
    return settings.read.public_read == "inventory"


async def inventory_reader(user: OptionalUser, settings: SettingsDep) -> Principal | None:
    """The reader of the inventory over the API: anyone, or signed-in users only (401)."""
    if user is None and not anonymous_may_read(settings):
        raise NotAuthenticated()
    return user


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


async def page_reader(request: Request, user: OptionalUser, settings: SettingsDep) -> Principal | None:
    """The reader of an inventory page: anyone, or signed-in users only (else the login page)."""
    if user is None and not anonymous_may_read(settings):
        raise SignInRequired(_here(request))
    return user


async def project_reader(user: OptionalUser) -> Principal:
    """A reader of the project pipeline: any signed-in user (401 otherwise); which projects they
    may read is `visible_projects`."""
    if user is None or not access.reads_projects(user):
        raise NotAuthenticated()
    return user


async def project_page_reader(request: Request, user: OptionalUser) -> Principal:
    """The reader of a page that shows projects: any signed-in user (else the login page)."""
    if user is None or not access.reads_projects(user):
        raise SignInRequired(_here(request))
    return user


InventoryReader = Annotated[Principal | None, Depends(inventory_reader)]
PageReader = Annotated[Principal | None, Depends(page_reader)]
ProjectReader = Annotated[Principal, Depends(project_reader)]
ProjectPageReader = Annotated[Principal, Depends(project_page_reader)]


def sign_in_first(request: Request, user: Principal | None) -> None:
    """Send an anonymous reader of a page that shows projects to the login page."""
    if not access.reads_projects(user):
        raise SignInRequired(_here(request))


Shown = TypeVar("Shown", bound=Mapping[str, Any])


def shown(row: Shown, who: Principal | None) -> Shown:
    """A parcel, factory or area row as `who` may read it: the hidden fields are None (the keys
    stay, so the row keeps its type)."""
    return cast(Shown, access.redact(row, access.hidden_fields(who, row.get("park_id"), row.get("town_id"))))


def visible_projects(session: Session, who: Principal | None) -> ColumnElement[bool]:
    """The condition on projects that `who` may read, for this session's database."""
    return access.readable_projects(who, session.get_bind().dialect.name)


ProjectCode = Annotated[str, Path(max_length=40, description="项目编号", examples=["XM-2026-001"])]


def readable_project(code: ProjectCode, who: ProjectReader, session: ReadSession) -> str:
    """The code of a project `who` may read; 404 for one they may not (as for one that is not)."""
    projects.get_project(session, code, visible=visible_projects(session, who))
    return code


ReadableProject = Annotated[str, Depends(readable_project)]


ReviewNumber = Annotated[
    str,
    Path(
        max_length=40,
        examples=["2026-007"],
        description=(
            "会审编号: the slug 2026-007, or the number as printed, URL-encoded (会审〔2026〕007号)"
        ),
    ),
]


def readable_review(
    code: ProjectCode, number: ReviewNumber, who: ProjectReader, session: ReadSession
) -> Record:
    """A joint review of a project `who` may read; 404 for any other (as for one that is not)."""
    return reviews.get_review(session, code, number, visible=visible_projects(session, who))


ReadableReview = Annotated[Record, Depends(readable_review)]


def take_export(db: DatabaseDep, settings: SettingsDep, who: Principal) -> None:
    """Count one full-inventory export for `who`, committed at once; 429 past the hourly limit."""
    with db.write() as session:
        rates.take(
            session,
            f"export:{who.id}",
            settings.read.export_max_per_hour,
            EXPORT_WINDOW,
            message="error.too_many_exports",
        )


async def _to_login(_request: Request, exc: Exception) -> Response:
    target = exc.target if isinstance(exc, SignInRequired) else "/"
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def install(app: FastAPI) -> None:
    """Send anonymous readers of pages that need a sign-in to the login page."""
    app.add_exception_handler(SignInRequired, _to_login)
