"""The forms of a project's page, each a thin caller of the write gateway: a dated step (with the
sites supplied at 供地), a follow-up, the project's facts (version-checked), an administrator's
answer to a possible duplicate, and the joint reviews (held on a site, the departments' opinions
version-checked, the outcome by administrators). A refused form re-renders the page with the
message and everything that was typed; nothing is written."""

# No `from __future__ import annotations`: FastAPI reads `ProjectPost`'s fields as a dependency.
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from gis.access import Principal
from gis.errors import InvalidInput, LandstockError
from gis.gateway import follow_ups, reviews, stages
from gis.gateway import projects as gateway
from gis.labels import Text
from gis.matching.review import Planned
from gis.pipeline import duplicates
from gis.pipeline.reviews import Department, NewReview, parse_reference, slug_of
from gis.pipeline.stages import Stage
from gis.projects import get_project
from gis.vocabulary import FollowUpKind
from service.auth import OptionalUser
from service.dependencies import DatabaseDep, SettingsDep
from service.errors import status_of
from service.i18n import page_language
from service.web.edit_fields import changed_fields
from service.web.project_page import render_project
from service.web.workspace import form_data

router = APIRouter(include_in_schema=False)

CodePath = Annotated[str, Path(max_length=40)]
Form = Annotated[FormData, Depends(form_data)]
Write = Callable[[Session, Principal], Any]
FOLLOW_UP_TEXT = ("participants", "place", "outcome", "next_step")


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value.strip() or None if isinstance(value, str) else None


def _day(form: FormData, name: str, label: str) -> dt.date | None:
    text = _text(form, name)
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise InvalidInput(field=Text(label), value=text, reason=Text("web.error.format")) from None


def _version(form: FormData) -> int | None:
    text = _text(form, "version")
    return int(text) if text and text.isdigit() else None


def _typed(form: FormData) -> dict[str, Any]:
    """What the reader typed, to put back in the form: lists for the repeated fields."""
    return {k: (form.getlist(k) if k == "sites" else v) for k, v in form.items() if isinstance(v, str)}


def _number(form: FormData, name: str, label: str) -> float | None:
    text = _text(form, name)
    try:
        value = float(text) if text else None
    except ValueError:
        value = math.nan
    if value is not None and not math.isfinite(value):
        raise InvalidInput(field=Text(label), value=text, reason=Text("web.error.format"))
    return value


@dataclass
class ProjectPost:
    """What every form of a project's page brings: the request, who sends it, the project, what
    was typed."""

    request: Request
    db: DatabaseDep
    settings: SettingsDep
    user: OptionalUser
    code: CodePath
    form: Form

    def submit(self, form_name: str, write: Write) -> Response:
        """Run `write` in one transaction; on refusal, the page again with why and what was typed."""
        if self.user is None:
            return RedirectResponse(f"/login?next=/projects/{self.code}", status_code=303)
        try:
            with self.db.write() as session:
                get_project(session, self.code)  # a project that is not there is not there, whatever the form
                write(session, self.user)
        except LandstockError as error:
            with self.db.read() as session:
                return render_project(
                    self.request,
                    session,
                    self.settings,
                    self.code,
                    who=self.user,
                    problems={form_name: error.message(page_language(self.request))},
                    typed={form_name: _typed(self.form)},
                    status_code=status_of(error),
                )
        return RedirectResponse(f"/projects/{self.code}?done={form_name}#{form_name}-card", status_code=303)


Posted = Annotated[ProjectPost, Depends()]


def _move(form: FormData) -> stages.Move:
    try:
        target = Stage(_text(form, "stage") or "")
    except ValueError:
        raise InvalidInput(
            field=Text("field.stage"), value=_text(form, "stage") or "", reason=Text("web.error.format")
        ) from None
    day = _day(form, "day", "field.day")
    if day is None:
        raise InvalidInput(field=Text("field.day"), value="", reason=Text("web.error.format"))
    named = [c for c in form.getlist("sites") if isinstance(c, str) and c.strip()]
    other = [c.strip() for c in (_text(form, "other_sites") or "").replace("，", ",").split(",") if c.strip()]
    return stages.Move(target, day, _text(form, "note"), [*named, *other], _version(form))


@router.post("/projects/{code}/stage")
def submit_stage(post: Posted) -> Response:
    """Move the project one dated step, with the sites supplied at 供地."""
    config = post.settings.pipeline.config()
    return post.submit(
        "stage", lambda s, who: stages.step(s, post.code, _move(post.form), who=who, config=config)
    )


