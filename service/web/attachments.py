"""The record pages' photo and document forms: upload (a phone offers its camera) and delete,
through the write gateway (gis/gateway/attachments.py); a refusal re-renders the page with why."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from gis import attachments
from gis.access import Principal
from gis.errors import LandstockError
from gis.gateway import attachments as gateway
from service.attachments import uploads
from service.auth import OptionalUser
from service.dependencies import DatabaseDep, SettingsDep
from service.errors import refused
from service.kinds import BY_PLURAL, KINDS, ServedKind, SiteCode, SitePlural
from service.paging import MAX_ROW_ID
from service.settings import Settings
from service.web import pages

router = APIRouter(include_in_schema=False)


def _page_with(
    request: Request,
    session: Session,
    settings: Settings,
    kind: ServedKind,
    code: str,
    *,
    user: Principal | None,
    problem: str | None = None,
    status_code: int = 200,
    **_typed: Any,
) -> HTMLResponse:
    """The record's page with the upload's or delete's refusal beside its files."""
    return pages.render_site(
        request, session, settings, kind, code, user=user, upload_problem=problem, status_code=status_code
    )


@router.post("/{plural}/{code}/attachments")
def upload_form(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    user: OptionalUser,
    plural: SitePlural,
    code: SiteCode,
    files: Annotated[list[UploadFile], File()],
) -> Response:
    """Attach the chosen files to the record, then show its page with them."""
    kind = BY_PLURAL[plural]
    if user is None:
        return RedirectResponse(f"/login?next=/{plural}/{code}", status_code=303)
    try:
        sent = uploads(files, settings.attachments)
        with db.write() as session:
            made = gateway.attach(
                session, kind.name, code, sent, who=user, limits=settings.attachments.limits()
            )
    except LandstockError as error:
        return refused(request, db, error, _page_with, settings, kind, code, user=user)
    return RedirectResponse(f"/{plural}/{code}?uploaded={len(made)}#attachments", status_code=303)


@router.post("/attachments/{attachment_id}/delete")
def delete_form(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    user: OptionalUser,
    attachment_id: Annotated[int, Path(ge=1, le=MAX_ROW_ID)],
) -> Response:
    """Delete one file of a record (softly), then show the record's page."""
    with db.read() as session:
        kind_name, code = attachments.site_of(session, attachment_id)
    kind = KINDS[kind_name]
    if user is None:
        return RedirectResponse(f"/login?next=/{kind.plural}/{code}", status_code=303)
    try:
        with db.write() as session:
            gateway.remove(session, attachment_id, who=user)
    except LandstockError as error:
        return refused(request, db, error, _page_with, settings, kind, code, user=user)
    return RedirectResponse(f"/{kind.plural}/{code}?deleted=1#attachments", status_code=303)
