"""/api/projects/{code}/sites and …/shortlist: the parcels and factories tied to a project
(supplied, shortlisted with their score then, reserved), and saving the shortlist a match made.
Confidential like the projects themselves (service/read_access.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from sqlalchemy.orm import Session

from gis.access import Action, Principal
from gis.gateway import shortlist
from gis.labels import label
from gis.pipeline import sites
from gis.pipeline.timeline import project_id
from service.auth import requires
from service.dependencies import DatabaseDep, Language, ReadSession
from service.project_schemas import LinkedSiteOut, ShortlistIn
from service.read_access import ProjectReader, ReadableProject
from service.routes.projects import CHANGE_RESPONSES, READ_RESPONSES

router = APIRouter(prefix="/api/projects", tags=["projects 招商项目"])

CodePath = Annotated[str, Path(max_length=40, description="项目编号", examples=["XM-2026-001"])]
ProjectEditor = Annotated[Principal, requires(Action.EDIT_PROJECT)]


def site_out(site: sites.LinkedSite, lang: str) -> LinkedSiteOut:
    """A linked site as the API answers it."""
    return LinkedSiteOut(
        kind=site.kind,
        code=site.code,
        name=site.name,
        status=site.status,
        status_label=label(f"{site.kind}_status", site.status, lang),
        area_mu=site.area_mu,
        vacant_m2=site.vacant_m2,
        park_name=site.park_name,
        roles=site.roles,  # type: ignore[arg-type]
        score=site.score,
        saved_at=site.saved_at,
        saved_by=site.saved_by,
        taken=site.taken,
        taken_by=site.taken_by,
    )


def sites_read(session: Session, code: str, who: Principal, lang: str) -> list[LinkedSiteOut]:
    """The project's linked sites as `who` may read them."""
    found = sites.as_read_by(sites.linked_sites(session, project_id(session, code)), who)
    return [site_out(s, lang) for s in found]


@router.get("/{code}/sites", summary="Linked sites 关联地块和厂房", responses=READ_RESPONSES)
def linked(
    code: ReadableProject, session: ReadSession, who: ProjectReader, lang: Language
) -> list[LinkedSiteOut]:
    """The parcels and factories supplied to the project, shortlisted for it (with the score they
    had then, flagged when since reserved or supplied for another project) and reserved for it."""
    return sites_read(session, code, who, lang)


@router.post("/{code}/shortlist", responses=CHANGE_RESPONSES, summary="Save the shortlist 保存推荐清单")
def save_shortlist(
    code: CodePath, body: ShortlistIn, db: DatabaseDep, user: ProjectEditor, lang: Language
) -> list[LinkedSiteOut]:
    """Make these sites, with their scores in the match, the project's shortlist (replacing the
    one saved before; the project's history keeps every list). Answers the project's linked sites."""
    picks = [shortlist.Pick(p.code, p.score) for p in body.sites]
    with db.write() as session:
        shortlist.save(session, code, picks, who=user)
        return sites_read(session, code, user, lang)