def _follow_up(form: FormData) -> dict[str, Any]:
    kind = _text(form, "kind")
    values: dict[str, Any] = {
        "kind": kind,
        "day": _day(form, "day", "field.day"),
        "next_on": _day(form, "next_on", "project.field.next_on"),
        **{k: _text(form, k) for k in FOLLOW_UP_TEXT},
    }
    if kind == FollowUpKind.LEADER_VISIT:
        values["leader"] = _text(form, "leader")
    return values


@router.post("/projects/{code}/follow-ups")
def submit_follow_up(post: Posted) -> Response:
    """Add a dated follow-up."""
    return post.submit(
        "follow_up", lambda s, who: follow_ups.add(s, post.code, _follow_up(post.form), who=who)
    )


def _edit(session: Session, code: str, form: FormData, who: Principal) -> None:
    # a field the form does not send is left as it is (an unticked box sends nothing: it is off)
    record = get_project(session, code)
    changes = {
        k: v
        for k, v in changed_fields("project", form, record).items()
        if k in form or isinstance(record.get(k), bool)
    }
    if changes:
        gateway.update(session, code, changes, who=who, expected_version=_version(form))


@router.post("/projects/{code}/edit")
def submit_edit(post: Posted) -> Response:
    """Save the facts that changed, if the project is still at the version the form was read at."""
    return post.submit("edit", lambda s, who: _edit(s, post.code, post.form, who))


@router.post("/projects/{code}/duplicates/{other}/{answer}")
def submit_duplicate(
    post: Posted, other: CodePath, answer: Annotated[str, Path(pattern="^(merge|distinct)$")]
) -> Response:
    """An administrator's answer: merge the other project into this one, or mark them distinct."""

    def write(session: Session, who: Principal) -> Any:
        if answer == "merge":
            return duplicates.merge(session, other, post.code, who=who)
        return duplicates.resolve_distinct(session, post.code, other, who=who)

    return post.submit("duplicates", write)


def _new_review(code: str, form: FormData) -> NewReview:
    # a code typed wins over the site picked from the project's own sites
    site = _text(form, "other_site") or _text(form, "site") or ""
    planned = Planned(
        *(
            _number(form, name, f"field.{name}")
            for name in ("plot_ratio", "building_coefficient", "office_share")
        )
    )
    return NewReview(code, site.replace("＋", "+"), planned, _day(form, "held_on", "field.held_on"))


@router.post("/projects/{code}/reviews")
def submit_review(post: Posted) -> Response:
    """Hold a joint review of the project on a site: numbered, dated, its sheet kept."""
    config, match = post.settings.review_config(), post.settings.match_config()

    def write(session: Session, who: Principal) -> Any:
        return reviews.create(session, _new_review(post.code, post.form), who=who, config=config, match=match)

    return post.submit("review", write)


def _review_form(number: str, kind: str) -> str:
    """The form's name on the page: opinions-2026-007, outcome-2026-007."""
    return f"{kind}-{slug_of(*parse_reference(number))}"


def _opinions(form: FormData) -> dict[str, dict[str, Any]]:
    """Each department's row as typed; a blank field clears what was there."""
    return {
        d.value: {
            "opinion": _text(form, f"{d}.opinion"),
            "signatory": _text(form, f"{d}.signatory"),
            "signed_on": _day(form, f"{d}.signed_on", "field.opinion_signed_on"),
        }
        for d in Department
    }


@router.post("/projects/{code}/reviews/{number}/opinions")
def submit_opinions(post: Posted, number: CodePath) -> Response:
    """The five departments' opinions, if the review is still at the version the form was read at."""
    form = post.form
    return post.submit(
        _review_form(number, "opinions"),
        lambda s, who: reviews.record_opinions(
            s, post.code, number, _opinions(form), who=who, expected_version=_version(form)
        ),
    )


@router.post("/projects/{code}/reviews/{number}/outcome")
def submit_outcome(post: Posted, number: CodePath) -> Response:
    """An administrator's outcome: 通过, 有条件通过 with the conditions, 不通过 with the reasons."""
    form = post.form
    return post.submit(
        _review_form(number, "outcome"),
        lambda s, who: reviews.decide(
            s,
            post.code,
            number,
            _text(form, "outcome") or "",
            _text(form, "outcome_note"),
            who=who,
            expected_version=_version(form),
        ),
    )
