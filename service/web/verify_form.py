"""The one-tap 核实无变化 button of the parcel and factory pages and of the workspace list, on the
write gateway's `verify` (who may keep the status, in their parks; a history entry)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from gis.errors import LandstockError
from gis.gateway import sites as gateway
from service.auth import OptionalUser
from service.dependencies import DatabaseDep, SettingsDep
from service.errors import refused
from service.kinds import BY_PLURAL, SiteCode, SitePlural
from service.paging import MAX_ROW_ID
from service.web import pages

router = APIRouter(include_in_schema=False)


@router.post("/{plural}/{code}/verify")
def submit_verify(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    user: OptionalUser,
    plural: SitePlural,
    code: SiteCode,
    version: Annotated[int | None, Form(ge=1, le=MAX_ROW_ID)] = None,
    back: Annotated[Literal["site", "workspace"], Form()] = "site",
) -> Response:
    """Stamp the record verified, then back to where the button was; a refusal shows the
    record's page with why."""
    kind = BY_PLURAL[plural]
    if user is None:
        return RedirectResponse(f"/login?next=/{plural}/{code}", status_code=303)
    try:
        with db.write() as session:
            gateway.verify(session, kind.name, code, who=user, expected_version=version)
    except LandstockError as error:
        return refused(request, db, error, pages.render_site, settings, kind, code, user=user)
    if back == "workspace":
        return RedirectResponse(f"/workspace?verified={code}", status_code=303)
    return RedirectResponse(f"/{plural}/{code}?verified=1", status_code=303)
