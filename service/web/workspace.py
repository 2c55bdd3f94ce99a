"""The park manager's workspace: their own parcels and factories, and the attribute and geometry
edit form, on the write gateway's rules (gis.gateway: roles, park scope, versions, history)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from gis import access, freshness, mapdata, quality
from gis.access import Action, Principal
from gis.errors import LandstockError
from gis.gateway import sites as gateway
from gis.history import changes_of
from gis.labels import CATALOGUES
from maps.edit import edit_map
from maps.render import render
from service.auth import OptionalUser, csrf_token
from service.dependencies import DatabaseDep, ReadSession, SettingsDep
from service.errors import refused
from service.i18n import page_language
from service.kinds import BY_PLURAL, KINDS, ServedKind
from service.settings import Settings
from service.web.edit_fields import CHOICES, FIELDS, changed_fields, geometry_change
from service.web.frame import assets_for, map_look, page

router = APIRouter(include_in_schema=False)

PAGE = 50
Plural = Annotated[str, Path(pattern="^(parcels|factories)$")]
Code = Annotated[str, Path(max_length=40)]


def _sign_in(path: str) -> RedirectResponse:
    return RedirectResponse(f"/login?next={path}", status_code=303)


@router.get("/workspace", response_class=HTMLResponse)
def workspace(
    request: Request,
    session: ReadSession,
    user: OptionalUser,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """The signed-in user's parcels and factories (a park manager's own areas; all for others)."""
    if user is None:
        return _sign_in("/workspace")
    areas = user.area_ids if user.scoped else None
    sections = [
        (kind, *mapdata.sites_in_areas(session, kind.name, areas, limit=PAGE, offset=offset))
        for kind in KINDS.values()
    ]
    return page(
        request,
        "workspace.html",
        {
            "user": user,
            "may_edit": Action.EDIT_SITE in access.ALLOWED[user.role],
            "may_import": Action.IMPORT in access.ALLOWED[user.role],
            "sections": sections,
            "longest": max(total for *_, total in sections),
            "offset": offset,
            "page_size": PAGE,
            "csrf": csrf_token(request),
            "import_words": import_words(page_language(request)),
            "may_verify": freshness.verifies(user),
            "quality_count": sum(quality.counts(session, user).values()),
        },
    )


def import_words(lang: str) -> dict[str, str]:
    """The words the import form's script shows (service/static/landstock/import.js)."""
    keys = (
        "accepted",
        "checked",
        "refused",
        "counts",
        "uploading",
        "checking",
        "failed",
        "row",
        "outcome",
        "messages",
        "rejected",
        "repaired",
    )
    words = {k: CATALOGUES[lang][f"web.import.{k}"] for k in keys}
    return {**words, "code": CATALOGUES[lang]["field.code"]}


def render_edit(
    request: Request,
    session: Session,
    settings: Settings,
    kind: ServedKind,
    code: str,
    *,
    user: Principal,
    problem: str | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The edit form of one record, with the reader's values kept when a save is refused."""
    lang = page_language(request)
    record = kind.get(session, code)
    m = edit_map(
        record["geojson"],
        **map_look(settings, lang),
        input_id="geometry",
        file_id="geometry-file",
    )
    return page(
        request,
        "edit.html",
        {
            "kind": kind.name,
            "plural": kind.plural,
            "record": record,
            "values": {**record, **(values or {})},
            "fields": FIELDS[kind.name],
            "choices": CHOICES,
            "land_uses": mapdata.land_use_choices(session),
            "map": render(m, assets_for(settings, lang)),
            "csrf": csrf_token(request),
            "problem": problem,
            "user": user,
            "history": changes_of(session, kind.name, code),
        },
        status_code=status_code,
    )


@router.get("/{plural}/{code}/edit", response_class=HTMLResponse)
def edit_page(
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    user: OptionalUser,
    plural: Plural,
    code: Code,
) -> Response:
    """The attribute and geometry form of a parcel or factory, to those who may edit it: others
    get the gateway's refusal (their role, or a record outside their parks) before any form."""
    if user is None:
        return _sign_in(f"/{plural}/{code}/edit")
    kind = BY_PLURAL[plural]
    row = kind.get(session, code)
    access.authorize(user, Action.EDIT_SITE)
    access.check_scope(user, code, row["park_id"], row["town_id"])
    return render_edit(request, session, settings, kind, code, user=user)


async def form_data(request: Request) -> FormData:
    """The posted form, read without blocking; the route that uses it runs in the thread pool."""
    return await request.form()


@router.post("/{plural}/{code}/edit")
def save_edit(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    user: OptionalUser,
    plural: Plural,
    code: Code,
    form: Annotated[FormData, Depends(form_data)],
) -> Response:
    """Save what changed; a stale version, an illegal value or another park re-renders the form.
    A plain function: waiting for the database's write lock must not stop the event loop."""
    if user is None:
        return _sign_in(f"/{plural}/{code}/edit")
    kind = BY_PLURAL[plural]
    try:
        version = int(str(form.get("version") or "0"))
        with db.read() as session:
            changes = changed_fields(kind.name, form, kind.get(session, code))
        shape = geometry_change(str(form.get("geometry") or ""))
        if shape is not None:
            changes["geometry"] = shape
        if changes:
            with db.write() as session:
                gateway.update(session, kind.name, code, changes, who=user, expected_version=version)
    except LandstockError as error:
        kept = {k: v for k, v in form.items() if isinstance(v, str)}
        return refused(request, db, error, render_edit, settings, kind, code, user=user, values=kept)
    return RedirectResponse(f"/{plural}/{code}?saved=1", status_code=303)
