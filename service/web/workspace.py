"""The park manager's workspace: their own parcels and factories, and the attribute and geometry
edit form, on the write gateway's rules (gis.gateway: roles, park scope, versions, history)."""

from __future__ import annotations

from typing import Annotated, Any

import shapely
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, QueryParams

from gis import access, area_change, freshness, mapdata, project_choice, quality
from gis import workspace as workspace_list
from gis.access import Action, Principal
from gis.errors import AreaChangeUnconfirmed, InvalidInput, LandstockError
from gis.gateway import status_steps
from gis.history import changes_of
from gis.labels import CATALOGUES, Text
from gis.status import FactoryStatus, ParcelStatus
from gis.vocabulary import SiteKind
from maps.edit import edit_map
from maps.render import render
from maps.workspace import workspace_map
from service.auth import OptionalUser, csrf_token
from service.dependencies import DatabaseDep, ReadSession, SettingsDep
from service.errors import refused
from service.i18n import page_language
from service.kinds import BY_PLURAL, KINDS, ServedKind, SiteCode, SitePlural
from service.read_access import visible_projects
from service.routes.status_batch import batch_out
from service.settings import Settings
from service.web import history_view
from service.web import workspace_form as list_form
from service.web.edit_fields import CHOICES, FIELDS, changed_fields, geometry_change
from service.web.frame import assets_for, map_look, page

router = APIRouter(include_in_schema=False)

PAGE = list_form.PAGE


def _sign_in(path: str) -> RedirectResponse:
    return RedirectResponse(f"/login?next={path}", status_code=303)


@router.get("/workspace", response_class=HTMLResponse)
def workspace(request: Request, session: ReadSession, settings: SettingsDep, user: OptionalUser) -> Response:
    """The signed-in user's parcels and factories (a park manager's own areas; all for others),
    searched, filtered and sorted as the query string says; htmx asks for the list alone."""
    if user is None:
        return _sign_in("/workspace")
    return render_workspace(request, session, settings, user)


