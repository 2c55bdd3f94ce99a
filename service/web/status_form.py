"""The status-change form of the parcel and factory pages, on the service's own status workflow
(`service.sites.change_status`: roles, park scope, transitions, version check, history). The
project is picked by code or name among those the writer may read (gis/project_choice.py); a
refused change shows the form again as it was filled in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from gis import project_choice
from gis.errors import LandstockError
from service.auth import OptionalUser
from service.dependencies import DatabaseDep, SettingsDep
from service.errors import refused
from service.kinds import BY_PLURAL, SiteCode, SitePlural
from service.paging import MAX_ROW_ID
from service.read_access import visible_projects
from service.schemas import StatusChange
from service.sites import change_status
from service.web import pages

router = APIRouter(include_in_schema=False)


@router.post("/{plural}/{code}/status")
def submit_status(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    user: OptionalUser,
    plural: SitePlural,
    code: SiteCode,
    status: Annotated[str, Form(max_length=30)],
    version: Annotated[int, Form(ge=1, le=MAX_ROW_ID)],
    project: Annotated[str, Form(max_length=200)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Apply the form's status change; a stale or refused change re-renders the page with why."""
    kind = BY_PLURAL[plural]
    if user is None:
        return RedirectResponse(f"/login?next=/{plural}/{code}", status_code=303)
    try:
        with db.read() as session:
            chosen = project_choice.resolve(session, project, visible_projects(session, user))
        body = StatusChange(status=status, project=chosen, note=note.strip() or None)
        with db.write() as session:
            change_status(session, kind.name, code, body, user, version)
    except LandstockError as error:
        typed = {"status": status, "project": project, "note": note}
        return refused(request, db, error, pages.render_site, settings, kind, code, user=user, typed=typed)
    return RedirectResponse(f"/{plural}/{code}?changed=1", status_code=303)
