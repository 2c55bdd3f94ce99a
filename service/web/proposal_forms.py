"""The 推介页 forms of a project's page, thin callers of gis/gateway/proposals.py: publish one
(the page then shows its link, once: only the link's digest is kept, so it cannot be shown
again) and revoke one. A refused form re-renders the page with the message and what was typed."""

# No `from __future__ import annotations`: FastAPI reads the annotations of the routes.
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from gis.errors import InvalidInput, LandstockError
from gis.gateway import proposals as gateway
from gis.projects import get_project
from service.auth import OptionalUser
from service.dependencies import DatabaseDep, SettingsDep
from service.errors import status_of
from service.i18n import page_language
from service.web.project_page import render_project
from service.web.workspace import form_data

router = APIRouter(include_in_schema=False)

CodePath = Annotated[str, Path(max_length=40)]
Form = Annotated[FormData, Depends(form_data)]
FORM = "proposal"


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _new(form: FormData) -> gateway.NewProposal:
    days = _text(form, "days") or str(gateway.DEFAULT_DAYS)
    if not days.isdigit():
        raise InvalidInput("proposal.error.days", limit=gateway.MAX_DAYS)
    password = form.get("password")
    return gateway.NewProposal(
        title=_text(form, "title"),
        language=_text(form, "language") or "zh",
        password=password if isinstance(password, str) and password else None,
        days=int(days[:4]),
        sites=[s for s in form.getlist("sites") if isinstance(s, str) and s],
    )


def _typed(form: FormData) -> dict[str, object]:
    """What was typed, to put back (never the password)."""
    return {
        **{
            k: v
            for k, v in form.items()
            if isinstance(v, str) and k not in ("password", "sites", "csrf_token")
        },
        "sites": form.getlist("sites"),
    }


@router.post("/projects/{code}/proposals")
def publish_form(
    request: Request, db: DatabaseDep, settings: SettingsDep, user: OptionalUser, code: CodePath, form: Form
) -> Response:
    """Publish a proposal page; the project's page comes back with its link, shown this once."""
    if user is None:
        return RedirectResponse(f"/login?next=/projects/{code}", status_code=303)
    try:
        with db.write() as session:
            get_project(session, code)
            _proposal, token = gateway.publish(session, code, _new(form), who=user)
    except LandstockError as error:
        with db.read() as session:
            return render_project(
                request,
                session,
                settings,
                code,
                who=user,
                problems={FORM: error.message(page_language(request))},
                typed={FORM: _typed(form)},
                status_code=status_of(error),
            )
    with db.read() as session:
        response = render_project(
            request, session, settings, code, who=user, published=f"{request.base_url}p/{token}"
        )
    response.headers["Cache-Control"] = "private, no-store"  # the page holds the link once
    return response


@router.post("/projects/{code}/proposals/{proposal_id}/revoke")
def revoke_form(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    user: OptionalUser,
    code: CodePath,
    proposal_id: Annotated[int, Path(ge=1)],
) -> Response:
    """Revoke a proposal page at once."""
    if user is None:
        return RedirectResponse(f"/login?next=/projects/{code}", status_code=303)
    try:
        with db.write() as session:
            get_project(session, code)
            gateway.revoke(session, code, proposal_id, who=user)
    except LandstockError as error:
        with db.read() as session:
            return render_project(
                request,
                session,
                settings,
                code,
                who=user,
                problems={FORM: error.message(page_language(request))},
                status_code=status_of(error),
            )
    return RedirectResponse(f"/projects/{code}?done=proposal-revoked#proposals", status_code=303)
