"""One project's page (/projects/{code}): its facts, the dated steps, the follow-ups, the linked
sites on a small map and in a list, the saved shortlist, the review sheets, the numbered joint
review records and the possible duplicates; and, for those who may change projects, the stage,
follow-up, edit and review forms (the outcome for administrators)
(service/web/project_forms.py posts them and re-renders this page when one is refused).

Confidential: anonymous readers are sent to sign in, a park manager reads only the projects
gis/access.py gives them (404 for the others, as for a project that does not exist)."""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from gis import mapdata, projects
from gis import proposals as proposal_pages
from gis.access import ALLOWED, Action, Principal, Role
from gis.gateway.proposals import DEFAULT_DAYS, MAX_DAYS
from gis.gateway.stages import needs_site
from gis.history import changes_of
from gis.models import Project, Unit, User
from gis.pipeline import reviews, sites, timeline
from gis.pipeline.reviews import APPROVED
from gis.pipeline.stages import Stage, allowed, stage_of
from gis.rows import ProjectRow
from gis.vocabulary import FollowUpKind, RecordKind
from maps.project import project_map
from maps.render import render
from service.auth import OptionalUser, csrf_token
from service.dependencies import ReadSession, SettingsDep
from service.i18n import page_language
from service.read_access import sign_in_first, visible_projects
from service.review_sheet import record_dict
from service.settings import Settings
from service.web import history_view
from service.web.edit_fields import FIELDS
from service.web.frame import assets_for, map_look, page

router = APIRouter(include_in_schema=False)

CodePath = Annotated[str, Path(max_length=40)]
INVESTOR_CATEGORIES = (
    "global_500",
    "china_500",
    "private_500",
    "listed",
    "industry_leader",
    "hidden_champion",
    "other",
)
PROJECT_TYPES = ("manufacturing", "producer_services", "other")


def _accounts(session: Session, *roles: Role) -> list[tuple[str, str]]:
    rows = session.execute(
        select(User.name, User.display_name)
        .where(User.role.in_([r.value for r in roles]), User.active.is_(True))
        .order_by(User.name)
    )
    return [(name, f"{shown} ({name})" if shown else name) for name, shown in rows]


def choices(session: Session) -> dict[str, list[tuple[str, str]]]:
    """(value, words) of each choice the forms offer that is not a label group."""
    units = [
        (code, f"{name} ({code})")
        for code, name in session.execute(select(Unit.code, Unit.name).order_by(Unit.code))
    ]
    areas = mapdata.area_choices(session, "park") + mapdata.area_choices(session, "town")
    return {
        "units": units,
        "platforms": areas,
        "leaders": _accounts(session, Role.LEADER),
        "officers": _accounts(session, Role.INVESTMENT, Role.ADMIN),
    }


def _duplicates(session: Session, code: str, who: Principal) -> list[dict[str, Any]]:
    """The marked duplicates of the project that `who` may read."""
    marks = timeline.duplicates_of(session, code)
    readable = set(
        session.scalars(
            select(Project.code).where(
                Project.code.in_([m["code"] for m in marks]), visible_projects(session, who)
            )
        )
    )
    return [m for m in marks if m["code"] in readable]


def _targets(row: ProjectRow) -> list[str]:
    held = stage_of(row["held_at"]) if row["held_at"] else None
    return [s.value for s in allowed(stage_of(row["stage"]), held)]


def _reviews(
    session: Session, settings: Settings, code: str, who: Principal, lang: str, targets: list[str]
) -> dict[str, Any]:
    """The project's review records, and whether moving it to 签约 waits for an approved one."""
    records = reviews.reviews_of(session, code, visible=visible_projects(session, who))
    project = session.scalar(select(Project).where(Project.code == code, Project.deleted_at.is_(None)))
    approved = any(r.outcome in APPROVED for r in records)
    waits = (
        settings.pipeline.config().review_before_signing
        and Stage.SIGNED.value in targets
        and project is not None
        and needs_site(project)
        and not approved
    )
    return {
        "reviews": [record_dict(r, lang) for r in records],
        "review_waits": waits,
        "can_decide": Action.DECIDE_REVIEW in ALLOWED[who.role],
    }


def render_project(
    request: Request,
    session: Session,
    settings: Settings,
    code: str,
    *,
    who: Principal,
    problems: dict[str, str] | None = None,
    typed: dict[str, dict[str, Any]] | None = None,
    status_code: int = 200,
    published: str | None = None,
) -> HTMLResponse:
    """The project's page; a refused form comes back with its message and what was typed; a
    proposal page just published, with its link (shown this once)."""
    lang = page_language(request)
    row = projects.get_project(session, code, visible=visible_projects(session, who))
    linked = sites.as_read_by(sites.linked_sites(session, timeline.project_id(session, code)), who)
    m = project_map(linked, **map_look(settings, lang))
    tier = settings.pipeline.config().tier(row["investment_total_wan"], row["foreign_investment_wusd"])
    targets = _targets(row)
    return page(
        request,
        "project.html",
        {
            "p": row,
            "tier": tier.value if tier else None,
            "steps": timeline.steps(session, code),
            "follow_ups": timeline.follow_ups(session, code),
            "sites": linked,
            "shortlist": [s for s in linked if "shortlist" in s.roles],
            "duplicates": _duplicates(session, code, who),
            "proposals": proposal_pages.of_project(session, timeline.project_id(session, code)),
            "proposal_days": (DEFAULT_DAYS, MAX_DAYS),
            "published": published,
            "map": render(m, assets_for(settings, lang)),
            "can_edit": Action.EDIT_PROJECT in ALLOWED[who.role],
            "can_resolve": Action.RESOLVE_DUPLICATES in ALLOWED[who.role],
            "targets": targets,
            **_reviews(session, settings, code, who, lang, targets),
            "fields": FIELDS["project"],
            "choices": choices(session),
            "investor_category": INVESTOR_CATEGORIES,
            "project_type": PROJECT_TYPES,
            "follow_up_kinds": tuple(FollowUpKind),
            "typed": typed or {},
            "problems": problems or {},
            "csrf": csrf_token(request),
            "user": who,
            "changes": history_view.readable_changes(
                session,
                RecordKind.PROJECT,
                changes_of(session, RecordKind.PROJECT, code),
                frozenset(),
                who,
                lang,
            ),
        },
        status_code=status_code,
    )


@router.get("/projects/{code}", response_class=HTMLResponse)
def project_page(
    request: Request, session: ReadSession, settings: SettingsDep, user: OptionalUser, code: CodePath
) -> HTMLResponse:
    """One project, as its reader may read it, with the forms its reader may use."""
    sign_in_first(request, user)  # anonymous readers go to sign in
    return render_project(request, session, settings, code, who=cast(Principal, user))