def render_workspace(
    request: Request,
    session: Session,
    settings: Settings,
    user: Principal,
    *,
    problem: str | None = None,
    bulk: dict[str, Any] | None = None,
    params: QueryParams | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The workspace page (or, for htmx, its list): the filters of the query string applied, and
    after a bulk change its outcome (`bulk`) or why it could not be tried (`problem`)."""
    typed = list_form.typed(request.query_params if params is None else params)
    query = list_form.parse(typed, areas := list_form.area_choices(session, user))
    area_ids = user.area_ids if user.scoped else None
    sections = [(kind, *workspace_list.lines(session, kind.name, area_ids, query)) for kind in KINDS.values()]
    rights = access.ALLOWED[user.role]
    context = {
        "user": user,
        "may_edit": Action.EDIT_SITE in rights,
        "may_import": Action.IMPORT in rights,
        "may_change": bool({Action.CHANGE_STATUS, Action.RESERVE} & rights),
        "may_verify": freshness.verifies(user),
        "sections": sections,
        "longest": max(total for *_, total in sections),
        "offset": query.offset,
        "page_size": PAGE,
        "typed": typed,
        "query": list_form.querystring(typed),
        "query_with": lambda **changed: list_form.querystring(typed, **changed),
        "sites_json": list_form.map_features(sections),
        "csrf": csrf_token(request),
    }
    if request.headers.get("HX-Request") and not bulk:
        return page(request, "_workspace_list.html", context, status_code=status_code)
    lang = page_language(request)
    m = workspace_map(list_form.outlines(session, area_ids), **map_look(settings, lang))
    context |= {
        "areas": areas,
        "statuses": list_form.STATUSES,
        "status_groups": list_form.STATUS_GROUPS,
        "parcel_targets": tuple(ParcelStatus),
        "factory_targets": tuple(FactoryStatus),
        "sorts": workspace_list.SORTS,
        "sort_labels": list_form.SORT_LABELS,
        "land_uses": mapdata.land_use_choices(session),
        "bulk": bulk or {},
        "quality_count": sum(quality.counts(session, user).values()),
        "recent": history_view.recent(session, workspace_list.recent_changes(session, area_ids), user, lang),
        "problem": problem,
        "map": render(m, assets_for(settings, lang)),
        "import_words": import_words(lang),
    }
    return page(request, "workspace.html", context, status_code=status_code)


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
    confirm: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The edit form of one record; a refused save shows it again as the reader filled it in
    (their outline too), and a large area change asks for `confirm`ation."""
    lang = page_language(request)
    record = kind.get(session, code)
    typed = values or {}
    outline = typed.get("geometry") or ""
    m = edit_map(
        _drawable(outline) or record["geojson"],
        **map_look(settings, lang),
        input_id="geometry",
        file_id="geometry-file",
    )
    hidden = access.hidden_fields(user, record["park_id"], record["town_id"])
    return page(
        request,
        "edit.html",
        {
            "kind": kind.name,
            "plural": kind.plural,
            "record": record,
            "values": {**record, **typed},
            "outline": outline,
            "confirm": confirm,
            "fields": FIELDS[kind.name],
            "choices": CHOICES,
            "land_uses": mapdata.land_use_choices(session),
            "map": render(m, assets_for(settings, lang)),
            "csrf": csrf_token(request),
            "problem": problem,
            "user": user,
            "history": history_view.readable_changes(
                session, kind.name, changes_of(session, kind.name, code), hidden, user, lang
            ),
        },
        status_code=status_code,
    )


def _drawable(text: str) -> str | None:
    """A kept outline as GeoJSON geometry text for the map, or None when it cannot be read."""
    try:
        shape = geometry_change(text)
    except LandstockError:
        return None
    return None if shape is None else shapely.to_geojson(shape)


def typed_values(kind: str, form: FormData) -> dict[str, Any]:
    """What the reader sent, to fill the form in again: every text as typed, a box unticked as
    False (a form leaves it out), the outline drawn or uploaded."""
    kept: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    for field in FIELDS[kind]:
        if field.kind == "bool":
            kept[field.name] = field.name in form
    return kept


@router.get("/{plural}/{code}/edit", response_class=HTMLResponse)
def edit_page(
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    user: OptionalUser,
    plural: SitePlural,
    code: SiteCode,
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
    plural: SitePlural,
    code: SiteCode,
    form: Annotated[FormData, Depends(form_data)],
) -> Response:
    """Save what changed; a stale version, an illegal value or another park re-renders the form.
    A plain function: waiting for the database's write lock must not stop the event loop."""
    if user is None:
        return _sign_in(f"/{plural}/{code}/edit")
    kind = BY_PLURAL[plural]
    confirmed = form.get("confirm_area") == "1"
    try:
        version = int(str(form.get("version") or "0"))
        with db.read() as session:
            changes = changed_fields(kind.name, form, kind.get(session, code))
        shape = geometry_change(str(form.get("geometry") or ""))
        if shape is not None:
            changes["geometry"] = shape
        if changes:
            with db.write() as session:
                area_change.update(
                    session, kind.name, code, changes, who=user, expected_version=version, confirmed=confirmed
                )
    except AreaChangeUnconfirmed as large:
        lang = page_language(request)
        kept = typed_values(kind.name, form)
        return refused(
            request,
            db,
            large,
            render_edit,
            settings,
            kind,
            code,
            user=user,
            values=kept,
            confirm=large.message(lang),
        )
    except LandstockError as error:
        kept = typed_values(kind.name, form)
        return refused(request, db, error, render_edit, settings, kind, code, user=user, values=kept)
    return RedirectResponse(f"/{plural}/{code}?saved=1", status_code=303)


@router.post("/workspace/status", response_class=HTMLResponse)
def bulk_status(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    user: OptionalUser,
    form: Annotated[FormData, Depends(form_data)],
) -> Response:
    """Move the ticked records (or every record the list's filters select) to one status, each
    through the gateway as if alone; the page lists what changed and what was refused, and why.
    A plain function: each step waits for the database's write lock in the thread pool."""
    if user is None:
        return _sign_in("/workspace")
    typed = {name: str(form.get(name) or "").strip()[:2000] for name in ("status", "project", "note")}
    typed["all_filtered"] = str(form.get("all_filtered") or "")
    filters = str(form.get("filters") or "")[:2000]
    picks = [str(v) for v in form.getlist("pick")]
    lang = page_language(request)
    params = QueryParams(filters)
    try:
        with db.read() as session:
            steps = bulk_steps(session, user, picks, params, all_filtered=typed["all_filtered"] == "1")
            status_steps.check_size(steps)
            project = project_choice.resolve(session, typed["project"], visible_projects(session, user))
        outcomes = status_steps.change_many(
            db, steps, typed["status"], who=user, project=project, note=typed["note"] or None
        )
    except LandstockError as error:
        bulk = {"typed": typed}
        return refused(request, db, error, render_workspace, settings, user, bulk=bulk, params=params)
    answer = batch_out(outcomes, lang)
    bulk = {"typed": typed, **answer.model_dump()}
    with db.read() as session:
        return render_workspace(request, session, settings, user, bulk=bulk, params=params)


def bulk_steps(
    session: Session, user: Principal, picks: list[str], filters: QueryParams, *, all_filtered: bool
) -> list[status_steps.Step]:
    """The records to move: those ticked ("kind:code:version"), or every one the filters select
    (at the version read now)."""
    if all_filtered:
        query = list_form.parse(list_form.typed(filters), list_form.area_choices(session, user))
        area_ids = user.area_ids if user.scoped else None
        return [
            status_steps.Step(kind.name, code, version)
            for kind in KINDS.values()
            for code, version in workspace_list.selected(session, kind.name, area_ids, query)
        ]
    steps = []
    for pick in picks:
        kind, _, rest = pick.partition(":")
        code, _, version = rest.rpartition(":")
        if kind not in tuple(SiteKind) or not code or not version.isdigit():
            raise InvalidInput(
                field=Text("web.workspace.pick"), value=pick[:80], reason=Text("web.error.choice")
            )
        steps.append(status_steps.Step(SiteKind(kind), code, int(version)))
    return steps
