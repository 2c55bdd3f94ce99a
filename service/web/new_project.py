"""The new-project form (新建项目): every fact POST /api/projects takes, chosen from the reference
tables where there are some, saved through the write gateway (gis/gateway/projects.py).

Before a project is saved, the gateway's duplicate check runs in the same transaction: when the
investor already has an active project (the logic of POST /api/projects/duplicates), nothing is
written and the form shows those projects and their units and asks to confirm; saving anyway
creates the project, and the gateway marks both as possible duplicates. A refused save shows the
form again with everything typed and the reason. Investment staff and administrators only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from gis import mapdata
from gis.access import Principal
from gis.errors import LandstockError
from gis.gateway import projects as gateway
from gis.gateway.projects import InvestorCategory, ProjectType
from gis.labels import label, message
from gis.pipeline.stages import FORWARD
from service.auth import OptionalUser, csrf_token
from service.dependencies import DatabaseDep, ReadSession
from service.errors import refused
from service.i18n import page_language
from service.web.edit_fields import Field, typed_value
from service.web.error_page import error_page
from service.web.frame import page
from service.web.projects import choices, may_create
from service.web.workspace import form_data

router = APIRouter(include_in_schema=False)


def _f(name: str, kind: str, options: str = "", required: bool = False) -> tuple[Field, bool]:
    return Field(name, kind, f"field.{name}", options), required


# The form's sections, each a list of (field, required); `choices` names the list a choice takes
SECTIONS: dict[str, tuple[tuple[Field, bool], ...]] = {
    "basics": (
        _f("code", "text", required=True),
        _f("name", "text", required=True),
        _f("industry_code", "choice", "industries", True),
        _f("investor", "text"),
        _f("credit_code", "text"),
        _f("investor_category", "choice", "investor_category"),
        _f("project_type", "choice", "project_type"),
        _f("contact", "text"),
        _f("remarks", "textarea"),
    ),
    "investment": tuple(_f(name, "number") for name in gateway.INVESTMENT_FIGURES),
    "needs": (
        *(_f(name, "number") for name in gateway.NEED_FIGURES),
        _f("nuisance_class", "choice", "nuisance"),
        _f("needs_waterfront", "bool"),
        _f("preferred_areas", "areas"),
    ),
    "people": (
        _f("source_unit", "choice", "units"),
        _f("platform", "choice", "platforms"),
        _f("leader", "choice", "leaders"),
        _f("officer", "choice", "officers"),
        _f("agreed_start_on", "date"),
    ),
    "entry": (
        _f("stage", "choice", "stages"),
        _f("stage_since", "date"),
        _f("signed_on", "date"),
        _f("started_on", "date"),
    ),
}
FIELDS = [field for section in SECTIONS.values() for field, _ in section]
INTEGERS = {"nuisance_class"}


class Unconfirmed(Exception):
    """The investor already has active projects, and the writer has not confirmed: undo the save."""

    def __init__(self, found: list[dict[str, Any]]) -> None:
        self.found = found
        super().__init__(f"{len(found)} possible duplicates")


def form_choices(session: Session, lang: str) -> dict[str, list[tuple[str, str]]]:
    """(value, words) of every choice of the form, in the reader's language."""
    lists = choices(session)
    return {
        "industries": [(c, f"{c} {n}") for c, n in lists["industries"]],
        "units": lists["units"],
        "platforms": lists["parks"] + lists["towns"],
        "leaders": lists["leaders"],
        "officers": mapdata.people_choices(session, ("investment", "admin")),
        "investor_category": [(c.value, label("investor_category", c.value, lang)) for c in InvestorCategory],
        "project_type": [(c.value, label("project_type", c.value, lang)) for c in ProjectType],
        "nuisance": [(str(n), message(f"nuisance.{n}", lang)) for n in (1, 2, 3)],
        "stages": [(s.value, label("project_stage", s.value, lang)) for s in FORWARD],
        "areas": lists["parks"] + lists["towns"],
    }


def render_form(
    request: Request,
    session: Session,
    user: Principal,
    *,
    typed: dict[str, Any] | None = None,
    problem: str | None = None,
    duplicates: list[dict[str, Any]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The form, empty or as typed, with the reason of a refusal or the duplicates to confirm."""
    lang = page_language(request)
    lists = form_choices(session, lang)
    units = dict(lists["units"])
    return page(
        request,
        "new_project.html",
        {
            "sections": SECTIONS,
            "lists": lists,
            "typed": typed or {"stage": "lead"},
            "problem": problem,
            "duplicates": [
                {**d, "unit_name": units.get(d["source_unit"] or "", d["source_unit"])}
                for d in duplicates or []
            ],
            "csrf": csrf_token(request),
            "user": user,
        },
        status_code=status_code,
    )


def _writer(request: Request, user: Principal | None) -> Principal | Response:
    """The reader if they may enter projects; else where they go: to sign in, or a 403 page."""
    if user is None:
        return RedirectResponse("/login?next=/projects/new", status_code=303)
    if not may_create(user):
        lang = page_language(request)
        return error_page(request, 403, message("http.403", lang), message("web.new_project.forbidden", lang))
    return user


@router.get("/projects/new", response_class=HTMLResponse)
def new_project_page(request: Request, session: ReadSession, user: OptionalUser) -> Response:
    """The empty form."""
    writer = _writer(request, user)
    if isinstance(writer, Response):
        return writer
    return render_form(request, session, writer)


def typed_form(form: FormData) -> dict[str, Any]:
    """What was typed, as text (areas as a list), to show again."""
    typed: dict[str, Any] = {f.name: str(form.get(f.name) or "") for f in FIELDS if f.kind != "areas"}
    typed["preferred_areas"] = [str(v) for v in form.getlist("preferred_areas") if v]
    typed["needs_waterfront"] = "needs_waterfront" in form
    return typed


def project_values(typed: dict[str, Any]) -> dict[str, Any]:
    """The facts to enter: each filled field typed as the gateway takes it (empty ones left out)."""
    values: dict[str, Any] = {}
    for field in FIELDS:
        raw = typed.get(field.name)
        if field.kind in ("areas", "bool"):
            value = raw or None
        elif field.kind in ("number", "date"):
            value = typed_value(field, raw)
        else:  # text, and the value of a choice
            as_text = Field(field.name, "integer" if field.name in INTEGERS else "text", field.label)
            value = typed_value(as_text, raw)
        if value is not None:
            values[field.name] = value
    return values


@router.post("/projects/new")
def save_new_project(
    request: Request, db: DatabaseDep, user: OptionalUser, form: Annotated[FormData, Depends(form_data)]
) -> Response:
    """Enter the project and go to its page; or the form again, with the duplicates to confirm or
    the reason it was refused. A plain function: waiting for the write lock must not stop the loop."""
    writer = _writer(request, user)
    if isinstance(writer, Response):
        return writer
    typed = typed_form(form)
    confirmed = form.get("confirm") == "duplicates"
    try:
        values = project_values(typed)
        with db.write() as session:
            row = gateway.create(session, values, who=writer)
            if row["possible_duplicates"] and not confirmed:
                raise Unconfirmed(row["possible_duplicates"])
    except Unconfirmed as ask:
        with db.read() as session:
            return render_form(request, session, writer, typed=typed, duplicates=ask.found)
    except LandstockError as error:
        return refused(request, db, error, render_form, writer, typed=typed)
    return RedirectResponse(f"/projects/{row['code']}", status_code=303)
